/**
 * Secret scalar helpers shared by refresh, repair and signing: random nonzero scalars from an injected
 * RandomSource (through noble's randomScalar, which reduces 48 bytes mod the order), and Lagrange coefficients.
 * All arithmetic goes through the suite's field `Fn` (noble's, constant-time for a fixed modulus).
 */
import type { RNG } from '@noble/curves/abstract/frost.js';
import { KeyshardError } from '../errors';
import type { RandomSource } from '../random';
import type { Suite } from './ciphersuites';

/** A fresh random nonzero scalar; every byte drawn is zeroed before this returns. */
export function randomScalar(suite: Suite, random: RandomSource): bigint {
  if (typeof random !== 'function') throw new KeyshardError('INVALID_ARGUMENT', 'A random source is required.');
  const drawn: Uint8Array[] = [];
  const rng: RNG = (length = 32) => {
    const bytes = random(length);
    if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
      throw new KeyshardError('INTERNAL', `The random source returned the wrong number of bytes (asked for ${length}).`);
    }
    if (bytes.every((b) => b === 0)) {
      throw new KeyshardError('INTERNAL', 'The random source returned only zero bytes. Nothing was changed; check the entropy source.');
    }
    drawn.push(bytes);
    return bytes as ReturnType<RNG>;
  };
  const encoded = suite.frost.utils.randomScalar(rng);
  try {
    return suite.Fn.fromBytes(encoded);
  } finally {
    encoded.fill(0);
    for (const d of drawn) d.fill(0);
  }
}

/** f(x) for coefficients a_0..a_{t-1}, by Horner's rule in Fn. */
export function evaluatePolynomial(suite: Suite, coefficients: readonly bigint[], x: bigint): bigint {
  const { Fn } = suite;
  let y = Fn.ZERO;
  for (let j = coefficients.length - 1; j >= 0; j--) y = Fn.add(Fn.mul(y, x), coefficients[j]!);
  return y;
}

/**
 * The Lagrange coefficient of `id` within `ids`, evaluated at `at` (0 to recombine, a lost identifier to repair):
 * Π_{j≠id} (at - j) / (id - j). Identifiers are public; `ids` must be distinct and contain `id`.
 */
export function lagrangeAt(suite: Suite, ids: readonly bigint[], id: bigint, at: bigint): bigint {
  const { Fn } = suite;
  let num = Fn.ONE;
  let den = Fn.ONE;
  for (const j of ids) {
    if (j === id) continue;
    num = Fn.mul(num, Fn.sub(at, j));
    den = Fn.mul(den, Fn.sub(id, j));
  }
  return Fn.div(num, den);
}

/** Best effort: bigints are immutable, so this only drops our references. */
export function forget(values: bigint[]): void {
  for (let i = 0; i < values.length; i++) values[i] = 0n;
}
