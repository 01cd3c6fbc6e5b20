/**
 * The quorum drill's own transcript (core/ceremony-kinds/quorum-drill.ts), public data only:
 *
 *   plan          { ceremonyKind: "quorum-drill", label, keyCeremony: { ceremonyId, finalHash }, witnessIds, signOffs, witnessKeys? }
 *   quorum-drill  { ceremonyId, transcriptFinalHash, scheme, fingerprint, expectedFingerprint, match: true, result }
 *   seal          { fingerprint, result }
 *
 * The witness's signature over the quorum-drill entry (its sign-off) is the signed receipt. checkDrillTranscript
 * re-checks what the chain cannot: the result is about the cited key ceremony, the fingerprints agree, the seal names them.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import type { JsonValue } from '../canonical-json';
import { QUORUM_DRILL_CEREMONY } from '../ceremony-kinds/quorum-drill';
import { type KindRun, recordKindStep, signKindCheckpoint, startKindRun } from '../ceremony-kinds/run';
import { KeyshardError } from '../errors';
import type { Transcript, VerifyOk, WitnessSigner } from '../transcript';
import { dataOf, own } from '../extend/transcript';

export interface DrillResult {
  readonly ceremonyId: string;
  readonly transcriptFinalHash: string;
  readonly scheme: string;
  readonly fingerprint: string;
  readonly expectedFingerprint: string;
  readonly result: 'verified' | 'unverified';
}

/** The drill's whole transcript: plan, the result (the witness signs it off), the seal (signed off). */
export async function drillTranscript(o: { readonly ceremonyId: string; readonly clock: () => Date; readonly label: string; readonly drill: DrillResult; readonly witness?: WitnessSigner }): Promise<Transcript> {
  if (o.drill.fingerprint !== o.drill.expectedFingerprint) throw new KeyshardError('FINGERPRINT_MISMATCH', "The rebuilt key's fingerprint is not the transcript's: a drill that failed is not sealed as passed. The key was wiped.");
  const w = o.witness;
  const signOff = async (run: KindRun): Promise<KindRun> => (w !== undefined && run.pending !== null ? signKindCheckpoint(run, w) : run);
  let run = startKindRun({
    kind: QUORUM_DRILL_CEREMONY,
    ceremonyId: o.ceremonyId,
    clock: o.clock,
    plan: { label: o.label, keyCeremony: { ceremonyId: o.drill.ceremonyId, finalHash: o.drill.transcriptFinalHash } },
    witnessIds: w === undefined ? [] : [w.witnessId],
    ...(w === undefined ? {} : { witnessKeys: [{ id: w.witnessId, algorithm: w.algorithm, publicKey: bytesToHex(w.publicKey) }] }),
  });
  run = await signOff(recordKindStep(run, 'quorum-drill', { ...o.drill, match: true } as unknown as JsonValue));
  run = await signOff(recordKindStep(run, 'seal', { fingerprint: o.drill.fingerprint, result: o.drill.result }));
  return run.transcript;
}

export type DrillCheck = { readonly ok: true } | { readonly ok: false; readonly firstBadSeq: number; readonly reason: string };

function fail(seq: number, why: string): DrillCheck {
  return { ok: false, firstBadSeq: seq, reason: `Entry ${seq}: ${why} The file was changed after the drill, or was not written by keyshard.` };
}

/** Re-checks a verified quorum-drill transcript's content (see the top). Never throws for bad content. */
export function checkDrillTranscript(result: VerifyOk): DrillCheck {
  const plan = dataOf(result.entries[0]);
  const kc = dataOf({ data: own(plan, 'keyCeremony') });
  const ceremonyId = own(kc, 'ceremonyId');
  const finalHash = own(kc, 'finalHash');
  if (own(plan, 'ceremonyKind') !== 'quorum-drill' || typeof ceremonyId !== 'string' || typeof finalHash !== 'string' || !/^[0-9a-f]{64}$/.test(finalHash)) {
    return fail(1, 'the plan does not cite a key ceremony (id and final hash).');
  }
  let drilled: Readonly<Record<string, unknown>> | null = null;
  for (const e of result.entries) {
    const d = dataOf(e);
    if (e.kind === 'quorum-drill') {
      const fp = own(d, 'fingerprint');
      if (own(d, 'ceremonyId') !== ceremonyId || own(d, 'transcriptFinalHash') !== finalHash) return fail(e.seq, 'the drill is about another key ceremony or transcript than the plan cites.');
      if (typeof fp !== 'string' || fp !== own(d, 'expectedFingerprint') || own(d, 'match') !== true) return fail(e.seq, "the rebuilt key's fingerprint is not the one the key ceremony recorded.");
      drilled = d;
    } else if (e.kind === 'seal') {
      if (drilled === null || own(d, 'fingerprint') !== own(drilled, 'fingerprint') || own(d, 'result') !== own(drilled, 'result')) return fail(e.seq, 'the seal does not name the drill recorded before it.');
    }
  }
  return { ok: true };
}
