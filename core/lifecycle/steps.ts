/**
 * The steps of a refresh or repair, each doing its mathematics (core/vss) and recording its public result on the
 * run (core/ceremony-kinds/run.ts): one set of steps for main's service and the CLI. Shares come in and go out as
 * Uint8Arrays the caller owns and wipes; nothing secret reaches the transcript (data builders in transcript.ts).
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { JsonValue } from '../canonical-json';
import { REFRESH_CEREMONY } from '../ceremony-kinds/refresh';
import { REPAIR_CEREMONY } from '../ceremony-kinds/repair';
import { type KindRun, recordKindStep, startKindRun } from '../ceremony-kinds/run';
import { KeyshardError } from '../errors';
import type { RandomSource } from '../random';
import type { Clock } from '../transcript';
import { type Ciphersuite, type VssDeal, type VssShare, isCiphersuite, refreshShares, repairShare, reshareFromQuorum, verifyShare } from '../vss/index';
import { type LifecyclePlanOptions, lifecyclePlanData } from './transcript';

/** What the plan entry fixes for every later step: read back from the run, so no step can be given other values. */
export interface LifecycleContext {
  readonly kind: 'refresh' | 'repair';
  readonly ciphersuite: Ciphersuite;
  readonly threshold: number;
  readonly commitments: Uint8Array[];
  readonly groupPublicKey: Uint8Array;
  readonly custodians: readonly { readonly id: string; readonly name: string; readonly identifier: string }[];
  readonly refresh: { readonly method: 'refresh' | 'reshare'; readonly newThreshold: number } | null;
  readonly repair: { readonly identifier: string; readonly custodianId: string } | null;
}

export interface StartLifecycleOptions extends LifecyclePlanOptions {
  readonly ceremonyId: string;
  readonly clock: Clock;
  readonly witnessIds: readonly string[];
  readonly witnessKeys?: readonly { readonly id: string; readonly algorithm: string; readonly publicKey: string }[];
}

export function startLifecycle(o: StartLifecycleOptions): KindRun {
  if ((o.refresh === undefined) === (o.repair === undefined)) throw new KeyshardError('INVALID_ARGUMENT', 'A plan is either a refresh or a repair.');
  if (o.custodians.length === 0) throw new KeyshardError('INVALID_ARGUMENT', 'The plan names nobody to receive a share.');
  const ids = new Set(o.custodians.map((c) => c.identifier));
  if (ids.size !== o.custodians.length || new Set(o.custodians.map((c) => c.id)).size !== o.custodians.length) {
    throw new KeyshardError('INVALID_ARGUMENT', 'Each custodian in the plan receives one share with an identifier of their own.');
  }
  if (o.refresh !== undefined && (o.refresh.newThreshold < 2 || o.refresh.newThreshold > o.custodians.length)) {
    throw new KeyshardError('INVALID_ARGUMENT', `The new threshold must be between 2 and the ${o.custodians.length} custodians who receive a share.`);
  }
  if (o.repair !== undefined && (o.custodians.length !== 1 || o.custodians[0]!.identifier !== o.repair.identifier)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'A repair hands its one repaired share to the custodian who lost theirs: name only them, with the lost identifier.');
  }
  const { ceremonyId, clock, witnessIds, witnessKeys, ...plan } = o;
  return startKindRun({
    kind: o.refresh !== undefined ? REFRESH_CEREMONY : REPAIR_CEREMONY,
    ceremonyId,
    clock,
    plan: lifecyclePlanData(plan),
    witnessIds,
    ...(witnessKeys === undefined ? {} : { witnessKeys }),
  });
}

/** The plan's fixed values, from the run's first entry. */
export function lifecycleContext(run: KindRun): LifecycleContext {
  const d = run.transcript.entries[0]?.data as Record<string, JsonValue> | undefined;
  const kind = d?.['ceremonyKind'];
  const ciphersuite = d?.['ciphersuite'];
  if (d === undefined || (kind !== 'refresh' && kind !== 'repair') || !isCiphersuite(ciphersuite)) {
    throw new KeyshardError('INTERNAL', 'This run is not a refresh or repair. Start the ceremony again.');
  }
  const commitments = (d['commitments'] as string[]).map((c) => hexToBytes(c));
  return {
    kind,
    ciphersuite,
    threshold: commitments.length,
    commitments,
    groupPublicKey: commitments[0]!,
    custodians: d['custodians'] as unknown as LifecycleContext['custodians'],
    refresh: (d['refresh'] as unknown as LifecycleContext['refresh']) ?? null,
    repair: (d['repair'] as unknown as LifecycleContext['repair']) ?? null,
  };
}

export function recordAirGap(run: KindRun, check: { readonly passed: boolean; readonly interfacesUp: readonly string[]; readonly override?: { readonly witnessId: string; readonly reason: string } }): KindRun {
  return recordKindStep(run, 'airgap-check', { passed: check.passed, interfacesUp: [...check.interfacesUp], ...(check.override === undefined ? {} : { override: { ...check.override } }) });
}

/** Checks one quorum member's share against the plan's commitments and records its verifying share. */
export function recordQuorumShare(run: KindRun, share: VssShare, custodianId?: string): { run: KindRun; verifyingShare: string } {
  const c = lifecycleContext(run);
  const verifyingShare = bytesToHex(verifyShare(c.ciphersuite, c.threshold, c.commitments, share));
  const identifier = bytesToHex(share.identifier);
  const taken = run.transcript.entries.some((e) => e.kind === 'quorum-share' && (e.data as { identifier?: unknown }).identifier === identifier);
  if (taken) throw new KeyshardError('DUPLICATE_SHARE', `The share with identifier ${identifier.slice(0, 8)}… was already taken in. Each quorum member gives their share once.`);
  if (c.repair !== null && identifier === c.repair.identifier) {
    throw new KeyshardError('INVALID_ARGUMENT', 'This is the share the repair is rebuilding: its custodian has it after all. Abort the repair, or take in another helper.');
  }
  return { run: recordKindStep(run, 'quorum-share', { identifier, verifyingShare, ...(custodianId === undefined ? {} : { custodianId }) }), verifyingShare };
}

/**
 * Makes the new shares from the quorum's (given in the order taken in) and records the new commitments. A refresh
 * needs the share of every custodian who keeps one (the plan's custodians, same identifiers); a re-share any quorum.
 */
export function recordRefresh(run: KindRun, quorum: VssShare[], random: RandomSource): { run: KindRun; deal: VssDeal } {
  const c = lifecycleContext(run);
  if (c.refresh === null) throw new KeyshardError('CEREMONY_TRANSITION', 'This ceremony is a repair, not a refresh.');
  const base = { ciphersuite: c.ciphersuite, threshold: c.threshold, commitments: c.commitments, random };
  let deal: VssDeal;
  if (c.refresh.method === 'refresh') {
    const given = quorum.map((s) => bytesToHex(s.identifier)).sort();
    const planned = c.custodians.map((x) => x.identifier).sort();
    if (given.length !== planned.length || given.some((g, i) => g !== planned[i])) {
      throw new KeyshardError('BELOW_THRESHOLD', 'A refresh needs the current share of every custodian in the plan (each gets a new share for the same identifier). Take in the missing shares, or re-share to new custodians instead.');
    }
    deal = refreshShares({ ...base, shares: quorum, newThreshold: c.refresh.newThreshold });
  } else {
    deal = reshareFromQuorum({ ...base, quorum, newThreshold: c.refresh.newThreshold, newShares: c.custodians.length });
    const planned = c.custodians.map((x) => x.identifier);
    if (deal.shares.some((s, i) => bytesToHex(s.identifier) !== planned[i])) {
      for (const s of deal.shares) s.signingShare.fill(0);
      throw new KeyshardError('INVALID_ARGUMENT', "A re-share numbers the new custodians 1, 2, ... in the plan's order; the plan names other identifiers.");
    }
  }
  try {
    const next = recordKindStep(run, 'refresh', {
      method: c.refresh.method,
      threshold: deal.threshold,
      identifiers: deal.shares.map((s) => bytesToHex(s.identifier)),
      commitments: deal.commitments.map((x) => bytesToHex(x)),
      groupPublicKey: bytesToHex(deal.groupPublicKey),
      groupKeyUnchanged: bytesToHex(deal.groupPublicKey) === bytesToHex(c.groupPublicKey),
    });
    return { run: next, deal };
  } catch (e) {
    for (const s of deal.shares) s.signingShare.fill(0);
    throw e;
  }
}

/** Rebuilds the lost share from the helpers' (at least the threshold), checked against the commitments, and records it. */
export function recordRepair(run: KindRun, helpers: VssShare[], random: RandomSource): { run: KindRun; share: VssShare } {
  const c = lifecycleContext(run);
  if (c.repair === null) throw new KeyshardError('CEREMONY_TRANSITION', 'This ceremony is a refresh, not a repair.');
  if (helpers.length < c.threshold) {
    throw new KeyshardError('BELOW_THRESHOLD', `A repair needs ${c.threshold} helpers' shares; ${helpers.length} ${helpers.length === 1 ? 'was' : 'were'} taken in. Take in ${c.threshold - helpers.length} more.`, {
      given: helpers.length,
      threshold: c.threshold,
    });
  }
  const share = repairShare({ ciphersuite: c.ciphersuite, threshold: c.threshold, commitments: c.commitments, helpers, lostIdentifier: hexToBytes(c.repair.identifier), random });
  try {
    // repairShare checked it against the commitments; its verifying share is what the transcript can re-check.
    const verifyingShare = bytesToHex(verifyShare(c.ciphersuite, c.threshold, c.commitments, share));
    const next = recordKindStep(run, 'repair', {
      identifier: c.repair.identifier,
      verifyingShare,
      helpers: helpers.map((h) => bytesToHex(h.identifier)),
      matchesCommitments: true,
    });
    return { run: next, share };
  } catch (e) {
    share.signingShare.fill(0);
    throw e;
  }
}

/** The commitments new shares are checked against: the refresh's, or (repair) the plan's. */
export function commitmentsInForce(run: KindRun): { threshold: number; commitments: Uint8Array[] } {
  const c = lifecycleContext(run);
  const refresh = [...run.transcript.entries].reverse().find((e) => e.kind === 'refresh');
  if (refresh === undefined) return { threshold: c.threshold, commitments: c.commitments };
  const commitments = ((refresh.data as { commitments: string[] }).commitments ?? []).map((x) => hexToBytes(x));
  return { threshold: commitments.length, commitments };
}

export function recordHandoff(run: KindRun, handoff: { readonly custodianId: string; readonly medium: string }): KindRun {
  const c = lifecycleContext(run);
  const who = c.custodians.find((x) => x.id === handoff.custodianId);
  if (who === undefined) throw new KeyshardError('INVALID_ARGUMENT', `"${handoff.custodianId.slice(0, 64)}" is not a custodian in this plan.`);
  return recordKindStep(run, 'handoff', { custodianId: who.id, identifier: who.identifier, medium: handoff.medium });
}

/**
 * The custodian's own copy (typed or scanned back) must be the share handed to them; then its verifying share is
 * recorded, checked against the commitments in force. `given` is wiped by the caller.
 */
export function recordConfirm(run: KindRun, custodianId: string, handed: VssShare, given: VssShare, method: string): KindRun {
  const c = lifecycleContext(run);
  const who = c.custodians.find((x) => x.id === custodianId);
  if (who === undefined || bytesToHex(handed.identifier) !== who.identifier) throw new KeyshardError('INVALID_ARGUMENT', 'This share was not handed to that custodian.');
  const same = given.identifier.length === handed.identifier.length && given.signingShare.length === handed.signingShare.length && bytesToHex(given.identifier) === who.identifier && constantTimeEqual(given.signingShare, handed.signingShare);
  if (!same) throw new KeyshardError('SHARES_MISMATCH', `The share ${custodianId.slice(0, 64)} gave back is not the one handed to them. Compare it group by group and try again.`);
  const force = commitmentsInForce(run);
  const verifyingShare = bytesToHex(verifyShare(c.ciphersuite, force.threshold, force.commitments, handed));
  return recordKindStep(run, 'confirm', { custodianId, identifier: who.identifier, method, verifyingShare });
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function recordDestroy(run: KindRun, items: readonly string[]): KindRun {
  return recordKindStep(run, 'destroy', { items: [...items] });
}

export function recordSeal(run: KindRun): KindRun {
  const c = lifecycleContext(run);
  const force = commitmentsInForce(run);
  return recordKindStep(run, 'seal', { groupPublicKey: bytesToHex(c.groupPublicKey), commitments: force.commitments.map((x) => bytesToHex(x)) });
}
