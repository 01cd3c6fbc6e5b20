/**
 * Abort, at any step: every secret is zeroized first, then the abort is recorded (only for an active ceremony; an
 * ended or never-started one just reports its status). A secret-lost ceremony ends here.
 *
 * After the wipe, the abort's exception is awaited (issue 13.5): the reason typed for the script and the witness's
 * signature over it, or the exception marked unsigned when no witness signs. Main keeps the loaded witnesses until it
 * is recorded (index.ts), so the abort never waits for a signature but the signature can still come.
 */
import { abortExceptionOpen, type CeremonyEvent } from '../../../../core/ceremony';
import { KEY_CEREMONY, stepOfRecord } from '../../../../core/ceremony-kinds';
import { reasonProblem } from '../../../../core/ceremony-kinds/exceptions';
import { KeyshardError } from '../../../../core/errors';
import type { AbortRequest, CeremonyStatus, ExceptionRequest } from '../types';
import { noteDeviation, recordSignedNote } from './exception';
import type { StepKit } from './kit';
import { transition, type Session } from './session';

export type AbortKit = Pick<StepKit, 'record' | 'status' | 'wipe'>;

export async function abort(kit: AbortKit, c: Session | null, request: AbortRequest): Promise<CeremonyStatus> {
  kit.wipe(c);
  if (c === null || c.state.status !== 'active') return kit.status(c);
  await kit.record(c, { step: 'abort', reason: request.reason, ...(request.witnessId === undefined ? {} : { witnessId: request.witnessId }) });
  c.lost = null;
  c.entropyNeeded = null;
  awaitAbortException(c);
  return kit.status(c);
}

/** Notes the abort's exception as awaited (also on resuming an aborted ceremony whose exception was not recorded). */
export function awaitAbortException(c: Session): void {
  // The exception goes under the step the ceremony stopped at (for a step done per custodian: the last one's turn).
  const step = stepOfRecord(KEY_CEREMONY, c.state.lastStep ?? 'plan');
  const custodianId = step?.perCustodian === true ? (c.state.handedOff[c.state.handedOff.length - 1] ?? null) : null;
  noteDeviation(c, step?.id ?? 'plan', custodianId, 'abort', 'The ceremony was aborted and every secret wiped.');
}

/** What the aborted screen sends: the exception's reason and the witness's act, or `unsigned` when no witness signs. */
export type AbortExceptionRequest = ExceptionRequest;

export type AbortExceptionKit = Pick<StepKit, 'witnesses' | 'recordNote' | 'status'>;

/** Records the abort's exception: signed by the named witness (their own act), or marked unsigned. Then nothing more. */
export async function recordAbortException(kit: AbortExceptionKit, c: Session | null, request: AbortExceptionRequest): Promise<CeremonyStatus> {
  if (c === null || !abortExceptionOpen(c.state) || c.deviation?.deviation !== 'abort') {
    throw transition('No abort is waiting for its exception: it is recorded once, right after the abort.');
  }
  const problem = reasonProblem(request.reason);
  if (problem !== null) throw new KeyshardError('INVALID_ARGUMENT', `The exception was not recorded: ${problem}.`);
  const d = c.deviation;
  const base = { step: 'exception', stepId: d.stepId, ...(d.custodianId === null ? {} : { custodianId: d.custodianId }), deviation: 'abort', reason: request.reason } as const;
  if (request.unsigned === true) {
    if (c.plan.witnesses.length === 0) throw new KeyshardError('INVALID_ARGUMENT', 'The plan has no witnesses: record the exception without marking it unsigned.');
    await kit.recordNote(c, { ...base, unsigned: true });
  } else {
    const event: CeremonyEvent = { ...base, ...(request.witnessId === undefined ? {} : { witnessId: request.witnessId }) };
    await recordSignedNote(kit, c, event, request);
  }
  c.deviation = null;
  return kit.status(c);
}
