/**
 * The steps of a verified transcript, each with the witnesses whose signature over it holds: every entry but the
 * signing ones (a witness's signature and the sign-off record before it), which show as the signers of the step they
 * attest. One view for the verify screen's count, the printed summary, and main's transcript:verify answer, so a file
 * checked in the window and the same file checked by main list the same steps. Pure (core types only).
 */
import type { TranscriptEntry, VerifyOk } from './transcript';
import { isSigningEntry, stepName } from './step-names';

export interface SignedStep {
  readonly entry: TranscriptEntry;
  /** In plain words ("Air-gap check"). */
  readonly name: string;
  /** Witnesses whose signature over this entry holds, in the order they signed. */
  readonly witnessIds: readonly string[];
}

export function signedSteps(result: Pick<VerifyOk, 'entries' | 'signoffs'>): SignedStep[] {
  const signers = new Map(result.signoffs.map((s) => [s.seq, s.witnesses.map((w) => w.id)] as const));
  return result.entries.filter((e) => !isSigningEntry(e.kind)).map((entry) => ({ entry, name: stepName(entry.kind), witnessIds: signers.get(entry.seq) ?? [] }));
}
