/**
 * A ceremony of any catalogued kind as it runs: its transcript, the step that may come next, and the witness sign-off
 * a checkpoint waits for. The key ceremony has its own reducer (core/ceremony.ts, with its per-custodian rules); the
 * share-maintenance kinds need only what the catalogue says, so this one runner serves each of them, in main's
 * services and in the CLI alike: the order is the catalogue's (a step's records may repeat, the next step's first
 * record follows), and after a record the catalogue marks `signOff`, nothing moves on until a witness the plan names
 * has signed that entry (when the plan names witnesses). Pure; a run value is never changed, each call returns the next.
 */
import type { JsonValue } from '../canonical-json';
import { KeyshardError } from '../errors';
import { type Clock, type Transcript, type WitnessSigner, appendEntry, createTranscript, signEntry } from '../transcript';
import { CEREMONY_KIND_FIELD } from './registry';
import type { CeremonyKind, RecordSpec } from './types';

export type KindRunStatus = 'active' | 'sealed' | 'aborted';

export interface KindRun {
  readonly kind: CeremonyKind;
  readonly transcript: Transcript;
  readonly witnessIds: readonly string[];
  /** The machine record written last ('plan' at the start). */
  readonly last: string;
  /** The checkpoint waiting for a witness's sign-off: its entry and record kind. */
  readonly pending: { readonly seq: number; readonly checkpoint: string } | null;
  readonly status: KindRunStatus;
}

export interface StartKindRunOptions {
  readonly kind: CeremonyKind;
  readonly ceremonyId: string;
  readonly clock: Clock;
  /** The plan's public data (label, what it works on, who takes part); ceremonyKind, witnessIds and signOffs are added. */
  readonly plan: Readonly<Record<string, JsonValue>>;
  readonly witnessIds: readonly string[];
  /** Pinned witness keys (transcript format: { id, algorithm, publicKey }). */
  readonly witnessKeys?: readonly { readonly id: string; readonly algorithm: string; readonly publicKey: string }[];
}

function transition(message: string, details: Record<string, unknown> = {}): KeyshardError {
  return new KeyshardError('CEREMONY_TRANSITION', message, details);
}

function machineRecords(kind: CeremonyKind): { stepIndex: number; record: RecordSpec }[] {
  return kind.steps.flatMap((s, stepIndex) => s.records.filter((r) => r.machine).map((record) => ({ stepIndex, record })));
}

/** The checkpoints a witness signs off: every record the catalogue marks, each by one witness the plan names. */
export function kindSignOffs(kind: CeremonyKind): Record<string, 'one'> {
  const out: Record<string, 'one'> = {};
  for (const { record } of machineRecords(kind)) if (record.signOff === true) out[record.kind] = 'one';
  return out;
}

export function startKindRun(o: StartKindRunOptions): KindRun {
  const witnessed = o.witnessIds.length > 0;
  const plan = {
    ...o.plan,
    [CEREMONY_KIND_FIELD]: o.kind.id,
    witnessIds: [...o.witnessIds],
    signOffs: witnessed ? kindSignOffs(o.kind) : {},
    ...(o.witnessKeys === undefined ? {} : { witnessKeys: o.witnessKeys.map((k) => ({ ...k })) }),
  };
  const transcript = appendEntry(createTranscript(o.ceremonyId, o.clock), 'plan', plan);
  // The plan is a checkpoint too when the catalogue says so; none of the share-maintenance kinds asks for it.
  return afterRecord({ kind: o.kind, transcript, witnessIds: [...o.witnessIds], last: 'plan', pending: null, status: 'active' }, 'plan', transcript);
}

/** The record kinds that may be written next (empty while a sign-off is awaited or once the run has ended). */
export function nextKindSteps(run: KindRun): string[] {
  if (run.status !== 'active' || run.pending !== null) return [];
  const all = machineRecords(run.kind);
  const at = all.find((m) => m.record.kind === run.last)?.stepIndex ?? -1;
  const same = all.filter((m) => m.stepIndex === at && m.record.kind !== 'plan').map((m) => m.record.kind);
  const later = all.find((m) => m.stepIndex > at);
  return [...same, ...(later === undefined ? [] : [later.record.kind])];
}

function afterRecord(run: KindRun, recordKind: string, transcript: Transcript): KindRun {
  const spec = machineRecords(run.kind).find((m) => m.record.kind === recordKind)?.record;
  const seq = transcript.entries.length;
  const needsSignOff = spec?.signOff === true && run.witnessIds.length > 0;
  const sealed = recordKind === 'seal' && !needsSignOff;
  return { ...run, transcript, last: recordKind, pending: needsSignOff ? { seq, checkpoint: recordKind } : null, status: sealed ? 'sealed' : run.status };
}

/** Records one step; refused (CEREMONY_TRANSITION, naming what may come) out of the catalogue's order. */
export function recordKindStep(run: KindRun, recordKind: string, data: JsonValue, at?: string): KindRun {
  if (run.status !== 'active') throw transition(`The ceremony is ${run.status}; it accepts no more steps.`, { status: run.status });
  if (run.pending !== null) {
    const pending = run.pending.checkpoint;
    const words = machineRecords(run.kind).find((m) => m.record.kind === pending)?.record.checkpoint ?? pending;
    throw transition(`A witness must sign off ${words} (entry ${run.pending.seq}) before the ceremony goes on.`, { pending });
  }
  const allowed = nextKindSteps(run);
  if (!allowed.includes(recordKind)) {
    throw transition(`"${recordKind}" cannot come now in a ${run.kind.title.toLowerCase()}; next: ${allowed.join(' or ') || 'nothing'}.`, { allowed });
  }
  const transcript = appendEntry(run.transcript, recordKind, data, at === undefined ? {} : { at });
  return afterRecord(run, recordKind, transcript);
}

/**
 * A witness signs off the waiting checkpoint: a `sign-off` record naming them, then their signature over the
 * checkpoint's entry (and with it the chain up to it). Only a witness the plan names may sign.
 */
export async function signKindCheckpoint(run: KindRun, signer: WitnessSigner): Promise<KindRun> {
  if (run.pending === null) throw new KeyshardError('WITNESS_NOT_ELIGIBLE', 'No checkpoint is waiting for a witness sign-off right now.');
  if (!run.witnessIds.includes(signer.witnessId)) {
    throw new KeyshardError('WITNESS_NOT_ELIGIBLE', `Witness "${signer.witnessId}" is not in this ceremony's plan. Use the key of a witness the plan names.`, { witnessId: signer.witnessId });
  }
  const pending = run.pending;
  const withRecord = appendEntry(run.transcript, 'sign-off', { witnessId: signer.witnessId, checkpoint: pending.checkpoint });
  const transcript = await signEntry(withRecord, pending.seq, signer);
  return { ...run, transcript, pending: null, status: pending.checkpoint === 'seal' ? 'sealed' : run.status };
}

/** Records an abort (with the reason a person gave); the run then accepts nothing more. */
export function abortKindRun(run: KindRun, reason: string): KindRun {
  if (run.status !== 'active') throw transition(`The ceremony is already ${run.status}.`, { status: run.status });
  const transcript = appendEntry(run.transcript, 'abort', { reason: reason.slice(0, 500), afterStep: run.last });
  return { ...run, transcript, pending: null, status: 'aborted' };
}
