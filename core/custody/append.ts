/**
 * Appends a witness-signed custody receipt to the sealed key ceremony transcript it was checked against (issue 17.1),
 * as an entry of kind `custody-receipt` after the seal. The result must still be sealed by core/transcript-status's
 * rule (the receipt's signature holds, it is this ceremony's, it cites an entry at or after the seal, its witness is
 * pinned when the plan pins keys); otherwise nothing is appended. Pure: the caller writes the new file.
 */
import { KeyshardError } from '../errors';
import { appendEntry, resumeTranscript, verifyTranscript, type Clock, type Transcript } from '../transcript';
import { transcriptEnd } from '../transcript-status';
import { CUSTODY_RECEIPT_KIND } from './receipt';

export interface AppendedReceipt {
  readonly transcript: Transcript;
  /** The receipt's entry, and the seal's (whose hash the paper record carries, or a later sign-off's). */
  readonly seq: number;
  readonly sealSeq: number;
  readonly headHash: string;
}

export function appendCustodyReceipt(t: Transcript, signed: unknown, clock: Clock): AppendedReceipt {
  const before = verifyTranscript(t);
  if (!before.ok) throw new KeyshardError(before.code, `The transcript does not verify: ${before.reason}`, { seq: before.firstBadSeq });
  const end = transcriptEnd(before);
  if (end.status !== 'sealed' || end.sealSeq === null) {
    throw new KeyshardError('TRANSCRIPT_UNSEALED', `A custody receipt is appended only to a sealed key ceremony transcript: ${end.why ?? ''} Use the sealed transcript from the ceremony's USB stick.`);
  }
  const next = appendEntry(resumeTranscript(t, clock), CUSTODY_RECEIPT_KIND, signed);
  const after = verifyTranscript(next);
  if (!after.ok) throw new KeyshardError(after.code, `The receipt cannot be appended: ${after.reason}`);
  const grown = transcriptEnd(after);
  if (grown.status !== 'sealed') {
    throw new KeyshardError(grown.brokenCode ?? 'TRANSCRIPT_FORMAT', `${grown.why ?? ''} Nothing was appended.`);
  }
  return { transcript: next, seq: next.entries.length, sealSeq: end.sealSeq, headHash: after.headHash };
}
