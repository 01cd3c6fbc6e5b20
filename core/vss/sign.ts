/**
 * FROST threshold signing (RFC 9591) between separate signers, as messages: the key is never reassembled.
 *
 *   signer:      frostCommit(key)            -> secret nonces (kept) + public commitment (sent to the coordinator)
 *   coordinator: createSigningPackage(...)   -> message + every signer's commitment (sent to each signer)
 *   signer:      frostSignShare(key, nonces, package) -> signature share (sent back); the nonces are consumed
 *   coordinator: frostAggregate(package, shares)      -> the signature, each share and the result verified
 *
 * Ciphersuites: ed25519 (RFC 8032 signatures, verifiable with plain Ed25519 under the group key) and secp256k1, which
 * signs BIP-340 Schnorr (noble's schnorr_FROST; verify with schnorr.verify under the x-only group key).
 *
 * Nonces are used once: noble's signShare zeroes them, and a zeroed nonce pair is refused here before noble sees it
 * (FROST_NONCE_USED). A package that does not carry this signer's current commitment (a stale one from an earlier
 * round, or another signer's) is refused (FROST_COMMITMENT), as is a package in which a commitment appears twice or
 * one the coordinator has already seen in an earlier package (a replay).
 */
import type { FROST, FrostPublic, NonceCommitments } from '@noble/curves/abstract/frost.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr, schnorr_FROST } from '@noble/curves/secp256k1.js';
import { type TArg, bytesToHex, equalBytes } from '@noble/curves/utils.js';
import { KeyshardError } from '../errors';
import type { RandomSource } from '../random';
import { MAX_SHARES, type Suite, checkThreshold, getSuite } from './ciphersuites';
import { checkCommitments, decodeScalar, decodeShare } from './inputs';
import { evaluateCommitments } from './points';
import type { VssShare } from './types';
import { checkAgainstCommitments } from './verify';

export type SigningCiphersuite = 'ed25519' | 'secp256k1';
export const SIGNING_CIPHERSUITES: readonly SigningCiphersuite[] = ['ed25519', 'secp256k1'];

/** A signer's key: their share and the deal's public data. */
export interface SignerKey {
  ciphersuite: SigningCiphersuite;
  threshold: number;
  commitments: Uint8Array[];
  share: VssShare;
}

/** A signer's public round-1 message. */
export interface SigningCommitment {
  identifier: Uint8Array;
  hiding: Uint8Array;
  binding: Uint8Array;
}

/** A signer's secret round-1 state: used once, zeroed by frostSignShare. */
export interface SigningNonces {
  hiding: Uint8Array;
  binding: Uint8Array;
  /** The commitment these nonces belong to (public). */
  commitment: SigningCommitment;
}

export interface SigningPackage {
  ciphersuite: SigningCiphersuite;
  threshold: number;
  commitments: Uint8Array[];
  message: Uint8Array;
  /** One commitment per signer, sorted by identifier. */
  signers: SigningCommitment[];
}

export interface SignatureShare {
  identifier: Uint8Array;
  share: Uint8Array;
}

function signingSuite(ciphersuite: unknown): { suite: Suite; frost: FROST } {
  if (ciphersuite !== 'ed25519' && ciphersuite !== 'secp256k1') {
    throw new KeyshardError('VSS_CIPHERSUITE', `FROST signing is available for ${SIGNING_CIPHERSUITES.join(' and ')} (BIP-340 for secp256k1). Deal an ed25519 or secp256k1 key to sign with it.`, { supported: SIGNING_CIPHERSUITES });
  }
  const suite = getSuite(ciphersuite);
  return { suite, frost: ciphersuite === 'secp256k1' ? schnorr_FROST : suite.frost };
}

/** The key the final signature verifies under with a plain verifier: 32-byte Ed25519 key, or x-only BIP-340 key. */
export function signatureVerifyingKey(ciphersuite: SigningCiphersuite, groupPublicKey: Uint8Array): Uint8Array {
  return ciphersuite === 'secp256k1' ? groupPublicKey.slice(1) : Uint8Array.from(groupPublicKey);
}

/** An independent check of the final signature: noble's plain ed25519.verify or schnorr.verify, not FROST's. */
export function verifySignature(ciphersuite: SigningCiphersuite, signature: Uint8Array, message: Uint8Array, groupPublicKey: Uint8Array): boolean {
  try {
    const key = signatureVerifyingKey(ciphersuite, groupPublicKey);
    return ciphersuite === 'secp256k1' ? schnorr.verify(signature, message, key) : ed25519.verify(signature, message, key);
  } catch {
    return false;
  }
}

function publicPackage(suite: Suite, threshold: number, commitments: Uint8Array[], ids: readonly Uint8Array[]): TArg<FrostPublic> {
  const verifyingShares: Record<string, Uint8Array> = {};
  for (const id of ids) verifyingShares[bytesToHex(id)] = evaluateCommitments(suite.id, commitments, suite.Fn.fromBytes(id), (x) => suite.Fn.create(x));
  return { signers: { min: threshold, max: MAX_SHARES }, commitments, verifyingShares };
}

function nobleCommitment(c: SigningCommitment): TArg<NonceCommitments> {
  return { identifier: bytesToHex(c.identifier), hiding: c.hiding, binding: c.binding };
}

function checkKey(key: SignerKey) {
  const { suite, frost } = signingSuite(key.ciphersuite);
  checkThreshold(key.threshold);
  checkCommitments(suite, key.threshold, key.commitments);
  const decoded = decodeShare(suite, key.share, 0, 'The signing share');
  checkAgainstCommitments(suite, key.threshold, key.commitments, decoded, 'The signing share');
  return { suite, frost, decoded };
}

/** Round 1 (signer): fresh nonces from `random` and their public commitment. */
export function frostCommit(key: SignerKey, random: RandomSource): SigningNonces {
  const { frost, decoded } = checkKey(key);
  if (typeof random !== 'function') throw new KeyshardError('INVALID_ARGUMENT', 'A random source is required.');
  const drawn: Uint8Array[] = [];
  const rng = (length = 32) => {
    const b = random(length);
    if (!(b instanceof Uint8Array) || b.length !== length || b.every((x) => x === 0)) {
      throw new KeyshardError('INTERNAL', 'The random source failed (wrong length or only zeros). No commitment was made; check the entropy source.');
    }
    drawn.push(b);
    return b;
  };
  try {
    const g = frost.commit({ identifier: decoded.idHex, signingShare: decoded.share.signingShare }, rng as never);
    return {
      hiding: g.nonces.hiding,
      binding: g.nonces.binding,
      commitment: { identifier: Uint8Array.from(decoded.share.identifier), hiding: g.commitments.hiding, binding: g.commitments.binding },
    };
  } finally {
    for (const d of drawn) d.fill(0);
  }
}

/** Seen commitments, for a coordinator that runs several rounds: a commitment is accepted once only. */
export class CommitmentRegistry {
  private readonly seen = new Set<string>();
  has(c: SigningCommitment): boolean {
    return this.seen.has(bytesToHex(c.hiding) + bytesToHex(c.binding));
  }
  add(c: SigningCommitment): void {
    this.seen.add(bytesToHex(c.hiding) + bytesToHex(c.binding));
  }
}

export interface SigningPackageOptions {
  ciphersuite: SigningCiphersuite;
  threshold: number;
  commitments: Uint8Array[];
  message: Uint8Array;
  signers: SigningCommitment[];
  /** Commitments of earlier rounds; any of them again is refused as a replay, and this package's are added. */
  registry?: CommitmentRegistry;
}

/** Round 2 set-up (coordinator): checks the commitments and fixes the message and the signer set. */
export function createSigningPackage(o: SigningPackageOptions): SigningPackage {
  const { suite } = signingSuite(o.ciphersuite);
  checkThreshold(o.threshold);
  checkCommitments(suite, o.threshold, o.commitments);
  if (!(o.message instanceof Uint8Array)) throw new KeyshardError('INVALID_ARGUMENT', 'The message must be bytes.');
  if (!Array.isArray(o.signers)) throw new KeyshardError('INVALID_ARGUMENT', 'The signers\' commitments must be a list.');
  const ids = new Set<string>();
  const points = new Set<string>();
  o.signers.forEach((c, i) => {
    const id = c?.identifier instanceof Uint8Array ? decodeScalar(suite, c.identifier) : undefined;
    if (id === undefined || id === 0n) throw new KeyshardError('INVALID_ARGUMENT', `Commitment #${i + 1} has no valid ${suite.id} identifier.`, { index: i });
    if (!(c.hiding instanceof Uint8Array) || !suite.isValidPoint(c.hiding) || !(c.binding instanceof Uint8Array) || !suite.isValidPoint(c.binding)) {
      throw new KeyshardError('FROST_COMMITMENT', `Commitment #${i + 1} has a hiding or binding point that is not a valid ${suite.id} point. Ask that signer for a fresh commitment.`, { index: i });
    }
    const idHex = bytesToHex(c.identifier);
    if (ids.has(idHex)) throw new KeyshardError('DUPLICATE_SHARE', `Two commitments come from the same signer (commitment #${i + 1}). Each signer commits once per signature.`, { index: i });
    ids.add(idHex);
    for (const p of [c.hiding, c.binding]) {
      const h = bytesToHex(p);
      if (points.has(h)) throw new KeyshardError('FROST_COMMITMENT', `Commitment #${i + 1} repeats a nonce point already in this package: it is a replay. Ask that signer for a fresh commitment.`, { index: i, reason: 'replay' });
      points.add(h);
    }
    if (o.registry?.has(c)) {
      throw new KeyshardError('FROST_COMMITMENT', `Commitment #${i + 1} was already used in an earlier signing round: it is a replay or a stale commitment. Ask that signer for a fresh commitment.`, { index: i, reason: 'replay' });
    }
  });
  if (o.signers.length < o.threshold) {
    const missing = o.threshold - o.signers.length;
    throw new KeyshardError('BELOW_THRESHOLD', `Only ${o.signers.length} of the ${o.threshold} signers needed have committed: ${missing} more ${missing === 1 ? 'is' : 'are'} needed.`, { given: o.signers.length, threshold: o.threshold, missing });
  }
  for (const c of o.signers) o.registry?.add(c);
  const signers = o.signers
    .map((c) => ({ identifier: Uint8Array.from(c.identifier), hiding: Uint8Array.from(c.hiding), binding: Uint8Array.from(c.binding) }))
    .sort((a, b) => (suite.Fn.fromBytes(a.identifier) < suite.Fn.fromBytes(b.identifier) ? -1 : 1));
  return { ciphersuite: o.ciphersuite, threshold: o.threshold, commitments: o.commitments.map((c) => Uint8Array.from(c)), message: Uint8Array.from(o.message), signers };
}

/** Round 2 (signer): the signature share. Consumes (zeroes) the nonces; a second call with them is refused. */
export function frostSignShare(key: SignerKey, nonces: SigningNonces, pkg: SigningPackage): SignatureShare {
  const { suite, frost, decoded } = checkKey(key);
  if (pkg.ciphersuite !== key.ciphersuite || !equalBytes(pkg.commitments[0] ?? new Uint8Array(), key.commitments[0]!)) {
    throw new KeyshardError('FROST_COMMITMENT', 'This signing request is for another key than this share. Check that the coordinator sent the request for this ceremony\'s key.');
  }
  if (!(nonces?.hiding instanceof Uint8Array) || !(nonces.binding instanceof Uint8Array) || [...nonces.hiding, ...nonces.binding].every((b) => b === 0)) {
    throw new KeyshardError('FROST_NONCE_USED', 'These signing nonces were already used for a signature share. A nonce is never used twice: make a fresh commitment (frost commit) and ask the coordinator for a new request.');
  }
  const mine = pkg.signers.find((c) => equalBytes(c.identifier, decoded.share.identifier));
  if (mine === undefined) {
    throw new KeyshardError('FROST_COMMITMENT', `The signing request has no commitment from this signer (identifier ${decoded.label}). Send your commitment to the coordinator and ask for a new request.`, { identifier: decoded.label });
  }
  if (!equalBytes(nonces.commitment.identifier, decoded.share.identifier) || !equalBytes(mine.hiding, nonces.commitment.hiding) || !equalBytes(mine.binding, nonces.commitment.binding)) {
    throw new KeyshardError('FROST_COMMITMENT', `The signing request carries a commitment for identifier ${decoded.label} that is not this signer's current one: it is stale or was replaced. Nothing was signed; make a fresh commitment.`, { identifier: decoded.label, reason: 'stale' });
  }
  checkThreshold(pkg.threshold);
  const pub = publicPackage(suite, pkg.threshold, pkg.commitments, pkg.signers.map((c) => c.identifier));
  const share = frost.signShare(
    { identifier: decoded.idHex, signingShare: decoded.share.signingShare },
    pub,
    nonces,
    pkg.signers.map(nobleCommitment),
    pkg.message,
  );
  // noble zeroes the nonces on success; make sure of it even if that ever changes.
  nonces.hiding.fill(0);
  nonces.binding.fill(0);
  return { identifier: Uint8Array.from(decoded.share.identifier), share: Uint8Array.from(share) };
}

/** Aggregation (coordinator): each share verified (a bad one is named), the signature checked with a plain verifier. */
export function frostAggregate(pkg: SigningPackage, shares: SignatureShare[]): Uint8Array {
  const { suite, frost } = signingSuite(pkg.ciphersuite);
  checkThreshold(pkg.threshold);
  checkCommitments(suite, pkg.threshold, pkg.commitments);
  const pub = publicPackage(suite, pkg.threshold, pkg.commitments, pkg.signers.map((c) => c.identifier));
  const list = pkg.signers.map(nobleCommitment);
  const byId: Record<string, Uint8Array> = {};
  for (const [i, s] of shares.entries()) {
    const idHex = s?.identifier instanceof Uint8Array ? bytesToHex(s.identifier) : '';
    if (!list.some((c) => c.identifier === idHex)) {
      throw new KeyshardError('FROST_SHARE_INVALID', `Signature share #${i + 1} comes from a signer who is not in the signing request. Use only shares made for this request.`, { index: i });
    }
    if (byId[idHex] !== undefined) throw new KeyshardError('DUPLICATE_SHARE', `Signature share #${i + 1} repeats a signer's share.`, { index: i });
    let ok = false;
    try {
      ok = s.share instanceof Uint8Array && frost.verifyShare(pub, list, pkg.message, idHex, s.share);
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new KeyshardError('FROST_SHARE_INVALID', `Signature share #${i + 1} does not verify: it was made for another request or message, or is damaged. Ask that signer to sign again after a fresh commitment.`, { index: i });
    }
    byId[idHex] = s.share;
  }
  const missing = list.filter((c) => byId[c.identifier] === undefined).length;
  if (missing > 0) {
    throw new KeyshardError('BELOW_THRESHOLD', `${missing} of the signers in the request ${missing === 1 ? 'has' : 'have'} not sent a signature share yet. Every signer in the request must answer.`, { missing });
  }
  const signature = Uint8Array.from(frost.aggregate(pub, list, pkg.message, byId));
  if (!verifySignature(pkg.ciphersuite, signature, pkg.message, pkg.commitments[0]!)) {
    throw new KeyshardError('FROST_SIGNATURE', 'The aggregated signature does not verify under the group public key. Do not use it; start a new signing round.');
  }
  return signature;
}
