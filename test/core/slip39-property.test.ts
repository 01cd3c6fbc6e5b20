import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { KeyshardError } from '../../core/errors';
import { noblePbkdf2Sha256 } from '../../core/slip39/cipher';
import type { GroupSpec } from '../../core/slip39/index';
import { combineMnemonics, decodeShare, encodeShare, mnemonicLengthForValue, splitMasterSecret } from '../../core/slip39/index';
import { layoutArb, nodePbkdf2, passphraseArb, secretArb, seededRandom } from './slip39-helpers';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const pbkdf2Arb = fc.constantFrom(['noble', noblePbkdf2Sha256] as const, ['node', nodePbkdf2] as const);

/** A layout plus a qualifying choice: >= GT groups, and in each chosen group >= T members. */
const qualifying = layoutArb(4, 5).chain((layout) =>
  fc.record({
    layout: fc.constant(layout),
    groups: fc.shuffledSubarray(range(layout.groups.length), { minLength: layout.groupThreshold }),
    members: fc.tuple(...layout.groups.map((g) => fc.shuffledSubarray(range(g.count), { minLength: g.threshold }))),
  }),
);

/** A layout plus a non-qualifying choice: fewer than GT complete groups; other groups below their threshold. */
const nonQualifying = layoutArb(4, 5).chain((layout) =>
  fc.integer({ min: 0, max: layout.groupThreshold - 1 }).chain((completeCount) =>
    fc.record({
      layout: fc.constant(layout),
      order: fc.shuffledSubarray(range(layout.groups.length), { minLength: layout.groups.length }),
      completeCount: fc.constant(completeCount),
      full: fc.tuple(...layout.groups.map((g) => fc.shuffledSubarray(range(g.count), { minLength: g.threshold }))),
      partial: fc.tuple(...layout.groups.map((g) => fc.shuffledSubarray(range(g.count), { maxLength: g.threshold - 1 }))),
    }),
  ),
);

function shuffled<T>(items: T[], seed: number): T[] {
  const rnd = seededRandom(seed);
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const r = rnd(4);
    const j = (((r[0]! << 24) | (r[1]! << 16) | (r[2]! << 8) | r[3]!) >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Same words, the way a person might type them: odd case, extra spaces around and between. */
function sloppy(mnemonic: string, seed: number): string {
  const bits = seededRandom(seed)(mnemonic.length);
  const words = mnemonic.split(' ').map((w, i) => ((bits[i]! & 1) === 1 ? w.toUpperCase() : w));
  return `  ${words.join((bits[0]! & 2) === 2 ? '   ' : ' ')}\t`;
}

describe('SLIP-39 properties', () => {
  it('any qualifying subset recovers the secret (any order, sloppy typing, either PBKDF2 on either side)', () => {
    fc.assert(
      fc.property(
        qualifying,
        secretArb,
        passphraseArb,
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        fc.integer(),
        pbkdf2Arb,
        pbkdf2Arb,
        (choice, secret, passphrase, iterationExponent, extendable, seed, [, splitKdf], [, combineKdf]) => {
          const { layout } = choice;
          const mnemonics = splitMasterSecret(secret, { ...layout, passphrase, iterationExponent, extendable, random: seededRandom(seed), pbkdf2: splitKdf });
          assert.equal(mnemonics.length, layout.groups.length);
          mnemonics.forEach((m, g) => assert.equal(m.length, layout.groups[g]!.count));
          const pile = choice.groups.flatMap((g) => choice.members[g]!.map((m) => mnemonics[g]![m]!));
          const typed = shuffled(pile, seed).map((m, i) => sloppy(m, seed + i));
          assert.deepEqual(combineMnemonics(typed, passphrase, combineKdf), secret);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a non-qualifying subset fails with BELOW_THRESHOLD, saying how many groups are missing', () => {
    fc.assert(
      fc.property(nonQualifying, secretArb, fc.boolean(), fc.integer(), (choice, secret, extendable, seed) => {
        const { layout } = choice;
        const mnemonics = splitMasterSecret(secret, { ...layout, iterationExponent: 0, extendable, random: seededRandom(seed), pbkdf2: nodePbkdf2 });
        const completeGroups = choice.order.slice(0, choice.completeCount);
        const pile = choice.order.flatMap((g) =>
          (completeGroups.includes(g) ? choice.full[g]! : choice.partial[g]!).map((m) => mnemonics[g]![m]!),
        );
        assert.throws(
          () => combineMnemonics(shuffled(pile, seed), '', nodePbkdf2),
          (e: unknown) => {
            assert.ok(e instanceof KeyshardError);
            assert.equal(e.code, 'BELOW_THRESHOLD', e.message);
            if (pile.length > 0) {
              assert.equal(e.details?.['groupsNeeded'], layout.groupThreshold - choice.completeCount);
              const groups = e.details?.['groups'] as { groupIndex: number; membersInHand: number; membersNeeded: number | null }[];
              for (const g of groups) {
                const inHand = pile.filter((m) => decodeShare(m).groupIndex === g.groupIndex).length;
                assert.equal(g.membersInHand, inHand);
                if (inHand > 0) assert.equal(g.membersNeeded, Math.max(0, layout.groups[g.groupIndex]!.threshold - inHand));
              }
            }
            return true;
          },
        );
      }),
      { numRuns: 40 },
    );
  });

  it('mnemonics round-trip through decode/encode and carry the layout', () => {
    fc.assert(
      fc.property(layoutArb(5, 6), secretArb, fc.integer({ min: 0, max: 15 }), fc.boolean(), fc.integer(), (layout, secret, e, extendable, seed) => {
        // The Feistel cipher is not under test here; a stub PBKDF2 keeps exponents up to 15 affordable.
        const stub = (_p: Uint8Array, _s: Uint8Array, _i: number, dkLen: number) => new Uint8Array(dkLen).fill(7);
        const mnemonics = splitMasterSecret(secret, { ...layout, iterationExponent: e, extendable, random: seededRandom(seed), pbkdf2: stub });
        const identifiers = new Set<number>();
        mnemonics.forEach((group, g) =>
          group.forEach((m, i) => {
            const share = decodeShare(m);
            assert.equal(encodeShare(share), m);
            assert.equal(m.split(' ').length, mnemonicLengthForValue(secret.length));
            assert.deepEqual(
              [share.groupIndex, share.groupThreshold, share.groupCount, share.memberIndex, share.memberThreshold, share.iterationExponent, share.extendable],
              [g, layout.groupThreshold, layout.groups.length, i, (layout.groups[g] as GroupSpec).threshold, e, extendable],
            );
            assert.equal(share.value.length, secret.length);
            identifiers.add(share.identifier);
          }),
        );
        assert.equal(identifiers.size, 1);
      }),
      { numRuns: 60 },
    );
  });

  it('16-byte secrets give 20-word shares and 32-byte secrets 33-word shares', () => {
    for (const [length, words] of [[16, 20], [32, 33]] as const) {
      const m = splitMasterSecret(new Uint8Array(length).fill(1), { groupThreshold: 1, groups: [{ threshold: 1, count: 1 }], iterationExponent: 0, random: seededRandom(length), pbkdf2: nodePbkdf2 });
      assert.equal(m[0]![0]!.split(' ').length, words);
    }
  });

  it('a wrong passphrase recovers a different secret of the same length, not an error', () => {
    fc.assert(
      fc.property(secretArb, passphraseArb, passphraseArb, fc.boolean(), fc.integer(), (secret, p1, p2, extendable, seed) => {
        fc.pre(p1 !== p2);
        const m = splitMasterSecret(secret, { groupThreshold: 1, groups: [{ threshold: 2, count: 2 }], passphrase: p1, iterationExponent: 0, extendable, random: seededRandom(seed), pbkdf2: nodePbkdf2 });
        const other = combineMnemonics(m[0]!, p2, nodePbkdf2);
        assert.equal(other.length, secret.length);
        assert.notDeepEqual(other, secret);
      }),
      { numRuns: 20 },
    );
  });
});
