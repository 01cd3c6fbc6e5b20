/**
 * The 45 official SLIP-39 vectors (trezor/python-shamir-mnemonic vectors.json, copied to /work/shared/slip39 with its
 * source noted in the README there). Passphrase "TREZOR" for all of them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeyshardErrorCode } from '../../core/errors';
import { KeyshardError } from '../../core/errors';
import { combineMnemonics, decodeShare, encodeShare } from '../../core/slip39/index';
import { loadVectors, nodePbkdf2, toHex } from './slip39-helpers';

/** Invalid vector number -> expected code, from the reasons listed in /work/shared/slip39/README.md. */
const EXPECTED_ERRORS: Record<number, KeyshardErrorCode> = {
  2: 'SLIP39_CHECKSUM', 21: 'SLIP39_CHECKSUM',
  3: 'SLIP39_PADDING', 22: 'SLIP39_PADDING',
  5: 'BELOW_THRESHOLD', 16: 'BELOW_THRESHOLD', 24: 'BELOW_THRESHOLD', 35: 'BELOW_THRESHOLD',
  6: 'SHARES_MISMATCH', 25: 'SHARES_MISMATCH', // identifiers
  7: 'SHARES_MISMATCH', 26: 'SHARES_MISMATCH', // iteration exponents
  8: 'SHARES_MISMATCH', 27: 'SHARES_MISMATCH', // group thresholds
  9: 'SHARES_MISMATCH', 28: 'SHARES_MISMATCH', // group counts
  10: 'SLIP39_PARAMETERS', 29: 'SLIP39_PARAMETERS', // group threshold above group count
  11: 'DUPLICATE_SHARE', 30: 'DUPLICATE_SHARE',
  12: 'SHARES_MISMATCH', 31: 'SHARES_MISMATCH', // member thresholds
  13: 'SLIP39_DIGEST', 32: 'SLIP39_DIGEST',
  14: 'BELOW_THRESHOLD', 15: 'BELOW_THRESHOLD', 33: 'BELOW_THRESHOLD', 34: 'BELOW_THRESHOLD', // too few groups
  39: 'SLIP39_LENGTH',
  40: 'SECRET_LENGTH',
};
const VALID = [1, 4, 17, 18, 19, 20, 23, 36, 37, 38, 41, 42, 43, 44, 45];

const vectors = loadVectors();
const numberOf = (description: string): number => Number(/^(\d+)\./.exec(description)![1]);

describe('official SLIP-39 vectors', () => {
  it('are the 45 expected, with the valid/invalid split of the README', () => {
    assert.equal(vectors.length, 45);
    assert.deepEqual(vectors.filter((v) => v[2] !== '').map((v) => numberOf(v[0])), VALID);
    assert.deepEqual(
      vectors.filter((v) => v[2] === '').map((v) => numberOf(v[0])),
      Object.keys(EXPECTED_ERRORS).map(Number).sort((a, b) => a - b),
    );
  });

  for (const [description, mnemonics, secretHex] of vectors) {
    const n = numberOf(description);
    if (secretHex !== '') {
      it(`${description}: recovers the master secret`, () => {
        assert.equal(toHex(combineMnemonics(mnemonics, 'TREZOR')), secretHex);
      });
    } else {
      const expected = EXPECTED_ERRORS[n]!;
      it(`${description}: fails with ${expected}`, () => {
        assert.throws(
          () => combineMnemonics(mnemonics, 'TREZOR'),
          (e: unknown) => {
            assert.ok(e instanceof KeyshardError, String(e));
            assert.equal(e.code, expected, e.message);
            return true;
          },
        );
      });
    }
  }

  it('every share of the valid vectors re-encodes to exactly the same mnemonic (our encoder writes what Trezor writes)', () => {
    for (const [, mnemonics, secretHex] of vectors) {
      if (secretHex === '') continue;
      for (const m of mnemonics) assert.equal(encodeShare(decodeShare(m)), m);
    }
  });

  it('the injected node:crypto PBKDF2 gives the same secrets as the default @noble/hashes one', () => {
    for (const [, mnemonics, secretHex] of vectors) {
      if (secretHex !== '') assert.equal(toHex(combineMnemonics(mnemonics, 'TREZOR', nodePbkdf2)), secretHex);
    }
  });

  it('the passphrase matters: without "TREZOR" the valid vectors give other secrets (and no error)', () => {
    for (const [, mnemonics, secretHex] of vectors) {
      if (secretHex !== '') assert.notEqual(toHex(combineMnemonics(mnemonics, '', nodePbkdf2)), secretHex);
    }
  });

  it('invalid vectors fail the same way without the passphrase', () => {
    for (const [description, mnemonics, secretHex] of vectors) {
      if (secretHex !== '') continue;
      assert.throws(() => combineMnemonics(mnemonics, '', nodePbkdf2), (e: unknown) => e instanceof KeyshardError && e.code === EXPECTED_ERRORS[numberOf(description)]);
    }
  });

  it('shares of the valid vectors decode to the parameters their descriptions promise', () => {
    const v42 = decodeShare(vectors[41]![1][0]!);
    assert.equal(v42.extendable, true);
    const v1 = decodeShare(vectors[0]![1][0]!);
    assert.equal(v1.extendable, false);
    assert.equal(v1.value.length, 16);
    assert.equal(decodeShare(vectors[19]![1][0]!).value.length, 32);
    const v4 = vectors[3]![1].map((m) => decodeShare(m));
    assert.deepEqual(v4.map((s) => [s.groupThreshold, s.groupCount, s.memberThreshold]), [[1, 1, 2], [1, 1, 2]]);
  });
});
