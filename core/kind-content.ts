/**
 * What a verified transcript's chain cannot prove, checked per ceremony kind: the facts a kind records must agree
 * with each other (a refresh's verifying shares with its commitments, its group key with the one it cites). A kind
 * with a check of its own adds it here; the others pass. Pure; `keyshard transcript verify` runs it after the steps.
 */
import { checkLifecycleTranscript } from './lifecycle/transcript';
import type { VerifyOk } from './transcript';

export type KindContentResult = { readonly ok: true } | { readonly ok: false; readonly firstBadSeq: number; readonly reason: string };

const CHECKS: ReadonlyMap<string, (result: VerifyOk) => KindContentResult> = new Map([
  ['refresh', checkLifecycleTranscript],
  ['repair', checkLifecycleTranscript],
]);

/** The content check of the kind `kindId`, or ok for a kind that has none. */
export function checkKindContent(kindId: string, result: VerifyOk): KindContentResult {
  const check = CHECKS.get(kindId);
  if (check === undefined) return { ok: true };
  const r = check(result);
  return r.ok ? { ok: true } : { ok: false, firstBadSeq: r.firstBadSeq, reason: r.reason };
}
