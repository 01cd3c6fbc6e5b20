/**
 * Bad input, each mapped to its error code, and a check that errors never leak: the message and details of an
 * error must not depend on the secret content of the input (the same mistake made on two different backups gives
 * the same message, apart from the one suggested word), and never contain the secret's hex or a run of input words.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import type { KeyshardErrorCode } from '../../core/errors';
import { KeyshardError } from '../../core/errors';
import type { GroupSpec, Slip39Share } from '../../core/slip39/index';
import { WORDLIST, combineMnemonics, decodeShare, encodeShare, splitMasterSecret } from '../../core/slip39/index';
import { createChecksum } from '../../core/slip39/rs1024';
import { wordIndex } from '../../core/slip39/wordlist';
import { nodePbkdf2, seededRandom, toHex } from './slip39-helpers';

interface Backup {
  secret: Uint8Array;
  groups: string[][];
}

function backup(seed: number, opts: { length?: number; groupThreshold?: number; groups?: GroupSpec[]; e?: number; extendable?: boolean } = {}): Backup {
  const secret = seededRandom(`secret${seed}`.length + seed * 7919)(opts.length ?? 16);
  const groups = splitMasterSecret(secret, {
    groupThreshold: opts.groupThreshold ?? 2,
    groups: opts.groups ?? [{ threshold: 2, count: 3 }, { threshold: 3, count: 5 }, { threshold: 1, count: 1 }],
    iterationExponent: opts.e ?? 0,
    extendable: opts.extendable ?? true,
    random: seededRandom(seed),
    pbkdf2: nodePbkdf2,
  });
  return { secret, groups };
}

/** Re-encodes a share with some fields changed (checksum stays valid). */
function patched(mnemonic: string, patch: Partial<Slip39Share>): string {
  return encodeShare({ ...decodeShare(mnemonic), ...patch });
}

/** A mnemonic from raw fields and value words, with a valid checksum but no validation: for impossible shares. */
function raw(f: { id: number; ext: boolean; e: number; gi: number; gt: number; g: number; mi: number; mt: number }, valueWords: number[]): string {
  const idExp = (f.id << 5) | ((f.ext ? 1 : 0) << 4) | f.e;
  const params = (f.gi << 16) | ((f.gt - 1) << 12) | ((f.g - 1) << 8) | (f.mi << 4) | (f.mt - 1);
  const data = [idExp >> 10, idExp & 1023, params >> 10, params & 1023, ...valueWords];
  return [...data, ...createChecksum(data, f.ext)].map((i) => WORDLIST[i]!).join(' ');
}

function indicesOf(mnemonic: string): number[] {
  return mnemonic.split(' ').map((w) => wordIndex(w)!);
}

function withWord(mnemonic: string, position: number, word: string): string {
  const words = mnemonic.split(' ');
  words[position - 1] = word;
  return words.join(' ');
}

interface Case {
  name: string;
  code: KeyshardErrorCode;
  /** Builds the failing input from a backup; returns the mnemonics and what the error details must say. */
  build(b: Backup, seed: number): { mnemonics: string[]; passphrase?: string; suggestion?: string; expect?: Record<string, unknown> };
}

const g0 = (b: Backup, i: number) => b.groups[0]![i]!;

const CASES: Case[] = [
  { name: 'unknown word', code: 'SLIP39_WORD', build: (b) => ({ mnemonics: [withWord(g0(b, 0), 5, 'zzzzzz'), g0(b, 1)], expect: { share: 1, position: 5 } }) },
  {
    name: 'misspelt word, with the right word suggested',
    code: 'SLIP39_WORD',
    build: (b) => {
      const original = g0(b, 1).split(' ')[9]!;
      // Change the last letter (the first four still name the word), so the typo does not contain the suggestion.
      const typo = [...'qxjz'].map((c) => original.slice(0, -1) + c).find((t) => t !== original && wordIndex(t) === undefined)!;
      return { mnemonics: [g0(b, 0), withWord(g0(b, 1), 10, typo)], suggestion: original, expect: { share: 2, position: 10, suggestion: original } };
    },
  },
  {
    name: 'several unknown words are all reported',
    code: 'SLIP39_WORD',
    build: (b) => ({ mnemonics: [withWord(withWord(g0(b, 0), 3, 'qqqqqq'), 12, 'zzzzzz'), g0(b, 1)], expect: { position: 3, unknownWords: [{ position: 3 }, { position: 12 }] } }),
  },
  {
    name: 'wrong checksum (one word replaced by another valid word), position located',
    code: 'SLIP39_CHECKSUM',
    build: (b) => {
      const idx = indicesOf(g0(b, 0));
      return { mnemonics: [withWord(g0(b, 0), 8, WORDLIST[(idx[7]! + 1) % 1024]!), g0(b, 1)], expect: { share: 1, suspectPosition: 8 } };
    },
  },
  {
    name: 'two neighbouring words swapped',
    code: 'SLIP39_CHECKSUM',
    build: (b) => {
      const w = g0(b, 0).split(' ');
      if (w[10] === w[11]) w[11] = WORDLIST[(wordIndex(w[11]!)! + 1) % 1024]!;
      [w[10], w[11]] = [w[11]!, w[10]!];
      return { mnemonics: [w.join(' '), g0(b, 1)] };
    },
  },
  {
    name: 'bad padding (non-zero padding bits, checksum valid)',
    code: 'SLIP39_PADDING',
    build: (b) => {
      const s = decodeShare(g0(b, 0));
      const idx = indicesOf(g0(b, 0));
      const value = idx.slice(4, -3);
      value[0] = value[0]! | 0x200; // a 16-byte value has 2 padding bits at the top of its first word
      return {
        mnemonics: [raw({ id: s.identifier, ext: s.extendable, e: s.iterationExponent, gi: 0, gt: s.groupThreshold, g: s.groupCount, mi: 0, mt: s.memberThreshold }, value), g0(b, 1)],
      };
    },
  },
  { name: 'too few words (19)', code: 'SLIP39_LENGTH', build: (b) => ({ mnemonics: [g0(b, 0).split(' ').slice(0, 19).join(' '), g0(b, 1)], expect: { share: 1, words: 19 } }) },
  { name: 'one word too many (21)', code: 'SLIP39_LENGTH', build: (b) => ({ mnemonics: [g0(b, 1), `${g0(b, 0)} academic`], expect: { share: 2, words: 21 } }) },
  { name: 'an empty line', code: 'SLIP39_LENGTH', build: (b) => ({ mnemonics: [g0(b, 0), '   '], expect: { share: 2, words: 0 } }) },
  {
    name: 'a word lost from a 33-word share',
    code: 'SLIP39_LENGTH',
    build: (_b, seed) => {
      const big = backup(seed, { length: 32 });
      const w = big.groups[0]![0]!.split(' ');
      w.splice(20, 1);
      return { mnemonics: [w.join(' ')], expect: { words: 32 } };
    },
  },
  {
    name: 'a well-formed share of impossible length (21 words, checksum valid)',
    code: 'SECRET_LENGTH',
    build: (b) => {
      const s = decodeShare(g0(b, 0));
      const value = [...indicesOf(g0(b, 0)).slice(4, -3), 0];
      return { mnemonics: [raw({ id: s.identifier, ext: s.extendable, e: 0, gi: 0, gt: 2, g: 3, mi: 0, mt: 2 }, value)] };
    },
  },
  { name: 'mixed identifiers', code: 'SHARES_MISMATCH', build: (b) => ({ mnemonics: [g0(b, 0), patched(g0(b, 1), { identifier: (decodeShare(g0(b, 1)).identifier + 1) & 0x7fff })], expect: { field: 'identifier' } }) },
  { name: 'shares of two different backups', code: 'SHARES_MISMATCH', build: (b, seed) => ({ mnemonics: [g0(b, 0), g0(backup(seed + 1000), 1)] }) },
  { name: 'mixed iteration exponents', code: 'SHARES_MISMATCH', build: (b) => ({ mnemonics: [g0(b, 0), patched(g0(b, 1), { iterationExponent: 3 })], expect: { field: 'iterationExponent' } }) },
  { name: 'mixed extendable flags', code: 'SHARES_MISMATCH', build: (b) => ({ mnemonics: [g0(b, 0), patched(g0(b, 1), { extendable: false })], expect: { field: 'extendable' } }) },
  { name: 'mixed group thresholds', code: 'SHARES_MISMATCH', build: (b) => ({ mnemonics: [g0(b, 0), patched(g0(b, 1), { groupThreshold: 3 })], expect: { field: 'groupThreshold' } }) },
  { name: 'mixed group counts', code: 'SHARES_MISMATCH', build: (b) => ({ mnemonics: [g0(b, 0), patched(g0(b, 1), { groupCount: 4 })], expect: { field: 'groupCount' } }) },
  { name: 'mixed member thresholds in a group', code: 'SHARES_MISMATCH', build: (b) => ({ mnemonics: [g0(b, 0), patched(g0(b, 1), { memberThreshold: 3 })], expect: { field: 'memberThreshold' } }) },
  {
    name: 'mixed share lengths under one identifier',
    code: 'SLIP39_LENGTH',
    build: (b) => ({ mnemonics: [g0(b, 0), patched(g0(b, 1), { value: new Uint8Array(32).fill(3) })], expect: { words: 33, expectedWords: 20 } }),
  },
  {
    name: 'duplicate member index with different contents',
    code: 'DUPLICATE_SHARE',
    build: (b) => ({ mnemonics: [g0(b, 0), g0(b, 1), patched(g0(b, 2), { memberIndex: 1 })], expect: { share: 3, groupIndex: 0, memberIndex: 1 } }),
  },
  {
    name: 'too few members in a group',
    code: 'BELOW_THRESHOLD',
    build: (b) => ({ mnemonics: [g0(b, 0), b.groups[1]![0]!, b.groups[1]![3]!, b.groups[1]![4]!], expect: { groupsNeeded: 1, groupsComplete: 1 } }),
  },
  { name: 'too few groups', code: 'BELOW_THRESHOLD', build: (b) => ({ mnemonics: [b.groups[2]![0]!], expect: { groupsNeeded: 1, groupsComplete: 1, groupThreshold: 2 } }) },
  { name: 'an identical duplicate does not count twice', code: 'BELOW_THRESHOLD', build: (b) => ({ mnemonics: [g0(b, 0), ` ${g0(b, 0).toUpperCase()} `, b.groups[2]![0]!] }) },
  { name: 'no mnemonics at all', code: 'BELOW_THRESHOLD', build: () => ({ mnemonics: [] }) },
  {
    name: 'digest mismatch (a share altered, checksum recomputed)',
    code: 'SLIP39_DIGEST',
    build: (b) => {
      const s = decodeShare(g0(b, 1));
      const value = s.value.slice();
      value[5] = value[5]! ^ 0x40;
      return { mnemonics: [g0(b, 0), encodeShare({ ...s, value }), b.groups[2]![0]!], expect: { groupIndex: 0 } };
    },
  },
  {
    name: 'group threshold above group count inside a share',
    code: 'SLIP39_PARAMETERS',
    build: (b) => {
      const s = decodeShare(g0(b, 0));
      return { mnemonics: [raw({ id: s.identifier, ext: true, e: 0, gi: 0, gt: 3, g: 2, mi: 0, mt: 2 }, indicesOf(g0(b, 0)).slice(4, -3))] };
    },
  },
  {
    name: 'group index beyond the group count inside a share',
    code: 'SLIP39_PARAMETERS',
    build: (b) => {
      const s = decodeShare(g0(b, 0));
      return { mnemonics: [raw({ id: s.identifier, ext: true, e: 0, gi: 5, gt: 2, g: 3, mi: 0, mt: 2 }, indicesOf(g0(b, 0)).slice(4, -3))] };
    },
  },
  { name: 'a passphrase with non-ASCII characters', code: 'INVALID_ARGUMENT', build: (b) => ({ mnemonics: [g0(b, 0), g0(b, 1)], passphrase: 'caf\u00e9' }) },
];

function failure(run: () => unknown): KeyshardError {
  try {
    run();
  } catch (e) {
    if (e instanceof KeyshardError) return e;
    throw e;
  }
  assert.fail('expected a KeyshardError');
}

/** The error with the one allowed word (the suggestion) blanked, as text, to compare across backups. */
function shape(e: KeyshardError, suggestion: string | undefined): string {
  const text = JSON.stringify({ message: e.message, details: e.details ?? null });
  return suggestion === undefined ? text : text.split(suggestion).join('<suggestion>');
}

function assertNoLeak(e: KeyshardError, mnemonics: readonly string[], secret: Uint8Array, suggestion: string | undefined): void {
  const text = JSON.stringify({ message: e.message, details: e.details ?? null }).toLowerCase();
  const hex = toHex(secret);
  for (let i = 0; i + 8 <= hex.length; i += 2) assert.ok(!text.includes(hex.slice(i, i + 8)), 'secret hex in the error');
  for (const m of mnemonics) {
    const words = m.trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
    for (let i = 0; i + 1 < words.length; i++) {
      const pair = `${words[i]} ${words[i + 1]}`;
      assert.ok(!text.includes(pair), 'two consecutive input words in the error');
    }
    for (const w of words) {
      if (w === suggestion || wordIndex(w) !== undefined) continue;
      // A mistyped (non-list) word is the person's own input: it must not be echoed either.
      assert.ok(!text.includes(w), 'an unknown input word was echoed');
    }
  }
}

describe('combining bad input: each mistake has its code, details and a message that leaks nothing', () => {
  for (const c of CASES) {
    it(`${c.name} -> ${c.code}`, () => {
      const shapes = [11, 22].map((seed) => {
        const b = backup(seed);
        const input = c.build(b, seed);
        const e = failure(() => combineMnemonics(input.mnemonics, input.passphrase ?? '', nodePbkdf2));
        assert.equal(e.code, c.code, e.message);
        assert.ok(e.message.length > 20);
        for (const [k, v] of Object.entries(input.expect ?? {})) {
          if (k === 'unknownWords') assert.deepEqual((e.details?.[k] as { position: number }[]).map((u) => u.position), (v as { position: number }[]).map((u) => u.position));
          else assert.deepEqual(e.details?.[k], v, `details.${k}`);
        }
        assertNoLeak(e, input.mnemonics, b.secret, input.suggestion);
        if (input.passphrase !== undefined) assert.ok(!e.message.includes(input.passphrase));
        return shape(e, input.suggestion);
      });
      // The same mistake on two different backups: identical message and details (nothing input-specific in them).
      assert.equal(shapes[0], shapes[1]);
    });
  }

  it('every bad share is found, not only the first', () => {
    const b = backup(5);
    const e = failure(() => combineMnemonics([withWord(g0(b, 0), 2, 'zzzzzz'), g0(b, 1).split(' ').slice(0, 15).join(' '), g0(b, 2)], '', nodePbkdf2));
    assert.equal(e.code, 'SLIP39_WORD');
    assert.deepEqual(e.details?.['problems'], [{ share: 1, code: 'SLIP39_WORD' }, { share: 2, code: 'SLIP39_LENGTH' }]);
  });

  it('stays quick on pasted garbage and overlong input', () => {
    const b = backup(7);
    const t0 = performance.now();
    const garbage = Array.from({ length: 3000 }, (_, i) => `x${'qz'.repeat(i % 40)}`).join(' ');
    const e1 = failure(() => combineMnemonics([garbage], '', nodePbkdf2));
    assert.equal(e1.code, 'SLIP39_WORD');
    assert.ok(e1.message.length < 400);
    const long = Array.from({ length: 401 }, (_, i) => g0(b, 0).split(' ')[i % 20]!).join(' ');
    const e2 = failure(() => combineMnemonics([long], '', nodePbkdf2));
    assert.equal(e2.code, 'SLIP39_CHECKSUM');
    assert.ok(performance.now() - t0 < 5000, 'took too long');
  });

  it('the BELOW_THRESHOLD message says how many more shares each group needs', () => {
    const b = backup(6);
    const e = failure(() => combineMnemonics([b.groups[1]![2]!], '', nodePbkdf2));
    assert.match(e.message, /Group 2 needs 2 more shares \(1 of 3 in hand\)/);
    assert.match(e.message, /2 more groups are needed/);
    assert.match(e.message, /No shares yet from groups 1, 3/);
  });
});

describe('splitting bad input', () => {
  const secret = seededRandom(1)(16);
  const ok = { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], iterationExponent: 0, random: seededRandom(2), pbkdf2: nodePbkdf2 };
  const table: [string, KeyshardErrorCode, () => unknown][] = [
    ['passphrase with a non-ASCII letter', 'INVALID_ARGUMENT', () => splitMasterSecret(secret, { ...ok, passphrase: 'p\u00e4ssword' })],
    ['passphrase with a tab', 'INVALID_ARGUMENT', () => splitMasterSecret(secret, { ...ok, passphrase: 'a\tb' })],
    ['group threshold above group count', 'SLIP39_PARAMETERS', () => splitMasterSecret(secret, { ...ok, groupThreshold: 2 })],
    ['group threshold 0', 'SLIP39_PARAMETERS', () => splitMasterSecret(secret, { ...ok, groupThreshold: 0 })],
    ['no groups', 'SLIP39_PARAMETERS', () => splitMasterSecret(secret, { ...ok, groups: [] })],
    ['17 groups', 'SLIP39_PARAMETERS', () => splitMasterSecret(secret, { ...ok, groups: new Array(17).fill({ threshold: 1, count: 1 }) })],
    ['17 members', 'SLIP39_PARAMETERS', () => splitMasterSecret(secret, { ...ok, groups: [{ threshold: 2, count: 17 }] })],
    ['member threshold 0', 'SLIP39_PARAMETERS', () => splitMasterSecret(secret, { ...ok, groups: [{ threshold: 0, count: 3 }] })],
    ['member threshold above count', 'SLIP39_PARAMETERS', () => splitMasterSecret(secret, { ...ok, groups: [{ threshold: 4, count: 3 }] })],
    ['member threshold 1 with 2 members', 'SLIP39_PARAMETERS', () => splitMasterSecret(secret, { ...ok, groups: [{ threshold: 1, count: 2 }] })],
    ['fractional threshold', 'SLIP39_PARAMETERS', () => splitMasterSecret(secret, { ...ok, groups: [{ threshold: 1.5, count: 3 }] })],
    ['iteration exponent 16', 'SLIP39_PARAMETERS', () => splitMasterSecret(secret, { ...ok, iterationExponent: 16 })],
    ['iteration exponent -1', 'SLIP39_PARAMETERS', () => splitMasterSecret(secret, { ...ok, iterationExponent: -1 })],
    ['15-byte secret', 'SECRET_LENGTH', () => splitMasterSecret(secret.subarray(0, 15), ok)],
    ['17-byte (odd) secret', 'SECRET_LENGTH', () => splitMasterSecret(new Uint8Array(17), ok)],
    ['empty secret', 'SECRET_LENGTH', () => splitMasterSecret(new Uint8Array(0), ok)],
  ];
  for (const [name, code, run] of table) {
    it(`${name} -> ${code}`, () => {
      const e = failure(run);
      assert.equal(e.code, code, e.message);
      assert.ok(!e.message.toLowerCase().includes(toHex(secret).slice(0, 8)));
      assert.ok(!e.message.includes('p\u00e4ssword') && !e.message.includes('a\tb'));
    });
  }
  it('refuses before drawing any randomness', () => {
    let draws = 0;
    const counting = (n: number) => {
      draws++;
      return new Uint8Array(n);
    };
    failure(() => splitMasterSecret(secret, { ...ok, random: counting, passphrase: '\u00e9' }));
    failure(() => splitMasterSecret(secret, { ...ok, random: counting, groupThreshold: 3 }));
    failure(() => splitMasterSecret(secret, { ...ok, random: counting, iterationExponent: 16 }));
    failure(() => splitMasterSecret(new Uint8Array(15), { ...ok, random: counting }));
    assert.equal(draws, 0);
  });
});
