/**
 * Fuzzing the SLIP-39 mnemonic parsers (core/slip39): decodeShare, combineMnemonics and the one-share-at-a-time
 * Slip39Recovery a recovery team feeds by typing or scanning. Random word sequences from the wordlist, random text,
 * and valid mnemonics with words replaced, swapped, dropped or repeated, or characters damaged. Only typed errors; a
 * damaged share never decodes to another share and never combines to a wrong secret (RS1024 catches up to 3 word
 * errors, so any wrong secret here is a real bug); Slip39Recovery.add never throws at all.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { isKeyshardError } from '../../core/errors';
import { Slip39Recovery, WORDLIST, combineMnemonics, decodeShare, encodeShare } from '../../core/slip39/index';
import { nodePbkdf2 } from '../core/slip39-helpers';
import { CallClock, fuzzRuns, mutatedText, params } from './fuzz-kit';
import { SLIP39_SECRET_HEX, SLIP39_SIMPLE, SLIP39_TWO_LEVEL } from './fixtures';

const RUNS = fuzzRuns(500);
const ALL_VALID = [...SLIP39_SIMPLE, ...SLIP39_TWO_LEVEL.flat()];
const validMnemonic = fc.constantFrom(...ALL_VALID);
const wordArb = fc.constantFrom(...WORDLIST);

type WordEdit = { kind: 'replace'; at: number; word: string } | { kind: 'swap'; at: number; with: number } | { kind: 'drop'; at: number } | { kind: 'repeat'; at: number };
const wordEditArb: fc.Arbitrary<WordEdit> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), word: wordArb }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat() }),
);

function applyWordEdit(words: string[], e: WordEdit): string[] {
  if (words.length === 0) return words;
  const at = e.at % words.length;
  const out = words.slice();
  if (e.kind === 'replace') out[at] = e.word;
  else if (e.kind === 'swap') [out[at], out[e.with % words.length]] = [out[e.with % words.length]!, out[at]!];
  else if (e.kind === 'drop') out.splice(at, 1);
  else out.splice(at, 0, out[at]!);
  return out;
}

/** A valid mnemonic with 1 to 3 word edits. */
const wordDamaged = fc.tuple(validMnemonic, fc.array(wordEditArb, { minLength: 1, maxLength: 3 })).map(([m, edits]) => edits.reduce(applyWordEdit, m.split(' ')).join(' '));

/** What a person or a scanner may hand in for one share. */
const mnemonicInput = fc.oneof(
  { weight: 3, arbitrary: wordDamaged },
  { weight: 2, arbitrary: mutatedText(validMnemonic, fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz  \t\n-')) },
  { weight: 2, arbitrary: fc.array(wordArb, { minLength: 0, maxLength: 60 }).map((w) => w.join(' ')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 400 }) },
  { weight: 1, arbitrary: validMnemonic.map((m) => m.toUpperCase().replace(/ /g, '\u00a0')) },
);

function assertOriginal(decoded: string): void {
  assert.ok(ALL_VALID.includes(decoded), 'a damaged mnemonic decoded to a share that is not the original');
}

describe('fuzz: SLIP-39 mnemonics', () => {
  it('decodeShare: typed error, or exactly the original share', () => {
    const clock = new CallClock('decodeShare');
    fc.assert(
      fc.property(mnemonicInput, (m) => {
        const r = clock.run(() => decodeShare(m));
        if (r.ok) assertOriginal(encodeShare(r.value));
      }),
      params(RUNS),
    );
    clock.report();
  });

  it('combineMnemonics: a damaged share with a good one gives a typed error or the right secret, never a wrong one', () => {
    const clock = new CallClock('combineMnemonics');
    fc.assert(
      fc.property(mnemonicInput, fc.constantFrom(...SLIP39_SIMPLE), fc.boolean(), (damaged, good, first) => {
        const r = clock.run(() => combineMnemonics(first ? [damaged, good] : [good, damaged], '', nodePbkdf2));
        if (r.ok) assert.equal(bytesToHex(r.value), SLIP39_SECRET_HEX, 'combined to a wrong secret');
      }),
      params(RUNS),
    );
    clock.report();
  });

  it('Slip39Recovery: any sequence of shares, damaged or not, from either backup: add never throws, errors are typed, a finished recovery is the right secret', () => {
    const clock = new CallClock('Slip39Recovery.add/combine');
    const pile = fc.array(fc.oneof(validMnemonic, mnemonicInput), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(pile, (mnemonics) => {
        const rec = new Slip39Recovery();
        for (const m of mnemonics) {
          const r = clock.run(() => rec.add(m));
          assert.ok(r.ok, 'Slip39Recovery.add threw');
          if (r.value.status === 'rejected') assert.ok(isKeyshardError(r.value.error), 'an untyped rejection');
          clock.run(() => rec.progress());
        }
        if (rec.progress().canCombine) {
          const c = clock.run(() => rec.combine('', nodePbkdf2));
          if (c.ok) assert.equal(bytesToHex(c.value), SLIP39_SECRET_HEX, 'recovered a wrong secret');
        } else {
          clock.run(() => rec.combine('', nodePbkdf2));
        }
        rec.clear();
      }),
      params(RUNS),
    );
    clock.report();
  });
});
