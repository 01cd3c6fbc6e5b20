/**
 * Whether a plan file is the plan a transcript ran under: its SHA-256 (over the plan's canonical JSON) is the one entry
 * 1 recorded. The annotated script takes its numbers, names and roles from the plan, so a script printed from another
 * plan would put other people's names beside the recorded steps. `keyshard transcript verify --script --plan` and the
 * verify screen both refuse such a plan through this one rule. Pure.
 */
import { planDigest, type CeremonyPlan } from '../policy';
import type { TranscriptEntry } from '../transcript';

/** The plan SHA-256 entry 1 recorded, or null when entry 1 records none (then no plan is the recorded one). */
export function recordedPlanSha256(entries: readonly Pick<TranscriptEntry, 'kind' | 'data'>[]): string | null {
  const first = entries[0];
  if (first === undefined || first.kind !== 'plan') return null;
  const v = (first.data as { planSha256?: unknown } | null | undefined)?.planSha256;
  return typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? v : null;
}

export function isRecordedPlan(entries: readonly Pick<TranscriptEntry, 'kind' | 'data'>[], plan: CeremonyPlan): boolean {
  const recorded = recordedPlanSha256(entries);
  return recorded !== null && recorded === planDigest(plan);
}
