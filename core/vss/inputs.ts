/**
 * Checks on what callers hand to verify and combine: shapes and lengths first (INVALID_ARGUMENT), then whether
 * the bytes are scalars and points of the suite. Messages name positions and public identifiers only — never a
 * share's value.
 */
import { bytesToHex } from '@noble/curves/utils.js';
import { KeyshardError } from '../errors';
import type { Suite } from './ciphersuites';
import type { VssShare } from './types';

/** A share whose bytes passed every check, with its scalars decoded. */
export interface DecodedShare {
  readonly share: VssShare;
  /** 0-based position in the caller's list. */
  readonly index: number;
  readonly id: bigint;
  /** noble's identifier: lowercase hex of the serialized scalar. */
  readonly idHex: string;
  /** How the identifier is shown to people: decimal when small (dealt shares are 1..N), else a hex prefix. */
  readonly label: string;
  readonly value: bigint;
}

/** The scalar the bytes encode, or undefined when they are not a canonical scalar (value >= group order). */
export function decodeScalar(suite: Suite, bytes: Uint8Array): bigint | undefined {
  if (bytes.length !== suite.scalarLength) return undefined;
  try {
    return suite.Fn.fromBytes(bytes);
  } catch {
    return undefined;
  }
}

export function identifierLabel(id: bigint, idHex: string): string {
  return id < 0x10000n ? id.toString(10) : `${idHex.slice(0, 8)}…`;
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/**
 * Decodes one share. `where` names it in messages ("The share", "Share #2").
 * Wrong types or lengths: INVALID_ARGUMENT. Right length but not a nonzero scalar of this suite: VSS_SHARE_INVALID
 * (the share is damaged, or comes from another ciphersuite).
 */
export function decodeShare(suite: Suite, share: unknown, index: number, where: string): DecodedShare {
  const details = { index };
  if (typeof share !== 'object' || share === null) {
    throw new KeyshardError('INVALID_ARGUMENT', `${where} must be an object with an identifier and a signing share.`, details);
  }
  const { identifier, signingShare } = share as Partial<VssShare>;
  const n = suite.scalarLength;
  if (!isBytes(identifier) || identifier.length !== n) {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      `${where} has an identifier of the wrong length: ${suite.id} identifiers are ${n}-byte scalars (${2 * n} hex digits).`,
      details,
    );
  }
  if (!isBytes(signingShare) || signingShare.length !== n) {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      `${where} has a signing share of the wrong length: ${suite.id} signing shares are ${n}-byte scalars (${2 * n} hex digits).`,
      details,
    );
  }
  const id = decodeScalar(suite, identifier);
  if (id === undefined || id === 0n) {
    throw new KeyshardError(
      'VSS_SHARE_INVALID',
      `${where} has an identifier that is not a valid nonzero ${suite.id} scalar. Check that it was copied completely and comes from a deal with the ${suite.id} ciphersuite.`,
      { ...details, reason: 'identifier' },
    );
  }
  const idHex = bytesToHex(identifier);
  const label = identifierLabel(id, idHex);
  const value = decodeScalar(suite, signingShare);
  if (value === undefined || value === 0n) {
    throw new KeyshardError(
      'VSS_SHARE_INVALID',
      `${where} (identifier ${label}) has a signing share that is not a valid nonzero ${suite.id} scalar: it is damaged or belongs to another ciphersuite.`,
      { ...details, identifier: label, reason: 'encoding' },
    );
  }
  return { share: { identifier, signingShare }, index, id, idHex, label, value };
}

/** Commitments must be exactly `threshold` valid points: one per coefficient of the dealer's polynomial. */
export function checkCommitments(suite: Suite, threshold: number, commitments: unknown): asserts commitments is Uint8Array[] {
  if (!Array.isArray(commitments)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'The commitments must be a list of points.');
  }
  if (commitments.length !== threshold) {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      `There ${commitments.length === 1 ? 'is 1 commitment' : `are ${commitments.length} commitments`} but the threshold is ${threshold}; a deal with threshold ${threshold} publishes exactly ${threshold}. Check that the commitments and the threshold come from the same deal.`,
      { commitments: commitments.length, threshold },
    );
  }
  commitments.forEach((c: unknown, i) => {
    if (!isBytes(c) || !suite.isValidPoint(c)) {
      throw new KeyshardError(
        'INVALID_ARGUMENT',
        `Commitment #${i + 1} is not a valid ${suite.id} point (${suite.pointLength} bytes, ${suite.id === 'ed25519' ? 'RFC 8032 encoding' : 'compressed SEC1'}). Check that it was copied completely and comes from a deal with the ${suite.id} ciphersuite.`,
        { commitment: i },
      );
    }
  });
}

/** The scalar of a secret given by a caller, or INVALID_ARGUMENT; the message describes the format, never the value. */
export function decodeSecret(suite: Suite, secret: unknown, what: string): bigint {
  const n = suite.scalarLength;
  const order = suite.id === 'ed25519' ? 'little-endian' : 'big-endian';
  if (!isBytes(secret) || secret.length !== n) {
    throw new KeyshardError('INVALID_ARGUMENT', `${what} must be ${n} bytes (${2 * n} hex digits): a ${suite.id} scalar, ${order}.`);
  }
  const s = decodeScalar(suite, secret);
  if (s === undefined || s === 0n) {
    const hint = suite.id === 'ed25519' ? ' It is a scalar, not an RFC 8032 seed: most random 32-byte strings are too large.' : '';
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      `${what} is not a valid ${suite.id} scalar: it must be nonzero and below the group order, ${order}.${hint}`,
    );
  }
  return s;
}
