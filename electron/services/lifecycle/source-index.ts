/**
 * Which custodian index a repaired share's envelope carries: the one the lost share's own envelope carried in the share
 * set being repaired, so a bag recorded for that custodian (CLI recover looks bags up by this index) and the name on
 * the drive file match the custodian, not the repair's one-custodian list (issue 17).
 */
import type { TranscriptEntry } from '../../../core/transcript';

function dataOf(e: TranscriptEntry | undefined): Record<string, unknown> {
  const d = e?.data;
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
}

/**
 * The index of share number `signer` (identifier `identifierHex`) in the source transcript's set: a key ceremony's
 * custodian whose handoff recorded that signer (its place in the plan's custodian list), or a refresh's custodian with
 * that identifier (its place in the refresh's list, as its envelopes were written). Else signer - 1: keyshard's order
 * when each custodian holds one share.
 */
export function sourceCustodianIndex(entries: readonly TranscriptEntry[], identifierHex: string, signer: number): number {
  const plan = dataOf(entries[0]);
  const kind = plan['ceremonyKind'];
  if (kind === 'refresh' && Array.isArray(plan['custodians'])) {
    const i = (plan['custodians'] as unknown[]).findIndex((c) => dataOf({ data: c } as TranscriptEntry)['identifier'] === identifierHex);
    if (i >= 0) return i;
  }
  const planEntry = entries.find((e) => e.kind === 'plan');
  const ids = dataOf(planEntry)['custodianIds'];
  if (kind !== 'refresh' && kind !== 'repair' && Array.isArray(ids)) {
    for (const e of entries) {
      if (e.kind !== 'handoff') continue;
      const d = dataOf(e);
      const shares = Array.isArray(d['shares']) ? (d['shares'] as unknown[]) : [];
      if (!shares.some((s) => dataOf({ data: s } as TranscriptEntry)['signer'] === signer)) continue;
      const i = ids.indexOf(d['custodianId']);
      if (i >= 0) return i;
    }
  }
  return signer - 1;
}
