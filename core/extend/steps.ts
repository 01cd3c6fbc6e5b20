/**
 * The steps of a SLIP-39 extension, each doing its work (core/slip39/extend.ts) and recording its public result on the
 * run (core/ceremony-kinds/run.ts): one set of steps for main's service and the CLI. Mnemonics come in and go out as
 * strings the caller holds only as long as needed; the transcript gets member numbers and shard fingerprints only.
 */
import type { JsonValue } from '../canonical-json';
import { EXTEND_CEREMONY } from '../ceremony-kinds/extend';
import { type KindRun, recordKindStep, startKindRun } from '../ceremony-kinds/run';
import { checkCustodyOfWords } from '../custody/check';
import { slip39ShareFingerprint } from '../custody/fingerprint';
import { encodeSlip39Payload } from '../envelope-payload';
import { KeyshardError, isKeyshardError } from '../errors';
import { constantTimeEqual } from '../shamir';
import { extendGroup, notExtendable } from '../slip39/extend';
import { decodeShare } from '../slip39/share';
import type { Clock, VerifyOk } from '../transcript';
import type { ExtensionRecord } from './records';
import { type ExtendPlanOptions, dataOf, extendPlanData, own } from './transcript';

export { recordAirGap, recordDestroy } from '../lifecycle/steps';

export interface StartExtendOptions extends ExtendPlanOptions {
  readonly ceremonyId: string;
  readonly clock: Clock;
  readonly witnessIds: readonly string[];
  readonly witnessKeys?: readonly { readonly id: string; readonly algorithm: string; readonly publicKey: string }[];
}

export interface ExtendContext {
  readonly identifier: number;
  readonly group: number;
  readonly custodians: readonly { readonly id: string; readonly name: string; readonly member: number }[];
}

export function startExtend(o: StartExtendOptions): KindRun {
  if (!Number.isInteger(o.group) || o.group < 0 || o.group > 15) throw new KeyshardError('INVALID_ARGUMENT', 'Groups are numbered 1 to 16: choose the group to extend.');
  if (o.custodians.length === 0) throw new KeyshardError('INVALID_ARGUMENT', 'Name at least one new custodian to receive a share.');
  const used = o.source.membersInUse.get(o.group) ?? [];
  if (used.length === 0) throw new KeyshardError('INVALID_ARGUMENT', `The key ceremony handed out no share of group ${o.group + 1}. Choose a group it split.`, { group: o.group });
  const members = o.custodians.map((c) => c.member);
  for (const c of o.custodians) {
    if (!Number.isInteger(c.member) || c.member < 0 || c.member > 15) throw new KeyshardError('SLIP39_PARAMETERS', 'A group has at most 16 members: member numbers run from 1 to 16.');
  }
  const taken = o.custodians.filter((c) => used.includes(c.member)).map((c) => c.member);
  if (taken.length > 0) {
    // Name every number taken and who holds it (the key ceremony's custodian, or an earlier extension's).
    const by = taken.map((m) => ({ member: m + 1, heldBy: o.source.holders?.get(`${o.group}:${m}`) ?? 'a custodian of the key ceremony' }));
    const free = Array.from({ length: 16 }, (_, i) => i).filter((m) => !used.includes(m));
    throw new KeyshardError(
      'SLIP39_PARAMETERS',
      `${by.map((b) => `Member ${b.member} of group ${o.group + 1} is held by ${b.heldBy.slice(0, 120)}`).join('; ')}: a new share there would be a copy of theirs. Choose ${free.length === 0 ? 'another group: this one has no free number' : `from the free numbers ${free.map((m) => m + 1).join(', ')}`}.`,
      { group: o.group + 1, taken: by },
    );
  }
  if (new Set(members).size !== members.length || new Set(o.custodians.map((c) => c.id)).size !== o.custodians.length) {
    throw new KeyshardError('INVALID_ARGUMENT', 'Each new custodian receives one share with a member number of their own.');
  }
  const { ceremonyId, clock, witnessIds, witnessKeys, ...plan } = o;
  return startKindRun({ kind: EXTEND_CEREMONY, ceremonyId, clock, plan: extendPlanData(plan), witnessIds, ...(witnessKeys === undefined ? {} : { witnessKeys }) });
}

/** The plan's fixed values, from the run's first entry. */
export function extendContext(run: KindRun): ExtendContext {
  const d = dataOf(run.transcript.entries[0]);
  if (own(d, 'ceremonyKind') !== 'extend') throw new KeyshardError('INTERNAL', 'This run is not a share extension. Start the ceremony again.');
  return { identifier: d['identifier'] as number, group: d['group'] as number, custodians: d['custodians'] as unknown as ExtendContext['custodians'] };
}

function recorded(run: KindRun, kind: string): Readonly<Record<string, unknown>>[] {
  return run.transcript.entries.filter((e) => e.kind === kind).map((e) => dataOf(e));
}

/**
 * Checks one quorum member's words: of an extendable backup (else SLIP39_NOT_EXTENDABLE at once), the plan's backup
 * and group, not given before, and (when the key ceremony recorded shard fingerprints) one it or one of `extensions`
 * (earlier extensions of it, core/extend/records.ts) handed out; then
 * records its member number and fingerprint. The caller keeps the words for the make step and wipes them after.
 */
export function recordExtendQuorumShare(run: KindRun, source: VerifyOk, mnemonic: string, extensions: readonly ExtensionRecord[] = []): { run: KindRun; member: number; custodianId: string | null } {
  const c = extendContext(run);
  const share = decodeShare(mnemonic);
  share.value.fill(0);
  if (!share.extendable) throw notExtendable(share.identifier);
  if (share.identifier !== c.identifier) throw new KeyshardError('SHARES_MISMATCH', "This share is of another SLIP-39 backup than the key ceremony's. Give a share of the backup being extended.");
  if (share.groupIndex !== c.group) {
    throw new KeyshardError('SHARES_MISMATCH', `This share is of group ${share.groupIndex + 1}; the plan extends group ${c.group + 1}. Give the shares of that group's custodians.`, { group: share.groupIndex });
  }
  if (recorded(run, 'quorum-share').some((d) => d['member'] === share.memberIndex)) {
    throw new KeyshardError('DUPLICATE_SHARE', `Member ${share.memberIndex + 1}'s share was already given. Give each quorum member's share once.`, { member: share.memberIndex });
  }
  let custodianId: string | null = null;
  try {
    // A member an earlier extension gave out is found in its seal (the extensions the plan counted).
    custodianId = checkCustodyOfWords(source, mnemonic, {}, extensions).custodianId;
  } catch (e) {
    // A key ceremony written before shard fingerprints were recorded cannot name the holder; the group digest still
    // checks the shares together at the make step.
    if (!isKeyshardError(e) || e.code !== 'CUSTODY_NOT_RECORDED') throw e;
  }
  const next = recordKindStep(run, 'quorum-share', { group: c.group, member: share.memberIndex, shardFingerprint: slip39ShareFingerprint(mnemonic), custodianId });
  return { run: next, member: share.memberIndex, custodianId };
}

/**
 * Makes the new members' shares from the quorum's words (the ones recorded, in any order) and records the result.
 * The returned mnemonics are secret: the caller hands each to its custodian and drops it.
 */
export function recordExtendMake(run: KindRun, quorum: readonly string[]): { run: KindRun; shares: { custodianId: string; member: number; mnemonic: string }[] } {
  const c = extendContext(run);
  const prints = recorded(run, 'quorum-share').map((d) => d['shardFingerprint']);
  if (quorum.length !== prints.length || !quorum.every((m) => prints.includes(slip39ShareFingerprint(m)))) {
    throw new KeyshardError('INVALID_ARGUMENT', 'The shares given are not the quorum checked before. Take the quorum in again.');
  }
  const out = extendGroup({ mnemonics: quorum, newMemberIndices: c.custodians.map((x) => x.member) });
  const next = recordKindStep(run, 'extend', {
    identifier: out.identifier,
    group: out.groupIndex,
    memberThreshold: out.memberThreshold,
    groupThreshold: out.groupThreshold,
    groupCount: out.groupCount,
    quorumMembers: recorded(run, 'quorum-share').map((d) => d['member'] as number),
    newMembers: out.shares.map((s) => s.memberIndex),
  });
  return { run: next, shares: out.shares.map((s, i) => ({ custodianId: c.custodians[i]!.id, member: s.memberIndex, mnemonic: s.mnemonic })) };
}

function custodian(run: KindRun, id: string): ExtendContext['custodians'][number] {
  const who = extendContext(run).custodians.find((x) => x.id === id);
  if (who === undefined) throw new KeyshardError('INVALID_ARGUMENT', `"${id.slice(0, 64)}" is not a new custodian in this plan.`);
  return who;
}

export function recordExtendHandoff(run: KindRun, custodianId: string, medium: string, mnemonic: string): KindRun {
  const who = custodian(run, custodianId);
  return recordKindStep(run, 'handoff', { custodianId, member: who.member, medium, shardFingerprint: slip39ShareFingerprint(mnemonic) });
}

/** True when two mnemonics are the same words (any case or spacing), compared without early exit. */
export function sameMnemonic(a: string, b: string): boolean {
  let x: Uint8Array | undefined;
  let y: Uint8Array | undefined;
  try {
    x = encodeSlip39Payload(a);
    y = encodeSlip39Payload(b);
    return x.length === y.length && constantTimeEqual(x, y);
  } catch {
    return false;
  } finally {
    x?.fill(0);
    y?.fill(0);
  }
}

/** The custodian's typed-back (or scanned) copy must be the share handed to them; then its fingerprint is recorded. */
export function recordExtendConfirm(run: KindRun, custodianId: string, handed: string, given: string, method: string): KindRun {
  const who = custodian(run, custodianId);
  // The words first, so a mistyped word is named by its position (SLIP39_WORD / SLIP39_CHECKSUM).
  decodeShare(given).value.fill(0);
  if (!sameMnemonic(handed, given)) {
    throw new KeyshardError('SHARES_MISMATCH', `The share ${custodianId.slice(0, 64)} gave back is valid but not the one handed to them. Compare it word by word and try again.`);
  }
  return recordKindStep(run, 'confirm', { custodianId, member: who.member, method, shardFingerprint: slip39ShareFingerprint(handed) });
}

export function recordExtendSeal(run: KindRun): KindRun {
  const c = extendContext(run);
  const last = new Map<string, Readonly<Record<string, unknown>>>();
  for (const d of recorded(run, 'handoff')) last.set(d['custodianId'] as string, d);
  const shares: JsonValue[] = c.custodians.filter((x) => last.has(x.id)).map((x) => ({ custodianId: x.id, member: x.member, shardFingerprint: last.get(x.id)!['shardFingerprint'] as string }));
  return recordKindStep(run, 'seal', { identifier: c.identifier, group: c.group, shares });
}
