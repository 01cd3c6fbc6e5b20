/**
 * The custody check in the app (the `custody-check` ceremony kind): one custodian's shard, typed from paper, scanned or
 * read by main off their USB stick or token, checked against the key ceremony's verified transcript alone
 * (core/custody), then wiped; the result is recorded as a sealed transcript of its own citing the key ceremony's final
 * hash, signed off by the witness when one signs.
 */
import { checkCustody, checkCustodyOfWords, custodyReceipt, type CustodyCheck, type CustodyReceipt, type SignedCustodyReceipt } from '../../../core/custody/index';
import { type ExtensionRecord, citeExtension, distinctExtensions } from '../../../core/extend/records';
import { custodyCheckTranscript } from '../../../core/custody/transcript';
import { type Envelope, wipeEnvelope } from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import { serializeTranscript, verifyTranscriptText, type VerifyOk, type WitnessSigner } from '../../../core/transcript';
import { envelopeOfInput, type ShardInput } from '../signing/signer';

/** A share extension's sealed transcript (text) and the final hash typed from its paper record, if any. */
export interface ExtensionInput {
  readonly transcriptText: string;
  readonly finalHash?: string;
}

export interface CustodyCheckRequest {
  readonly transcriptText: string;
  readonly finalHash?: string;
  /** Typed or scanned; or an envelope main read off the custodian's stick or token (held-shard.ts), wiped by the check. */
  readonly shard: ShardInput | { readonly envelope: Envelope };
  readonly witness?: WitnessSigner;
  /** Share extensions of the key ceremony: a member one of them added is found in its seal (typed words only). */
  readonly extensions?: readonly ExtensionInput[];
}

/** Each extension verified and read against the key ceremony (core/extend/records.ts); named by its place when refused. */
export function readExtensionInputs(keyCeremony: VerifyOk, inputs: readonly ExtensionInput[]): ExtensionRecord[] {
  const records = inputs.map((x, i) => {
    const v = verifyTranscriptText(x.transcriptText);
    try {
      if (!v.ok) throw new KeyshardError(v.code, `It does not verify${v.firstBadSeq === null ? '' : ` (entry ${v.firstBadSeq})`}: ${v.reason}`);
      const typed = x.finalHash === undefined || x.finalHash.trim() === '' ? undefined : x.finalHash;
      return citeExtension(keyCeremony, v, typed === undefined ? {} : { finalHash: typed });
    } catch (e) {
      if (e instanceof KeyshardError) throw new KeyshardError(e.code, `Extension transcript ${i + 1}: ${e.message} Nothing was checked.`, { ...e.details, extension: i + 1 });
      throw e;
    }
  });
  return [...distinctExtensions(records)];
}

/** SLIP-39 words typed (not a KS1 shard text or a scanned code): what an extended member holds. */
export function isTypedWords(shard: ShardInput | { readonly envelope: Envelope }): shard is { readonly text: string } {
  return 'text' in shard && /^[a-z]+(?:\s+[a-z]+){19,}$/i.test(shard.text.trim());
}

export interface CustodyCheckResult {
  readonly receipt: CustodyReceipt;
  readonly signed: SignedCustodyReceipt | null;
  readonly transcriptText: string;
  readonly finalHash: string;
}

export async function runCustodyCheck(r: CustodyCheckRequest, clock: () => Date): Promise<CustodyCheckResult> {
  try {
    return await checkAndRecord(r, clock);
  } finally {
    // A shard read off a device is wiped whatever the check found (typed ones are wiped where they are decoded).
    if ('envelope' in r.shard) wipeEnvelope(r.shard.envelope);
  }
}

async function checkAndRecord(r: CustodyCheckRequest, clock: () => Date): Promise<CustodyCheckResult> {
  const verified = verifyTranscriptText(r.transcriptText);
  if (!verified.ok) {
    throw new KeyshardError(verified.code, `The key ceremony's transcript does not verify${verified.firstBadSeq === null ? '' : ` (entry ${verified.firstBadSeq})`}: ${verified.reason} Nothing was checked against it.`);
  }
  const trust = r.finalHash === undefined ? {} : { finalHash: r.finalHash };
  const extensions = readExtensionInputs(verified, r.extensions ?? []);
  let check: CustodyCheck;
  if (isTypedWords(r.shard)) {
    // Words: a SLIP-39 member of the key ceremony or of an extension, found by the fingerprint the record holds.
    check = checkCustodyOfWords(verified, r.shard.text, trust, extensions);
  } else {
    const envelope = 'envelope' in r.shard ? r.shard.envelope : envelopeOfInput(r.shard);
    try {
      check = checkCustody(verified, envelope, trust);
    } finally {
      wipeEnvelope(envelope);
    }
  }
  const receipt: CustodyReceipt = custodyReceipt(check, clock());
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
