/**
 * Share verification against the dealer's commitments (RFC 9591 Appendix C.2 vss_verify), done by noble's
 * `validateSecret`: G·share must equal Σ_j commitments[j]·id^j.
 */
import { KeyshardError } from '../errors';
import { type Ciphersuite, type Suite, checkThreshold, getSuite } from './ciphersuites';
import { type DecodedShare, checkCommitments, decodeScalar, decodeShare } from './inputs';
import type { VssShare } from './types';

/** Throws VSS_SHARE_INVALID (naming the share by position and identifier) unless the share matches the commitments. */
export function checkAgainstCommitments(suite: Suite, threshold: number, commitments: Uint8Array[], d: DecodedShare, where: string): void {
  try {
    // signers.max only has to be >= min for noble's checks; the number of shares dealt plays no part in vss_verify.
    suite.frost.validateSecret(
      { identifier: d.idHex, signingShare: d.share.signingShare },
      { signers: { min: threshold, max: threshold }, commitments, verifyingShares: {} },
    );
  } catch {
    // Every input was validated beforehand, so the only way left to fail is the share not matching.
    throw new KeyshardError(
      'VSS_SHARE_INVALID',
      `${where} (identifier ${d.label}) does not match the commitments: it is damaged, was copied wrong, or belongs to another deal. Do not use it; ask its custodian for the original.`,
      { index: d.index, identifier: d.label, reason: 'commitments' },
    );
  }
}

/**
 * Checks one share against the deal's public commitments. Returns its verifying share G·signingShare (public,
 * what FROST signers publish), or throws VSS_SHARE_INVALID; bad shapes are INVALID_ARGUMENT.
 */
export function verifyShare(ciphersuite: Ciphersuite, threshold: number, commitments: Uint8Array[], share: VssShare): Uint8Array {
  const suite = getSuite(ciphersuite);
  checkThreshold(threshold);
  checkCommitments(suite, threshold, commitments);
  const decoded = decodeShare(suite, share, 0, 'The share');
  checkAgainstCommitments(suite, threshold, commitments, decoded, 'The share');
  return suite.basePointTimes(decoded.value);
}

/**
 * The verifying share of a share's identifier, from the deal's public commitments alone (RFC 9591 vss_verify's
 * right-hand side): what `verifyShare` returns for a valid share, without touching the signing share. For a share
 * whose bytes were already compared with the dealt ones, this is the way to name it with no arithmetic on the secret.
 */
export function verifyingShareFromCommitments(ciphersuite: Ciphersuite, threshold: number, commitments: Uint8Array[], identifier: Uint8Array): Uint8Array {
  const suite = getSuite(ciphersuite);
  checkThreshold(threshold);
  checkCommitments(suite, threshold, commitments);
  const id = decodeScalar(suite, identifier);
  if (identifier.length !== suite.scalarLength || id === undefined || id === 0n) {
    throw new KeyshardError('INVALID_ARGUMENT', 'The identifier is not a valid nonzero scalar of this ciphersuite.');
  }
  return suite.commitmentAt(commitments, id);
}
