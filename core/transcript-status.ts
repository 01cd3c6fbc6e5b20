/**
 * How a verified transcript ends: sealed, aborted, or unfinished. One rule for the recovery verdict, the CLI's
 * `transcript verify` and the app's transcript screen, mirroring core/ceremony's state machine: a ceremony is
 * 'sealed' only once its seal entry has the witness sign-offs the plan requires for the seal (none when the plan has
 * no witnesses), and nothing but sign-offs follows the seal. An abort anywhere makes it 'aborted'. Everything else,
 * including a sealed file cut short before the seal's sign-offs, is 'unfinished'.
 *
 * The plan's full text is not in the transcript, so the seal's requirement is read from the plan entry as the ceremony
 * records it: `signOffs.seal` ('one' | 'all', absent = no sign-off) over `witnessIds`. A plan entry with no `signOffs`
 * (not written by the ceremony service) gets core/ceremony's default, one sign-off of the seal when it names
 * witnesses. Only sign-offs whose signature holds count (the verifier checked them), one per witness.
 */
import type { VerifyOk } from './transcript';

export type TranscriptStatus = 'sealed' | 'aborted' | 'unfinished';

export interface TranscriptEnd {
  readonly status: TranscriptStatus;
  /** The first seal entry's seq, or null. */
  readonly sealSeq: number | null;
  /** The first abort entry's seq, or null. */
  readonly abortSeq: number | null;
  /** Witness sign-offs the plan requires over the seal, and how many distinct witnesses signed it. */
  readonly sealSignoffsRequired: number;
  readonly sealSignoffsHeld: number;
  /** Why it is not sealed, one sentence for people (null when sealed). */
  readonly why: string | null;
}

/** Entries that may follow the seal: the ceremony's sign-off records and the witnesses' signatures. */
const AFTER_SEAL: ReadonlySet<string> = new Set(['sign-off', 'signoff']);

function record(v: unknown): Readonly<Record<string, unknown>> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function own(o: Readonly<Record<string, unknown>> | null, key: string): unknown {
  return o !== null && Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/** The witness ids the plan entry names: witnessIds, else the ids of witnessKeys. */
function planWitnessIds(plan: Readonly<Record<string, unknown>> | null): string[] {
  const ids = own(plan, 'witnessIds');
  if (Array.isArray(ids)) return ids.filter((x): x is string => typeof x === 'string');
  const keys = own(plan, 'witnessKeys');
  if (!Array.isArray(keys)) return [];
  return keys.map((k) => own(record(k), 'id')).filter((x): x is string => typeof x === 'string');
}

/** How many witnesses must sign the seal (core/ceremony's openSignOff for the seal checkpoint). */
function sealRequirement(plan: Readonly<Record<string, unknown>> | null, witnessCount: number): number {
  if (witnessCount === 0) return 0;
  const policy = own(plan, 'signOffs');
  // No recorded policy: core/ceremony's default (the seal needs one witness).
  const rule = policy === undefined ? 'one' : own(record(policy), 'seal');
  if (rule === 'all') return witnessCount;
  if (rule === 'one') return 1;
  return 0;
}

function entryName(seq: number, kind: string): string {
  return `entry ${seq} (${kind})`;
}

export function transcriptEnd(result: Pick<VerifyOk, 'entries' | 'signoffs'>): TranscriptEnd {
  const entries = result.entries;
  const abort = entries.find((e) => e.kind === 'abort');
  const seal = entries.find((e) => e.kind === 'seal');
  const plan = record(entries[0]?.kind === 'plan' ? entries[0].data : null);
  const witnesses = planWitnessIds(plan);
  const required = sealRequirement(plan, witnesses.length);
  const signers = new Set<string>();
  if (seal !== undefined) {
    for (const w of result.signoffs.find((s) => s.seq === seal.seq)?.witnesses ?? []) if (witnesses.includes(w.id)) signers.add(w.id);
  }
  const base = { sealSeq: seal?.seq ?? null, abortSeq: abort?.seq ?? null, sealSignoffsRequired: required, sealSignoffsHeld: signers.size };
  const last = entries[entries.length - 1];
  if (abort !== undefined) {
    return { ...base, status: 'aborted', why: `The ceremony was aborted (${entryName(abort.seq, 'abort')}): its shards are not a finished ceremony's.` };
  }
  if (seal === undefined) {
    const end = last === undefined ? 'it has no entries' : `it ends at ${entryName(last.seq, last.kind)}`;
    return { ...base, status: 'unfinished', why: `The ceremony did not finish, or the file was cut short: ${end}, before its seal.` };
  }
  const stray = entries.find((e) => e.seq > seal.seq && !AFTER_SEAL.has(e.kind));
  if (stray !== undefined) {
    return { ...base, status: 'unfinished', why: `${entryName(stray.seq, stray.kind)} comes after the seal (${entryName(seal.seq, 'seal')}); a ceremony records only sign-offs after its seal.` };
  }
  if (signers.size < required) {
    return {
      ...base,
      status: 'unfinished',
      why: `The seal (${entryName(seal.seq, 'seal')}) has ${signers.size} of the ${required} witness sign-off${required === 1 ? '' : 's'} the plan requires: the ceremony did not finish, or the file was cut short.`,
    };
  }
  return { ...base, status: 'sealed', why: null };
}
