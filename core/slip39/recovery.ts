/**
 * Recovery from a pile of shares that arrives one at a time (typed, scanned, read from files), in any order and from
 * any groups. `Slip39Recovery` keeps the shares accepted so far and, after every `add`, says what is in hand and what
 * is still missing: per group the member threshold, the members in hand and how many more are needed; overall how
 * many more groups must be completed and whether combining is possible now.
 *
 * A share that cannot belong with those already in hand (another backup, other parameters, a conflicting member) is
 * rejected with a typed error and leaves the state exactly as it was; an exact repeat is reported as a duplicate and
 * merged. Combining uses every complete group and every share in it, so each of them is checked by the digests.
 */
import { KeyshardError, isKeyshardError } from '../errors';
import type { RawShare } from '../shamir';
import { constantTimeEqual, recoverSecret } from '../shamir';
import type { Pbkdf2 } from './cipher';
import { decrypt } from './cipher';
import type { Slip39Share } from './share';
import { type DecodeOptions, decodeShare, decodeShareAscii, mnemonicLengthForValue } from './share';

export interface GroupProgress {
  /** 0-based, as in the share; messages call it group `groupIndex + 1`. */
  readonly groupIndex: number;
  /** Known once a share of this group is in hand; null before. */
  readonly memberThreshold: number | null;
  /** Distinct members in hand. */
  readonly membersInHand: number;
  /** How many more members this group needs; null while its threshold is unknown. */
  readonly membersNeeded: number | null;
  readonly complete: boolean;
  /** 0-based member indices in hand (public: they say which shares are present, nothing about their values). */
  readonly memberIndices: readonly number[];
}

export interface RecoveryProgress {
  /** False until the first share is accepted; the parameters below are null until then. */
  readonly started: boolean;
  readonly identifier: number | null;
  readonly extendable: boolean | null;
  readonly iterationExponent: number | null;
  readonly groupThreshold: number | null;
  readonly groupCount: number | null;
  /** One entry per group of the backup, in group order (empty before the first share). */
  readonly groups: readonly GroupProgress[];
  readonly groupsComplete: number;
  /** More groups to complete before combining; null before the first share. */
  readonly groupsNeeded: number | null;
  readonly canCombine: boolean;
}

export type AddResult =
  | { readonly status: 'accepted'; readonly groupIndex: number; readonly memberIndex: number; readonly progress: RecoveryProgress }
  | { readonly status: 'duplicate'; readonly groupIndex: number; readonly memberIndex: number; readonly progress: RecoveryProgress }
  | { readonly status: 'rejected'; readonly error: KeyshardError; readonly progress: RecoveryProgress };

/** The recovered (still encrypted) master secret and what decrypting it needs besides the passphrase. */
export interface EncryptedMasterSecret {
  readonly identifier: number;
  readonly extendable: boolean;
  readonly iterationExponent: number;
  /** Secret: wipe with `.fill(0)` when done. */
  readonly value: Uint8Array;
}

interface CommonParameters {
  readonly identifier: number;
  readonly extendable: boolean;
  readonly iterationExponent: number;
  readonly groupThreshold: number;
  readonly groupCount: number;
  readonly valueLength: number;
}

interface GroupState {
  readonly memberThreshold: number;
  /** memberIndex -> share */
  readonly members: Map<number, Slip39Share>;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function shareLabel(n: number | undefined): string {
  return n === undefined ? 'This share' : `Share ${n}`;
}

export class Slip39Recovery {
  private params: CommonParameters | undefined;
  private readonly groups = new Map<number, GroupState>();
  private attempts = 0;

  /**
   * Decodes and adds one mnemonic. Never throws for bad input: problems come back as `rejected` with a typed error
   * (SLIP39_WORD, SLIP39_LENGTH, SLIP39_CHECKSUM, SLIP39_PADDING, SLIP39_PARAMETERS, SECRET_LENGTH, SHARES_MISMATCH,
   * DUPLICATE_SHARE), and the state is unchanged. `shareNumber` (1-based) names the share in messages; by default
   * it counts the calls to add.
   */
  add(mnemonic: string, shareNumber?: number, options?: DecodeOptions): AddResult {
    const n = shareNumber ?? this.attempts + 1;
    this.attempts++;
    let share: Slip39Share;
    try {
      share = decodeShare(mnemonic, n, options);
    } catch (e) {
      if (isKeyshardError(e)) return { status: 'rejected', error: e, progress: this.progress() };
      throw e;
    }
    const result = this.addDecoded(share, n);
    // A share that was not kept (rejected or a repeat) must not leave a copy of its value behind.
    if (result.status !== 'accepted') share.value.fill(0);
    return result;
  }

  /** `add` of a mnemonic held as bytes (lowercase ASCII words, single spaces); no string of it is made. */
  addAscii(mnemonic: Uint8Array, shareNumber?: number): AddResult {
    const n = shareNumber ?? this.attempts + 1;
    this.attempts++;
    let share: Slip39Share;
    try {
      share = decodeShareAscii(mnemonic, n);
    } catch (e) {
      if (isKeyshardError(e)) return { status: 'rejected', error: e, progress: this.progress() };
      throw e;
    }
    const result = this.addDecoded(share, n);
    if (result.status !== 'accepted') share.value.fill(0);
    return result;
  }

  /** Adds an already decoded share (its value is copied). Same rules and results as `add`. */
  addShare(share: Slip39Share, shareNumber?: number): AddResult {
    const n = shareNumber ?? this.attempts + 1;
    this.attempts++;
    return this.addDecoded({ ...share, value: share.value.slice() }, n);
  }

  private addDecoded(share: Slip39Share, n: number): AddResult {
    const problem = this.conflict(share, n);
    if (problem === 'duplicate') {
      return { status: 'duplicate', groupIndex: share.groupIndex, memberIndex: share.memberIndex, progress: this.progress() };
    }
    if (problem !== undefined) return { status: 'rejected', error: problem, progress: this.progress() };

    this.params ??= {
      identifier: share.identifier,
      extendable: share.extendable,
      iterationExponent: share.iterationExponent,
      groupThreshold: share.groupThreshold,
      groupCount: share.groupCount,
      valueLength: share.value.length,
    };
    let group = this.groups.get(share.groupIndex);
    if (group === undefined) {
      group = { memberThreshold: share.memberThreshold, members: new Map() };
      this.groups.set(share.groupIndex, group);
    }
    group.members.set(share.memberIndex, share);
    return { status: 'accepted', groupIndex: share.groupIndex, memberIndex: share.memberIndex, progress: this.progress() };
  }

  /** Why `share` cannot join the shares in hand, 'duplicate' for an exact repeat, or undefined when it fits. */
  private conflict(share: Slip39Share, n: number): KeyshardError | 'duplicate' | undefined {
    const p = this.params;
    if (p === undefined) return undefined;
    const who = shareLabel(n);
    const mismatch = (what: string, details: Record<string, unknown>): KeyshardError =>
      new KeyshardError(
        'SHARES_MISMATCH',
        `${who} does not belong with the shares entered before: ${what}. It is probably from another backup; set it aside and use shares of one backup only.`,
        { share: n, ...details },
      );
    if (share.identifier !== p.identifier) return mismatch('its identifier differs', { field: 'identifier' });
    if (share.extendable !== p.extendable) return mismatch('one is an extendable backup and the other is not', { field: 'extendable' });
    if (share.iterationExponent !== p.iterationExponent) {
      return mismatch('its iteration exponent differs', { field: 'iterationExponent', expected: p.iterationExponent, got: share.iterationExponent });
    }
    if (share.groupThreshold !== p.groupThreshold) {
      return mismatch(`it says ${plural(share.groupThreshold, 'group is', 'groups are')} needed, the others say ${p.groupThreshold}`, {
        field: 'groupThreshold',
        expected: p.groupThreshold,
        got: share.groupThreshold,
      });
    }
    if (share.groupCount !== p.groupCount) {
      return mismatch(`it says there ${share.groupCount === 1 ? 'is 1 group' : `are ${share.groupCount} groups`}, the others say ${p.groupCount}`, {
        field: 'groupCount',
        expected: p.groupCount,
        got: share.groupCount,
      });
    }
    if (share.value.length !== p.valueLength) {
      return new KeyshardError(
        'SLIP39_LENGTH',
        `${who} has ${mnemonicLengthForValue(share.value.length)} words but the shares entered before have ${mnemonicLengthForValue(p.valueLength)}. All shares of one backup have the same number of words.`,
        { share: n, words: mnemonicLengthForValue(share.value.length), expectedWords: mnemonicLengthForValue(p.valueLength) },
      );
    }
    const group = this.groups.get(share.groupIndex);
    if (group === undefined) return undefined;
    if (share.memberThreshold !== group.memberThreshold) {
      return mismatch(`it says group ${share.groupIndex + 1} needs ${plural(share.memberThreshold, 'share', 'shares')}, the others of that group say ${group.memberThreshold}`, {
        field: 'memberThreshold',
        groupIndex: share.groupIndex,
        expected: group.memberThreshold,
        got: share.memberThreshold,
      });
    }
    const existing = group.members.get(share.memberIndex);
    if (existing === undefined) return undefined;
    if (constantTimeEqual(existing.value, share.value)) return 'duplicate';
    return new KeyshardError(
      'DUPLICATE_SHARE',
      `${who} is member ${share.memberIndex + 1} of group ${share.groupIndex + 1}, like a share entered before, but their contents differ: one of them is damaged. Remove one of them and try again.`,
      { share: n, groupIndex: share.groupIndex, memberIndex: share.memberIndex },
    );
  }

  progress(): RecoveryProgress {
    const p = this.params;
    if (p === undefined) {
      return {
        started: false,
        identifier: null,
        extendable: null,
        iterationExponent: null,
        groupThreshold: null,
        groupCount: null,
        groups: [],
        groupsComplete: 0,
        groupsNeeded: null,
        canCombine: false,
      };
    }
    const groups: GroupProgress[] = [];
    for (let g = 0; g < p.groupCount; g++) {
      const state = this.groups.get(g);
      if (state === undefined) {
        groups.push({ groupIndex: g, memberThreshold: null, membersInHand: 0, membersNeeded: null, complete: false, memberIndices: [] });
        continue;
      }
      const have = state.members.size;
      groups.push({
        groupIndex: g,
        memberThreshold: state.memberThreshold,
        membersInHand: have,
        membersNeeded: Math.max(0, state.memberThreshold - have),
        complete: have >= state.memberThreshold,
        memberIndices: [...state.members.keys()].sort((a, b) => a - b),
      });
    }
    const groupsComplete = groups.filter((g) => g.complete).length;
    const groupsNeeded = Math.max(0, p.groupThreshold - groupsComplete);
    return {
      started: true,
      identifier: p.identifier,
      extendable: p.extendable,
      iterationExponent: p.iterationExponent,
      groupThreshold: p.groupThreshold,
      groupCount: p.groupCount,
      groups,
      groupsComplete,
      groupsNeeded,
      canCombine: groupsNeeded === 0,
    };
  }

  /**
   * Interpolates the groups and the group secrets into the encrypted master secret. Throws BELOW_THRESHOLD (saying
   * what is missing per group) when combining is not yet possible, SLIP39_DIGEST when shares do not fit together.
   */
  recoverEncryptedMasterSecret(): EncryptedMasterSecret {
    const progress = this.progress();
    const p = this.params;
    if (p === undefined || !progress.canCombine) throw belowThresholdError(progress);

    const groupSecrets: RawShare[] = [];
    try {
      for (const g of progress.groups) {
        if (!g.complete) continue; // an unfinished extra group is not needed and cannot be checked
        const state = this.groups.get(g.groupIndex)!;
        const members: RawShare[] = [...state.members.values()].map((s) => ({ x: s.memberIndex, value: s.value }));
        groupSecrets.push({ x: g.groupIndex, value: recoverInGroup(state.memberThreshold, members, g.groupIndex) });
      }
      const value = recoverSecret(p.groupThreshold, groupSecrets);
      return { identifier: p.identifier, extendable: p.extendable, iterationExponent: p.iterationExponent, value };
    } catch (e) {
      if (isKeyshardError(e) && e.code === 'SLIP39_DIGEST' && e.details?.['groupIndex'] === undefined) {
        throw new KeyshardError(
          'SLIP39_DIGEST',
          'The groups do not fit together (digest check failed): a share of some group is damaged or belongs to a different backup. Try other groups if you have them.',
          { level: 'groups' },
        );
      }
      throw e;
    } finally {
      for (const s of groupSecrets) s.value.fill(0);
    }
  }

  /** The master secret. Throws like `recoverEncryptedMasterSecret`, and INVALID_ARGUMENT for a non-ASCII passphrase. */
  combine(passphrase = '', pbkdf2?: Pbkdf2): Uint8Array {
    const ems = this.recoverEncryptedMasterSecret();
    try {
      return decrypt(ems.value, { identifier: ems.identifier, extendable: ems.extendable, iterationExponent: ems.iterationExponent, passphrase, pbkdf2 });
    } finally {
      ems.value.fill(0);
    }
  }

  /** Forgets every share and wipes their values. */
  clear(): void {
    for (const group of this.groups.values()) for (const share of group.members.values()) share.value.fill(0);
    this.groups.clear();
    this.params = undefined;
    this.attempts = 0;
  }
}

function recoverInGroup(threshold: number, members: RawShare[], groupIndex: number): Uint8Array {
  try {
    return recoverSecret(threshold, members);
  } catch (e) {
    if (isKeyshardError(e) && e.code === 'SLIP39_DIGEST') {
      throw new KeyshardError(
        'SLIP39_DIGEST',
        `The shares of group ${groupIndex + 1} do not fit together (digest check failed): one of them is damaged or belongs to a different backup. Try another combination of that group's shares.`,
        { level: 'members', groupIndex },
      );
    }
    throw e;
  }
}

/** BELOW_THRESHOLD with a message and details that say, per group, how many more shares are needed. */
export function belowThresholdError(progress: RecoveryProgress): KeyshardError {
  if (!progress.started || progress.groupThreshold === null || progress.groupsNeeded === null) {
    return new KeyshardError('BELOW_THRESHOLD', 'No valid share has been entered yet, so nothing can be recovered. Enter the shares one per line.', {
      groupsNeeded: null,
      groups: [],
    });
  }
  const started = progress.groups.filter((g) => g.membersInHand > 0 && !g.complete);
  const untouched = progress.groups.filter((g) => g.membersInHand === 0);
  const parts: string[] = [
    `Not enough shares yet: ${plural(progress.groupThreshold, 'group', 'groups')} of ${progress.groupCount} must be complete and ${progress.groupsComplete} ${progress.groupsComplete === 1 ? 'is' : 'are'}, so ${plural(progress.groupsNeeded, 'more group is', 'more groups are')} needed.`,
  ];
  for (const g of started) {
    parts.push(`Group ${g.groupIndex + 1} needs ${plural(g.membersNeeded ?? 0, 'more share', 'more shares')} (${g.membersInHand} of ${g.memberThreshold} in hand).`);
  }
  if (untouched.length > 0 && progress.groupsNeeded > started.length) {
    parts.push(`No shares yet from ${untouched.length === 1 ? 'group' : 'groups'} ${untouched.map((g) => g.groupIndex + 1).join(', ')}.`);
  }
  return new KeyshardError('BELOW_THRESHOLD', parts.join(' '), {
    groupThreshold: progress.groupThreshold,
    groupCount: progress.groupCount,
    groupsComplete: progress.groupsComplete,
    groupsNeeded: progress.groupsNeeded,
    groups: progress.groups.map((g) => ({
      groupIndex: g.groupIndex,
      memberThreshold: g.memberThreshold,
      membersInHand: g.membersInHand,
      membersNeeded: g.membersNeeded,
      complete: g.complete,
    })),
  });
}

export interface PileAnalysis {
  readonly progress: RecoveryProgress;
  /** One result per input mnemonic, in order (progress inside each is the state after that mnemonic). */
  readonly results: readonly AddResult[];
}

/** What a pile of mnemonics amounts to, before combining: adds them in order to a fresh state and reports. */
export function analyzeMnemonics(mnemonics: readonly string[]): PileAnalysis {
  const state = new Slip39Recovery();
  try {
    const results = mnemonics.map((m, i) => state.add(m, i + 1));
    return { progress: state.progress(), results };
  } finally {
    state.clear();
  }
}
