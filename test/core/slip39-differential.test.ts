/**
 * Differential tests against an independent implementation, the `slip39` npm package (ilap/slip39-js, CommonJS).
 * Its API: Slip39.fromArray(secretBytes, { passphrase, threshold, groups: [[T, N], ...], iterationExponent,
 * extendableBackupFlag }).fromPath('r/<group>').mnemonics, and Slip39.recoverSecret(mnemonics, passphrase), which
 * insists on exactly GT groups and exactly T members each. (It adds helpers to Array.prototype; this file runs in
 * its own process under node --test, so nothing else sees them.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import slip39 from 'slip39';
import { combineMnemonics, splitMasterSecret } from '../../core/slip39/index';
import { layoutArb, nodePbkdf2, passphraseArb, secretArb, seededRandom } from './slip39-helpers';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Exactly GT groups and exactly T members per group: the only input the other library accepts. */
const exactChoice = layoutArb(4, 5).chain((layout) =>
  fc.record({
    layout: fc.constant(layout),
    groups: fc.shuffledSubarray(range(layout.groups.length), { minLength: layout.groupThreshold, maxLength: layout.groupThreshold }),
    members: fc.tuple(...layout.groups.map((g) => fc.shuffledSubarray(range(g.count), { minLength: g.threshold, maxLength: g.threshold }))),
  }),
);
/** At least GT groups, at least T members: what we accept. */
const anyQualifying = layoutArb(4, 5).chain((layout) =>
  fc.record({
    layout: fc.constant(layout),
    groups: fc.shuffledSubarray(range(layout.groups.length), { minLength: layout.groupThreshold }),
    members: fc.tuple(...layout.groups.map((g) => fc.shuffledSubarray(range(g.count), { minLength: g.threshold }))),
  }),
);

describe('differential: ours against the slip39 npm package', () => {
  it('ours split -> theirs combine', () => {
    fc.assert(
      fc.property(exactChoice, secretArb, passphraseArb, fc.integer({ min: 0, max: 2 }), fc.boolean(), fc.integer(), (choice, secret, passphrase, e, extendable, seed) => {
        const ours = splitMasterSecret(secret, { ...choice.layout, passphrase, iterationExponent: e, extendable, random: seededRandom(seed), pbkdf2: nodePbkdf2 });
        const pile = choice.groups.flatMap((g) => choice.members[g]!.map((m) => ours[g]![m]!));
        const recovered = slip39.recoverSecret(pile, passphrase);
        assert.deepEqual(Uint8Array.from(recovered), secret);
      }),
      { numRuns: 40 },
    );
  });

  it('theirs split -> ours combine (any qualifying subset, default noble PBKDF2 and node:crypto)', () => {
    fc.assert(
      fc.property(anyQualifying, secretArb, passphraseArb, fc.integer({ min: 0, max: 2 }), fc.boolean(), fc.boolean(), (choice, secret, passphrase, e, extendable, useNoble) => {
        const { layout } = choice;
        const theirs = slip39.fromArray(Array.from(secret), {
          passphrase,
          threshold: layout.groupThreshold,
          groups: layout.groups.map((g): [number, number] => [g.threshold, g.count]),
          iterationExponent: e,
          extendableBackupFlag: extendable ? 1 : 0,
        });
        const pile = choice.groups.flatMap((g) => {
          const groupMnemonics = theirs.fromPath(`r/${g}`).mnemonics;
          return choice.members[g]!.map((m) => groupMnemonics[m]!);
        });
        assert.deepEqual(combineMnemonics(pile, passphrase, useNoble ? undefined : nodePbkdf2), secret);
      }),
      { numRuns: 40 },
    );
  });

  it('both sides agree that a wrong passphrase gives the same (wrong) secret', () => {
    fc.assert(
      fc.property(secretArb, passphraseArb, passphraseArb, fc.boolean(), fc.integer(), (secret, p1, p2, extendable, seed) => {
        const ours = splitMasterSecret(secret, { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], passphrase: p1, iterationExponent: 0, extendable, random: seededRandom(seed), pbkdf2: nodePbkdf2 });
        const pile = ours[0]!.slice(1);
        assert.deepEqual(Uint8Array.from(slip39.recoverSecret(pile, p2)), combineMnemonics(pile, p2, nodePbkdf2));
      }),
      { numRuns: 20 },
    );
  });
});
