/**
 * Shamir secret sharing over GF(256), SLIP-39 flavour.
 *
 * A secret S of n bytes is shared with threshold T >= 2 by fixing a polynomial through T points: T-2 random shares at
 * x = 0..T-3, the digest share D at x = 254 and the secret at x = 255. D = digest(R, S) || R with R random
 * (n-4 bytes) and digest = the first 4 bytes of HMAC-SHA256(key R, S). The remaining shares are the polynomial's
 * values at x = T-2..N-1. Recovery interpolates at 255 and 254 and checks the digest, so a wrong or foreign share
 * is noticed (with probability 1 - 2^-32) instead of silently giving a wrong secret. Threshold 1 means plain copies.
 *
 * x-coordinates are public; share values are secret and only ever go through constant-time field operations.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { KeyshardError } from './errors';
import { addScaledInto, div, mul } from './gf256';
import type { RandomSource } from './random';

export const DIGEST_INDEX = 254;
export const SECRET_INDEX = 255;
export const DIGEST_LENGTH = 4;
export const MAX_SHARE_COUNT = 16;

/** One point of the sharing polynomial: public x, secret value (one byte per polynomial, all evaluated at x). */
export interface RawShare {
  readonly x: number;
  readonly value: Uint8Array;
}

/** Compares without an early exit, so the time taken does not reveal where two secret arrays differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Asks the injected source for bytes and checks it kept its promise (a short read would weaken the shares). */
export function takeRandom(random: RandomSource, length: number): Uint8Array {
  const bytes = random(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new KeyshardError('INTERNAL', `The random source returned the wrong number of bytes (wanted ${length}). Nothing was created.`);
  }
  return bytes;
}

/** The SLIP-39 digest: the first 4 bytes of HMAC-SHA256 keyed with the random part, over the secret. */
export function createDigest(randomPart: Uint8Array, secret: Uint8Array): Uint8Array {
  const mac = hmac(sha256, randomPart, secret);
  const digest = mac.slice(0, DIGEST_LENGTH);
  mac.fill(0);
  return digest;
}

function checkShareSet(shares: readonly RawShare[]): number {
  const first = shares[0];
  if (first === undefined) throw new KeyshardError('BELOW_THRESHOLD', 'No shares were given, so nothing can be recovered.', { have: 0 });
  const seen = new Set<number>();
  for (const share of shares) {
    if (!Number.isInteger(share.x) || share.x < 0 || share.x > 255) {
      throw new KeyshardError('INVALID_ARGUMENT', `A share index must be a whole number from 0 to 255 (got ${String(share.x)}).`);
    }
    if (seen.has(share.x)) {
      throw new KeyshardError('DUPLICATE_SHARE', `Two different shares claim index ${share.x}. Remove one of them and try again.`, { index: share.x });
    }
    seen.add(share.x);
    if (share.value.length !== first.value.length) {
      throw new KeyshardError('SHARES_MISMATCH', 'The shares hold values of different lengths, so they cannot belong to the same secret.');
    }
  }
  return first.value.length;
}

/**
 * The value at x of the polynomial through the given points (Lagrange). The basis weights depend only on the public
 * x-coordinates; each secret byte is touched only by constant-time multiply and XOR.
 */
export function interpolate(shares: readonly RawShare[], x: number): Uint8Array {
  const length = checkShareSet(shares);
  const known = shares.find((s) => s.x === x);
  if (known !== undefined) return known.value.slice();

  const result = new Uint8Array(length);
  for (const share of shares) {
    // basis = prod over other shares j of (x - x_j) / (share.x - x_j); subtraction is XOR in GF(2^8).
    let numerator = 1;
    let denominator = 1;
    for (const other of shares) {
      if (other === share) continue;
      numerator = mul(numerator, x ^ other.x);
      denominator = mul(denominator, share.x ^ other.x);
    }
    addScaledInto(result, div(numerator, denominator), share.value);
  }
  return result;
}

/**
 * Shares `secret` among `count` holders so that any `threshold` of them recover it. Returns shares at x = 0..count-1.
 * All randomness comes from `random`. The caller owns (and should wipe) the returned values.
 */
export function splitSecret(threshold: number, count: number, secret: Uint8Array, random: RandomSource): RawShare[] {
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new KeyshardError('SLIP39_PARAMETERS', `A threshold must be a whole number of at least 1 (got ${String(threshold)}).`);
  }
  if (!Number.isInteger(count) || count > MAX_SHARE_COUNT) {
    throw new KeyshardError('SLIP39_PARAMETERS', `At most ${MAX_SHARE_COUNT} shares can be made (asked for ${String(count)}).`);
  }
  if (threshold > count) {
    throw new KeyshardError('SLIP39_PARAMETERS', `The threshold (${threshold}) cannot be larger than the number of shares (${count}).`);
  }
  if (secret.length <= DIGEST_LENGTH) {
    throw new KeyshardError('SECRET_LENGTH', `The secret is too short to share (${secret.length} bytes).`);
  }
  if (threshold === 1) return Array.from({ length: count }, (_, x) => ({ x, value: secret.slice() }));

  const randomShareCount = threshold - 2;
  const shares: RawShare[] = [];
  for (let x = 0; x < randomShareCount; x++) shares.push({ x, value: takeRandom(random, secret.length) });

  const randomPart = takeRandom(random, secret.length - DIGEST_LENGTH);
  const digest = createDigest(randomPart, secret);
  const digestShare = new Uint8Array(secret.length);
  digestShare.set(digest, 0);
  digestShare.set(randomPart, DIGEST_LENGTH);
  digest.fill(0);
  randomPart.fill(0);

  const base: RawShare[] = [...shares, { x: DIGEST_INDEX, value: digestShare }, { x: SECRET_INDEX, value: secret }];
  for (let x = randomShareCount; x < count; x++) shares.push({ x, value: interpolate(base, x) });
  digestShare.fill(0);
  return shares;
}

/**
 * Recovers the shared secret from at least `threshold` shares and verifies its digest. More shares than the threshold
 * are all used, so every one of them is checked by the digest. Throws BELOW_THRESHOLD, DUPLICATE_SHARE,
 * SHARES_MISMATCH or SLIP39_DIGEST; never returns an unverified value (except for threshold 1, where the copies must
 * agree with each other).
 */
export function recoverSecret(threshold: number, shares: readonly RawShare[]): Uint8Array {
  checkShareSet(shares);
  if (shares.length < threshold) {
    throw new KeyshardError(
      'BELOW_THRESHOLD',
      `${threshold} shares are needed but only ${shares.length} were given; find ${threshold - shares.length} more.`,
      { threshold, have: shares.length, needed: threshold - shares.length },
    );
  }
  if (threshold === 1) {
    const first = shares[0]!.value;
    if (!shares.every((s) => constantTimeEqual(s.value, first))) {
      throw new KeyshardError('SLIP39_DIGEST', 'The shares are meant to be identical copies but they differ: one of them is damaged or belongs to another backup.');
    }
    return first.slice();
  }

  const secret = interpolate(shares, SECRET_INDEX);
  const digestShare = interpolate(shares, DIGEST_INDEX);
  const expected = createDigest(digestShare.subarray(DIGEST_LENGTH), secret);
  const ok = constantTimeEqual(expected, digestShare.subarray(0, DIGEST_LENGTH));
  expected.fill(0);
  digestShare.fill(0);
  if (!ok) {
    secret.fill(0);
    throw new KeyshardError(
      'SLIP39_DIGEST',
      'The shares do not fit together (digest check failed): at least one share is damaged or belongs to a different backup. Try another combination of shares.',
    );
  }
  return secret;
}
