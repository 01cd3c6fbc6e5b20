/**
 * Which screen the ceremony shows, from the status main sends (never from what the page remembers): one screen per
 * thing to do. A checkpoint waiting for a witness keeps its step's screen until enough witnesses signed and the
 * people in the room pressed "Continue" (`acknowledged`), so a sign-off never makes the screen jump away unread.
 */
import type { CeremonyPlan } from '../../core/policy';
import type { CeremonyStepId, CustodianProgress } from '../components/StepList';
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

/** The step list's current step for a stage. */
export function stepOf(stage: Stage): CeremonyStepId {
  switch (stage.kind) {
    case 'loading':
    case 'no-plan':
    case 'need-plan':
      return 'plan';
    case 'airgap':
      return 'airgap';
    case 'entropy':
      return 'entropy';
    case 'generate':
    case 'fingerprint':
      return 'generate';
    case 'split':
      return 'split';
    case 'handoff':
    case 'confirm':
    case 'confirmed':
      return 'handoff';
    case 'test-recovery':
      return 'test-recovery';
    case 'destroy':
      return 'destroy';
    case 'seal':
    case 'sealed':
    case 'aborted':
    case 'lost':
      return 'seal';
  }
}

/** Where a ceremony that can go no further stopped, by its last recorded step. */
export function stepOfRecord(lastStep: Status['lastStep']): CeremonyStepId {
  switch (lastStep) {
    case null:
    case 'plan':
      return 'plan';
    case 'airgap-check':
      return 'airgap';
    case 'entropy':
      return 'entropy';
    case 'generate':
    case 'import':
      return 'generate';
    case 'split':
      return 'split';
    case 'handoff':
    case 'confirm':
      return 'handoff';
    default:
      return lastStep;
  }
}

/** Steps done, for the step list: everything before the current one, and all of them once sealed. */
export function stepsDone(stage: Stage, current: CeremonyStepId, order: readonly CeremonyStepId[]): CeremonyStepId[] {
  if (stage.kind === 'sealed') return [...order];
  return order.slice(0, Math.max(0, order.indexOf(current)));
}

export function custodianProgress(plan: CeremonyPlan | null, status: Status | null): CustodianProgress[] {
  if (plan === null) return [];
  return plan.custodians.map((c) => ({
    id: c.id,
    name: c.name,
    state: status?.confirmed.includes(c.id) ? 'confirmed' : status?.handedOff.includes(c.id) ? 'handed-off' : 'waiting',
  }));
}
