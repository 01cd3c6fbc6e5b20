/** Threshold signing as a ceremony kind: the signer's key from their shard, and what the transcript records. */
export { signerKeyOfEnvelope, type SignerShard } from './key';
export {
  SIGNING_KIND_ID,
  checkSigningTranscript,
  citeKeyCeremony,
  commitmentData,
  messageHash,
  signatureData,
  signatureShareData,
  signingPlanData,
  signingRequestData,
  signingSealData,
  signingTranscript,
  startSigningRun,
  type KeyCeremonyRef,
  type SigningPlanOptions,
  type SigningRecord,
  type SigningSummary,
} from './transcript';
