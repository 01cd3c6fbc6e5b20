import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { p256, p256_FROST } from '@noble/curves/nist.js';
import { secp256k1, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { dealWithPolynomial } from '../../core/vss/deal';
import { type Ciphersuite, type VssShare, combineShares, dealShares, verifyShare } from '../../core/vss/index';
import { SUITES, seededRandom, throwsCode } from './vss-helpers';

// An oracle that shares nothing with the code under test: group orders written out from the curve
// specifications (RFC 8032, SEC 2, FIPS 186), byte orders from RFC 9591 Section 6, plain bigint arithmetic.
const ORDER: Record<Ciphersuite, bigint> = {
  ed25519: 2n ** 252n + 27742317777372353535851937790883648493n,
  secp256k1: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
  p256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
};
const LITTLE_ENDIAN: Record<Ciphersuite, boolean> = { ed25519: true, secp256k1: false, p256: false };
const POINT = { ed25519: ed25519.Point, secp256k1: secp256k1.Point, p256: p256.Point } as const;
const FROST = { ed25519: ed25519_FROST, secp256k1: secp256k1_FROST, p256: p256_FROST } as const;

function toScalarBytes(suite: Ciphersuite, x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[LITTLE_ENDIAN[suite] ? i : 31 - i] = Number((x >> BigInt(8 * i)) & 0xffn);
  return out;
}
function fromScalarBytes(suite: Ciphersuite, b: Uint8Array): bigint {
  let x = 0n;
  for (let i = 0; i < 32; i++) x |= BigInt(b[LITTLE_ENDIAN[suite] ? i : 31 - i]!) << BigInt(8 * i);
  return x;
}
const mod = (a: bigint, q: bigint) => ((a % q) + q) % q;
function pow(b: bigint, e: bigint, q: bigint): bigint {
  let r = 1n;
  for (b = mod(b, q); e > 0n; e >>= 1n, b = (b * b) % q) if (e & 1n) r = (r * b) % q;
  return r;
}
const inv = (a: bigint, q: bigint) => pow(a, q - 2n, q); // q is prime
function evalPoly(coefficients: readonly bigint[], x: bigint, q: bigint): bigint {
  let y = 0n;
  for (let j = 0; j < coefficients.length; j++) y = mod(y + coefficients[j]! * pow(x, BigInt(j), q), q);
  return y;
}
/** Value at x of the polynomial through the points (Lagrange form). */
function lagrangeAt(points: readonly [bigint, bigint][], x: bigint, q: bigint): bigint {
  let acc = 0n;
  for (const [xi, yi] of points) {
    let num = 1n;
    let den = 1n;
    for (const [xj] of points) {
      if (xj === xi) continue;
      num = mod(num * (x - xj), q);
      den = mod(den * (xi - xj), q);
    }
    acc = mod(acc + yi * num * inv(den, q), q);
  }
  return acc;
}

const suiteArb = fc.constantFrom(...SUITES);
const scalarArb = (suite: Ciphersuite) => fc.bigInt({ min: 1n, max: ORDER[suite] - 1n });
/** A deal's parameters: suite, T in 2..5, N in T..T+3, a seed, and sometimes a secret chosen by the test. */
const dealArb = suiteArb.chain((suite) =>
  fc.record({
    suite: fc.constant(suite),
    t: fc.integer({ min: 2, max: 5 }),
    extra: fc.integer({ min: 0, max: 3 }),
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    secret: fc.option(scalarArb(suite), { nil: undefined }),
  }),
);
type DealParams = { suite: Ciphersuite; t: number; extra: number; seed: number; secret: bigint | undefined };
const deal = (p: DealParams) =>
  dealShares({
    ciphersuite: p.suite,
    threshold: p.t,
    shares: p.t + p.extra,
    secret: p.secret === undefined ? undefined : toScalarBytes(p.suite, p.secret),
    random: seededRandom(p.seed),
  });
const indexes = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('vss properties', () => {
  it('the oracle\'s group orders are the ones noble uses', () => {
    for (const suite of SUITES) assert.equal(FROST[suite].utils.Fn.ORDER, ORDER[suite]);
  });

  it('any quorum (T or more shares, any order) recombines the secret and the group key', () => {
    fc.assert(
      fc.property(
        dealArb.chain((p) => fc.tuple(fc.constant(p), fc.shuffledSubarray(indexes(p.t + p.extra), { minLength: p.t }), fc.boolean())),
        ([p, picked, withCommitments]) => {
          const d = deal(p);
          const r = combineShares({
            ciphersuite: p.suite,
            threshold: p.t,
            shares: picked.map((i) => d.shares[i]!),
            commitments: withCommitments ? d.commitments : undefined,
          });
          if (p.secret !== undefined) assert.equal(fromScalarBytes(p.suite, r.secret), p.secret);
          assert.deepEqual(r.groupPublicKey, d.groupPublicKey);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('any set of fewer than T distinct shares gives BELOW_THRESHOLD', () => {
    fc.assert(
      fc.property(
        dealArb.chain((p) => fc.tuple(fc.constant(p), fc.shuffledSubarray(indexes(p.t + p.extra), { maxLength: p.t - 1 }), fc.boolean())),
        ([p, picked, withCommitments]) => {
          const d = deal(p);
          const e = throwsCode(
            () => combineShares({ ciphersuite: p.suite, threshold: p.t, shares: picked.map((i) => d.shares[i]!), commitments: withCommitments ? d.commitments : undefined }),
            'BELOW_THRESHOLD',
          );
          assert.equal(e.details?.['missing'], p.t - picked.length);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('a share with any one byte changed fails verification, and combine refuses it by position', () => {
    fc.assert(
      fc.property(
        dealArb.chain((p) =>
          fc.tuple(fc.constant(p), fc.integer({ min: 0, max: p.t + p.extra - 1 }), fc.integer({ min: 0, max: 63 }), fc.integer({ min: 1, max: 255 })),
        ),
        ([p, which, byte, delta]) => {
          const d = deal(p);
          const original = d.shares[which]!;
          const bytes = Uint8Array.from([...original.identifier, ...original.signingShare]);
          bytes[byte]! ^= delta;
          const tampered: VssShare = { identifier: bytes.slice(0, 32), signingShare: bytes.slice(32) };
          throwsCode(() => verifyShare(p.suite, p.t, d.commitments, tampered), 'VSS_SHARE_INVALID');
          const shares = d.shares.map((s, i) => (i === which ? tampered : s));
          const e = throwsCode(() => combineShares({ ciphersuite: p.suite, threshold: p.t, shares, commitments: d.commitments }), 'VSS_SHARE_INVALID');
          assert.equal(e.details?.['index'], which);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('a share carrying another share\'s identifier fails verification', () => {
    fc.assert(
      fc.property(
        dealArb.chain((p) => fc.tuple(fc.constant(p), fc.shuffledSubarray(indexes(p.t + p.extra), { minLength: 2, maxLength: 2 }))),
        ([p, [i, j]]) => {
          const d = deal(p);
          const swapped = { identifier: d.shares[j!]!.identifier, signingShare: d.shares[i!]!.signingShare };
          throwsCode(() => verifyShare(p.suite, p.t, d.commitments, swapped), 'VSS_SHARE_INVALID');
        },
      ),
      { numRuns: 30 },
    );
  });

  it('differential: dealing a polynomial gives f(1..N) and G·a_j as computed with plain bigint arithmetic', () => {
    fc.assert(
      fc.property(
        suiteArb.chain((suite) =>
          fc.tuple(fc.constant(suite), fc.array(scalarArb(suite), { minLength: 2, maxLength: 6 }), fc.integer({ min: 0, max: 4 })),
        ),
        ([suite, coefficients, extra]) => {
          const q = ORDER[suite];
          const n = coefficients.length + extra;
          const d = dealWithPolynomial(suite, coefficients.map((c) => toScalarBytes(suite, c)), n);
          assert.equal(d.shares.length, n);
          d.shares.forEach((s, k) => {
            const x = BigInt(k + 1);
            assert.equal(fromScalarBytes(suite, s.identifier), x);
            assert.equal(bytesToHex(s.signingShare), bytesToHex(toScalarBytes(suite, evalPoly(coefficients, x, q))), `share ${x}`);
          });
          coefficients.forEach((a, j) => assert.deepEqual(d.commitments[j], POINT[suite].BASE.multiply(a).toBytes(), `commitment ${j}`));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('differential: dealt shares lie on one polynomial of degree T-1 whose value at 0 is the secret', () => {
    fc.assert(
      fc.property(dealArb, (p) => {
        const q = ORDER[p.suite];
        const d = deal(p);
        const points = d.shares.map((s) => [fromScalarBytes(p.suite, s.identifier), fromScalarBytes(p.suite, s.signingShare)] as [bigint, bigint]);
        const basis = points.slice(0, p.t);
        for (const [x, y] of points.slice(p.t)) assert.equal(lagrangeAt(basis, x, q), y, `share ${x} off the polynomial`);
        const atZero = lagrangeAt(basis, 0n, q);
        if (p.secret !== undefined) assert.equal(atZero, p.secret);
        assert.deepEqual(d.groupPublicKey, POINT[p.suite].BASE.multiply(atZero).toBytes());
      }),
      { numRuns: 80 },
    );
  });
});
