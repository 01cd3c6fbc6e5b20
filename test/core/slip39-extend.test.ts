/**
 * Extending a SLIP-39 group (core/slip39/extend.ts): new member shares from a quorum of a group combine with the old
 * ones to the same secret, here and in the independent `slip39` npm package; the official extendable vectors extend;
 * non-extendable backups, 1-of-1 groups, too few shares, mixed groups and used member numbers are refused by code.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import slip39 from 'slip39';
import { isKeyshardError } from '../../core/errors';
import { extendGroup } from '../../core/slip39/extend';
import { combineMnemonics, decodeShare, encodeShare, splitMasterSecret } from '../../core/slip39/index';
import { loadVectors, nodePbkdf2, secretArb, seededRandom, toHex } from './slip39-helpers';

const VECTORS = loadVectors();
const vector = (n: number) => VECTORS[n - 1]!;

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isKeyshardError(e)) return e.code;
    throw e;
  }
  assert.fail('expected a KeyshardError');
}

/** The independent implementation's answer, as hex. */
function npmRecover(mnemonics: string[], passphrase: string): string {
  return Buffer.from(slip39.recoverSecret(mnemonics, passphrase)).toString('hex');
}

describe('slip39 extend: official vectors', () => {
  for (const n of [43, 45]) {
    it(`vector ${n} (extendable 2-of-3): shares at every unused member number combine with each old share to its secret`, () => {
      const [, mnemonics, secretHex] = vector(n);
      const used = mnemonics.map((m) => decodeShare(m).memberIndex);
      const fresh = Array.from({ length: 16 }, (_, x) => x).filter((x) => !used.includes(x));
      const out = extendGroup({ mnemonics, newMemberIndices: fresh });
      assert.equal(out.shares.length, 14);
      assert.equal(out.extendable, true);
      for (const s of out.shares) {
        const d = decodeShare(s.mnemonic);
        assert.equal(d.memberIndex, s.memberIndex);
        assert.equal(d.identifier, decodeShare(mnemonics[0]!).identifier);
        for (const old of mnemonics) {
          assert.equal(toHex(combineMnemonics([old, s.mnemonic], 'TREZOR', nodePbkdf2)), secretHex);
          assert.equal(npmRecover([s.mnemonic, old], 'TREZOR'), secretHex);
        }
      }
      // Two new shares alone are a quorum too.
      assert.equal(toHex(combineMnemonics([out.shares[0]!.mnemonic, out.shares[13]!.mnemonic], 'TREZOR', nodePbkdf2)), secretHex);
    });
  }

  it('vectors 42 and 44 (extendable, 1-of-1): a one-member group cannot grow (SLIP39_PARAMETERS)', () => {
    for (const n of [42, 44]) assert.equal(code(() => extendGroup({ mnemonics: vector(n)[1], newMemberIndices: [1] })), 'SLIP39_PARAMETERS');
  });

  it('vector 4 (2-of-3 without the extendable flag) is refused with SLIP39_NOT_EXTENDABLE', () => {
    const [, mnemonics] = vector(4);
    assert.equal(decodeShare(mnemonics[0]!).extendable, false);
    assert.equal(code(() => extendGroup({ mnemonics, newMemberIndices: [5] })), 'SLIP39_NOT_EXTENDABLE');
  });

  it('vector 43 with one share missing is BELOW_THRESHOLD; a used member number or one past 16 is SLIP39_PARAMETERS', () => {
    const [, mnemonics] = vector(43);
    assert.equal(code(() => extendGroup({ mnemonics: mnemonics.slice(0, 1), newMemberIndices: [5] })), 'BELOW_THRESHOLD');
    const used = decodeShare(mnemonics[1]!).memberIndex;
    assert.equal(code(() => extendGroup({ mnemonics, newMemberIndices: [used] })), 'SLIP39_PARAMETERS');
    assert.equal(code(() => extendGroup({ mnemonics, newMemberIndices: [16] })), 'SLIP39_PARAMETERS');
    assert.equal(code(() => extendGroup({ mnemonics, newMemberIndices: [7, 7] })), 'INVALID_ARGUMENT');
  });

  it('shares of two backups, or a changed share, are refused before anything is made', () => {
    const a = vector(43)[1];
    const b = vector(45)[1];
    assert.equal(code(() => extendGroup({ mnemonics: [a[0]!, b[0]!], newMemberIndices: [9] })), 'SHARES_MISMATCH');
    // A share whose value was changed but whose checksum was made to fit: only the group's digest can catch it.
    const d = decodeShare(a[1]!);
    d.value[3]! ^= 0x40;
    // encodeShare recomputes the RS1024 checksum, so this is a well-formed share that does not belong.
    assert.equal(code(() => extendGroup({ mnemonics: [a[0]!, encodeShare(d)], newMemberIndices: [9] })), 'SLIP39_DIGEST');
  });
});

describe('slip39 extend: properties', () => {
  it('extended shares mix with the old ones in any quorum, and the slip39 npm package agrees', () => {
    fc.assert(
      fc.property(secretArb, fc.integer({ min: 2, max: 4 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer(), (secret, threshold, extra, added, seed) => {
        const count = threshold + extra;
        const groups = splitMasterSecret(secret, { groupThreshold: 2, groups: [{ threshold, count }, { threshold: 2, count: 3 }], random: seededRandom(seed), iterationExponent: 0, pbkdf2: nodePbkdf2 });
        const old = groups[0]!;
        const fresh = Array.from({ length: added }, (_, i) => count + i);
        const quorum = old.slice(extra); // the last `threshold` members
        const out = extendGroup({ mnemonics: quorum, newMemberIndices: fresh });
        const pool = [...old, ...out.shares.map((s) => s.mnemonic)];
        // Every run picks another mixed quorum of the extended group, with a quorum of the other group.
        const rng = seededRandom(seed ^ 0x5a5a);
        const shuffled = [...pool];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = rng(1)[0]! % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const picked = shuffled.slice(0, threshold);
        const set = [...picked, groups[1]![0]!, groups[1]![2]!];
        assert.equal(toHex(combineMnemonics(set, '', nodePbkdf2)), toHex(secret));
        assert.equal(npmRecover(set, ''), toHex(secret));
        // One share short of the group's threshold still does not recover.
        assert.equal(code(() => combineMnemonics([...picked.slice(1), groups[1]![0]!, groups[1]![2]!], '', nodePbkdf2)), 'BELOW_THRESHOLD');
      }),
      { numRuns: 40 },
    );
  });

  it('the new shares do not depend on which quorum made them', () => {
    const groups = splitMasterSecret(new Uint8Array(16).fill(7), { groupThreshold: 1, groups: [{ threshold: 3, count: 5 }], random: seededRandom(3), extendable: true, iterationExponent: 0, pbkdf2: nodePbkdf2 });
    const g = groups[0]!;
    const a = extendGroup({ mnemonics: [g[0]!, g[1]!, g[2]!], newMemberIndices: [5, 6] });
    const b = extendGroup({ mnemonics: [g[4]!, g[2]!, g[3]!, g[0]!], newMemberIndices: [5, 6] });
    assert.deepEqual(a.shares, b.shares);
  });

  it('a non-extendable split of keyshard is refused too', () => {
    const groups = splitMasterSecret(new Uint8Array(16).fill(9), { groupThreshold: 1, groups: [{ threshold: 2, count: 3 }], random: seededRandom(4), extendable: false, iterationExponent: 0, pbkdf2: nodePbkdf2 });
    assert.equal(code(() => extendGroup({ mnemonics: groups[0]!.slice(0, 2), newMemberIndices: [3] })), 'SLIP39_NOT_EXTENDABLE');
  });
});
