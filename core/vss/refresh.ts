/**
 * Proactive re-sharing of verifiable shares: new shares of the same group key, so that old shares (a stolen or lost
 * one included) no longer combine with new ones, and the group public key does not change.
 *
 * Two variants:
 *
 * 1. refreshShares — trusted-dealer refresh, the shape of ZF FROST's `keys::refresh` module (dealer computes
 *    "refreshing shares", each participant adds theirs to their old share). The dealer draws a random polynomial
 *    z(x) with z(0) = 0 and degree newThreshold-1 (newThreshold >= threshold), hands δ_i = z(id_i) to each kept
 *    custodian and publishes commitments' = commitments + [·, G·z_1, ..., G·z_{t'-1}]. Each new share is
 *    s_i + δ_i = (f+z)(id_i), so the group key f(0) is unchanged. The dealer never sees a share or the key: it only
 *    needs the public commitments. Trust: the dealer must erase the δ_i (whoever keeps δ_i and steals the old s_i
 *    gets the new share) and must hand each δ_i to its custodian only. Custodians may be dropped (they simply get no
 *    δ and their old share is useless); the threshold may be raised (a higher-degree z), never lowered.
 *
 * 2. reshareFromQuorum — a quorum re-deal for a new threshold (also a lower one) and a new number of custodians,
 *    without reconstructing the key: each of t quorum members i deals its Lagrange-weighted share λ_i·s_i as the
 *    constant term of a fresh polynomial g_i of degree t'-1 (with Feldman commitments); new custodian j's share is
 *    Σ_i g_i(j) and the new commitments are Σ_i commitments(g_i), whose first point is G·Σ λ_i·s_i = the group key.
 *    No member learns another's share or the key. Trust: members are honest-but-curious (a cheating member could
 *    deal a wrong λ_i·s_i; the check that the new commitments' group key equals the old one catches that), and each
 *    sub-share reaches its new custodian only. Here all members run in one process, so the machine running it sees
 *    every sub-share: on one laptop this is as trusted as a dealer; the split into per-member steps is what lets the
 *    steps run on separate laptops later.
 */
import { equalBytes, hexToBytes } from '@noble/curves/utils.js';
import { KeyshardError } from '../errors';
import type { RandomSource } from '../random';
import { type Ciphersuite, MAX_SHARES, type Suite, checkThreshold, getSuite } from './ciphersuites';
import { type DecodedShare, checkCommitments, decodeScalar, decodeShare } from './inputs';
import { addCommitments } from './points';
import { evaluatePolynomial, forget, lagrangeAt, randomScalar } from './scalars';
import type { VssDeal, VssShare } from './types';
import { checkAgainstCommitments } from './verify';

export interface RefreshDealerOptions {
  ciphersuite: Ciphersuite;
  /** The current threshold and commitments (public). */
  threshold: number;
  commitments: Uint8Array[];
  /** Identifiers of the custodians who keep a share; anyone left out is dropped. */
  identifiers: Uint8Array[];
  /** At least `threshold` (the default); at most the number of identifiers. */
  newThreshold?: number;
  random: RandomSource;
}

/** What the refresh dealer hands out: public new commitments, and one secret refreshing share per custodian. */
export interface RefreshPackage {
  ciphersuite: Ciphersuite;
  threshold: number;
  commitments: Uint8Array[];
  /** δ_i for each identifier, in the order given. Secret: each goes to its custodian only; zero them after. */
  refreshingShares: VssShare[];
}

function decodeIdentifiers(suite: Suite, identifiers: unknown): bigint[] {
  if (!Array.isArray(identifiers) || identifiers.length === 0 || identifiers.length > MAX_SHARES) {
    throw new KeyshardError('INVALID_ARGUMENT', `The identifiers must be a list of 1 to ${MAX_SHARES} scalars.`);
  }
  const seen = new Set<bigint>();
  return identifiers.map((b: unknown, i) => {
    const id = b instanceof Uint8Array ? decodeScalar(suite, b) : undefined;
    if (id === undefined || id === 0n) {
      throw new KeyshardError('INVALID_ARGUMENT', `Identifier #${i + 1} is not a valid nonzero ${suite.id} scalar (${suite.scalarLength} bytes).`, { index: i });
    }
    if (seen.has(id)) throw new KeyshardError('DUPLICATE_SHARE', `Identifier #${i + 1} is listed twice. Each custodian counts once.`, { index: i });
    seen.add(id);
    return id;
  });
}

function checkNewThreshold(threshold: number, newThreshold: number, kept: number): void {
  checkThreshold(newThreshold);
  if (newThreshold < threshold) {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      `A refresh can keep or raise the threshold (${threshold}), not lower it to ${newThreshold}: adding a zero polynomial never lowers the degree. Use a quorum re-share (vss refresh --reshare) to lower it.`,
      { threshold, newThreshold },
    );
  }
  if (newThreshold > kept) {
    throw new KeyshardError(
      'BELOW_THRESHOLD',
      `Only ${kept} custodians would keep a share, fewer than the threshold of ${newThreshold}: the key could never be used again. Keep more custodians or lower the new threshold.`,
      { kept, threshold: newThreshold },
    );
  }
}

/** The refresh dealer's step (ZF FROST compute_refreshing_shares): public inputs only, fresh randomness. */
export function refreshDealer(o: RefreshDealerOptions): RefreshPackage {
  const suite = getSuite(o.ciphersuite);
  checkThreshold(o.threshold);
  checkCommitments(suite, o.threshold, o.commitments);
  const ids = decodeIdentifiers(suite, o.identifiers);
  const t2 = o.newThreshold ?? o.threshold;
  checkNewThreshold(o.threshold, t2, ids.length);
  // z(x) = z_1·x + ... + z_{t'-1}·x^{t'-1}; z_0 = 0 so that z adds nothing at x = 0.
  const z: bigint[] = [suite.Fn.ZERO];
  try {
    for (let j = 1; j < t2; j++) z.push(randomScalar(suite, o.random));
    const zCommitments: (Uint8Array | undefined)[] = [undefined, ...z.slice(1).map((a) => suite.basePointTimes(a))];
    const commitments = addCommitments(suite.id, o.commitments, zCommitments);
    const refreshingShares = ids.map((id, i) => ({
      identifier: Uint8Array.from(o.identifiers[i]!),
      // δ_i may be zero (probability ~2^-252); adding zero is harmless, and it is never used as a share on its own.
      signingShare: suite.Fn.toBytes(evaluatePolynomial(suite, z, id)),
    }));
    return { ciphersuite: suite.id, threshold: t2, commitments, refreshingShares };
  } finally {
    forget(z);
  }
}

export interface ApplyRefreshOptions {
  ciphersuite: Ciphersuite;
  /** The old deal's threshold and commitments: the old share is checked against them first. */
  threshold: number;
  commitments: Uint8Array[];
  share: VssShare;
  /** The refresh dealer's public part and this custodian's refreshing share. */
  refresh: { threshold: number; commitments: Uint8Array[] };
  refreshingShare: VssShare;
}

/** A custodian's step (ZF FROST refresh_share): new share = old share + δ, verified against the new commitments. */
export function applyRefresh(o: ApplyRefreshOptions): VssShare {
  const suite = getSuite(o.ciphersuite);
  checkThreshold(o.threshold);
  checkThreshold(o.refresh.threshold);
  checkCommitments(suite, o.threshold, o.commitments);
  checkCommitments(suite, o.refresh.threshold, o.refresh.commitments);
  if (!equalBytes(o.commitments[0]!, o.refresh.commitments[0]!)) {
    throw new KeyshardError('VSS_COMMITMENT', 'The refresh is for another group key than this share\'s deal: its first commitment differs. Do not apply it; ask the refresh dealer for the package of this deal.');
  }
  const old = decodeShare(suite, o.share, 0, 'The share');
  checkAgainstCommitments(suite, o.threshold, o.commitments, old, 'The share');
  const delta = o.refreshingShare;
  if (!(delta?.identifier instanceof Uint8Array) || !equalBytes(delta.identifier, old.share.identifier)) {
    throw new KeyshardError('INVALID_ARGUMENT', `The refreshing share is for another identifier than the share (${old.label}). Each custodian applies their own.`, { identifier: old.label });
  }
  const d = delta.signingShare instanceof Uint8Array ? decodeScalar(suite, delta.signingShare) : undefined;
  if (d === undefined) throw new KeyshardError('INVALID_ARGUMENT', `The refreshing share for identifier ${old.label} is not a ${suite.id} scalar.`, { identifier: old.label });
  const value = suite.Fn.add(old.value, d);
  const next: VssShare = { identifier: Uint8Array.from(old.share.identifier), signingShare: suite.Fn.toBytes(value) };
  try {
    const decoded = decodeShare(suite, next, 0, 'The refreshed share');
    checkAgainstCommitments(suite, o.refresh.threshold, o.refresh.commitments, decoded, 'The refreshed share');
    return next;
  } catch (e) {
    next.signingShare.fill(0);
    throw e;
  }
}

export interface RefreshOptions {
  ciphersuite: Ciphersuite;
  threshold: number;
  commitments: Uint8Array[];
  /** Every custodian who keeps a share; each is verified against the commitments first. Not modified. */
  shares: VssShare[];
  newThreshold?: number;
  random: RandomSource;
}

function verifyAll(suite: Suite, threshold: number, commitments: Uint8Array[], shares: unknown): DecodedShare[] {
  if (!Array.isArray(shares)) throw new KeyshardError('INVALID_ARGUMENT', 'The shares must be a list.');
  const decoded = shares.map((s, i) => decodeShare(suite, s, i, `Share #${i + 1}`));
  for (const d of decoded) checkAgainstCommitments(suite, threshold, commitments, d, `Share #${d.index + 1}`);
  return decoded;
}

/** Dealer and every custodian in one go: new shares for the same identifiers (those given), same group key. */
export function refreshShares(o: RefreshOptions): VssDeal {
  const suite = getSuite(o.ciphersuite);
  checkThreshold(o.threshold);
  checkCommitments(suite, o.threshold, o.commitments);
  const decoded = verifyAll(suite, o.threshold, o.commitments, o.shares);
  const pkg = refreshDealer({
    ciphersuite: suite.id,
    threshold: o.threshold,
    commitments: o.commitments,
    identifiers: decoded.map((d) => d.share.identifier),
    ...(o.newThreshold === undefined ? {} : { newThreshold: o.newThreshold }),
    random: o.random,
  });
  const out: VssShare[] = [];
  try {
    for (let i = 0; i < decoded.length; i++) {
      out.push(
        applyRefresh({
          ciphersuite: suite.id,
          threshold: o.threshold,
          commitments: o.commitments,
          share: decoded[i]!.share,
          refresh: pkg,
          refreshingShare: pkg.refreshingShares[i]!,
        }),
      );
    }
  } catch (e) {
    for (const s of out) s.signingShare.fill(0);
    throw e;
  } finally {
    for (const r of pkg.refreshingShares) r.signingShare.fill(0);
  }
  return { ciphersuite: suite.id, threshold: pkg.threshold, groupPublicKey: Uint8Array.from(pkg.commitments[0]!), commitments: pkg.commitments, shares: out };
}

export interface ReshareOptions {
  ciphersuite: Ciphersuite;
  threshold: number;
  commitments: Uint8Array[];
  /** At least `threshold` shares; the first `threshold` of them re-deal. Not modified. */
  quorum: VssShare[];
  newThreshold: number;
  /** New custodians get identifiers 1..newShares. */
  newShares: number;
  random: RandomSource;
}

/** Quorum re-deal to a new threshold and custodian count, the key never reassembled (see the module comment). */
export function reshareFromQuorum(o: ReshareOptions): VssDeal {
  const suite = getSuite(o.ciphersuite);
  const { Fn } = suite;
  checkThreshold(o.threshold);
  checkThreshold(o.newThreshold, o.newShares);
  checkCommitments(suite, o.threshold, o.commitments);
  const decoded = verifyAll(suite, o.threshold, o.commitments, o.quorum);
  const ids = decodeIdentifiers(suite, decoded.map((d) => d.share.identifier));
  if (decoded.length < o.threshold) {
    throw new KeyshardError('BELOW_THRESHOLD', `A re-share needs ${o.threshold} shares of the current deal; ${decoded.length} were given.`, { given: decoded.length, threshold: o.threshold });
  }
  const members = decoded.slice(0, o.threshold);
  const memberIds = ids.slice(0, o.threshold);
  const sums: bigint[] = Array.from({ length: o.newShares }, () => Fn.ZERO);
  let commitments: Uint8Array[] = [];
  const poly: bigint[] = [];
  try {
    members.forEach((m, i) => {
      // Member i's own sub-deal: g_i(0) = λ_i(0)·s_i, random higher coefficients.
      poly.length = 0;
      poly.push(Fn.mul(lagrangeAt(suite, memberIds, memberIds[i]!, 0n), m.value));
      for (let j = 1; j < o.newThreshold; j++) poly.push(randomScalar(suite, o.random));
      const mine = poly.map((a) => (Fn.is0(a) ? undefined : suite.basePointTimes(a)));
      commitments = i === 0 ? (mine as Uint8Array[]) : addCommitments(suite.id, commitments, mine);
      for (let j = 1; j <= o.newShares; j++) sums[j - 1] = Fn.add(sums[j - 1]!, evaluatePolynomial(suite, poly, BigInt(j)));
      forget(poly);
    });
    if (!equalBytes(commitments[0]!, o.commitments[0]!)) {
      throw new KeyshardError('INTERNAL', 'The re-shared commitments do not give the same group key. Nothing was changed; run the re-share again.');
    }
    const shares: VssShare[] = sums.map((v, j) => ({ identifier: hexToBytes(suite.frost.Identifier.fromNumber(j + 1)), signingShare: Fn.toBytes(v) }));
    const dealt: VssDeal = { ciphersuite: suite.id, threshold: o.newThreshold, groupPublicKey: Uint8Array.from(commitments[0]!), commitments, shares };
    try {
      verifyAll(suite, o.newThreshold, commitments, shares);
    } catch (e) {
      for (const s of shares) s.signingShare.fill(0);
      throw e;
    }
    return dealt;
  } finally {
    forget(sums);
    forget(poly);
  }
}
