/**
 * An exception: a deviation main saw happen (today: a custodian's confirmation that did not match) is recorded before
 * the ceremony goes on, with the reason a person typed and, when the plan has witnesses, a witness's signature over
 * the exception entry itself (their own act: key-file passphrase or token PIN, as at a sign-off). The page never
 * chooses the deviation or its step: main noted them when it happened (`Session.deviation`).
 */
import type { CeremonyEvent } from '../../../../core/ceremony';
import { ceremonyScript, KEY_CEREMONY } from '../../../../core/ceremony-kinds';
import { reasonProblem, type Deviation } from '../../../../core/ceremony-kinds/exceptions';
import { KeyshardError } from '../../../../core/errors';
import { signAndVerify } from '../../witness/index';
import type { OpenedWitness } from '../../witness/credential';
import type { CeremonyStatus, ExceptionRequest } from '../types';
import type { StepKit } from './kit';
import { nameOf, pinnedKeys, transition, type Session } from './session';

export type ExceptionKit = Pick<StepKit, 'witnesses' | 'recordNote' | 'status'>;

/** Refuses to go on past a deviation nobody has recorded yet (the screen asks for the reason and the sign-off). */
export function expectNoDeviation(c: Session): void {
  if (c.deviation === null) return;
  throw new KeyshardError(
    'EXCEPTION_NEEDED',
    `${c.deviation.what} Before going on, type the reason and have a witness sign the exception; it is recorded under step ${c.deviation.number}.`,
    { stepId: c.deviation.stepId, deviation: c.deviation.deviation },
  );
}

/**
 * A repeat of a step that is a real deviation: goes ahead only once its step-repeated exception is recorded. The first
 * ask notes the deviation and refuses (EXCEPTION_NEEDED); after the exception, `repeatCleared` lets it through.
 */
export function expectRepeatCleared(c: Session, stepId: string, custodianId: string | null, what: string): void {
  expectNoDeviation(c);
  const cleared = c.repeatCleared;
  if (cleared !== null && cleared.stepId === stepId && cleared.custodianId === custodianId) return;
  noteDeviation(c, stepId, custodianId, 'step-repeated', what);
  expectNoDeviation(c);
}

/** Notes a deviation that just happened at a step (for one custodian, or none), with its number in the printed script. */
export function noteDeviation(c: Session, stepId: string, custodianId: string | null, deviation: Deviation, what: string): void {
  const line = ceremonyScript(KEY_CEREMONY, c.plan).lines.find((l) => l.stepId === stepId && l.custodianId === custodianId);
  c.deviation = { stepId, custodianId, deviation, what, number: line?.number ?? '' };
}

export async function recordException(kit: ExceptionKit, c: Session, request: ExceptionRequest): Promise<CeremonyStatus> {
  const d = c.deviation;
  if (d === null) throw transition('Nothing out of the script has happened that needs an exception now.');
  const problem = reasonProblem(request.reason);
  if (problem !== null) throw new KeyshardError('INVALID_ARGUMENT', `The exception was not recorded: ${problem}.`);
  if (request.unsigned === true) {
    throw new KeyshardError('INVALID_ARGUMENT', "The exception was not recorded: only an abort's exception may go unsigned. Have a witness sign this one.");
  }
  const event: CeremonyEvent = {
    step: 'exception',
    stepId: d.stepId,
    ...(d.custodianId === null ? {} : { custodianId: d.custodianId }),
    deviation: d.deviation,
    reason: request.reason,
    ...(request.witnessId === undefined ? {} : { witnessId: request.witnessId }),
  };
  await recordSignedNote(kit, c, event, request);
  c.deviation = null;
  // The repeat the exception is about may now go ahead (the step's handler clears it once it has).
  if (d.deviation === 'step-repeated') c.repeatCleared = { stepId: d.stepId, custodianId: d.custodianId };
  return kit.status(c);
}

/** Records an exception entry and, when the plan has witnesses, the named witness's signature over it (their own act). */
export async function recordSignedNote(
  kit: Pick<StepKit, 'witnesses' | 'recordNote'>,
  c: Session,
  event: CeremonyEvent,
  request: { readonly witnessId?: string; readonly passphrase?: string; readonly pin?: string },
  before?: () => Promise<void>,
): Promise<void> {
  if (c.plan.witnesses.length === 0) {
    await before?.();
    await kit.recordNote(c, event);
    return;
  }
  const id = request.witnessId;
  const w = id === undefined ? undefined : kit.witnesses.get(id);
  if (id === undefined || w === undefined) {
    throw new KeyshardError('WITNESS_KEY', `A witness signs the exception: load ${id === undefined ? "a witness's" : `${nameOf(c, id)}'s`} key file (or token) first.`, {
      ...(id === undefined ? {} : { witnessId: id }),
    });
  }
  const pinned = pinnedKeys(c).find((k) => k.id === w.key.id);
  if (pinned === undefined || pinned.algorithm !== w.key.algorithm || pinned.publicKey !== w.key.publicKey) {
    throw new KeyshardError('WITNESS_KEY', `This is not the key the plan pins for witness ${nameOf(c, w.key.id)}. Use their own key file or token.`, { witnessId: w.key.id });
  }
  const act = { ...(request.passphrase === undefined ? {} : { passphrase: request.passphrase }), ...(request.pin === undefined ? {} : { pin: request.pin }) };
  // The witness's act is checked before anything is recorded: a wrong passphrase records nothing.
  const opened: OpenedWitness = await w.open(act, nameOf(c, w.key.id));
  try {
    await before?.();
    await kit.recordNote(c, event, (t, seq) => signAndVerify(t, seq, opened.signer));
  } finally {
    await opened.close();
  }
}
