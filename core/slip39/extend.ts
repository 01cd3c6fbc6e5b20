/**
 * Extending a SLIP-39 group: new member shares for new custodians, made from a quorum of that group's existing shares,
 * that combine with the old ones to the same secret.
 *
 * How: a group's member shares are points of one polynomial over GF(256) whose degree is the member threshold minus
 * one (digest at x = 254, group share at x = 255). Any threshold of them fixes it, so evaluating it at a member index
 * not yet used gives a share of the same group, with the same identifier and parameters: it is indistinguishable from
 * one the original split could have made. The member count is not written in any share, so old shares stay valid.
 * No passphrase and no key stretching are needed: the group share (x = 255) is only checked by its digest, never
 * decrypted, and is wiped at once.
 *
 * Why only extendable backups: the extendable flag is how a SLIP-39 backup says more shares of its secret may be
 * issued later (the standard's own use: its encryption does not bind the identifier, so new share sets under new
 * identifiers give the same secret for every passphrase). The polynomial arithmetic here would work for any backup;
 * keyshard refuses a non-extendable one (SLIP39_NOT_EXTENDABLE) because whoever made it did not allow extension.
 *
 * Choose new member indices that no existing share of the group uses (the caller knows them from the plan or the
 * transcript: keyshard's split numbers a group's members 0..N-1). A new share at an index already handed out would be
 * an exact copy of that custodian's share, not a new one; the shares given here are refused as targets, the others
 * cannot be seen from here.
 */
import { KeyshardError } from '../errors';
import { type RawShare, constantTimeEqual, interpolate, recoverSecret } from '../shamir';
import { MAX_SHARE_COUNT } from './constants';
import { type Slip39Share, decodeShare, encodeShare } from './share';

export interface ExtendGroupOptions {
  /** Member shares of one group of one backup: at least that group's member threshold. Secret. */
  readonly mnemonics: readonly string[];
  /** The new members' indices, 0-based as in the share (member 1 is index 0); unused by the group so far. */
  readonly newMemberIndices: readonly number[];
}

export interface ExtendedGroup {
  readonly identifier: number;
  readonly extendable: boolean;
  readonly iterationExponent: number;
  /** 0-based. */
  readonly groupIndex: number;
  readonly groupThreshold: number;
  readonly groupCount: number;
  readonly memberThreshold: number;
  /** One new share per requested index, in the order asked. The mnemonics are secret. */
  readonly shares: readonly { readonly memberIndex: number; readonly mnemonic: string }[];
}

function mismatch(n: number, what: string, details: Record<string, unknown>): KeyshardError {
  return new KeyshardError('SHARES_MISMATCH', `Share ${n} is not of the same group as share 1: ${what}. Give shares of one group of one backup only.`, { share: n, ...details });
}

/** SLIP39_NOT_EXTENDABLE: also what a ceremony says as soon as one share of such a backup is given. */
export function notExtendable(identifier: number): KeyshardError {
  return new KeyshardError(
    'SLIP39_NOT_EXTENDABLE',
    'This backup was made without the SLIP-39 extendable flag, so keyshard does not add shares to it. To give more custodians a share, recover the secret in a ceremony and split it again as an extendable backup.',
    { identifier },
  );
}

/** The fields that must agree for shares to be of one group of one backup. */
const SAME_GROUP: readonly (keyof Slip39Share)[] = ['identifier', 'extendable', 'iterationExponent', 'groupIndex', 'groupThreshold', 'groupCount', 'memberThreshold'];

function checkOneGroup(decoded: readonly Slip39Share[]): void {
  const first = decoded[0]!;
  decoded.forEach((s, i) => {
    for (const key of SAME_GROUP) {
      if (s[key] !== first[key]) throw mismatch(i + 1, `its ${key} differs`, { field: key });
    }
    if (s.value.length !== first.value.length) throw mismatch(i + 1, 'it has a different number of words', { field: 'length' });
    const twin = decoded.findIndex((o) => o.memberIndex === s.memberIndex);
    if (twin !== i) {
      throw new KeyshardError(
        constantTimeEqual(decoded[twin]!.value, s.value) ? 'DUPLICATE_SHARE' : 'SHARES_MISMATCH',
        `Shares ${twin + 1} and ${i + 1} are both member ${s.memberIndex + 1} of group ${s.groupIndex + 1}. Give each member's share once.`,
        { share: i + 1, memberIndex: s.memberIndex },
      );
    }
  });
}

function checkNewIndices(indices: readonly number[], held: readonly Slip39Share[]): void {
  if (!Array.isArray(indices) || indices.length === 0) {
    throw new KeyshardError('INVALID_ARGUMENT', 'Say which new members to issue shares for (at least one member number).');
  }
  indices.forEach((x, i) => {
    if (!Number.isInteger(x) || x < 0 || x >= MAX_SHARE_COUNT) {
      throw new KeyshardError('SLIP39_PARAMETERS', `A group has at most ${MAX_SHARE_COUNT} members: member numbers run from 1 to ${MAX_SHARE_COUNT} (got ${String(Number(x) + 1)}).`, { memberIndex: x });
    }
    if (indices.indexOf(x) !== i) throw new KeyshardError('INVALID_ARGUMENT', `Member ${x + 1} is asked for twice; ask for each new member once.`, { memberIndex: x });
    if (held.some((s) => s.memberIndex === x)) {
      throw new KeyshardError('SLIP39_PARAMETERS', `Member ${x + 1} already has a share (one of those given): a new share there would be a copy of it. Choose a member number the group has not used.`, { memberIndex: x });
    }
  });
}

/**
 * New member shares for one group, from at least its member threshold of existing shares (checked by the group's
 * digest first). Throws SLIP39_NOT_EXTENDABLE for a backup without the extendable flag, BELOW_THRESHOLD with too few
 * shares, SLIP39_DIGEST when they do not fit together, SHARES_MISMATCH / DUPLICATE_SHARE for shares of several groups
 * or backups, SLIP39_PARAMETERS for a 1-of-1 group or a member number out of range or already given; the decoding
 * errors of a bad mnemonic (SLIP39_WORD, SLIP39_CHECKSUM, ...) name the share by its position.
 */
export function extendGroup(o: ExtendGroupOptions): ExtendedGroup {
  if (!Array.isArray(o.mnemonics) || o.mnemonics.length === 0) {
    throw new KeyshardError('BELOW_THRESHOLD', 'Give the existing shares of the group to extend: at least its member threshold.');
  }
  const decoded: Slip39Share[] = [];
  let groupShare: Uint8Array | undefined;
  try {
    o.mnemonics.forEach((m, i) => decoded.push(decodeShare(m, i + 1)));
    checkOneGroup(decoded);
    const first = decoded[0]!;
    if (!first.extendable) {
      throw notExtendable(first.identifier);
    }
    if (first.memberThreshold === 1) {
      throw new KeyshardError(
        'SLIP39_PARAMETERS',
        `Group ${first.groupIndex + 1} needs only one member's share, so it can only have one member: SLIP-39 forbids identical copies. Copy that paper instead, or split again with a higher threshold.`,
        { groupIndex: first.groupIndex },
      );
    }
    if (decoded.length < first.memberThreshold) {
      const missing = first.memberThreshold - decoded.length;
      throw new KeyshardError(
        'BELOW_THRESHOLD',
        `Group ${first.groupIndex + 1} needs ${first.memberThreshold} of its members' shares to be extended; ${decoded.length} given. Bring ${missing} more of that group's custodians.`,
        { groupIndex: first.groupIndex, threshold: first.memberThreshold, have: decoded.length, needed: missing },
      );
    }
    checkNewIndices(o.newMemberIndices, decoded);
    const raw: RawShare[] = decoded.map((s) => ({ x: s.memberIndex, value: s.value }));
    // Checks the digest with every share given (BELOW_THRESHOLD, SLIP39_DIGEST); only the check is needed.
    groupShare = recoverSecret(first.memberThreshold, raw);
    const made: { memberIndex: number; mnemonic: string }[] = [];
    for (const x of o.newMemberIndices) {
      const value = interpolate(raw, x);
      try {
        made.push({ memberIndex: x, mnemonic: encodeShare({ ...first, memberIndex: x, value }) });
      } finally {
        value.fill(0);
      }
    }
    return {
      identifier: first.identifier,
      extendable: first.extendable,
      iterationExponent: first.iterationExponent,
      groupIndex: first.groupIndex,
      groupThreshold: first.groupThreshold,
      groupCount: first.groupCount,
      memberThreshold: first.memberThreshold,
      shares: made,
    };
  } finally {
    groupShare?.fill(0);
    for (const s of decoded) s.value.fill(0);
  }
}
