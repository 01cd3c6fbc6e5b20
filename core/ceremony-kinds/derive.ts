/**
 * What the rest of keyshard takes from a ceremony kind's catalogue: the state machine's steps in order and their
 * default sign-offs (core/ceremony.ts), the words of every transcript entry (core/step-names.ts), and the numbered
 * steps a plan gives (the screens' step list and the printed script share the numbers). Pure.
 */
import type { CatalogueStep, CeremonyKind, KindPlan, RecordSpec, StepCondition } from './types';

/** Whether a step takes place under this plan; without a plan (a list shown before one exists) every step but an import. */
export function stepApplies(when: StepCondition, plan: KindPlan | null): boolean {
  if (plan === null) return when !== 'import-secret';
  switch (when) {
    case 'always':
      return true;
    case 'tokens':
      return plan.custodians.some((c) => c.medium === 'pkcs11');
    case 'witnesses':
      return plan.witnesses.length > 0;
    case 'new-secret':
      return plan.secret !== undefined && plan.secret.type !== 'import';
    case 'import-secret':
      return plan.secret?.type === 'import';
  }
}

export interface NumberedStep {
  /** 1, 2, ...: the same on the screens, in the script and on the annotated paper. */
  readonly number: number;
  readonly step: CatalogueStep;
}

/** The steps that take place under this plan, numbered from 1. */
export function numberedSteps(kind: CeremonyKind, plan: KindPlan | null): NumberedStep[] {
  return kind.steps.filter((s) => stepApplies(s.when, plan)).map((step, i) => ({ number: i + 1, step }));
}

function allRecords(kind: CeremonyKind): RecordSpec[] {
  return [...kind.steps.flatMap((s) => s.records), ...kind.entries];
}

/** The state machine's steps in catalogue order: what core's reducer accepts and replays. */
export function machineSteps(kind: CeremonyKind): string[] {
  return kind.steps.flatMap((s) => s.records.filter((r) => r.machine).map((r) => r.kind));
}

/** The checkpoints a witness signs off unless the plan's start says otherwise, each by one eligible witness. */
export function defaultSignOffs(kind: CeremonyKind): Record<string, 'one'> {
  const out: Record<string, 'one'> = {};
  for (const r of kind.steps.flatMap((s) => s.records)) if (r.signOff === true) out[r.kind] = 'one';
  return out;
}

/** Every entry kind a transcript of this ceremony may hold, with its words ("airgap-check" -> "Air-gap check"). */
export function transcriptNames(kind: CeremonyKind): Map<string, string> {
  return new Map(allRecords(kind).map((r) => [r.kind, r.transcript]));
}

/** What a witness signs off at each checkpoint ("airgap-check" -> "the air-gap check"). */
export function checkpointNames(kind: CeremonyKind): Map<string, string> {
  return new Map(allRecords(kind).flatMap((r) => (r.checkpoint === undefined ? [] : [[r.kind, r.checkpoint] as const])));
}

/** The catalogue step that writes an entry of this kind (null for sign-offs, signatures and aborts). */
export function stepOfRecord(kind: CeremonyKind, recordKind: string): CatalogueStep | null {
  return kind.steps.find((s) => s.records.some((r) => r.kind === recordKind)) ?? null;
}

/**
 * One custodian's turn, as the catalogue says (its `perCustodian` steps' machine records, in order): each custodian
 * goes through all of them before the next one starts, and the steps after the turn wait for every custodian. For
 * the key ceremony: handoff, then confirm. The receipt is done in turns too, but it is not a machine step.
 */
export function perCustodianTurn(kind: CeremonyKind): string[] {
  return kind.steps.filter((s) => s.perCustodian).flatMap((s) => s.records.filter((r) => r.machine).map((r) => r.kind));
}

/**
 * The state-machine step that comes after `after` (null: the first), skipping steps this plan does not have. The
 * turns done per custodian are perCustodianTurn's; the retry of a failed check is retryAfterFailure's.
 */
export function nextMachineStep(kind: CeremonyKind, plan: KindPlan, after: string | null): RecordSpec | null {
  const order = kind.steps.filter((s) => stepApplies(s.when, plan)).flatMap((s) => s.records.filter((r) => r.machine));
  const i = after === null ? -1 : order.findIndex((r) => r.kind === after);
  return order[i + 1] ?? null;
}

/**
 * After a record of this kind failed (a check that did not pass): the words offering the same step again, or null
 * when the catalogue gives no retry (then only an abort is left).
 */
export function retryAfterFailure(kind: CeremonyKind, recordKind: string): string | null {
  return kind.steps.flatMap((s) => s.records).find((r) => r.kind === recordKind && r.machine)?.repeatWhenFailed ?? null;
}

/**
 * For each step done per custodian with a `turnDoneBy`: the custodians whose part of it is done, read from the
 * transcript's entries: an entry of that kind naming them or, where the step says `absenceEndsTurn`, a
 * custodian-absent exception recorded under the step for them.
 */
export function turnsDone(kind: CeremonyKind, entries: readonly { readonly kind: string; readonly data: unknown }[]): { stepId: string; custodianIds: string[] }[] {
  const field = (d: unknown, key: string): unknown => (typeof d === 'object' && d !== null ? (d as Record<string, unknown>)[key] : undefined);
  return kind.steps.flatMap((s) => {
    if (!s.perCustodian || s.turnDoneBy === undefined) return [];
    const ids = entries.flatMap((e) => {
      const ends =
        e.kind === s.turnDoneBy ||
        (s.absenceEndsTurn === true && e.kind === 'exception' && field(e.data, 'deviation') === 'custodian-absent' && field(e.data, 'stepId') === s.id);
      const id = ends ? field(e.data, 'custodianId') : undefined;
      return typeof id === 'string' ? [id] : [];
    });
    return [{ stepId: s.id, custodianIds: [...new Set(ids)] }];
  });
}

/** "{secret}" in a step's words, from the plan: "ed25519 key", "seed", "the existing ed25519 key". */
export function fillPlanWords(text: string, plan: KindPlan | null): string {
  if (!text.includes('{secret}')) return text;
  const s = plan?.secret;
  const what =
    s === undefined
      ? 'the secret'
      : s.type === 'new-key'
        ? `${s.curve} key`
        : s.type === 'new-seed'
          ? 'seed'
          : `the existing ${s.kind === 'seed' ? 'seed' : `${s.kind} key`}`;
  return text.replace(/\{secret\}/g, what);
}
