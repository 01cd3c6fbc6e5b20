/**
 * Recovers the group secret from a quorum of shares with noble's `combineSecret` (Lagrange interpolation at 0),
 * after checking every share: against the commitments when they are given, for mutual consistency otherwise.
 */
import type { FrostSecret } from '@noble/curves/abstract/frost.js';
import { type TArg, equalBytes } from '@noble/curves/utils.js';
import { KeyshardError } from '../errors';
import { type Ciphersuite, MAX_SHARES, type Suite, checkThreshold, getSuite } from './ciphersuites';
import { type DecodedShare, checkCommitments, decodeShare } from './inputs';
import type { VssShare } from './types';
import { checkAgainstCommitments } from './verify';

export interface CombineOptions {
  ciphersuite: Ciphersuite;
  threshold: number;
  shares: VssShare[];
  /** The deal's commitments. Strongly advised: with them each share is verified and a bad one is named. */
  commitments?: Uint8Array[];
}

export interface CombineResult {
  /** The group secret scalar. The caller zeroes it when done. */
  secret: Uint8Array;
  groupPublicKey: Uint8Array;
}

function interpolate(suite: Suite, shares: readonly DecodedShare[], threshold: number): Uint8Array {
  const input: TArg<FrostSecret>[] = shares.map((d) => ({ identifier: d.idHex, signingShare: d.share.signingShare }));
  return Uint8Array.from(suite.frost.combineSecret(input, { min: threshold, max: input.length }));
}

function mismatch(message: string, details?: Record<string, unknown>): KeyshardError {
  return new KeyshardError('SHARES_MISMATCH', message, details);
}

/**
 * Every share against the commitments. When not one of two or more shares matches, the fault is far more likely in
 * the one list they all are checked against (a commitment copied wrong, or the commitments of another deal) than in
 * each share: that is VSS_COMMITMENT, not a share blamed for it. Otherwise the first share that fails is named.
 */
function checkSharesAgainst(suite: Suite, t: number, commitments: Uint8Array[], decoded: readonly DecodedShare[]): void {
  let first: KeyshardError | undefined;
  let failed = 0;
  for (const d of decoded) {
    try {
      checkAgainstCommitments(suite, t, commitments, d, `Share #${d.index + 1}`);
    } catch (e) {
      if (!(e instanceof KeyshardError)) throw e;
      first ??= e;
      failed++;
    }
  }
  if (first === undefined) return;
  if (decoded.length >= 2 && failed === decoded.length) {
    throw new KeyshardError(
      'VSS_COMMITMENT',
      `None of the ${decoded.length} shares matches the commitments: the commitments are damaged or belong to another deal. Compare them with the deal's published commitments (commitments[0] is the group public key) and try again; the shares were not used.`,
      { shares: decoded.length, reason: 'no-share-matches' },
    );
  }
  throw first;
}

export function combineShares(o: CombineOptions): CombineResult {
  const suite = getSuite(o.ciphersuite);
  checkThreshold(o.threshold);
  const t = o.threshold;
  if (!Array.isArray(o.shares)) throw new KeyshardError('INVALID_ARGUMENT', 'The shares must be a list.');
  if (o.shares.length > MAX_SHARES) {
    throw new KeyshardError('INVALID_ARGUMENT', `At most ${MAX_SHARES} shares can be combined; ${o.shares.length} were given.`);
  }
  if (o.commitments !== undefined) checkCommitments(suite, t, o.commitments);

  const decoded = o.shares.map((s, i) => decodeShare(suite, s, i, `Share #${i + 1}`));
  // Verify before counting or looking for repeats: a share that does not verify is named even among too few.
  if (o.commitments !== undefined) checkSharesAgainst(suite, t, o.commitments, decoded);

  const firstAt = new Map<string, number>();
  for (const d of decoded) {
    const first = firstAt.get(d.idHex);
    if (first !== undefined) {
      throw new KeyshardError(
        'DUPLICATE_SHARE',
        `Shares #${first + 1} and #${d.index + 1} have the same identifier (${d.label}). Each custodian's share counts once; remove the repeat and add a share from another custodian.`,
        { indexes: [first, d.index], identifier: d.label },
      );
    }
    firstAt.set(d.idHex, d.index);
  }

  if (decoded.length < t) {
    const missing = t - decoded.length;
    throw new KeyshardError(
      'BELOW_THRESHOLD',
      `Only ${decoded.length} of the ${t} shares needed ${decoded.length === 1 ? 'was' : 'were'} given: ${missing} more ${missing === 1 ? 'share is' : 'shares are'} needed. Collect them from other custodians and try again.`,
      { given: decoded.length, threshold: t, missing },
    );
  }

  const quorum = decoded.slice(0, t);
  const secret = interpolate(suite, quorum, t);
  try {
    if (o.commitments === undefined) {
      // Without commitments nothing vouches for the shares; at least check that any extra ones lie on the same
      // polynomial: swapping one quorum member for share j must give the same value at 0.
      for (const d of decoded.slice(t)) {
        const other = interpolate(suite, [...quorum.slice(0, t - 1), d], t);
        const same = equalBytes(other, secret);
        other.fill(0);
        if (!same) {
          throw mismatch(
            `Share #${d.index + 1} (identifier ${d.label}) does not fit with shares #1-#${t}: these shares do not all come from the same deal. Give the deal's commitments so each share can be checked and the bad one named.`,
            { index: d.index, identifier: d.label },
          );
        }
      }
    }
    const s = suite.Fn.fromBytes(secret);
    if (s === 0n) {
      throw mismatch("The shares recombine to zero, which no deal produces: at least one is damaged. Give the deal's commitments so each share can be checked.");
    }
    const groupPublicKey = suite.basePointTimes(s);
    if (o.commitments !== undefined && !equalBytes(groupPublicKey, o.commitments[0]!)) {
      // Cannot happen when every share verified; kept as a last line of defence before anyone uses the key.
      throw mismatch('The recovered key does not match the group public key in the commitments. Do not use it.');
    }
    return { secret, groupPublicKey };
  } catch (e) {
    secret.fill(0);
    throw e;
  }
}
