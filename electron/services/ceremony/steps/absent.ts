/**
 * A custodian who is not there at their handoff: a witness records them absent (an exception with the reason typed at
 * the time, signed by the witness with their own act), and their handoff is deferred, never skipped. Their shard stays
 * in main's secret store and nothing is written for them; the other custodians' handoffs go on, and core still waits
 * for this custodian's handoff before the test recovery, so the ceremony cannot be sealed until they come and take
 * their shard, or it is aborted. A custodian who confirmed their shard and left before sealing it in its bag is
 * recorded absent at the receipt instead: the ceremony goes on without that receipt, and the script says why. There is
 * no stand-in: the plan names who holds each shard (and, for a file, whose key
 * opens it), so handing it to someone else would be another plan.
 */
import { nextActions, type CeremonyEvent } from '../../../../core/ceremony';
import { reasonProblem } from '../../../../core/ceremony-kinds/exceptions';
import { KeyshardError } from '../../../../core/errors';
import type { AbsentRequest, CeremonyStatus } from '../types';
import { expectNoDeviation, recordSignedNote } from './exception';
import type { StepKit } from './kit';
import { receiptsMissing } from './receipt';
import { nameOf, transition, type Session } from './session';

export type AbsentKit = Pick<StepKit, 'witnesses' | 'recordNote' | 'status'>;

/** Custodians recorded absent whose handoff has not happened since (read from the transcript, so a resume knows too). */
export function absentCustodians(c: Session): string[] {
  const out: string[] = [];
  for (const e of c.transcript.entries) {
    const d = e.data as { deviation?: unknown; custodianId?: unknown };
    if (e.kind !== 'exception' || d.deviation !== 'custodian-absent' || typeof d.custodianId !== 'string') continue;
    if (!c.state.handedOff.includes(d.custodianId) && !out.includes(d.custodianId)) out.push(d.custodianId);
  }
  return out;
}

export async function markAbsent(kit: AbsentKit, c: Session, request: AbsentRequest): Promise<CeremonyStatus> {
  expectNoDeviation(c);
  const id = request.custodianId;
  const name = nameOf(c, id);
  // A confirmed custodian whose receipt is still to come left with their shard before sealing it: the receipt step's.
  const atReceipt = c.lost === null && receiptsMissing(c).includes(id);
  if (!atReceipt && (c.lost !== null || !nextActions(c.state).some((a) => a.step === 'handoff' && a.custodianId === id))) {
    throw transition(`${name} is not waiting for their handoff or their receipt now: only a custodian whose shard could be handed over next, or whose receipt is still to be recorded, can be recorded absent.`, { custodianId: id });
  }
  if (!atReceipt && absentCustodians(c).includes(id)) {
    throw transition(`${name} is already recorded absent. Hand them their shard when they come, or abort the ceremony.`, { custodianId: id });
  }
  const problem = reasonProblem(request.reason);
  if (problem !== null) throw new KeyshardError('INVALID_ARGUMENT', `The absence was not recorded: ${problem}.`);
  const event: CeremonyEvent = {
    step: 'exception',
    stepId: atReceipt ? 'receipt' : 'handoff',
    custodianId: id,
    deviation: 'custodian-absent',
    reason: request.reason,
    ...(request.witnessId === undefined ? {} : { witnessId: request.witnessId }),
  };
  await recordSignedNote(kit, c, event, request);
  return kit.status(c);
}
