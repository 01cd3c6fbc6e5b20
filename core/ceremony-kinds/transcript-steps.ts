/**
 * A verified transcript against its kind's catalogue: every entry is one the kind's steps or entries write, and the
 * steps first appear in the catalogue's order. `transcript verify` runs it after the chain and signatures hold, so
 * a file whose links are fine but whose steps are not those of a ceremony keyshard runs (an entry of another kind,
 * a split before the air-gap check) is named at its first wrong entry. Steps a plan leaves out (tokens, witnesses)
 * are not required here, and a step done again (a retried check, the next custodian) may follow later ones: only
 * the first time each step appears is held to the order. After an abort come only the abort's exception and its
 * witness's signature. After the seal, custody receipts may be appended (core/transcript-status checks each). Pure.
 */
import { CUSTODY_RECEIPT_KIND } from '../custody/receipt';
import { kindOfPlanData } from './registry';
import type { CeremonyKind } from './types';

export type KindStepsResult =
  | { readonly ok: true; readonly kind: CeremonyKind }
  | { readonly ok: false; readonly kind: CeremonyKind | null; readonly firstBadSeq: number; readonly reason: string };

interface EntryLike {
  readonly seq: number;
  readonly kind: string;
  readonly data: unknown;
}

function dataMember(e: EntryLike, key: string): unknown {
  const d = e.data;
  return typeof d === 'object' && d !== null && Object.prototype.hasOwnProperty.call(d, key) ? (d as Record<string, unknown>)[key] : undefined;
}

const shown = (kind: string): string => (/^[a-z][a-z0-9-]{0,39}$/.test(kind) ? `"${kind}"` : 'an unnamed entry');

export function checkKindSteps(entries: readonly EntryLike[]): KindStepsResult {
  const first = entries[0];
  if (first === undefined || first.kind !== 'plan') return { ok: false, kind: null, firstBadSeq: 1, reason: 'A transcript starts with its plan, and this one does not.' };
  const named = kindOfPlanData(first.data);
  if ('problem' in named) return { ok: false, kind: null, firstBadSeq: 1, reason: `Entry 1 (plan): ${named.problem.charAt(0).toUpperCase()}${named.problem.slice(1)}.` };
  const kind = named.kind;
  // Each record kind's step position in the catalogue; entries any step may carry (sign-offs, abort) have none.
  const stepIndex = new Map<string, number>();
  kind.steps.forEach((s, i) => s.records.forEach((r) => stepIndex.set(r.kind, r.machine ? i : -1)));
  // An exception (exceptions.ts) may be recorded at any step of any kind.
  const anyTime = new Set([...kind.entries.map((e) => e.kind), 'exception']);
  const seen = new Set<string>();
  let reached = 0;
  let reachedKind = 'plan';
  /** After the abort: what was recorded since (the abort's exception, its witness's signature). */
  let sinceAbort: EntryLike[] | null = null;
  let sealed = false;
  for (const e of entries.slice(1)) {
    const abortNote = e.kind === 'exception' && dataMember(e, 'deviation') === 'abort';
    if (sinceAbort !== null) {
      const note = sinceAbort[0];
      const fits = note === undefined ? abortNote : sinceAbort.length === 1 && e.kind === 'signoff' && dataMember(note, 'witnessId') !== undefined;
      if (!fits) return { ok: false, kind, firstBadSeq: e.seq, reason: `Entry ${e.seq} (${shown(e.kind)}) comes after the abort: an aborted ceremony records only the abort's exception and its witness's signature.` };
      sinceAbort.push(e);
      continue;
    }
    if (abortNote) return { ok: false, kind, firstBadSeq: e.seq, reason: `Entry ${e.seq} (${shown(e.kind)}) is an abort's exception, but the ceremony was not aborted before it.` };
    if (e.kind === 'abort') sinceAbort = [];
    if (anyTime.has(e.kind) || (sealed && e.kind === CUSTODY_RECEIPT_KIND)) continue;
    if (e.kind === 'seal') sealed = true;
    const at = stepIndex.get(e.kind);
    if (at === undefined || e.kind === 'plan') {
      const why = e.kind === 'plan' ? 'a second plan' : `not a step of a ${kind.title.toLowerCase()}`;
      return { ok: false, kind, firstBadSeq: e.seq, reason: `Entry ${e.seq} (${shown(e.kind)}) is ${why}: the transcript does not follow the steps keyshard runs for this kind of ceremony.` };
    }
    if (at < 0 || seen.has(e.kind)) continue;
    seen.add(e.kind);
    if (at < reached) {
      return {
        ok: false,
        kind,
        firstBadSeq: e.seq,
        reason: `Entry ${e.seq} (${shown(e.kind)}) first appears after ${shown(reachedKind)}, which comes later in a ${kind.title.toLowerCase()}: the steps are out of order.`,
      };
    }
    reached = at;
    reachedKind = e.kind;
  }
  return { ok: true, kind };
}
