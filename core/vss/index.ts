/**
 * Verifiable signer shares: RFC 9591 (FROST) trusted-dealer key generation with Feldman VSS commitments, for
 * ed25519, secp256k1 and P-256, on @noble/curves' FROST implementation.
 *
 * - dealShares: a group secret (given or fresh) -> commitments (commitments[0] is the group public key) and
 *   shares for identifiers 1..N. Threshold 2..N (FROST has no 1-of-N), N up to 255.
 * - verifyShare: a custodian checks their share against the public commitments.
 * - combineShares: a quorum recovers the secret; with commitments each share is verified first.
 */
export { CIPHERSUITES, MAX_SHARES, MIN_THRESHOLD, isCiphersuite } from './ciphersuites';
export type { Ciphersuite } from './ciphersuites';
export type { VssDeal, VssShare } from './types';
export { dealShares } from './deal';
export type { DealOptions } from './deal';
export { verifyShare, verifyingShareFromCommitments } from './verify';
export { combineShares } from './combine';
export type { CombineOptions, CombineResult } from './combine';
export { groupFingerprint, publicKeyOf } from './group-key';
export { applyRefresh, refreshDealer, refreshShares, reshareFromQuorum } from './refresh';
export type { ApplyRefreshOptions, RefreshDealerOptions, RefreshOptions, RefreshPackage, ReshareOptions } from './refresh';
export { repairShare, repairStep1, repairStep2, repairStep3 } from './repair';
export type { RepairDeltas, RepairOptions, RepairStep1Options, RepairStep3Options } from './repair';
export {
  CommitmentRegistry,
  SIGNING_CIPHERSUITES,
  createSigningPackage,
  frostAggregate,
  frostCommit,
  frostSignShare,
  signatureVerifyingKey,
  verifySignature,
} from './sign';
export type { SignatureShare, SignerKey, SigningCiphersuite, SigningCommitment, SigningNonces, SigningPackage } from './sign';
