/**
 * What a verified transcript's chain cannot prove, checked per ceremony kind: the facts a kind records must agree
 * with each other (a refresh's verifying shares with its commitments, its group key with the one it cites). A kind
 * with a check of its own adds it here; the others pass. Pure; `keyshard transcript verify` runs it after the steps.
 */
import { checkCustodyTranscript } from './custody/transcript';
import { checkExtendTranscript } from './extend/transcript';
import { checkDrillTranscript } from './drill/transcript';
import { isKeyshardError } from './errors';
import { checkLifecycleTranscript } from './lifecycle/transcript';
import { checkSigningTranscript } from './signing/transcript';
import type { VerifyOk } from './transcript';

export type KindContentResult = { readonly ok: true } | { readonly ok: false; readonly firstBadSeq: number; readonly reason: string };

/** A check that throws a KeyshardError naming its entry (details.seq), as a result. */
function throwing(check: (result: VerifyOk) => unknown): (result: VerifyOk) => KindContentResult {
  return (result) => {
    try {
      check(result);
      return { ok: true };
    } catch (e) {
      if (!isKeyshardError(e)) throw e;
      const seq = e.details?.['seq'];
      return { ok: false, firstBadSeq: typeof seq === 'number' ? seq : 1, reason: e.message };
    }
  };
}

const CHECKS: ReadonlyMap<string, (result: VerifyOk) => KindContentResult> = new Map([
  ['refresh', checkLifecycleTranscript],
  ['repair', checkLifecycleTranscript],
  // The signature verified with a plain verifier over the recorded message, the signer set consistent (core/signing).
  ['signing', throwing(checkSigningTranscript)],
  // The receipt about the cited key ceremony, the witness's signed receipt that very one (core/custody/transcript).
  ['custody-check', throwing(checkCustodyTranscript)],
  // New SLIP-39 shares: quorum of the plan's group, new members unused, handoffs, confirmations and seal agree.
  ['extend', checkExtendTranscript],
  // The drill is about the cited key ceremony, its fingerprints agree, the seal names them.
  ['quorum-drill', checkDrillTranscript],
]);

/** The content check of the kind `kindId`, or ok for a kind that has none. */
export function checkKindContent(kindId: string, result: VerifyOk): KindContentResult {
  const check = CHECKS.get(kindId);
  if (check === undefined) return { ok: true };
  const r = check(result);
  return r.ok ? { ok: true } : { ok: false, firstBadSeq: r.firstBadSeq, reason: r.reason };
}
