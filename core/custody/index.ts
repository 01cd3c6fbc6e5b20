/** Custody checks: one custodian's shard against the ceremony's public record, and the receipt a witness signs. */
export { shardFingerprint, shardFingerprintOfPayload, slip39ShareFingerprint } from './fingerprint';
export { checkCustody, checkCustodyOfWords } from './check';
export type { CustodyCheck, CustodyResult } from './check';
export { CUSTODY_RECEIPT_FORMAT, CUSTODY_RECEIPT_KIND, custodyReceipt, custodyReceiptDigest, signCustodyReceipt, verifySignedCustodyReceipt } from './receipt';
export type { CustodyReceipt, SignedCustodyReceipt } from './receipt';
export { appendCustodyReceipt, type AppendedReceipt } from './append';
