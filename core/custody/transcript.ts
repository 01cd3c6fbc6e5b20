/**
 * The custody check's own transcript (the `custody-check` ceremony kind, core/ceremony-kinds/custody-check.ts). A
 * sealed key-ceremony transcript cannot take another entry, so a check is recorded apart and cites it:
 *
 *   plan             { ceremonyKind: "custody-check", label, keyCeremony: { ceremonyId, finalHash }, custodianId,
 *                      witnessIds, signOffs, witnessKeys? }
 *   custody-check    the receipt (core/custody/receipt.ts): what was checked, against what, the shard fingerprint
 *   custody-receipt  the receipt signed by the witness (so it can be carried on its own), when a witness signs
 *   seal             { shardFingerprint, result }
 *
 * checkCustodyTranscript re-checks what the chain alone cannot: the receipt is about the cited key ceremony (same id,
 * same final hash), the signed receipt is that very receipt and its signature holds, the order is the catalogue's.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import type { JsonValue } from '../canonical-json';
import { KeyshardError } from '../errors';
import { CUSTODY_CHECK_CEREMONY } from '../ceremony-kinds/custody-check';
import { type KindRun, recordKindStep, signKindCheckpoint, startKindRun } from '../ceremony-kinds/run';
import type { Transcript, TranscriptEntry, VerifyOk, WitnessSigner } from '../transcript';
import { canonicalize } from '../canonical-json';
import { type CustodyReceipt, type SignedCustodyReceipt, signCustodyReceipt, verifySignedCustodyReceipt } from './receipt';

export const CUSTODY_CHECK_KIND_ID = 'custody-check';

type Data = Readonly<Record<string, unknown>>;

function dataOf(e: TranscriptEntry | undefined): Data {
  const d = e?.data;
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Data) : {};
}

function own(d: Data, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(d, key) ? d[key] : undefined;
}

export interface CustodyPlanOptions {
  readonly label: string;
  readonly receipt: CustodyReceipt;
  readonly witnessIds: readonly string[];
  readonly witnessKeys?: readonly { readonly id: string; readonly algorithm: string; readonly publicKey: string }[];
}

/** The plan's own data (the kind runner adds ceremonyKind, witnessIds, signOffs and the pinned witness keys). */
export function custodyPlanData(o: Pick<CustodyPlanOptions, 'label' | 'receipt'>): Record<string, JsonValue> {
  return {
    label: o.label,
    keyCeremony: { ceremonyId: o.receipt.ceremonyId, finalHash: o.receipt.transcriptFinalHash },
    custodianId: o.receipt.custodianId,
  };
}

export function custodySealData(receipt: CustodyReceipt): JsonValue {
  return { shardFingerprint: receipt.shardFingerprint, result: receipt.result };
}

/**
 * A custody check's whole transcript on the kind runner: plan, the check (the witness signs it off), the witness's
 * signed receipt, the seal (signed off). Without a witness: plan, check, seal.
 */
export async function custodyCheckTranscript(o: {
  readonly ceremonyId: string;
  readonly clock: () => Date;
  readonly label: string;
  readonly receipt: CustodyReceipt;
  readonly witness?: WitnessSigner;
}): Promise<{ transcript: Transcript; signed: SignedCustodyReceipt | null }> {
  const w = o.witness;
  const signOff = async (run: KindRun): Promise<KindRun> => (w !== undefined && run.pending !== null ? signKindCheckpoint(run, w) : run);
  let run = startKindRun({
    kind: CUSTODY_CHECK_CEREMONY,
    ceremonyId: o.ceremonyId,
    clock: o.clock,
    plan: custodyPlanData(o),
    witnessIds: w === undefined ? [] : [w.witnessId],
    ...(w === undefined ? {} : { witnessKeys: [{ id: w.witnessId, algorithm: w.algorithm, publicKey: bytesToHex(w.publicKey) }] }),
  });
  run = await signOff(recordKindStep(run, 'custody-check', o.receipt as unknown as JsonValue));
  let signed: SignedCustodyReceipt | null = null;
  if (w !== undefined) {
    signed = await signCustodyReceipt(o.receipt, w);
    run = recordKindStep(run, 'custody-receipt', signed as unknown as JsonValue);
  }
  run = await signOff(recordKindStep(run, 'seal', custodySealData(o.receipt)));
  return { transcript: run.transcript, signed };
}

export interface CustodySummary {
  readonly kind: typeof CUSTODY_CHECK_KIND_ID;
  readonly keyCeremony: { readonly ceremonyId: string; readonly finalHash: string };
  readonly custodianId: string;
  readonly shardFingerprint: string;
  readonly result: string;
  /** The witness whose signed receipt holds, or null when none signed. */
  readonly receiptSignedBy: string | null;
}

function bad(seq: number | null, why: string): KeyshardError {
  return new KeyshardError('TRANSCRIPT_FORMAT', `This custody-check transcript is not consistent${seq === null ? '' : ` at entry ${seq}`}: ${why}. Use the original file.`, { seq });
}

const ORDER = ['plan', 'custody-check', 'custody-receipt', 'seal'];

/** Checks a VERIFIED custody-check transcript (see the top); null when it stops before its check. */
export function checkCustodyTranscript(result: VerifyOk): CustodySummary | null {
  const plan = dataOf(result.entries[0]);
  if (own(plan, 'ceremonyKind') !== CUSTODY_CHECK_KIND_ID) throw bad(1, 'its plan is not of a custody check');
  const kcRaw = own(plan, 'keyCeremony');
  const kc = typeof kcRaw === 'object' && kcRaw !== null && !Array.isArray(kcRaw) ? (kcRaw as Data) : {};
  const ceremonyId = own(kc, 'ceremonyId');
  const finalHash = own(kc, 'finalHash');
  const custodianId = own(plan, 'custodianId');
  if (typeof ceremonyId !== 'string' || typeof finalHash !== 'string' || !/^[0-9a-f]{64}$/.test(finalHash) || typeof custodianId !== 'string') {
    throw bad(1, 'it does not cite a key ceremony and a custodian');
  }
  let stage = 0;
  let receipt: Data | null = null;
  let signedBy: string | null = null;
  for (const e of result.entries.slice(1)) {
    if (e.kind === 'sign-off' || e.kind === 'signoff') continue;
    if (e.kind === 'abort') break;
    const at = ORDER.indexOf(e.kind);
    if (at <= stage) throw bad(e.seq, `"${e.kind}" is not a step of a custody check, or comes out of order or twice`);
    stage = at;
    const d = dataOf(e);
    if (e.kind === 'custody-check') {
      if (own(d, 'ceremonyId') !== ceremonyId || own(d, 'transcriptFinalHash') !== finalHash || own(d, 'custodianId') !== custodianId) {
        throw bad(e.seq, 'the receipt is about another ceremony, transcript or custodian than the plan cites');
      }
      receipt = d;
    } else if (e.kind === 'custody-receipt') {
      const r = own(d, 'receipt');
      if (receipt === null || canonicalize(r as JsonValue) !== canonicalize(receipt as JsonValue)) throw bad(e.seq, 'the signed receipt is not the receipt recorded before it');
      if (!verifySignedCustodyReceipt(d as unknown as SignedCustodyReceipt)) throw new KeyshardError('TRANSCRIPT_SIGNATURE', `The witness signature on the receipt at entry ${e.seq} does not hold. Do not rely on this receipt.`, { seq: e.seq });
      const witness = own(d, 'witness') as Data;
      signedBy = String(own(witness, 'id'));
    } else if (e.kind === 'seal') {
      if (receipt === null || own(d, 'shardFingerprint') !== own(receipt, 'shardFingerprint') || own(d, 'result') !== own(receipt, 'result')) throw bad(e.seq, 'the seal does not name the check recorded before it');
    }
  }
  if (receipt === null) return null;
  return {
    kind: CUSTODY_CHECK_KIND_ID,
    keyCeremony: { ceremonyId, finalHash },
    custodianId,
    shardFingerprint: String(own(receipt, 'shardFingerprint')),
    result: String(own(receipt, 'result')),
    receiptSignedBy: signedBy,
  };
}
