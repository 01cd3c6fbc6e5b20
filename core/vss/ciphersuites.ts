/**
 * The three RFC 9591 ciphersuites keyshard deals verifiable shares for, and the little each needs beyond
 * @noble/curves' FROST object: its scalar field, how long its encodings are, and the group operations on
 * public points (parse-and-validate a commitment, G·s for a public key).
 *
 * Encodings follow RFC 9591 Section 6: scalars (secrets, shares, identifiers) are 32 bytes, little-endian for
 * ed25519 and big-endian for secp256k1 and P-256; points are 32 bytes for ed25519 and 33-byte compressed SEC1
 * for secp256k1 and P-256.
 */
import type { FROST } from '@noble/curves/abstract/frost.js';
import type { IField } from '@noble/curves/abstract/modular.js';
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { p256, p256_FROST } from '@noble/curves/nist.js';
import { secp256k1, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { equalBytes } from '@noble/curves/utils.js';
import { KeyshardError } from '../errors';

export type Ciphersuite = 'ed25519' | 'secp256k1' | 'p256';

export const CIPHERSUITES: readonly Ciphersuite[] = ['ed25519', 'secp256k1', 'p256'];

/** FROST itself needs two signers (noble, like frost-rs, rejects min < 2); 255 custodians is far beyond any ceremony. */
export const MIN_THRESHOLD = 2;
export const MAX_SHARES = 255;

export interface Suite {
  readonly id: Ciphersuite;
  /** RFC 9591 contextString, e.g. "FROST-ED25519-SHA512-v1". */
  readonly contextString: string;
  /** Human name as RFC 9591 writes it, for messages. */
  readonly title: string;
  readonly frost: FROST;
  /** Scalar field (mod the group order); the same object noble's FROST computes with. */
  readonly Fn: IField<bigint>;
  readonly scalarLength: number;
  readonly pointLength: number;
  /** True when the bytes are a canonical encoding of a valid, non-identity, prime-order point. Public input only. */
  isValidPoint(bytes: Uint8Array): boolean;
  /** SerializeElement(G·s) for a scalar 1 <= s < order (constant-time multiplication: s may be secret). */
  basePointTimes(s: bigint): Uint8Array;
  /**
   * SerializeElement(Σ_j commitments[j]·id^j): the verifying share of identifier `id` (1 <= id < order), from public
   * values only. Commitments must be valid points (checkCommitments).
   */
  commitmentAt(commitments: readonly Uint8Array[], id: bigint): Uint8Array;
}

interface GroupPoint<P> {
  multiply(scalar: bigint): P;
  add(other: P): P;
  toBytes(): Uint8Array;
  is0(): boolean;
  isTorsionFree(): boolean;
  assertValidity(): void;
}

interface GroupPointCons<P extends GroupPoint<P>> {
  readonly BASE: P;
  fromBytes(bytes: Uint8Array): P;
}

function makeSuite<P extends GroupPoint<P>>(
  id: Ciphersuite,
  contextString: string,
  title: string,
  frost: FROST,
  Point: GroupPointCons<P>,
  pointLength: number,
): Suite {
  const Fn = frost.utils.Fn;
  return Object.freeze({
    id,
    contextString,
    title,
    frost,
    Fn,
    scalarLength: Fn.BYTES,
    pointLength,
    isValidPoint(bytes: Uint8Array): boolean {
      if (bytes.length !== pointLength) return false;
      try {
        const p = Point.fromBytes(bytes);
        p.assertValidity();
        // RFC 9591 Section 3.1 DeserializeElement: no identity, prime-order subgroup only, canonical bytes.
        return !p.is0() && p.isTorsionFree() && equalBytes(p.toBytes(), bytes);
      } catch {
        return false;
      }
    },
    basePointTimes(s: bigint): Uint8Array {
      return Point.BASE.multiply(s).toBytes();
    },
    commitmentAt(commitments: readonly Uint8Array[], id: bigint): Uint8Array {
      // Horner's rule from the highest coefficient: ((C[t-1]·id + C[t-2])·id + ...)·id + C[0].
      let acc = Point.fromBytes(commitments[commitments.length - 1]!);
      for (let j = commitments.length - 2; j >= 0; j--) acc = acc.multiply(id).add(Point.fromBytes(commitments[j]!));
      return acc.toBytes();
    },
  });
}

const SUITES: Readonly<Record<Ciphersuite, Suite>> = Object.freeze({
  ed25519: makeSuite('ed25519', 'FROST-ED25519-SHA512-v1', 'FROST(Ed25519, SHA-512)', ed25519_FROST, ed25519.Point, 32),
  secp256k1: makeSuite('secp256k1', 'FROST-secp256k1-SHA256-v1', 'FROST(secp256k1, SHA-256)', secp256k1_FROST, secp256k1.Point, 33),
  p256: makeSuite('p256', 'FROST-P256-SHA256-v1', 'FROST(P-256, SHA-256)', p256_FROST, p256.Point, 33),
});

export function isCiphersuite(value: unknown): value is Ciphersuite {
  return typeof value === 'string' && (CIPHERSUITES as readonly string[]).includes(value);
}

/** The suite, or VSS_CIPHERSUITE naming the ones we support. */
export function getSuite(ciphersuite: unknown): Suite {
  if (!isCiphersuite(ciphersuite)) {
    const shown = typeof ciphersuite === 'string' && ciphersuite.length <= 32 ? `"${ciphersuite}"` : 'this ciphersuite';
    throw new KeyshardError(
      'VSS_CIPHERSUITE',
      `Unknown ciphersuite ${shown}. Use one of: ${CIPHERSUITES.join(', ')}.`,
      { supported: CIPHERSUITES },
    );
  }
  return SUITES[ciphersuite];
}

/** Checks a threshold (and, when given, the share count) against what FROST and keyshard allow. */
export function checkThreshold(threshold: unknown, shares?: number): asserts threshold is number {
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 0 || threshold > MAX_SHARES) {
    throw new KeyshardError('INVALID_ARGUMENT', `The threshold must be a whole number from ${MIN_THRESHOLD} to ${MAX_SHARES}.`);
  }
  if (threshold < MIN_THRESHOLD) {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      `A threshold of ${threshold} is not allowed: FROST needs at least ${MIN_THRESHOLD} signers (a 1-of-N split would just be N copies of the key). Use a threshold of ${MIN_THRESHOLD} or more.`,
      { threshold, min: MIN_THRESHOLD },
    );
  }
  if (shares === undefined) return;
  if (!Number.isInteger(shares) || shares < 1 || shares > MAX_SHARES) {
    throw new KeyshardError('INVALID_ARGUMENT', `The number of shares must be a whole number from ${MIN_THRESHOLD} to ${MAX_SHARES}.`);
  }
  if (threshold > shares) {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      `The threshold (${threshold}) cannot be larger than the number of shares (${shares}): the key could never be used. Lower the threshold or deal more shares.`,
      { threshold, shares },
    );
  }
}
