import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { p256, p256_FROST } from '@noble/curves/nist.js';
import { secp256k1, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { RandomSource } from '../../core/random';
import {
  type Ciphersuite,
  type VssDeal,
  combineShares,
  dealShares,
  groupFingerprint,
  publicKeyOf,
  verifyShare,
} from '../../core/vss/index';
import { SUITES, assertNoHex, seededNobleRng, seededRandom, throwsCode } from './vss-helpers';

const FROST = { ed25519: ed25519_FROST, secp256k1: secp256k1_FROST, p256: p256_FROST } as const;

/** The plain public key of a scalar as @noble/curves computes it outside of FROST. */
function noblePublicKey(suite: Ciphersuite, secret: Uint8Array): Uint8Array {
  switch (suite) {
    case 'secp256k1':
      return secp256k1.getPublicKey(secret, true);
    case 'p256':
      return p256.getPublicKey(secret, true);
    case 'ed25519':
      // RFC 8032 getPublicKey hashes a seed; FROST(Ed25519) keys are G·scalar with the scalar little-endian.
      return ed25519.Point.BASE.multiply(ed25519.Point.Fn.fromBytes(secret)).toBytes();
  }
}

function nobleVerifyingShare(suite: Ciphersuite, signingShare: Uint8Array): Uint8Array {
  const Point = suite === 'ed25519' ? ed25519.Point : suite === 'secp256k1' ? secp256k1.Point : p256.Point;
  return Point.BASE.multiply(FROST[suite].utils.Fn.fromBytes(signingShare)).toBytes();
}

const randomScalar = (suite: Ciphersuite, seed: number) => FROST[suite].utils.randomScalar(seededNobleRng(seed));

function allSecretHex(deal: VssDeal, secret?: Uint8Array): string[] {
  return [...deal.shares.map((s) => bytesToHex(s.signingShare)), ...(secret ? [bytesToHex(secret)] : [])];
}

/** 2^256 - 1: above every suite's group order, so not a canonical scalar in either byte order. */
const OVER_ORDER = new Uint8Array(32).fill(0xff);

describe('vss: deal, verify, combine', () => {
  for (const suite of SUITES) {
    describe(suite, () => {
      const secret = randomScalar(suite, 1);
      const deal = dealShares({ ciphersuite: suite, threshold: 3, shares: 5, secret, random: seededRandom(2) });

      it('deals N shares with identifiers 1..N, T commitments, commitments[0] = group key', () => {
        assert.equal(deal.ciphersuite, suite);
        assert.equal(deal.threshold, 3);
        assert.equal(deal.commitments.length, 3);
        assert.equal(deal.shares.length, 5);
        assert.deepEqual(deal.groupPublicKey, deal.commitments[0]);
        deal.shares.forEach((s, i) => {
          assert.equal(bytesToHex(s.identifier), FROST[suite].Identifier.fromNumber(i + 1));
          assert.equal(s.signingShare.length, 32);
        });
        for (const c of deal.commitments) assert.equal(c.length, suite === 'ed25519' ? 32 : 33);
        // Little-endian identifiers for ed25519, big-endian for the others.
        assert.equal(deal.shares[0]!.identifier[suite === 'ed25519' ? 0 : 31], 1);
      });

      it('the group public key is the public key of the secret as @noble/curves computes it', () => {
        assert.deepEqual(deal.groupPublicKey, noblePublicKey(suite, secret));
        assert.deepEqual(publicKeyOf(suite, secret), noblePublicKey(suite, secret));
      });

      it('the group public key of a random deal is the key of the secret its shares recombine to', () => {
        const random = dealShares({ ciphersuite: suite, threshold: 2, shares: 3, random: seededRandom(3) });
        const { secret: recovered, groupPublicKey } = combineShares({ ciphersuite: suite, threshold: 2, shares: random.shares.slice(1) });
        assert.deepEqual(noblePublicKey(suite, recovered), random.groupPublicKey);
        assert.deepEqual(groupPublicKey, random.groupPublicKey);
      });

      it('every share verifies and its verifying share is G·signingShare', () => {
        for (const s of deal.shares) {
          assert.deepEqual(verifyShare(suite, 3, deal.commitments, s), nobleVerifyingShare(suite, s.signingShare));
        }
      });

      it('a quorum recombines the secret, with and without commitments, in any order', () => {
        const quorums = [[0, 1, 2], [4, 2, 0], [1, 3, 4], [0, 1, 2, 3, 4]];
        for (const q of quorums) {
          const shares = q.map((i) => deal.shares[i]!);
          for (const commitments of [deal.commitments, undefined]) {
            const r = combineShares({ ciphersuite: suite, threshold: 3, shares, commitments });
            assert.equal(bytesToHex(r.secret), bytesToHex(secret), `quorum ${q}`);
            assert.deepEqual(r.groupPublicKey, deal.groupPublicKey);
          }
        }
      });

      it('agrees byte for byte with noble trustedDealer fed the same random stream', () => {
        for (const given of [undefined, secret]) {
          const ours = dealShares({ ciphersuite: suite, threshold: 3, shares: 4, secret: given, random: seededRandom(9) });
          const theirs = FROST[suite].trustedDealer({ min: 3, max: 4 }, undefined, given, seededNobleRng(9));
          assert.deepEqual(ours.commitments.map(bytesToHex), theirs.public.commitments.map(bytesToHex));
          for (const s of ours.shares) {
            const id = bytesToHex(s.identifier);
            assert.equal(bytesToHex(s.signingShare), bytesToHex(theirs.secretShares[id]!.signingShare));
            assert.deepEqual(verifyShare(suite, 3, ours.commitments, s), theirs.public.verifyingShares[id]);
          }
        }
      });
    });
  }

  it('FROST(Ed25519) signatures by the recovered key verify as plain Ed25519 under the group key', () => {
    const deal = dealShares({ ciphersuite: 'ed25519', threshold: 2, shares: 3, random: seededRandom(4) });
    const { secret } = combineShares({ ciphersuite: 'ed25519', threshold: 2, shares: deal.shares.slice(0, 2) });
    const msg = utf8ToBytes('keyshard');
    const sig = ed25519_FROST.sign(msg, secret);
    assert.equal(ed25519.verify(sig, msg, deal.groupPublicKey), true);
    assert.equal(ed25519.verify(sig, utf8ToBytes('other'), deal.groupPublicKey), false);
  });

  it('is deterministic given the random source, and different for another seed', () => {
    const a = dealShares({ ciphersuite: 'p256', threshold: 2, shares: 3, random: seededRandom(5) });
    const b = dealShares({ ciphersuite: 'p256', threshold: 2, shares: 3, random: seededRandom(5) });
    const c = dealShares({ ciphersuite: 'p256', threshold: 2, shares: 3, random: seededRandom(6) });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.groupPublicKey, c.groupPublicKey);
  });

  it('zeroes every buffer its random source returned, and leaves the caller\'s secret alone', () => {
    const handed: Uint8Array[] = [];
    const inner = seededRandom(7);
    const random: RandomSource = (n) => {
      const b = inner(n);
      handed.push(b);
      return b;
    };
    const secret = randomScalar('secp256k1', 8);
    const copy = Uint8Array.from(secret);
    dealShares({ ciphersuite: 'secp256k1', threshold: 4, shares: 4, secret, random });
    assert.equal(handed.length, 3, 'one draw per random coefficient');
    for (const b of handed) assert.ok(b.every((x) => x === 0));
    assert.deepEqual(secret, copy);
    dealShares({ ciphersuite: 'secp256k1', threshold: 2, shares: 2, random });
    assert.equal(handed.length, 5, 'secret and one coefficient drawn');
  });
});

describe('vss: thresholds', () => {
  const random = seededRandom(10);
  it('allows 2 <= T <= N <= 255', () => {
    const deal = dealShares({ ciphersuite: 'ed25519', threshold: 2, shares: 255, random });
    assert.equal(deal.shares.length, 255);
    assert.equal(bytesToHex(deal.shares[254]!.identifier), ed25519_FROST.Identifier.fromNumber(255));
    const r = combineShares({ ciphersuite: 'ed25519', threshold: 2, shares: [deal.shares[254]!, deal.shares[7]!], commitments: deal.commitments });
    assert.deepEqual(r.groupPublicKey, deal.groupPublicKey);
    assert.equal(dealShares({ ciphersuite: 'p256', threshold: 2, shares: 2, random }).shares.length, 2);
  });

  it('refuses T = 1 (FROST needs two signers), T > N, N > 255 and non-integers', () => {
    const e = throwsCode(() => dealShares({ ciphersuite: 'ed25519', threshold: 1, shares: 3, random }), 'INVALID_ARGUMENT');
    assert.match(e.message, /at least 2/);
    throwsCode(() => dealShares({ ciphersuite: 'ed25519', threshold: 0, shares: 3, random }), 'INVALID_ARGUMENT');
    throwsCode(() => dealShares({ ciphersuite: 'ed25519', threshold: 4, shares: 3, random }), 'INVALID_ARGUMENT');
    throwsCode(() => dealShares({ ciphersuite: 'ed25519', threshold: 2, shares: 256, random }), 'INVALID_ARGUMENT');
    throwsCode(() => dealShares({ ciphersuite: 'ed25519', threshold: 2.5, shares: 3, random }), 'INVALID_ARGUMENT');
    throwsCode(() => dealShares({ ciphersuite: 'ed25519', threshold: 2, shares: Number.NaN, random }), 'INVALID_ARGUMENT');
    throwsCode(() => verifyShare('ed25519', 1, [], { identifier: new Uint8Array(32), signingShare: new Uint8Array(32) }), 'INVALID_ARGUMENT');
    throwsCode(() => combineShares({ ciphersuite: 'ed25519', threshold: 1, shares: [] }), 'INVALID_ARGUMENT');
  });
});

describe('vss: bad inputs map to their codes and never echo secrets', () => {
  for (const suite of SUITES) {
    describe(suite, () => {
      const secret = randomScalar(suite, 11);
      const deal = dealShares({ ciphersuite: suite, threshold: 2, shares: 3, secret, random: seededRandom(12) });
      const other = dealShares({ ciphersuite: suite, threshold: 2, shares: 3, random: seededRandom(13) });
      const secrets = [...allSecretHex(deal, secret), ...allSecretHex(other)];
      const [s1, s2, s3] = deal.shares as [typeof deal.shares[0], typeof deal.shares[0], typeof deal.shares[0]];
      const zero = new Uint8Array(32);
      const share = (identifier: Uint8Array, signingShare: Uint8Array) => ({ identifier, signingShare });

      const cases: [string, () => unknown, string][] = [
        // dealing
        ['unknown ciphersuite (deal)', () => dealShares({ ciphersuite: 'ed448' as Ciphersuite, threshold: 2, shares: 3, random: seededRandom(1) }), 'VSS_CIPHERSUITE'],
        ['secret of 31 bytes', () => dealShares({ ciphersuite: suite, threshold: 2, shares: 3, secret: secret.subarray(1), random: seededRandom(1) }), 'INVALID_ARGUMENT'],
        ['secret >= group order', () => dealShares({ ciphersuite: suite, threshold: 2, shares: 3, secret: OVER_ORDER, random: seededRandom(1) }), 'INVALID_ARGUMENT'],
        ['zero secret', () => dealShares({ ciphersuite: suite, threshold: 2, shares: 3, secret: zero, random: seededRandom(1) }), 'INVALID_ARGUMENT'],
        ['no random source', () => dealShares({ ciphersuite: suite, threshold: 2, shares: 3, random: undefined as unknown as RandomSource }), 'INVALID_ARGUMENT'],
        ['random source returning too few bytes', () => dealShares({ ciphersuite: suite, threshold: 2, shares: 3, random: (n) => new Uint8Array(n - 1).fill(1) }), 'INTERNAL'],
        ['random source stuck at zero', () => dealShares({ ciphersuite: suite, threshold: 2, shares: 3, random: (n) => new Uint8Array(n) }), 'INTERNAL'],
        // verifying
        ['unknown ciphersuite (verify)', () => verifyShare('P-256' as Ciphersuite, 2, deal.commitments, s1), 'VSS_CIPHERSUITE'],
        ['too few commitments for the threshold', () => verifyShare(suite, 3, deal.commitments, s1), 'INVALID_ARGUMENT'],
        ['a commitment that is not a point', () => verifyShare(suite, 2, [deal.commitments[0]!, new Uint8Array(deal.commitments[1]!.length).fill(0xff)], s1), 'INVALID_ARGUMENT'],
        ['a commitment of the wrong length', () => verifyShare(suite, 2, [deal.commitments[0]!, deal.commitments[1]!.subarray(1)], s1), 'INVALID_ARGUMENT'],
        ['identifier of the wrong length', () => verifyShare(suite, 2, deal.commitments, share(s1.identifier.subarray(1), s1.signingShare)), 'INVALID_ARGUMENT'],
        ['signing share of the wrong length', () => verifyShare(suite, 2, deal.commitments, share(s1.identifier, concatBytes(s1.signingShare, zero.subarray(0, 1)))), 'INVALID_ARGUMENT'],
        ['share that is not an object', () => verifyShare(suite, 2, deal.commitments, null as never), 'INVALID_ARGUMENT'],
        ['zero identifier', () => verifyShare(suite, 2, deal.commitments, share(zero, s1.signingShare)), 'VSS_SHARE_INVALID'],
        ['identifier >= group order', () => verifyShare(suite, 2, deal.commitments, share(OVER_ORDER, s1.signingShare)), 'VSS_SHARE_INVALID'],
        ['signing share >= group order', () => verifyShare(suite, 2, deal.commitments, share(s1.identifier, OVER_ORDER)), 'VSS_SHARE_INVALID'],
        ['zero signing share', () => verifyShare(suite, 2, deal.commitments, share(s1.identifier, zero)), 'VSS_SHARE_INVALID'],
        ['share of another deal', () => verifyShare(suite, 2, deal.commitments, other.shares[0]!), 'VSS_SHARE_INVALID'],
        ['identifier swapped', () => verifyShare(suite, 2, deal.commitments, share(s2.identifier, s1.signingShare)), 'VSS_SHARE_INVALID'],
        // combining
        ['unknown ciphersuite (combine)', () => combineShares({ ciphersuite: 'ristretto255' as Ciphersuite, threshold: 2, shares: [s1, s2] }), 'VSS_CIPHERSUITE'],
        ['shares not a list', () => combineShares({ ciphersuite: suite, threshold: 2, shares: 'x' as never }), 'INVALID_ARGUMENT'],
        ['no shares', () => combineShares({ ciphersuite: suite, threshold: 2, shares: [] }), 'BELOW_THRESHOLD'],
        ['one share of 2', () => combineShares({ ciphersuite: suite, threshold: 2, shares: [s2], commitments: deal.commitments }), 'BELOW_THRESHOLD'],
        ['the same share twice', () => combineShares({ ciphersuite: suite, threshold: 2, shares: [s1, s1] }), 'DUPLICATE_SHARE'],
        ['the same identifier twice, different values', () => combineShares({ ciphersuite: suite, threshold: 2, shares: [s1, s2, share(s1.identifier, s3.signingShare)] }), 'DUPLICATE_SHARE'],
        ['a share of another deal, with commitments', () => combineShares({ ciphersuite: suite, threshold: 2, shares: [s1, other.shares[1]!], commitments: deal.commitments }), 'VSS_SHARE_INVALID'],
        ['an inconsistent extra share, without commitments', () => combineShares({ ciphersuite: suite, threshold: 2, shares: [s1, s2, other.shares[2]!] }), 'SHARES_MISMATCH'],
        // No share matches: the commitments are at fault, not share #1 (issue 11.15).
        ['commitments of another deal', () => combineShares({ ciphersuite: suite, threshold: 2, shares: [s1, s2], commitments: other.commitments }), 'VSS_COMMITMENT'],
        ['bad share length (combine)', () => combineShares({ ciphersuite: suite, threshold: 2, shares: [s1, share(s2.identifier, s2.signingShare.subarray(2))] }), 'INVALID_ARGUMENT'],
        // public keys
        ['publicKeyOf a zero scalar', () => publicKeyOf(suite, zero), 'INVALID_ARGUMENT'],
        ['publicKeyOf an unknown suite', () => publicKeyOf('bls' as Ciphersuite, secret), 'VSS_CIPHERSUITE'],
        ['fingerprint of a non-point', () => groupFingerprint(suite, new Uint8Array(deal.groupPublicKey.length)), 'INVALID_ARGUMENT'],
      ];
      for (const [label, fn, code] of cases) {
        it(`${label} -> ${code}`, () => {
          const e = throwsCode(fn, code as never, label);
          assertNoHex(e.message, secrets);
          assertNoHex(JSON.stringify(e.details ?? {}), secrets);
        });
      }

      it('names the share that fails by position and identifier', () => {
        const tampered = share(s3.identifier, Uint8Array.from(s3.signingShare));
        tampered.signingShare[5]! ^= 0x01;
        const e = throwsCode(() => combineShares({ ciphersuite: suite, threshold: 2, shares: [s1, s2, tampered], commitments: deal.commitments }), 'VSS_SHARE_INVALID');
        assert.match(e.message, /Share #3 \(identifier 3\)/);
        assert.deepEqual({ index: e.details?.['index'], identifier: e.details?.['identifier'] }, { index: 2, identifier: '3' });
      });

      it('verifies before counting: a bad share among too few is still named', () => {
        const e = throwsCode(() => combineShares({ ciphersuite: suite, threshold: 2, shares: [other.shares[1]!], commitments: deal.commitments }), 'VSS_SHARE_INVALID');
        assert.equal(e.details?.['index'], 0);
      });

      it('says how many more shares are needed', () => {
        const deal4 = dealShares({ ciphersuite: suite, threshold: 4, shares: 5, random: seededRandom(14) });
        const e = throwsCode(() => combineShares({ ciphersuite: suite, threshold: 4, shares: deal4.shares.slice(0, 1) }), 'BELOW_THRESHOLD');
        assert.match(e.message, /3 more shares are needed/);
        assert.deepEqual(e.details, { given: 1, threshold: 4, missing: 3 });
        const e2 = throwsCode(() => combineShares({ ciphersuite: suite, threshold: 4, shares: deal4.shares.slice(1, 4), commitments: deal4.commitments }), 'BELOW_THRESHOLD');
        assert.match(e2.message, /1 more share is needed/);
      });

      it('names both positions of a duplicate', () => {
        const e = throwsCode(() => combineShares({ ciphersuite: suite, threshold: 2, shares: [s2, s1, s2] }), 'DUPLICATE_SHARE');
        assert.deepEqual(e.details?.['indexes'], [0, 2]);
        assert.match(e.message, /#1 and #3/);
      });
    });
  }
});

describe('vss: group fingerprint', () => {
  it('is keyshard\'s ceremony fingerprint of the group key, per suite', () => {
    for (const suite of SUITES) {
      const deal = dealShares({ ciphersuite: suite, threshold: 2, shares: 2, random: seededRandom(15) });
      const fp = groupFingerprint(suite, deal.groupPublicKey);
      const expected = bytesToHex(
        sha256(concatBytes(utf8ToBytes('keyshard/fingerprint/v1'), Uint8Array.of(0), utf8ToBytes(suite), Uint8Array.of(0), deal.groupPublicKey)),
      );
      assert.equal(fp.hex, expected);
      assert.equal(fp.display, (expected.slice(0, 32).toUpperCase().match(/.{4}/g) ?? []).join(' '));
    }
  });
});
