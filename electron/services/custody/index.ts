/**
 * The custody check in the app (the `custody-check` ceremony kind): one custodian's shard, typed from paper or scanned,
 * checked against the key ceremony's verified transcript alone (core/custody), then wiped; the result is recorded as
 * a sealed transcript of its own citing the key ceremony's final hash, signed off by the witness when one signs.
 */
import { checkCustody, custodyReceipt, type CustodyReceipt, type SignedCustodyReceipt } from '../../../core/custody/index';
import { custodyCheckTranscript } from '../../../core/custody/transcript';
import { wipeEnvelope } from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import { serializeTranscript, verifyTranscriptText, type WitnessSigner } from '../../../core/transcript';
import { envelopeOfInput, type ShardInput } from '../signing/signer';

export interface CustodyCheckRequest {
  readonly transcriptText: string;
  readonly finalHash?: string;
  readonly shard: ShardInput;
  readonly witness?: WitnessSigner;
}

export interface CustodyCheckResult {
  readonly receipt: CustodyReceipt;
  readonly signed: SignedCustodyReceipt | null;
  readonly transcriptText: string;
  readonly finalHash: string;
}

export async function runCustodyCheck(r: CustodyCheckRequest, clock: () => Date): Promise<CustodyCheckResult> {
  const verified = verifyTranscriptText(r.transcriptText);
  if (!verified.ok) {
    throw new KeyshardError(verified.code, `The key ceremony's transcript does not verify${verified.firstBadSeq === null ? '' : ` (entry ${verified.firstBadSeq})`}: ${verified.reason} Nothing was checked against it.`);
  }
  const envelope = envelopeOfInput(r.shard);
  let receipt: CustodyReceipt;
  try {
    receipt = custodyReceipt(checkCustody(verified, envelope, r.finalHash === undefined ? {} : { finalHash: r.finalHash }), clock());
  } finally {
    wipeEnvelope(envelope);
  }
  const id = `custody-${receipt.checkedAt.replace(/[:.]/g, '')}-${receipt.custodianId}-${receipt.ceremonyId}`.slice(0, 128);
  const { transcript, signed } = await custodyCheckTranscript({
    ceremonyId: id,
    clock,
    label: `Custody check of ${receipt.custodianId}'s shard`,
    receipt,
    ...(r.witness === undefined ? {} : { witness: r.witness }),
  });
  return { receipt, signed, transcriptText: serializeTranscript(transcript), finalHash: transcript.entries[transcript.entries.length - 1]!.hash };
}
