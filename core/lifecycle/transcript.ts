/**
 * What refresh and repair transcripts record (core/ceremony-kinds/refresh.ts, repair.ts), for main's service and the
 * CLI alike, and the check of a verified one. All of it is public: identifiers, verifying shares (G·share, what a
 * FROST signer publishes anyway), commitments, the group key; never a share.
 *
 *   plan          { ceremonyKind, label, source: { ceremonyId, ceremonyKind, finalHash }, ciphersuite, groupPublicKey,
 *                   threshold, commitments, custodians: [{ id, name, identifier }], witnessIds, signOffs, witnessKeys?,
 *                   refresh: { method: "refresh" | "reshare", newThreshold } | repair: { identifier, custodianId } }
 *   quorum-share  { identifier, verifyingShare, custodianId? }        checked against the plan's commitments
 *   refresh       { method, threshold, identifiers, commitments, groupPublicKey, groupKeyUnchanged: true }
 *   repair        { identifier, verifyingShare, helpers: [identifier, ...], matchesCommitments: true }
 *   handoff       { identifier, custodianId?, medium }
 *   confirm       { identifier, custodianId?, method, verifyingShare }  against the new (refresh) or same (repair) commitments
 *   destroy       { items }
 *   seal          { groupPublicKey, commitments }                      the commitments custodians check against from now on
 *
 * `source` is the sealed transcript whose commitments the quorum's shares were checked against: the key ceremony's, or
 * an earlier refresh's. checkLifecycleTranscript re-checks what the hash chain cannot: each verifying share against the
 * commitments it claims to match, the new commitments' group key against the old one, the seal against the refresh.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { checkKindSteps } from '../ceremony-kinds/transcript-steps';
import { KeyshardError } from '../errors';
import type { TranscriptEntry, VerifyOk } from '../transcript';
import { transcriptEnd } from '../transcript-status';
import { type Ciphersuite, isCiphersuite, verifyingShareFromCommitments } from '../vss/index';

export type LifecycleKindId = 'refresh' | 'repair';

/** The sealed transcript a refresh or repair works on. */
export interface SourceRef {
  readonly ceremonyId: string;
  readonly ceremonyKind: string;
  readonly finalHash: string;
  readonly groupPublicKey: string;
  /** The commitments that transcript leaves in force (hex; commitments[0] is the group key). */
  readonly commitments: readonly string[];
}

type Data = Readonly<Record<string, unknown>>;

function dataOf(e: TranscriptEntry | undefined): Data {
  const d = e?.data;
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Data) : {};
}

function own(d: Data, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(d, key) ? d[key] : undefined;
}

const HEX_POINT = /^(?:[0-9a-f]{2}){32,33}$/;

function hexList(v: unknown): string[] | null {
  return Array.isArray(v) && v.length >= 2 && v.length <= 255 && v.every((x) => typeof x === 'string' && HEX_POINT.test(x)) ? (v as string[]) : null;
}

/**
 * The commitments a VERIFIED, sealed transcript leaves in force: a key ceremony's split (verifiable shares only), a
 * refresh's new ones, a repair's (unchanged). Refuses any other, naming why.
 */
export function citeSource(result: VerifyOk): SourceRef {
  if (result.ok !== true) throw new KeyshardError('INVALID_ARGUMENT', 'Verify the transcript before citing it.');
  const steps = checkKindSteps(result.entries);
  if (!steps.ok) throw new KeyshardError('TRANSCRIPT_FORMAT', steps.reason);
  const end = transcriptEnd(result);
  if (end.status !== 'sealed') {
    throw new KeyshardError('TRANSCRIPT_UNSEALED', `The transcript given is not sealed (${end.why ?? 'it did not finish'}); only a finished ceremony's commitments can be worked on. Use its sealed transcript.`);
  }
  const last = (kind: string) => [...result.entries].reverse().find((e) => e.kind === kind);
  let commitments: string[] | null = null;
  if (steps.kind.id === 'key-ceremony') commitments = hexList(own(dataOf(last('split')), 'commitments'));
  else if (steps.kind.id === 'refresh') commitments = hexList(own(dataOf(last('refresh')), 'commitments'));
  else if (steps.kind.id === 'repair') commitments = hexList(own(dataOf(result.entries[0]), 'commitments'));
  if (commitments === null) {
    throw new KeyshardError(
      'TRANSCRIPT_FORMAT',
      steps.kind.id === 'key-ceremony' || steps.kind.id === 'refresh' || steps.kind.id === 'repair'
        ? 'This transcript records no verifiable commitments (a SLIP-39 ceremony has none), so its shares cannot be refreshed or repaired here. Use the transcript of the ceremony that dealt the verifiable shares.'
        : `A ${steps.kind.title.toLowerCase()} leaves no shares to refresh or repair. Use the transcript of the key ceremony, or of the last refresh.`,
    );
  }
  return { ceremonyId: result.ceremonyId, ceremonyKind: steps.kind.id, finalHash: result.headHash, groupPublicKey: commitments[0]!, commitments };
}

/** Throws VSS_COMMITMENT unless the shares' commitments are those the cited transcript leaves in force. */
export function checkSourceCommitments(source: SourceRef, commitments: readonly Uint8Array[]): void {
  const given = commitments.map((c) => bytesToHex(c));
  if (given.length !== source.commitments.length || given.some((c, i) => c !== source.commitments[i])) {
    throw new KeyshardError(
      'VSS_COMMITMENT',
      `The shares' commitments are not those the transcript of "${source.ceremonyId}" leaves in force (${source.ceremonyKind}, final hash ${source.finalHash.slice(0, 16)}…): they belong to another deal, or to a refresh before or after it. Use the commitments of the last sealed refresh, or of the key ceremony.`,
    );
  }
}

export interface LifecyclePlanOptions {
  readonly label: string;
  readonly source: SourceRef;
  readonly ciphersuite: Ciphersuite;
  readonly custodians: readonly { readonly id: string; readonly name: string; readonly identifier: string }[];
  readonly refresh?: { readonly method: 'refresh' | 'reshare'; readonly newThreshold: number };
  readonly repair?: { readonly identifier: string; readonly custodianId: string };
}

/** The plan's data (startKindRun adds ceremonyKind, witnessIds, signOffs and the pinned keys). */
export function lifecyclePlanData(o: LifecyclePlanOptions): Record<string, import('../canonical-json').JsonValue> {
  return {
    label: o.label,
    source: { ceremonyId: o.source.ceremonyId, ceremonyKind: o.source.ceremonyKind, finalHash: o.source.finalHash },
    ciphersuite: o.ciphersuite,
    groupPublicKey: o.source.groupPublicKey,
    threshold: o.source.commitments.length,
    commitments: [...o.source.commitments],
    custodians: o.custodians.map((c) => ({ id: c.id, name: c.name, identifier: c.identifier })),
    ...(o.refresh === undefined ? {} : { refresh: { method: o.refresh.method, newThreshold: o.refresh.newThreshold } }),
    ...(o.repair === undefined ? {} : { repair: { identifier: o.repair.identifier, custodianId: o.repair.custodianId } }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The check of a verified transcript

export type LifecycleCheck =
  | { readonly ok: true; readonly kind: LifecycleKindId; readonly groupPublicKey: string; readonly commitments: readonly string[]; readonly source: SourceRef | null }
  | { readonly ok: false; readonly firstBadSeq: number; readonly reason: string };

function fail(seq: number, why: string): LifecycleCheck {
  return { ok: false, firstBadSeq: seq, reason: `Entry ${seq}: ${why} The file was changed after the ceremony, or was not written by keyshard.` };
}

function matches(ciphersuite: Ciphersuite, commitments: readonly string[], identifier: unknown, verifyingShare: unknown): boolean {
  if (typeof identifier !== 'string' || typeof verifyingShare !== 'string' || !/^[0-9a-f]{64}$/.test(identifier)) return false;
  try {
    const expected = verifyingShareFromCommitments(ciphersuite, commitments.length, commitments.map((c) => hexToBytes(c)), hexToBytes(identifier));
    return bytesToHex(expected) === verifyingShare;
  } catch {
    return false;
  }
}

/**
 * Re-checks a verified refresh or repair transcript's content against itself: every verifying share it records
 * against the commitments it was checked against, the new commitments' group key (unchanged), and the seal's
 * commitments (those of the refresh, or the plan's for a repair). Never throws for bad content.
 */
export function checkLifecycleTranscript(result: VerifyOk): LifecycleCheck {
  const plan = dataOf(result.entries[0]);
  const kindId = own(plan, 'ceremonyKind');
  if (kindId !== 'refresh' && kindId !== 'repair') return fail(1, 'the plan names no refresh or repair.');
  const ciphersuite = own(plan, 'ciphersuite');
  const commitments = hexList(own(plan, 'commitments'));
  if (!isCiphersuite(ciphersuite) || commitments === null || own(plan, 'groupPublicKey') !== commitments[0] || own(plan, 'threshold') !== commitments.length) {
    return fail(1, "the plan's ciphersuite, group key, threshold and commitments do not agree.");
  }
  const groupKey = commitments[0]!;
  let current = commitments;
  let sealed: string[] | null = null;
  for (const e of result.entries) {
    const d = dataOf(e);
    switch (e.kind) {
      case 'quorum-share':
        if (!matches(ciphersuite, commitments, own(d, 'identifier'), own(d, 'verifyingShare'))) return fail(e.seq, "the quorum member's verifying share does not match the plan's commitments.");
        break;
      case 'refresh': {
        const next = hexList(own(d, 'commitments'));
        if (next === null || next[0] !== groupKey || own(d, 'groupPublicKey') !== groupKey || own(d, 'threshold') !== next.length) {
          return fail(e.seq, 'the new commitments do not keep the group key, or their threshold is not their count.');
        }
        current = next;
        break;
      }
      case 'repair':
        if (!matches(ciphersuite, commitments, own(d, 'identifier'), own(d, 'verifyingShare'))) return fail(e.seq, "the repaired share's verifying share does not match the commitments.");
        break;
      case 'confirm':
        if (!matches(ciphersuite, current, own(d, 'identifier'), own(d, 'verifyingShare'))) return fail(e.seq, "the confirmed share's verifying share does not match the commitments in force.");
        break;
      case 'seal': {
        sealed = hexList(own(d, 'commitments'));
        if (sealed === null || sealed.length !== current.length || sealed.some((c, i) => c !== current[i]) || own(d, 'groupPublicKey') !== groupKey) {
          return fail(e.seq, 'the seal does not name the commitments and group key the ceremony left in force.');
        }
        break;
      }
    }
  }
  const src = dataOf({ data: own(plan, 'source') } as TranscriptEntry);
  const source =
    typeof own(src, 'ceremonyId') === 'string' && typeof own(src, 'finalHash') === 'string' && typeof own(src, 'ceremonyKind') === 'string'
      ? { ceremonyId: own(src, 'ceremonyId') as string, ceremonyKind: own(src, 'ceremonyKind') as string, finalHash: own(src, 'finalHash') as string, groupPublicKey: groupKey, commitments }
      : null;
  return { ok: true, kind: kindId, groupPublicKey: groupKey, commitments: current, source };
}
