/**
 * How a verified transcript ends: sealed, aborted, or unfinished. One rule for the recovery verdict, the CLI's
 * `transcript verify` and the app's transcript screen, mirroring core/ceremony's state machine: a ceremony is
 * 'sealed' only once its seal entry has the witness sign-offs the plan requires for the seal (none when the plan has
 * no witnesses), and nothing but sign-offs and custody receipts follows the seal. An abort anywhere makes it
 * 'aborted'. Everything else, including a sealed file cut short before the seal's sign-offs, is 'unfinished'.
 *
 * A custody receipt (core/custody/receipt.ts) appended after the seal is an entry of kind `custody-receipt` whose data
 * is the witness-signed receipt. It counts only when it holds: its signature verifies, it is this ceremony's (its id
 * gives this chain's genesis), the final hash it was checked against is that of an entry at or after the seal and
 * before it, and its witness is one the plan pins (when the plan pins witness keys). A receipt that does not hold is
 * the transcript's broken entry (`brokenSeq`, status 'unfinished', `why` says what is wrong).
 *
 * The plan's full text is not in the transcript, so the seal's requirement is read from the plan entry as the ceremony
 * records it: `signOffs.seal` ('one' | 'all', absent = no sign-off) over `witnessIds`. A plan entry with no `signOffs`
 * (not written by the ceremony service) gets core/ceremony's default, one sign-off of the seal when it names
 * witnesses. Only sign-offs whose signature holds count (the verifier checked them), one per witness.
 */
import { CUSTODY_RECEIPT_KIND, verifySignedCustodyReceipt, type SignedCustodyReceipt } from './custody/receipt';
import { genesisHash, type TranscriptEntry, type VerifyOk, type VerifyOptions, type VerifyResult } from './transcript';

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
  /** Custody receipts appended after the seal, each one checked. */
  readonly receiptsAfterSeal: number;
  /** The seq of an entry after the seal that does not hold (a custody receipt), or null. */
  readonly brokenSeq: number | null;
  /** Its code: a signature or witness key that does not hold, or a receipt of another ceremony or transcript state. */
  readonly brokenCode: 'TRANSCRIPT_SIGNATURE' | 'CUSTODY_OTHER_CEREMONY' | null;
  /** Why it is not sealed, one sentence for people (null when sealed). */
  readonly why: string | null;
}

/** Entries that may follow the seal: the ceremony's sign-off records and the witnesses' signatures (and receipts, below). */
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

/** The witness keys the plan entry pins (witnessKeys), or null when it pins none. */
function pinnedKeys(plan: Readonly<Record<string, unknown>> | null): readonly Readonly<Record<string, unknown>>[] | null {
  const keys = own(plan, 'witnessKeys');
  return Array.isArray(keys) ? keys.map(record).filter((k): k is Readonly<Record<string, unknown>> => k !== null) : null;
}

/** What is wrong with a custody receipt entry after the seal (in words without data values), or null when it holds. */
function receiptProblem(
  entry: TranscriptEntry,
  entries: readonly TranscriptEntry[],
  sealSeq: number,
  plan: Readonly<Record<string, unknown>> | null,
): { readonly code: 'TRANSCRIPT_SIGNATURE' | 'CUSTODY_OTHER_CEREMONY'; readonly text: string } | null {
  const signature = (text: string) => ({ code: 'TRANSCRIPT_SIGNATURE' as const, text });
  const other = (text: string) => ({ code: 'CUSTODY_OTHER_CEREMONY' as const, text });
  const signed = entry.data as unknown as SignedCustodyReceipt;
  const receipt = record(own(record(entry.data), 'receipt'));
  const witness = record(own(record(entry.data), 'witness'));
  if (receipt === null || witness === null || !verifySignedCustodyReceipt(signed)) return signature('its witness signature does not verify over the receipt it holds');
  const id = own(receipt, 'ceremonyId');
  if (typeof id !== 'string' || entries[0] === undefined || genesisHash(id) !== entries[0].prevHash) return other("it is another ceremony's receipt");
  const cited = entries.find((e) => e.hash === own(receipt, 'transcriptFinalHash'));
  if (cited === undefined || cited.seq < sealSeq || cited.seq >= entry.seq) {
    return other('the final hash it was checked against is not that of an entry of this transcript at or after its seal (and before the receipt)');
  }
  const pins = pinnedKeys(plan);
  if (pins !== null && !pins.some((p) => p['id'] === witness['id'] && p['algorithm'] === witness['algorithm'] && p['publicKey'] === witness['publicKey'])) {
    return signature('its witness key is not one the plan pins');
  }
  return null;
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
  const receipts = seal === undefined ? [] : entries.filter((e) => e.seq > seal.seq && e.kind === CUSTODY_RECEIPT_KIND);
  const base = { sealSeq: seal?.seq ?? null, abortSeq: abort?.seq ?? null, sealSignoffsRequired: required, sealSignoffsHeld: signers.size, receiptsAfterSeal: 0, brokenSeq: null, brokenCode: null };
  const last = entries[entries.length - 1];
  if (abort !== undefined) {
    return { ...base, status: 'aborted', why: `The ceremony was aborted (${entryName(abort.seq, 'abort')}): its shards are not a finished ceremony's.` };
  }
  if (seal === undefined) {
    const end = last === undefined ? 'it has no entries' : `it ends at ${entryName(last.seq, last.kind)}`;
    return { ...base, status: 'unfinished', why: `The ceremony did not finish, or the file was cut short: ${end}, before its seal.` };
  }
  const stray = entries.find((e) => e.seq > seal.seq && !AFTER_SEAL.has(e.kind) && e.kind !== CUSTODY_RECEIPT_KIND);
  if (stray !== undefined) {
    return {
      ...base,
      status: 'unfinished',
      why: `${entryName(stray.seq, stray.kind)} comes after the seal (${entryName(seal.seq, 'seal')}); a ceremony records only sign-offs and custody receipts after its seal.`,
    };
  }
  for (const r of receipts) {
    const problem = receiptProblem(r, entries, seal.seq, plan);
    if (problem !== null) {
      return {
        ...base,
        status: 'unfinished',
        brokenSeq: r.seq,
        brokenCode: problem.code,
        why: `The custody receipt appended as ${entryName(r.seq, r.kind)} does not hold: ${problem.text}. Use the sealed transcript without it, or append the receipt the witness signed for this transcript.`,
      };
    }
  }
  if (signers.size < required) {
    return {
      ...base,
      status: 'unfinished',
      why: `The seal (${entryName(seal.seq, 'seal')}) has ${signers.size} of the ${required} witness sign-off${required === 1 ? '' : 's'} the plan requires: the ceremony did not finish, or the file was cut short.`,
    };
  }
  return { ...base, status: 'sealed', receiptsAfterSeal: receipts.length, why: null };
}

/**
 * The entry a final hash from the paper record names (64 hex digits or its first 32, lowercase) when the transcript
 * is sealed and that entry is the seal or comes after it: everything after it is then sign-offs and custody receipts
 * that hold, appended since the paper was written. Null when the hash names no such entry.
 */
export function paperHashEntry(result: Pick<VerifyOk, 'entries' | 'signoffs'>, finalHash: string): { readonly seq: number; readonly appended: number; readonly receipts: number } | null {
  if (finalHash.length < 32) return null;
  const end = transcriptEnd(result);
  if (end.status !== 'sealed' || end.sealSeq === null) return null;
  const at = result.entries.find((e) => e.hash.startsWith(finalHash));
  if (at === undefined || at.seq < end.sealSeq) return null;
  const after = result.entries.filter((e) => e.seq > at.seq);
  return { seq: at.seq, appended: after.length, receipts: after.filter((e) => e.kind === CUSTODY_RECEIPT_KIND).length };
}

/**
 * A verification against the paper record's final hash that takes a file grown since the paper was written by
 * sign-offs and custody receipts that hold: `verify` runs once without the hash, and when the hash is not the head but
 * names the seal or an entry after it (paperHashEntry), that result stands with `paper` saying which entry. Otherwise
 * `verify` runs with the hash, so a file that goes on past the paper in any other way fails as before.
 */
export function verifyAgainstPaper(
  verify: (options: VerifyOptions) => VerifyResult,
  finalHash: string | undefined,
): { readonly result: VerifyResult; readonly paper: ReturnType<typeof paperHashEntry> } {
  if (finalHash === undefined) return { result: verify({}), paper: null };
  const loose = verify({});
  const paper = loose.ok && !loose.headHash.startsWith(finalHash) ? paperHashEntry(loose, finalHash) : null;
  return paper !== null ? { result: loose, paper } : { result: verify({ expectedHeadHash: finalHash }), paper: null };
}
