/**
 * Repairable threshold scheme (Laing and Stinson, as in ZF FROST's `keys::repairable`): a quorum of helpers
 * rebuilds a lost participant's share f(id_lost) without anyone learning another's share or the key.
 *
 *   step 1, each helper i: w_i = λ_i(id_lost)·s_i (Lagrange over the helper set, evaluated at the lost identifier),
 *           split into one random delta per helper, the deltas summing to w_i; delta_ij goes to helper j.
 *   step 2, each helper j: sigma_j = Σ_i delta_ij, sent to the lost participant.
 *   step 3, the lost participant: share = Σ_j sigma_j = Σ_i λ_i(id_lost)·s_i = f(id_lost), checked against the
 *           deal's commitments.
 *
 * It also enrols a new identifier (a share for an id that never had one) under the same polynomial. Trust: helpers
 * are honest-but-curious and each delta reaches only its helper; a wrong delta is caught in step 3 by the
 * commitments check (it cannot say which helper was wrong).
 */
import { bytesToHex } from '@noble/curves/utils.js';
import { KeyshardError } from '../errors';
import type { RandomSource } from '../random';
import { type Ciphersuite, checkThreshold, getSuite } from './ciphersuites';
import { checkCommitments, decodeScalar, decodeShare, identifierLabel } from './inputs';
import { forget, lagrangeAt, randomScalar } from './scalars';
import type { VssShare } from './types';
import { checkAgainstCommitments } from './verify';

export interface RepairStep1Options {
  ciphersuite: Ciphersuite;
  threshold: number;
  commitments: Uint8Array[];
  /** Identifiers of every helper taking part (this one included): at least `threshold`, distinct, not the lost one. */
  helpers: Uint8Array[];
  /** This helper's share; checked against the commitments first. Not modified. */
  share: VssShare;
  lostIdentifier: Uint8Array;
  random: RandomSource;
}

/** One delta per helper, keyed by the helper's identifier (hex). Secret: each goes to that helper only. */
export type RepairDeltas = { identifier: Uint8Array; delta: Uint8Array }[];

function decodeId(suite: ReturnType<typeof getSuite>, bytes: unknown, what: string): bigint {
  const id = bytes instanceof Uint8Array ? decodeScalar(suite, bytes) : undefined;
  if (id === undefined || id === 0n) throw new KeyshardError('INVALID_ARGUMENT', `${what} is not a valid nonzero ${suite.id} identifier (${suite.scalarLength} bytes).`);
  return id;
}

export function repairStep1(o: RepairStep1Options): RepairDeltas {
  const suite = getSuite(o.ciphersuite);
  const { Fn } = suite;
  checkThreshold(o.threshold);
  checkCommitments(suite, o.threshold, o.commitments);
  const own = decodeShare(suite, o.share, 0, 'The helper\'s share');
  checkAgainstCommitments(suite, o.threshold, o.commitments, own, 'The helper\'s share');
  const lost = decodeId(suite, o.lostIdentifier, 'The lost identifier');
  if (!Array.isArray(o.helpers)) throw new KeyshardError('INVALID_ARGUMENT', 'The helpers must be a list of identifiers.');
  const ids = o.helpers.map((h, i) => decodeId(suite, h, `Helper #${i + 1}`));
  if (new Set(ids).size !== ids.length) throw new KeyshardError('DUPLICATE_SHARE', 'A helper is listed twice. Each helper counts once.');
  if (ids.includes(lost)) throw new KeyshardError('INVALID_ARGUMENT', `The lost identifier (${identifierLabel(lost, bytesToHex(o.lostIdentifier))}) cannot also be a helper.`);
  if (!ids.includes(own.id)) throw new KeyshardError('INVALID_ARGUMENT', `This helper's identifier (${own.label}) is not in the list of helpers.`);
  if (ids.length < o.threshold) {
    throw new KeyshardError('BELOW_THRESHOLD', `A repair needs ${o.threshold} helpers; ${ids.length} were listed. Ask more custodians to help.`, { given: ids.length, threshold: o.threshold });
  }
  const w = Fn.mul(lagrangeAt(suite, ids, own.id, lost), own.value);
  const deltas: bigint[] = [];
  try {
    let rest = w;
    for (let j = 0; j < ids.length - 1; j++) {
      const r = randomScalar(suite, o.random);
      deltas.push(r);
      rest = Fn.sub(rest, r);
    }
    deltas.push(rest);
    return deltas.map((d, j) => ({ identifier: Uint8Array.from(o.helpers[j]!), delta: Fn.toBytes(d) }));
  } finally {
    forget(deltas);
  }
}

/** Sum of scalars in the field (steps 2 and 3). INVALID_ARGUMENT names the position of a bad one, never a value. */
export function sumScalars(ciphersuite: Ciphersuite, values: readonly Uint8Array[], what: string): Uint8Array {
  const suite = getSuite(ciphersuite);
  const { Fn } = suite;
  if (!Array.isArray(values) || values.length === 0) throw new KeyshardError('INVALID_ARGUMENT', `At least one ${what} is needed.`);
  let acc = Fn.ZERO;
  values.forEach((v, i) => {
    const x = v instanceof Uint8Array ? decodeScalar(suite, v) : undefined;
    if (x === undefined) throw new KeyshardError('INVALID_ARGUMENT', `${what} #${i + 1} is not a ${suite.id} scalar (${suite.scalarLength} bytes).`, { index: i });
    acc = Fn.add(acc, x);
  });
  return Fn.toBytes(acc);
}

/** Step 2, helper j: the sum of the deltas it received (one from every helper, its own included). */
export function repairStep2(ciphersuite: Ciphersuite, deltas: readonly Uint8Array[]): Uint8Array {
  return sumScalars(ciphersuite, deltas, 'Delta');
}

export interface RepairStep3Options {
  ciphersuite: Ciphersuite;
  threshold: number;
  commitments: Uint8Array[];
  lostIdentifier: Uint8Array;
  /** One sigma from every helper. */
  sigmas: Uint8Array[];
}

/** Step 3, the lost participant: the repaired share, verified against the commitments (VSS_SHARE_INVALID if not). */
export function repairStep3(o: RepairStep3Options): VssShare {
  const suite = getSuite(o.ciphersuite);
  checkThreshold(o.threshold);
  checkCommitments(suite, o.threshold, o.commitments);
  decodeId(suite, o.lostIdentifier, 'The lost identifier');
  if (!Array.isArray(o.sigmas) || o.sigmas.length < o.threshold) {
    throw new KeyshardError('BELOW_THRESHOLD', `A repair needs a sigma from each of at least ${o.threshold} helpers; ${Array.isArray(o.sigmas) ? o.sigmas.length : 0} were given.`);
  }
  const share: VssShare = { identifier: Uint8Array.from(o.lostIdentifier), signingShare: sumScalars(suite.id, o.sigmas, 'Sigma') };
  try {
    const decoded = decodeShare(suite, share, 0, 'The repaired share');
    checkAgainstCommitments(suite, o.threshold, o.commitments, decoded, 'The repaired share');
    return share;
  } catch (e) {
    share.signingShare.fill(0);
    if (e instanceof KeyshardError && e.code === 'VSS_SHARE_INVALID') {
      throw new KeyshardError('VSS_SHARE_INVALID', 'The repaired share does not match the commitments: a helper used a share of another deal, or a delta or sigma was damaged or lost on the way. Nothing was kept; run the repair again with all helpers.', { reason: 'repair' });
    }
    throw e;
  }
}

export interface RepairOptions {
  ciphersuite: Ciphersuite;
  threshold: number;
  commitments: Uint8Array[];
  /** At least `threshold` helper shares (not modified). */
  helpers: VssShare[];
  lostIdentifier: Uint8Array;
  random: RandomSource;
}

/** All three steps in one process (the CLI and demo): the repaired share, verified against the commitments. */
export function repairShare(o: RepairOptions): VssShare {
  const suite = getSuite(o.ciphersuite);
  if (!Array.isArray(o.helpers)) throw new KeyshardError('INVALID_ARGUMENT', 'The helpers must be a list of shares.');
  const helperIds = o.helpers.map((h, i) => {
    if (!(h?.identifier instanceof Uint8Array)) throw new KeyshardError('INVALID_ARGUMENT', `Helper share #${i + 1} has no identifier.`);
    return h.identifier;
  });
  const outgoing = o.helpers.map((share) =>
    repairStep1({ ciphersuite: suite.id, threshold: o.threshold, commitments: o.commitments, helpers: helperIds, share, lostIdentifier: o.lostIdentifier, random: o.random }),
  );
  const sigmas: Uint8Array[] = [];
  try {
    for (let j = 0; j < helperIds.length; j++) sigmas.push(repairStep2(suite.id, outgoing.map((d) => d[j]!.delta)));
    return repairStep3({ ciphersuite: suite.id, threshold: o.threshold, commitments: o.commitments, lostIdentifier: o.lostIdentifier, sigmas });
  } finally {
    for (const d of outgoing) for (const x of d) x.delta.fill(0);
    for (const s of sigmas) s.fill(0);
  }
}
