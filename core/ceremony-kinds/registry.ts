/**
 * Every ceremony kind keyshard runs, by id, and which one a transcript records. Adding a kind is adding its catalogue
 * to KINDS (and its step handlers in main): the transcript check, step names and the printed script follow from it.
 *
 * A transcript names its kind in its first entry, the plan: `data.ceremonyKind` ("refresh", "repair", ...). A plan
 * entry without it is a key ceremony's, as every transcript written before there were other kinds; the key ceremony
 * may name itself too ("key-ceremony").
 */
import { KeyshardError } from '../errors';
import { KEY_CEREMONY } from './key-ceremony';
import { REFRESH_CEREMONY } from './refresh';
import { REPAIR_CEREMONY } from './repair';
import { SIGNING_CEREMONY } from './signing';
import { CUSTODY_CHECK_CEREMONY } from './custody-check';
import { EXTEND_CEREMONY } from './extend';
import { QUORUM_DRILL_CEREMONY } from './quorum-drill';
import type { CeremonyKind } from './types';

/** The plan entry's member that names the ceremony kind. */
export const CEREMONY_KIND_FIELD = 'ceremonyKind';

// The key ceremony first: where two kinds use the same record kind ("plan", "seal"), its words are the default.
const KINDS: readonly CeremonyKind[] = [KEY_CEREMONY, REFRESH_CEREMONY, REPAIR_CEREMONY, SIGNING_CEREMONY, CUSTODY_CHECK_CEREMONY, EXTEND_CEREMONY, QUORUM_DRILL_CEREMONY];

const BY_ID: ReadonlyMap<string, CeremonyKind> = new Map(KINDS.map((k) => [k.id, k]));

/** Every registered kind, the key ceremony first. */
export function ceremonyKinds(): readonly CeremonyKind[] {
  return KINDS;
}

/** The kind with this id, or null. */
export function ceremonyKindById(id: string): CeremonyKind | null {
  return BY_ID.get(id) ?? null;
}

/** The kind with this id; INVALID_ARGUMENT (naming the ids keyshard knows) for any other. */
export function requireCeremonyKind(id: string): CeremonyKind {
  const kind = ceremonyKindById(id);
  if (kind === null) {
    const shown = /^[a-z][a-z0-9-]{0,39}$/.test(id) ? `"${id}"` : 'given';
    throw new KeyshardError('INVALID_ARGUMENT', `The ceremony kind ${shown} is not one keyshard runs. Known kinds: ${KINDS.map((k) => k.id).join(', ')}.`, {
      known: KINDS.map((k) => k.id),
    });
  }
  return kind;
}

/**
 * The kind a plan entry's data names: its `ceremonyKind`, or the key ceremony when it names none (transcripts
 * written before there were other kinds). A problem (not a string, or a kind keyshard does not know) in words.
 */
export function kindOfPlanData(data: unknown): { readonly kind: CeremonyKind } | { readonly problem: string } {
  const record = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
  if (record === null || !Object.prototype.hasOwnProperty.call(record, CEREMONY_KIND_FIELD)) return { kind: KEY_CEREMONY };
  const id = record[CEREMONY_KIND_FIELD];
  if (typeof id !== 'string') return { problem: `the plan's "${CEREMONY_KIND_FIELD}" must be the name of a ceremony kind` };
  const kind = ceremonyKindById(id);
  if (kind === null) {
    const shown = /^[a-z][a-z0-9-]{0,39}$/.test(id) ? `"${id}"` : 'it names';
    return { problem: `the plan names the ceremony kind ${shown}, which this keyshard does not know (it knows ${KINDS.map((k) => k.id).join(', ')}); use a keyshard version that runs it` };
  }
  return { kind };
}
