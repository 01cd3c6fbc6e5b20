/**
 * SLIP-39: Shamir's Secret-Sharing for Mnemonic Codes (https://github.com/satoshilabs/slips/blob/master/slip-0039.md),
 * the two-level scheme (groups of members), both the original and the extendable revision.
 *
 * Layers: gf256 -> shamir (digest share at 254, secret at 255) -> cipher (Feistel + PBKDF2) -> share (mnemonic
 * encoding, RS1024 checksum) -> recovery (shares one at a time) -> this module (split / combine).
 *
 * Interoperable with Trezor's reference implementation: shares made here combine there and vice versa. One
 * deliberate leniency: combining accepts more than the threshold (extra complete groups, extra members) and checks
 * every share it uses; the reference insists on exactly the threshold.
 */
import { KeyshardError } from '../errors';
import type { RandomSource } from '../random';
import type { RawShare } from '../shamir';
import { splitSecret, takeRandom } from '../shamir';
import type { Pbkdf2, Pbkdf2Async } from './cipher';
import { checkIterationExponent, decryptAsync, encrypt, encryptAsync, passphraseBytes } from './cipher';
import { ID_LENGTH_BITS, MAX_SHARE_COUNT, MIN_STRENGTH_BITS } from './constants';
import { Slip39Recovery, type AddResult, type EncryptedMasterSecret } from './recovery';
import { encodeShare, encodeShareAscii, type Slip39Share } from './share';

export type { Pbkdf2, Pbkdf2Async, Pbkdf2Call } from './cipher';
export {
  noblePbkdf2Sha256,
  encrypt as encryptMasterSecret,
  decrypt as decryptMasterSecret,
  encryptAsync as encryptMasterSecretAsync,
  decryptAsync as decryptMasterSecretAsync,
} from './cipher';
export type { Slip39Share } from './share';
export { decodeShare, decodeShareAscii, encodeShare, encodeShareAscii, encodeShareWords, mnemonicWords, mnemonicLengthForValue } from './share';
export type { AddResult, EncryptedMasterSecret, GroupProgress, PileAnalysis, RecoveryProgress } from './recovery';
export { Slip39Recovery, analyzeMnemonics, belowThresholdError } from './recovery';
export { WORDLIST } from './wordlist';
export { suggestWord } from './suggest';

export interface GroupSpec {
  /** Members needed to reconstruct this group's share (T). */
  threshold: number;
  /** Members in the group (N). */
  count: number;
}

export interface SplitOptions {
  /** Groups needed to recover (GT). */
  groupThreshold: number;
  groups: GroupSpec[];
  /** Printable ASCII only; default empty. Any passphrase recovers *a* secret: a wrong one gives a different secret. */
  passphrase?: string;
  /** 0..15, PBKDF2 runs 10000 << e iterations in total; default 1 (as Trezor). */
  iterationExponent?: number;
  /** Extendable backup flag (current revision of SLIP-39); default true. */
  extendable?: boolean;
  /** Identifier and all share randomness come from here. */
  random: RandomSource;
  /** Optional faster PBKDF2-HMAC-SHA256 (e.g. node:crypto in the main process); default @noble/hashes. */
  pbkdf2?: Pbkdf2;
}

export const DEFAULT_ITERATION_EXPONENT = 1;

/** Checks a group layout against the SLIP-39 rules; throws SLIP39_PARAMETERS naming the first broken rule. */
export function validateLayout(groupThreshold: number, groups: readonly GroupSpec[]): void {
  const bad = (message: string, details?: Record<string, unknown>): never => {
    throw new KeyshardError('SLIP39_PARAMETERS', message, details);
  };
  if (!Array.isArray(groups) || groups.length < 1 || groups.length > MAX_SHARE_COUNT) {
    bad(`Give between 1 and ${MAX_SHARE_COUNT} groups (got ${Array.isArray(groups) ? groups.length : 'none'}).`);
  }
  if (!Number.isInteger(groupThreshold) || groupThreshold < 1 || groupThreshold > groups.length) {
    bad(`The group threshold must be a whole number from 1 to the number of groups (${groups.length}); got ${String(groupThreshold)}.`, {
      groupThreshold,
      groupCount: groups.length,
    });
  }
  groups.forEach((g, i) => {
    const label = `Group ${i + 1}`;
    if (!Number.isInteger(g.count) || g.count < 1 || g.count > MAX_SHARE_COUNT) {
      bad(`${label}: the number of members must be a whole number from 1 to ${MAX_SHARE_COUNT} (got ${String(g.count)}).`, { groupIndex: i });
    }
    if (!Number.isInteger(g.threshold) || g.threshold < 1 || g.threshold > g.count) {
      bad(`${label}: the member threshold must be a whole number from 1 to its member count ${g.count} (got ${String(g.threshold)}).`, { groupIndex: i });
    }
    if (g.threshold === 1 && g.count > 1) {
      bad(`${label}: a threshold of 1 with ${g.count} members would just make identical copies, which SLIP-39 forbids. Use 1 of 1 (and copy the paper), or raise the threshold.`, {
        groupIndex: i,
      });
    }
  });
}

export function validateMasterSecretLength(length: number): void {
  if (length * 8 < MIN_STRENGTH_BITS || length % 2 !== 0) {
    throw new KeyshardError(
      'SECRET_LENGTH',
      `The master secret must be an even number of bytes and at least ${MIN_STRENGTH_BITS / 8} (got ${length}). Use 16 or 32 bytes (32 or 64 hex digits).`,
      { length },
    );
  }
}

export interface SplitEncryptedOptions {
  readonly identifier: number;
  readonly extendable: boolean;
  readonly iterationExponent: number;
  readonly groupThreshold: number;
  readonly groups: readonly GroupSpec[];
  readonly random: RandomSource;
}

/**
 * Splits an already encrypted master secret (e.g. one recovered from an extendable backup, to make a fresh set of
 * shares with a new identifier that still opens with the same passphrase). Returns mnemonics per group.
 */
export function splitEncryptedMasterSecret(encryptedMasterSecret: Uint8Array, options: SplitEncryptedOptions): string[][] {
  // The mnemonics are JS strings: immutable, so they cannot be wiped like the byte arrays around them.
  return splitEncryptedWith(encryptedMasterSecret, options, encodeShare);
}

function splitEncryptedWith<T>(encryptedMasterSecret: Uint8Array, options: SplitEncryptedOptions, encode: (share: Slip39Share) => T): T[][] {
  validateLayout(options.groupThreshold, options.groups);
  validateMasterSecretLength(encryptedMasterSecret.length);
  checkIterationExponent(options.iterationExponent);
  const groupShares = splitSecret(options.groupThreshold, options.groups.length, encryptedMasterSecret, options.random);
  const memberShares: RawShare[] = [];
  try {
    return options.groups.map((spec, groupIndex) => {
      const members = splitSecret(spec.threshold, spec.count, groupShares[groupIndex]!.value, options.random);
      memberShares.push(...members);
      return members.map((m) =>
        encode({
          identifier: options.identifier,
          extendable: options.extendable,
          iterationExponent: options.iterationExponent,
          groupIndex,
          groupThreshold: options.groupThreshold,
          groupCount: options.groups.length,
          memberIndex: m.x,
          memberThreshold: spec.threshold,
          value: m.value,
        }),
      );
    });
  } finally {
    for (const s of memberShares) s.value.fill(0);
    for (const s of groupShares) s.value.fill(0);
  }
}

interface SplitPlan {
  readonly identifier: number;
  readonly extendable: boolean;
  readonly iterationExponent: number;
  readonly passphrase: string;
}

/** Checks the options and draws the identifier: everything a split decides before the secret is encrypted. */
function planSplit(masterSecret: Uint8Array, options: Omit<SplitOptions, 'pbkdf2'>): SplitPlan {
  validateLayout(options.groupThreshold, options.groups);
  validateMasterSecretLength(masterSecret.length);
  const iterationExponent = options.iterationExponent ?? DEFAULT_ITERATION_EXPONENT;
  checkIterationExponent(iterationExponent);
  const passphrase = options.passphrase ?? '';
  passphraseBytes(passphrase).fill(0); // validate before drawing any randomness
  const extendable = options.extendable ?? true;

  const idBytes = takeRandom(options.random, 2);
  const identifier = ((idBytes[0]! << 8) | idBytes[1]!) & ((1 << ID_LENGTH_BITS) - 1);
  idBytes.fill(0);
  return { identifier, extendable, iterationExponent, passphrase };
}

function splitEncrypted<T>(ems: Uint8Array, plan: SplitPlan, options: Omit<SplitOptions, 'pbkdf2'>, encode: (share: Slip39Share) => T): T[][] {
  try {
    return splitEncryptedWith(ems, {
      identifier: plan.identifier,
      extendable: plan.extendable,
      iterationExponent: plan.iterationExponent,
      groupThreshold: options.groupThreshold,
      groups: options.groups,
      random: options.random,
    }, encode);
  } finally {
    ems.fill(0);
  }
}

/**
 * Splits a master secret into SLIP-39 mnemonics: `result[g][m]` is member m of group g. The secret is first
 * encrypted with the passphrase (Feistel/PBKDF2), then shared in two levels.
 */
export function splitMasterSecret(masterSecret: Uint8Array, options: SplitOptions): string[][] {
  const plan = planSplit(masterSecret, options);
  return splitEncrypted(encrypt(masterSecret, { ...plan, pbkdf2: options.pbkdf2 }), plan, options, encodeShare);
}

/** `splitMasterSecret` with PBKDF2 run off the caller's thread (same shares for the same randomness). */
export async function splitMasterSecretAsync(masterSecret: Uint8Array, options: Omit<SplitOptions, 'pbkdf2'> & { readonly pbkdf2: Pbkdf2Async }): Promise<string[][]> {
  const plan = planSplit(masterSecret, options);
  return splitEncrypted(await encryptAsync(masterSecret, { ...plan, pbkdf2: options.pbkdf2 }), plan, options, encodeShare);
}

/**
 * `splitMasterSecretAsync` giving each mnemonic as bytes (lowercase ASCII words, single spaces: a shard envelope's
 * SLIP-39 payload) instead of a string, so that no string of a share is ever made and the caller can wipe each one.
 * Same shares as the string form for the same randomness.
 */
export async function splitMasterSecretAsciiAsync(
  masterSecret: Uint8Array,
  options: Omit<SplitOptions, 'pbkdf2'> & { readonly pbkdf2: Pbkdf2Async },
): Promise<Uint8Array[][]> {
  const plan = planSplit(masterSecret, options);
  return splitEncrypted(await encryptAsync(masterSecret, { ...plan, pbkdf2: options.pbkdf2 }), plan, options, encodeShareAscii);
}

/**
 * Recovers the master secret from mnemonics (any order, any groups; extra shares are used and checked). Every input
 * is decoded first; if any is bad, the error of the first bad one is thrown and `details.problems` lists each bad
 * share's number and code. Then BELOW_THRESHOLD says what is missing per group, SLIP39_DIGEST that shares do not fit.
 */
export function combineMnemonics(mnemonics: readonly string[], passphrase = '', pbkdf2?: Pbkdf2): Uint8Array {
  passphraseBytes(passphrase).fill(0);
  const state = collectMnemonics(mnemonics);
  try {
    return state.combine(passphrase, pbkdf2);
  } finally {
    state.clear();
  }
}

/**
 * `combineMnemonics` with PBKDF2 run off the caller's thread. `beforeStretch` sees the shares' iteration exponent once
 * they are known to fit together, and may throw to refuse the work (nothing is stretched then).
 */
export async function combineMnemonicsAsync(
  mnemonics: readonly string[],
  passphrase: string,
  pbkdf2: Pbkdf2Async,
  beforeStretch?: (iterationExponent: number) => void | Promise<void>,
): Promise<Uint8Array> {
  passphraseBytes(passphrase).fill(0);
  const state = collectMnemonics(mnemonics);
  let ems: EncryptedMasterSecret;
  try {
    ems = state.recoverEncryptedMasterSecret();
  } finally {
    state.clear();
  }
  try {
    await beforeStretch?.(ems.iterationExponent);
    return await decryptAsync(ems.value, { identifier: ems.identifier, extendable: ems.extendable, iterationExponent: ems.iterationExponent, passphrase, pbkdf2 });
  } finally {
    ems.value.fill(0);
  }
}

/**
 * `combineMnemonicsAsync` (no passphrase) of mnemonics held as bytes (lowercase ASCII words, single spaces: shard
 * envelopes' SLIP-39 payloads). No string of a share is made; the caller wipes the inputs and the result.
 */
export async function combineAsciiMnemonicsAsync(
  mnemonics: readonly Uint8Array[],
  pbkdf2: Pbkdf2Async,
  beforeStretch?: (iterationExponent: number) => void | Promise<void>,
): Promise<Uint8Array> {
  const state = collectShares(mnemonics.length, (i, s) => s.addAscii(mnemonics[i]!, i + 1));
  let ems: EncryptedMasterSecret;
  try {
    ems = state.recoverEncryptedMasterSecret();
  } finally {
    state.clear();
  }
  try {
    await beforeStretch?.(ems.iterationExponent);
    return await decryptAsync(ems.value, { identifier: ems.identifier, extendable: ems.extendable, iterationExponent: ems.iterationExponent, passphrase: '', pbkdf2 });
  } finally {
    ems.value.fill(0);
  }
}

/** Every mnemonic decoded into a recovery state; throws the first bad one's error, listing every bad one. */
function collectMnemonics(mnemonics: readonly string[]): Slip39Recovery {
  // Only the first problem is reported in full: later shares are checked without looking up word hints.
  let problems = 0;
  return collectShares(mnemonics.length, (i, state) => {
    const result = state.add(mnemonics[i]!, i + 1, { suggest: problems === 0 });
    if (result.status === 'rejected') problems++;
    return result;
  });
}

function collectShares(count: number, add: (i: number, state: Slip39Recovery) => AddResult): Slip39Recovery {
  const state = new Slip39Recovery();
  try {
    const problems: KeyshardError[] = [];
    for (let i = 0; i < count; i++) {
      const result = add(i, state);
      if (result.status === 'rejected') problems.push(result.error);
    }
    const first = problems[0];
    if (first !== undefined) {
      if (problems.length === 1) throw first;
      throw new KeyshardError(first.code, `${first.message} (${problems.length - 1} other share(s) have problems too; fix this one first.)`, {
        ...first.details,
        problems: problems.map((p) => ({ share: p.details?.['share'], code: p.code })),
      });
    }
    return state;
  } catch (e) {
    state.clear();
    throw e;
  }
}
