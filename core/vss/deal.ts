/**
 * Trusted-dealer key generation with Feldman commitments (RFC 9591 Appendix C), on @noble/curves' FROST.
 *
 * noble's `trustedDealer` draws the polynomial itself and never hands it back, so the RFC's vectors (which fix
 * the coefficients) could not be checked against it. We therefore deal in two steps that both rely on noble:
 *   1. draw the coefficients with noble's `utils.randomScalar` fed from our injected RandomSource — the same
 *      draws, in the same order, that `trustedDealer` makes, so the result is byte-identical to it (tested);
 *   2. `dealWithPolynomial`: commitments from noble's `utils.generateSecretPolynomial`, shares by evaluating the
 *      polynomial at x = 1..N with noble's scalar field (Horner's rule) — the only arithmetic done here.
 * The RFC vectors go through step 2 unchanged, so they check the code that deals real keys.
 */
import { hexToBytes } from '@noble/curves/utils.js';
import type { RNG } from '@noble/curves/abstract/frost.js';
import type { IField } from '@noble/curves/abstract/modular.js';
import { KeyshardError } from '../errors';
import type { RandomSource } from '../random';
import { type Ciphersuite, checkThreshold, getSuite } from './ciphersuites';
import { decodeSecret } from './inputs';
import type { VssDeal, VssShare } from './types';

export interface DealOptions {
  ciphersuite: Ciphersuite;
  /** Minimum number of shares that recover the key (and sign with it): 2..shares. */
  threshold: number;
  /** Number of shares to deal, identifiers 1..shares: threshold..255. */
  shares: number;
  /** The group secret scalar to share (RFC 9591 serialization); a fresh random one when absent. Not modified. */
  secret?: Uint8Array;
  random: RandomSource;
}

/** f(x) = a_0 + a_1·x + ... by Horner's rule, in the suite's scalar field. */
function evaluate(Fn: IField<bigint>, coefficients: readonly bigint[], x: bigint): bigint {
  let y = Fn.ZERO;
  for (let j = coefficients.length - 1; j >= 0; j--) y = Fn.add(Fn.mul(y, x), coefficients[j]!);
  return y;
}

/** Best effort only: bigints are immutable, so this drops our references and leaves the rest to the collector. */
function forget(values: bigint[]): void {
  for (let i = 0; i < values.length; i++) values[i] = 0n;
}

/**
 * Deals `shares` shares of the polynomial whose serialized coefficients are given (`coefficients[0]` is the
 * group secret; the threshold is `coefficients.length`). Internal: dealShares calls it with random
 * coefficients, the RFC 9591 vector tests with the published ones. The caller keeps and zeroes `coefficients`.
 */
export function dealWithPolynomial(ciphersuite: Ciphersuite, coefficients: readonly Uint8Array[], shares: number): VssDeal {
  const suite = getSuite(ciphersuite);
  const { Fn, frost } = suite;
  const threshold = coefficients.length;
  checkThreshold(threshold, shares);
  const scalars = coefficients.map((c, j) => decodeSecret(suite, c, j === 0 ? 'The secret' : `Polynomial coefficient #${j}`));
  let polynomial: bigint[] = [];
  try {
    // noble commits to every coefficient (and rejects a bad threshold or a wrong number of coefficients).
    const generated = frost.utils.generateSecretPolynomial({ min: threshold, max: shares }, coefficients[0], scalars.slice(1));
    polynomial = generated.coefficients;
    const commitments = generated.commitment.map((c) => Uint8Array.from(c));
    const dealt: VssShare[] = [];
    for (let i = 1; i <= shares; i++) {
      const x = BigInt(i);
      const y = evaluate(Fn, polynomial, x);
      if (Fn.is0(y)) {
        // Probability about 2^-250 for random coefficients; a zero share would not verify (identity point).
        for (const s of dealt) s.signingShare.fill(0);
        throw new KeyshardError('INTERNAL', 'A share came out as zero, which cannot be committed to. Deal again.');
      }
      dealt.push({ identifier: hexToBytes(frost.Identifier.fromNumber(i)), signingShare: Fn.toBytes(y) });
    }
    const groupPublicKey = Uint8Array.from(commitments[0]!);
    return { ciphersuite: suite.id, threshold, groupPublicKey, commitments, shares: dealt };
  } finally {
    forget(polynomial);
    forget(scalars);
  }
}

/**
 * Deals a fresh (or given) group secret into `shares` verifiable shares, any `threshold` of which recover it.
 * All randomness comes from `random`; every buffer it returned is zeroed before this returns.
 */
export function dealShares(o: DealOptions): VssDeal {
  const suite = getSuite(o.ciphersuite);
  checkThreshold(o.threshold, o.shares);
  if (typeof o.random !== 'function') {
    throw new KeyshardError('INVALID_ARGUMENT', 'A random source is required to deal shares.');
  }
  if (o.secret !== undefined) decodeSecret(suite, o.secret, 'The secret');

  const drawn: Uint8Array[] = [];
  // noble asks for getMinHashLength(order) = 48 bytes per scalar and reduces them to 1..order-1.
  const rng: RNG = (length = 32) => {
    const bytes = o.random(length);
    if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
      throw new KeyshardError('INTERNAL', `The random source returned the wrong number of bytes (asked for ${length}).`);
    }
    drawn.push(bytes);
    // A source stuck at zero would make every coefficient 1; refuse rather than deal a guessable key.
    if (bytes.every((b) => b === 0)) {
      throw new KeyshardError('INTERNAL', 'The random source returned only zero bytes. Nothing was dealt; check the entropy source.');
    }
    return bytes as ReturnType<RNG>;
  };

  const coefficients: Uint8Array[] = [];
  try {
    coefficients.push(o.secret === undefined ? suite.frost.utils.randomScalar(rng) : Uint8Array.from(o.secret));
    for (let j = 1; j < o.threshold; j++) coefficients.push(suite.frost.utils.randomScalar(rng));
    return dealWithPolynomial(suite.id, coefficients, o.shares);
  } finally {
    for (const c of coefficients) c.fill(0);
    for (const d of drawn) d.fill(0);
  }
}
