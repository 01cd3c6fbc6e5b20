/**
 * Which screen the ceremony shows, from the status main sends (never from what the page remembers): one screen per
 * thing to do. A checkpoint waiting for a witness keeps its step's screen until enough witnesses signed and the
 * people in the room pressed "Continue" (`acknowledged`), so a sign-off never makes the screen jump away unread.
 */
import type { CeremonyPlan } from '../../core/policy';
import { listStepOfRecord, stepAfter, type ListStep } from '../components/ceremonySteps';
import type { CeremonyStepId, CustodianProgress } from '../components/stepState';
import type { Status } from './api';

export type Stage =
  | { readonly kind: 'loading' }
  | { readonly kind: 'no-plan' }
  | { readonly kind: 'need-plan' }
  | { readonly kind: 'airgap' }
  | { readonly kind: 'entropy' }
  | { readonly kind: 'generate' }
  | { readonly kind: 'fingerprint' }
  | { readonly kind: 'split' }
  | { readonly kind: 'handoff' }
  | { readonly kind: 'confirm'; readonly custodianId: string }
  | { readonly kind: 'confirmed'; readonly custodianId: string }
  | { readonly kind: 'test-recovery' }
  | { readonly kind: 'destroy' }
  | { readonly kind: 'seal' }
  | { readonly kind: 'sealed' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'lost' };

type SignOff = NonNullable<Status['signOff']>;

/** Identifies one open checkpoint: each step opens at most one per custodian (a failed check opens none). */
export function checkpointKey(status: Status): string | null {
  const so = status.signOff;
  return so === null ? null : `${status.ceremonyId ?? ''}:${so.checkpoint}:${so.custodianId ?? ''}`;
}

export function signOffSatisfied(so: SignOff): boolean {
  return so.signedBy.length >= so.required;
}

/** The plan in the page belongs to the running ceremony (same label, scheme, and every id main mentions). */
export function planFits(plan: CeremonyPlan, status: Status): boolean {
  if (status.label !== null && plan.label !== status.label) return false;
  if (status.scheme !== null && plan.scheme.type !== status.scheme) return false;
  const custodians = new Set(plan.custodians.map((c) => c.id));
  const witnesses = new Set(plan.witnesses.map((w) => w.id));
  const named = [...status.handedOff, ...status.confirmed, ...status.custodiansHoldingShards, ...status.next.flatMap((n) => (n.custodianId ? [n.custodianId] : []))];
  if (named.some((id) => !custodians.has(id))) return false;
  const eligible = [...(status.signOff?.eligible ?? []), ...status.next.flatMap((n) => n.witnessIds ?? [])];
  return eligible.every((id) => witnesses.has(id));
}

function atCheckpoint(so: SignOff): Stage {
  switch (so.checkpoint) {
    case 'plan':
    case 'airgap-check':
      return { kind: 'airgap' };
    case 'entropy':
      return { kind: 'entropy' };
    case 'generate':
    case 'import':
      return { kind: 'fingerprint' };
    case 'split':
      return { kind: 'split' };
    case 'handoff':
      return { kind: 'confirm', custodianId: so.custodianId ?? '' };
    case 'confirm':
      return { kind: 'confirmed', custodianId: so.custodianId ?? '' };
    case 'test-recovery':
      return { kind: 'test-recovery' };
    case 'destroy':
      return { kind: 'destroy' };
    default:
      return { kind: 'seal' };
  }
}

/**
 * The custodian whose receipt (catalogue step 'receipt') the screen waits for, in every plan: a confirmed custodian
 * whose receipt is neither recorded nor excused by an absence recorded at the receipt. Main refuses the next handoff
 * and the test recovery until then (RECEIPT_NEEDED). In a witnessed plan the confirmation's sign-off comes first, on
 * the same screen, whose Continue waits for the receipt (ConfirmedStage).
 */
export function receiptWaiting(status: Status, plan: CeremonyPlan): string | null {
  const missing = status.receipts.find((r) => status.confirmed.includes(r.custodianId) && !r.received && r.absentSeq === undefined);
  return missing !== undefined && plan.custodians.some((c) => c.id === missing.custodianId) ? missing.custodianId : null;
}

export function stageOf(status: Status | null, plan: CeremonyPlan | null, acknowledged: string | null): Stage {
  if (status === null) return { kind: 'loading' };
  switch (status.phase) {
    case 'not-started':
      return plan === null ? { kind: 'no-plan' } : { kind: 'airgap' };
    case 'sealed':
      return { kind: 'sealed' };
    case 'aborted':
      return { kind: 'aborted' };
    case 'secret-lost':
    case 'secret-lost-after-handoff':
      return { kind: 'lost' };
    case 'active':
      break;
  }
  if (plan === null || !planFits(plan, status)) return { kind: 'need-plan' };
  const so = status.signOff;
  if (so !== null && (!signOffSatisfied(so) || acknowledged !== checkpointKey(status))) return atCheckpoint(so);
  const receiving = receiptWaiting(status, plan);
  if (receiving !== null) return { kind: 'confirmed', custodianId: receiving };
  const next = status.next.find((n) => n.step !== 'sign-off' && n.step !== 'abort');
  switch (next?.step) {
    case 'plan':
    case 'airgap-check':
      return { kind: 'airgap' };
    case 'entropy':
      return { kind: 'entropy' };
    case 'generate':
    case 'import':
      return { kind: 'generate' };
    case 'split':
      return { kind: 'split' };
    case 'handoff':
      return { kind: 'handoff' };
    case 'confirm':
      return { kind: 'confirm', custodianId: next.custodianId ?? status.awaitingConfirmation ?? '' };
    case 'test-recovery':
      return { kind: 'test-recovery' };
    case 'destroy':
      return { kind: 'destroy' };
    case 'seal':
      return { kind: 'seal' };
    default:
      // Only a sign-off others may still add, or nothing: the seal's screen says what is left.
      return so !== null ? atCheckpoint(so) : { kind: 'seal' };
  }
}

/** Where the first screen stands before the air-gap check: tokens, witness keys, the start (AirGapStage says). */
export type StartPart = 'devices' | 'witness-keys' | 'plan' | 'airgap';

/** The step list's current step for a stage; each id is a catalogue step the list has (ceremonyStepList). */
export function stepOf(stage: Stage, list: readonly ListStep[], startPart: StartPart): CeremonyStepId {
  const has = (id: string): boolean => list.some((s) => s.id === id);
  const first = list[0]?.id ?? 'plan';
  switch (stage.kind) {
    case 'loading':
    case 'no-plan':
    case 'need-plan':
      return first;
    case 'airgap':
      return has(startPart) ? startPart : 'plan';
    case 'generate':
    case 'fingerprint':
      return has('import') ? 'import' : 'generate';
    case 'confirm':
      return 'handoff';
    case 'confirmed':
      // After the confirmation the custodian seals their shard (the receipt), when the plan's list has that step.
      return has('receipt') ? 'receipt' : 'handoff';
    case 'sealed':
    case 'aborted':
    case 'lost':
      return 'seal';
    default:
      return stage.kind;
  }
}

/** Where a ceremony that can go no further (aborted, secret lost) stopped: the step it was doing when it ended. */
export function stoppedAt(status: Status, plan: CeremonyPlan | null, list: readonly ListStep[]): CeremonyStepId {
  if (status.lastStep === null) return list[0]?.id ?? 'plan';
  const at = listStepOfRecord(list, status.lastStep);
  // A step left unfinished is where it stopped: a check that failed (the air gap, a test recovery), a step done in
  // turns that some custodian's part was still missing from (turnsDone, the catalogue's rule); anything else was
  // finished, so it stopped at the next step.
  const turns = status.turnsDone.find((t) => t.stepId === at);
  const turnsLeft = turns !== undefined && (plan?.custodians ?? []).some((c) => !turns.custodianIds.includes(c.id));
  if (status.lastStepFailed || turnsLeft) return at;
  // After the last custodian's turn, the steps done in turns with it (the receipt) are behind too.
  let next = stepAfter(list, at);
  while (list.find((s) => s.id === at)?.perCustodian === true && list.find((s) => s.id === next)?.perCustodian === true && stepAfter(list, next) !== next) {
    next = stepAfter(list, next);
  }
  return next;
}

/**
 * Steps done, for the step list: everything before the current one, and all of them once sealed; but a step done in
 * turns is done only when main's status says every custodian's part of it happened. The list moving past it is not
 * enough: the receipt goes on to the next custodian, and a witnessed plan can go on without one.
 */
export function stepsDone(stage: Stage, current: CeremonyStepId, order: readonly CeremonyStepId[], status: Status | null = null, plan: CeremonyPlan | null = null): CeremonyStepId[] {
  const passed = stage.kind === 'sealed' ? [...order] : order.slice(0, Math.max(0, order.indexOf(current)));
  return passed.filter((id) => everyTurnDone(id, status, plan));
}

/**
 * Every custodian's part of a step done in turns is done, as main's status says (turnsDone: by the catalogue's
 * turnDoneBy and absenceEndsTurn, read from the transcript); a step not done in turns: true.
 */
function everyTurnDone(id: CeremonyStepId, status: Status | null, plan: CeremonyPlan | null): boolean {
  // Without a status of this plan's ceremony (before a start, a resumed file not loaded) the list cannot say more.
  if (status === null || plan === null || status.handedOff.length === 0) return true;
  const turns = status.turnsDone.find((t) => t.stepId === id);
  return turns === undefined || plan.custodians.every((c) => turns.custodianIds.includes(c.id));
}

export function custodianProgress(plan: CeremonyPlan | null, status: Status | null): CustodianProgress[] {
  if (plan === null) return [];
  return plan.custodians.map((c) => ({
    id: c.id,
    name: c.name,
    state: status?.confirmed.includes(c.id)
      ? 'confirmed'
      : status?.handedOff.includes(c.id)
        ? 'handed-off'
        : status?.absent?.includes(c.id)
          ? 'absent'
          : 'waiting',
  }));
}
