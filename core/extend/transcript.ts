/**
 * What an `extend` transcript records (core/ceremony-kinds/extend.ts), for main's service and the CLI alike, and the
 * check of a verified one. All of it is public: member numbers (0-based, as the key ceremony's handoffs record them)
 * and shard fingerprints (core/custody/fingerprint.ts, the same a custody check compares); never a share.
 *
 *   plan          { ceremonyKind: "extend", label, source: { ceremonyId, ceremonyKind, finalHash }, identifier, group,
 *                   membersInUse: [member, ...], custodians: [{ id, name, member }], witnessIds, signOffs, witnessKeys?,
 *                   earlierExtensions?: [{ ceremonyId, finalHash }] }   membersInUse counts the earlier extensions' too
 *   quorum-share  { group, member, shardFingerprint, custodianId }   custodianId: whose handoff in the key ceremony
 *                                                                    recorded that fingerprint (null: it records none)
 *   extend        { identifier, group, memberThreshold, groupThreshold, groupCount, quorumMembers, newMembers }
 *   handoff       { custodianId, member, medium, shardFingerprint }
 *   confirm       { custodianId, member, method, shardFingerprint }  the custodian's typed-back copy: the same share
 *   destroy       { items }
 *   seal          { identifier, group, shares: [{ custodianId, member, shardFingerprint }] }  what a custody check uses
 *
 * checkExtendTranscript re-checks what the hash chain cannot: the quorum is of the plan's group and large enough, new
 * members are ones the group had not used, every handoff and confirmation names the fingerprint of one new share, and
 * the seal lists exactly the shares handed over.
 */
import type { JsonValue } from '../canonical-json';
import { checkKindSteps } from '../ceremony-kinds/transcript-steps';
import { KeyshardError } from '../errors';
import type { TranscriptEntry, VerifyOk } from '../transcript';
import { transcriptEnd } from '../transcript-status';
import type { ExtensionRecord } from './records';

export const EXTEND_KIND_ID = 'extend';

/** The sealed SLIP-39 key ceremony an extension works on, and the members each group has used in it. */
export interface Slip39SourceRef {
  readonly ceremonyId: string;
  readonly finalHash: string;
  /** The backup's 15-bit identifier (the split entry's). */
  readonly identifier: number;
  /** 0-based group -> 0-based members its handoffs gave out. */
  readonly membersInUse: ReadonlyMap<number, readonly number[]>;
  /** Whether the handoffs recorded shard fingerprints (so each quorum share can be matched to its custodian). */
  readonly fingerprinted: boolean;
  /** Who holds each member number given out: `${group}:${member}` -> custodian id (and the extension that gave it). */
  readonly holders?: ReadonlyMap<string, string>;
  /** Earlier extensions of the same backup whose members are counted in membersInUse (withEarlierExtensions). */
  readonly earlierExtensions?: readonly { readonly ceremonyId: string; readonly finalHash: string }[];
}

type Data = Readonly<Record<string, unknown>>;

export function dataOf(e: { readonly data: unknown } | undefined): Data {
  const d = e?.data;
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Data) : {};
}

export function own(d: Data, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(d, key) ? d[key] : undefined;
}

const isMember = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 16;
const isFingerprint = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

/** A VERIFIED, sealed SLIP-39 key ceremony's transcript as an extension cites it; refuses any other, naming why. */
export function citeSlip39Source(result: VerifyOk): Slip39SourceRef {
  if (result.ok !== true) throw new KeyshardError('INVALID_ARGUMENT', 'Verify the transcript before citing it.');
  const steps = checkKindSteps(result.entries);
  if (!steps.ok) throw new KeyshardError('TRANSCRIPT_FORMAT', steps.reason);
  if (steps.kind.id !== 'key-ceremony') {
    throw new KeyshardError('TRANSCRIPT_FORMAT', `This is a ${steps.kind.title.toLowerCase()}'s transcript. Extend with the transcript of the key ceremony that split the SLIP-39 backup.`);
  }
  const end = transcriptEnd(result);
  if (end.status !== 'sealed') {
    throw new KeyshardError('TRANSCRIPT_UNSEALED', `The transcript given is not sealed (${end.why ?? 'it did not finish'}); only a finished key ceremony's backup can be extended. Use its sealed transcript.`);
  }
  const split = dataOf([...result.entries].reverse().find((e) => e.kind === 'split'));
  const identifier = own(split, 'identifier');
  if (own(split, 'scheme') !== 'slip39' || typeof identifier !== 'number' || !Number.isInteger(identifier)) {
    throw new KeyshardError('TRANSCRIPT_FORMAT', 'This key ceremony did not split a SLIP-39 backup (it records no SLIP-39 identifier), so there is nothing to extend. Verifiable shares are refreshed or repaired instead.');
  }
  const inUse = new Map<number, number[]>();
  const holders = new Map<string, string>();
  let fingerprinted = false;
  for (const e of result.entries) {
    if (e.kind !== 'handoff') continue;
    const d = dataOf(e);
    if (Array.isArray(own(d, 'shardFingerprints'))) fingerprinted = true;
    const shares = own(d, 'shares');
    const who = own(d, 'custodianId');
    for (const s of Array.isArray(shares) ? shares : []) {
      const ref = dataOf({ data: s });
      const g = own(ref, 'group');
      const m = own(ref, 'member');
      if (typeof g === 'number' && isMember(m)) {
        inUse.set(g, [...(inUse.get(g) ?? []), m]);
        if (typeof who === 'string') holders.set(`${g}:${m}`, who);
      }
    }
  }
  return { ceremonyId: result.ceremonyId, finalHash: result.headHash, identifier, membersInUse: inUse, fingerprinted, holders };
}

/**
 * The source with the members earlier extensions of it gave out (citeExtension records, core/extend/records.ts)
 * counted as in use, so a new extension cannot hand out a number someone already holds.
 */
export function withEarlierExtensions(source: Slip39SourceRef, records: readonly ExtensionRecord[]): Slip39SourceRef {
  if (records.length === 0) return source;
  const inUse = new Map<number, number[]>([...source.membersInUse].map(([g, ms]) => [g, [...ms]]));
  const holders = new Map(source.holders ?? []);
  for (const r of records) {
    // citeExtension matched it to the key ceremony's transcript as given (it may have grown since the extension cited it).
    if (r.keyCeremony.ceremonyId !== source.ceremonyId || r.readAgainst !== source.finalHash) {
      throw new KeyshardError('CUSTODY_OTHER_CEREMONY', `The extension ${r.ceremonyId.slice(0, 64)} extends ceremony ${r.keyCeremony.ceremonyId.slice(0, 64)}, not ${source.ceremonyId.slice(0, 64)}. Give only earlier extensions of this key ceremony.`, { extensionCeremonyId: r.ceremonyId, citedCeremonyId: r.keyCeremony.ceremonyId });
    }
    for (const m of r.members) {
      inUse.set(m.group, [...(inUse.get(m.group) ?? []), m.member]);
      holders.set(`${m.group}:${m.member}`, `${m.custodianId} (extension ${r.ceremonyId.slice(0, 64)})`);
    }
  }
  return { ...source, membersInUse: inUse, holders, earlierExtensions: [...(source.earlierExtensions ?? []), ...records.map((r) => ({ ceremonyId: r.ceremonyId, finalHash: r.finalHash }))] };
}

export interface ExtendPlanOptions {
  readonly label: string;
  readonly source: Slip39SourceRef;
  /** 0-based group to extend. */
  readonly group: number;
  readonly custodians: readonly { readonly id: string; readonly name: string; readonly member: number }[];
}

/** The plan's own data (the kind runner adds ceremonyKind, witnessIds, signOffs and the pinned witness keys). */
export function extendPlanData(o: ExtendPlanOptions): Record<string, JsonValue> {
  return {
    label: o.label,
    source: { ceremonyId: o.source.ceremonyId, ceremonyKind: 'key-ceremony', finalHash: o.source.finalHash },
    identifier: o.source.identifier,
    group: o.group,
    membersInUse: [...new Set(o.source.membersInUse.get(o.group) ?? [])].sort((a, b) => a - b),
    custodians: o.custodians.map((c) => ({ id: c.id, name: c.name, member: c.member })),
    // Only when there were earlier extensions, so a first extension's plan reads as before.
    ...(o.source.earlierExtensions === undefined || o.source.earlierExtensions.length === 0 ? {} : { earlierExtensions: o.source.earlierExtensions.map((x) => ({ ceremonyId: x.ceremonyId, finalHash: x.finalHash })) }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The check of a verified transcript

export interface ExtendSummary {
  readonly source: { readonly ceremonyId: string; readonly finalHash: string };
  readonly identifier: number;
  readonly group: number;
  /** The group's member threshold the make step recorded (null before it). */
  readonly memberThreshold: number | null;
  /** The new shares the seal names (none when the ceremony stopped before its seal). */
  readonly shares: readonly { readonly custodianId: string; readonly member: number; readonly shardFingerprint: string }[];
}

export type ExtendCheck = ({ readonly ok: true } & ExtendSummary) | { readonly ok: false; readonly firstBadSeq: number; readonly reason: string };

function fail(seq: number, why: string): ExtendCheck {
  return { ok: false, firstBadSeq: seq, reason: `Entry ${seq}: ${why} The file was changed after the ceremony, or was not written by keyshard.` };
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Re-checks a verified extend transcript's content against itself (see the top). Never throws for bad content. */
export function checkExtendTranscript(result: VerifyOk): ExtendCheck {
  const plan = dataOf(result.entries[0]);
  if (own(plan, 'ceremonyKind') !== EXTEND_KIND_ID) return fail(1, 'the plan names no share extension.');
  const src = dataOf({ data: own(plan, 'source') });
  const identifier = own(plan, 'identifier');
  const group = own(plan, 'group');
  const inUse = own(plan, 'membersInUse');
  const custodians = own(plan, 'custodians');
  const ceremonyId = own(src, 'ceremonyId');
  const finalHash = own(src, 'finalHash');
  if (typeof ceremonyId !== 'string' || !isFingerprint(finalHash) || typeof identifier !== 'number' || !isMember(group) || !Array.isArray(inUse) || !inUse.every(isMember) || !Array.isArray(custodians)) {
    return fail(1, 'the plan does not cite a key ceremony (id and final hash), a backup identifier, a group and its members in use.');
  }
  const people = custodians.map((c) => dataOf({ data: c }));
  const newMembers = people.map((p) => own(p, 'member'));
  const ids = people.map((p) => own(p, 'id'));
  if (people.length === 0 || !newMembers.every(isMember) || !ids.every((i) => typeof i === 'string') || new Set(newMembers).size !== newMembers.length || new Set(ids).size !== ids.length) {
    return fail(1, 'the plan does not name each new custodian once, each with a member number of their own.');
  }
  if (newMembers.some((m) => inUse.includes(m))) return fail(1, 'a new member number is one the group already gave out.');
  const memberOf = new Map(people.map((p) => [own(p, 'id') as string, own(p, 'member') as number]));
  const quorum = new Map<number, string>();
  const handed = new Map<string, string>();
  let made: Data | null = null;
  let sealed: ExtendSummary['shares'] = [];
  for (const e of result.entries) {
    const d = dataOf(e);
    switch (e.kind) {
      case 'quorum-share': {
        const m = own(d, 'member');
        const f = own(d, 'shardFingerprint');
        if (own(d, 'group') !== group || !isMember(m) || !isFingerprint(f)) return fail(e.seq, "the quorum member's share is not recorded as a member of the plan's group with its fingerprint.");
        if (quorum.has(m) || newMembers.includes(m)) return fail(e.seq, `member ${m + 1} gives a share twice, or is one of the new members.`);
        quorum.set(m, f);
        break;
      }
      case 'extend': {
        const threshold = own(d, 'memberThreshold');
        const q = own(d, 'quorumMembers');
        const n = own(d, 'newMembers');
        if (own(d, 'identifier') !== identifier || own(d, 'group') !== group) return fail(e.seq, "the new shares are not of the plan's backup and group.");
        if (!Array.isArray(q) || !q.every(isMember) || !sameList(q, [...quorum.keys()]) || typeof threshold !== 'number' || q.length < threshold || threshold < 2) {
          return fail(e.seq, "the quorum it names is not the shares checked before it, or fewer than the group's member threshold.");
        }
        if (!Array.isArray(n) || !n.every(isMember) || !sameList(n, newMembers as number[])) return fail(e.seq, "the new members are not the plan's.");
        made = d;
        break;
      }
      case 'handoff':
      case 'confirm': {
        const id = own(d, 'custodianId');
        const f = own(d, 'shardFingerprint');
        if (made === null) return fail(e.seq, 'a share is handed over or confirmed before any was made.');
        if (typeof id !== 'string' || !memberOf.has(id) || own(d, 'member') !== memberOf.get(id) || !isFingerprint(f)) return fail(e.seq, 'it does not name a new custodian of the plan, their member number and their share\'s fingerprint.');
        if ([...quorum.values()].includes(f)) return fail(e.seq, "the fingerprint is a quorum member's share, not a new one.");
        if (e.kind === 'handoff') {
          if ([...handed.entries()].some(([other, g]) => other !== id && g === f)) return fail(e.seq, 'two custodians are recorded with the same share.');
          handed.set(id, f);
        } else if (handed.get(id) !== f) return fail(e.seq, 'the confirmed share is not the one handed to that custodian.');
        break;
      }
      case 'seal': {
        const shares = own(d, 'shares');
        const listed = Array.isArray(shares) ? shares.map((s) => dataOf({ data: s })) : [];
        const ok =
          own(d, 'identifier') === identifier &&
          own(d, 'group') === group &&
          listed.length === handed.size &&
          listed.every((s) => handed.get(own(s, 'custodianId') as string) === own(s, 'shardFingerprint') && own(s, 'member') === memberOf.get(own(s, 'custodianId') as string));
        if (!ok) return fail(e.seq, 'the seal does not list exactly the new shares handed over.');
        sealed = listed.map((s) => ({ custodianId: own(s, 'custodianId') as string, member: own(s, 'member') as number, shardFingerprint: own(s, 'shardFingerprint') as string }));
        break;
      }
    }
  }
  // TS narrows `made` to null here (it is assigned inside the loop's switch); read it through its declared type.
  const threshold = (made as Data | null) === null ? null : own(made as unknown as Data, 'memberThreshold');
  return { ok: true, source: { ceremonyId, finalHash }, identifier, group, memberThreshold: typeof threshold === 'number' ? threshold : null, shares: sealed };
}
