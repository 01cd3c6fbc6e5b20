import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { KeyshardError } from '../../core/errors';
import { mul } from '../../core/gf256';
import type { RawShare } from '../../core/shamir';
import { DIGEST_INDEX, SECRET_INDEX, createDigest, interpolate, recoverSecret, splitSecret } from '../../core/shamir';
import { seededRandom } from './slip39-helpers';

const code = (c: string) => (e: unknown) => e instanceof KeyshardError && e.code === c;

/** Horner evaluation of a polynomial with the given coefficients (c0 + c1 x + ...), for checking interpolation. */
function evalPoly(coeffs: readonly number[], x: number): number {
  let y = 0;
  for (let i = coeffs.length - 1; i >= 0; i--) y = mul(y, x) ^ coeffs[i]!;
  return y;
}

const layout = fc.integer({ min: 1, max: 16 }).chain((count) => fc.integer({ min: 1, max: count }).map((threshold) => ({ threshold, count })));
const secret = fc.uint8Array({ minLength: 16, maxLength: 32 });

describe('interpolate', () => {
  it('recovers any point of a random polynomial from any deg+1 points', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 255 }), fc.integer(), (coeffs, target, seed) => {
        const xs = fc.sample(fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: coeffs.length, maxLength: coeffs.length }), { numRuns: 1, seed })[0]!;
        const shares: RawShare[] = xs.map((x) => ({ x, value: Uint8Array.of(evalPoly(coeffs, x)) }));
        assert.equal(interpolate(shares, target)[0], evalPoly(coeffs, target));
      }),
      { numRuns: 300 },
    );
  });
  it('returns a copy of the share when asked for its own x', () => {
    const value = Uint8Array.of(1, 2, 3);
    const out = interpolate([{ x: 7, value }, { x: 9, value: Uint8Array.of(4, 5, 6) }], 7);
    assert.deepEqual(out, value);
    out[0] = 99;
    assert.equal(value[0], 1);
  });
  it('rejects repeated x and values of different lengths', () => {
    assert.throws(() => interpolate([{ x: 1, value: Uint8Array.of(1) }, { x: 1, value: Uint8Array.of(2) }], 0), code('DUPLICATE_SHARE'));
    assert.throws(() => interpolate([{ x: 1, value: Uint8Array.of(1) }, { x: 2, value: Uint8Array.of(2, 3) }], 0), code('SHARES_MISMATCH'));
    assert.throws(() => interpolate([], 0), code('BELOW_THRESHOLD'));
  });
});

describe('splitSecret / recoverSecret', () => {
  it('any threshold-sized subset (or larger) recovers the secret; shares sit at x = 0..N-1', () => {
    fc.assert(
      fc.property(layout, secret, fc.integer(), fc.integer(), (l, s, seed, pick) => {
        const shares = splitSecret(l.threshold, l.count, s, seededRandom(seed));
        assert.deepEqual(shares.map((sh) => sh.x), Array.from({ length: l.count }, (_, i) => i));
        const subset = fc.sample(fc.shuffledSubarray(shares, { minLength: l.threshold }), { numRuns: 1, seed: pick })[0]!;
        assert.deepEqual(recoverSecret(l.threshold, subset), s);
      }),
      { numRuns: 200 },
    );
  });
  it('fewer shares than the threshold fail with BELOW_THRESHOLD', () => {
    fc.assert(
      fc.property(layout.filter((l) => l.threshold >= 2), secret, fc.integer(), (l, s, seed) => {
        const shares = splitSecret(l.threshold, l.count, s, seededRandom(seed));
        assert.throws(() => recoverSecret(l.threshold, shares.slice(0, l.threshold - 1)), code('BELOW_THRESHOLD'));
      }),
      { numRuns: 100 },
    );
  });
  it('puts the digest share at 254 and the secret at 255 (SLIP-39 layout)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), secret, fc.integer(), (t, s, seed) => {
        const shares = splitSecret(t, t, s, seededRandom(seed));
        assert.deepEqual(interpolate(shares, SECRET_INDEX), s);
        const d = interpolate(shares, DIGEST_INDEX);
        const expected = hmac(sha256, d.subarray(4), s).subarray(0, 4);
        assert.deepEqual(d.subarray(0, 4), expected);
        assert.deepEqual(createDigest(d.subarray(4), s), expected);
      }),
      { numRuns: 100 },
    );
  });
  it('threshold 1 makes plain copies and needs no digest', () => {
    const s = seededRandom(1)(16);
    const shares = splitSecret(1, 3, s, () => {
      throw new Error('threshold 1 must not draw randomness');
    });
    for (const sh of shares) assert.deepEqual(sh.value, s);
    assert.deepEqual(recoverSecret(1, shares.slice(1, 2)), s);
    const bad = [shares[0]!, { x: 1, value: s.map((b) => b ^ 1) }];
    assert.throws(() => recoverSecret(1, bad), code('SLIP39_DIGEST'));
  });
  it('a damaged share is caught by the digest, also when it is one extra share beyond the threshold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), secret, fc.integer(), fc.integer({ min: 0, max: 4 }), (t, s, seed, victim) => {
        const shares = splitSecret(t, t + 1, s, seededRandom(seed));
        const i = victim % shares.length;
        const damaged = shares.map((sh, j) => (j === i ? { x: sh.x, value: sh.value.map((b, k) => (k === 0 ? b ^ 0x5a : b)) } : sh));
        assert.throws(() => recoverSecret(t, damaged), code('SLIP39_DIGEST'));
      }),
      { numRuns: 100 },
    );
  });
  it('draws all its randomness from the injected source (same seed, same shares)', () => {
    const s = seededRandom(9)(32);
    const a = splitSecret(3, 5, s, seededRandom(42));
    const b = splitSecret(3, 5, s, seededRandom(42));
    const c = splitSecret(3, 5, s, seededRandom(43));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });
  it('rejects bad parameters', () => {
    const s = new Uint8Array(16);
    const r = seededRandom(0);
    assert.throws(() => splitSecret(0, 3, s, r), code('SLIP39_PARAMETERS'));
    assert.throws(() => splitSecret(4, 3, s, r), code('SLIP39_PARAMETERS'));
    assert.throws(() => splitSecret(2, 17, s, r), code('SLIP39_PARAMETERS'));
    assert.throws(() => splitSecret(2, 3, new Uint8Array(4), r), code('SECRET_LENGTH'));
    assert.throws(() => splitSecret(2, 3, s, () => new Uint8Array(1)), code('INTERNAL'));
  });
  it('T-1 shares are consistent with every candidate secret (they carry no information about it)', () => {
    // For T = 2: one share y at x plus any guessed secret s' at 255 still defines a line, and the digest share at 254
    // on that line is just some value; so the share alone rules out no secret. Check that for every byte value.
    const shares = splitSecret(2, 3, seededRandom(5)(16), seededRandom(6));
    const one = shares[1]!;
    const seen = new Set<number>();
    for (let guess = 0; guess < 256; guess++) {
      const line = [one, { x: SECRET_INDEX, value: new Uint8Array(16).fill(guess) }];
      assert.equal(interpolate(line, SECRET_INDEX)[0], guess);
      seen.add(interpolate(line, DIGEST_INDEX)[0]!);
    }
    assert.equal(seen.size, 256); // each guess implies a different digest share: none is singled out
  });
});
