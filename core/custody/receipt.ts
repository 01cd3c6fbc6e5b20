/**
 * The custody receipt: what a custody check found, in a form a witness signs so it can be appended to the ceremony's
 * transcript later (an entry of kind `custody-receipt` whose data is the signed receipt below).
 *
 *   receipt = { "format": "keyshard-custody-receipt", "version": 1, ceremonyId, custodianIndex, custodianId, label,
 *               scheme, checkedAt, shardFingerprint, transcriptFinalHash, checkedAgainst, result, source }
 *   digest  = SHA-256( UTF-8("keyshard-custody-receipt-v1\n" + JCS(receipt)) )
 *   signed  = { "receipt": receipt, "witness": { "id", "algorithm", "publicKey" }, "signature": hex }
 *
 * The signature is over the 32 digest bytes, exactly as a transcript sign-off signs an entry hash (Ed25519 RFC 8032,
 * or ECDSA P-256 over the digest as given), so the same witness keys and tokens sign both. It does not sign a
 * transcript entry: the entry's hash depends on where it is appended, unknown when the receipt is made; appending
 * it later adds an entry whose data holds this signed receipt. Everything in a receipt is public.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalize } from '../canonical-json';
import { KeyshardError } from '../errors';
import { type WitnessRef, type WitnessSigner, verifyWitnessSignature } from '../transcript';
import type { CustodyCheck } from './check';

export const CUSTODY_RECEIPT_FORMAT = 'keyshard-custody-receipt';
export const CUSTODY_RECEIPT_PREFIX = 'keyshard-custody-receipt-v1\n';
/** The transcript entry kind a signed receipt is appended as. */
export const CUSTODY_RECEIPT_KIND = 'custody-receipt';

export interface CustodyReceipt extends CustodyCheck {
  readonly format: typeof CUSTODY_RECEIPT_FORMAT;
  readonly version: 1;
  /** When the check was made (ISO 8601 UTC, the checking machine's clock). */
  readonly checkedAt: string;
}

export interface SignedCustodyReceipt {
  readonly receipt: CustodyReceipt;
  readonly witness: WitnessRef;
  readonly signature: string;
}

export function custodyReceipt(check: CustodyCheck, checkedAt: Date): CustodyReceipt {
  if (!(checkedAt instanceof Date) || Number.isNaN(checkedAt.getTime())) throw new KeyshardError('INVALID_ARGUMENT', 'The clock gave no valid time for the receipt.');
  return { format: CUSTODY_RECEIPT_FORMAT, version: 1, ...check, checkedAt: checkedAt.toISOString() };
}

/** The 32 bytes a witness signs for this receipt. */
export function custodyReceiptDigest(receipt: CustodyReceipt): Uint8Array {
  return sha256(utf8ToBytes(CUSTODY_RECEIPT_PREFIX + canonicalize(receipt)));
}

/** The receipt signed by a witness (their key file opened with their passphrase, or their token with its PIN). */
export async function signCustodyReceipt(receipt: CustodyReceipt, signer: WitnessSigner): Promise<SignedCustodyReceipt> {
  const digest = custodyReceiptDigest(receipt);
  const signature = await signer.sign(digest);
  if (!verifyWitnessSignature(signer.algorithm, signer.publicKey, digest, signature)) {
    throw new KeyshardError('WITNESS_KEY', `The signature ${signer.witnessId}'s key made over the receipt does not verify. Nothing was signed; check the key file or token.`);
  }
  return { receipt, witness: { id: signer.witnessId, algorithm: signer.algorithm, publicKey: bytesToHex(signer.publicKey) }, signature: bytesToHex(signature) };
}

/** True when the signature is the named witness key's over this exact receipt. Malformed input gives false. */
export function verifySignedCustodyReceipt(signed: SignedCustodyReceipt): boolean {
  try {
    if (signed.receipt.format !== CUSTODY_RECEIPT_FORMAT || signed.receipt.version !== 1) return false;
    if (!/^(?:[0-9a-f]{2})+$/.test(signed.witness.publicKey) || !/^[0-9a-f]{128}$/.test(signed.signature)) return false;
    return verifyWitnessSignature(signed.witness.algorithm, hexToBytes(signed.witness.publicKey), custodyReceiptDigest(signed.receipt), hexToBytes(signed.signature));
  } catch {
    return false;
  }
}
