/**
 * From the secret to one envelope per share, and back: SLIP-39 mnemonics or FROST shares wrapped in shard envelopes
 * (core/envelope.ts) for each custodian, what a custodian's screen shows, and recovery from a quorum of envelopes.
 * Every byte array that held share material is wiped here once it is copied where it belongs.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  decodeEnvelope,
  decodeVssPayload,
  encodeEnvelope,
  encodeVssPayload,
  EnvelopeScheme,
  vssScheme,
  wipeEnvelope,
  type Envelope,
} from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import type { CeremonyPlan, Custodian, ShareRef } from '../../../core/policy';
import type { QrFrameOptions } from '../../../core/qr/index';
import type { RandomSource } from '../../../core/random';
import { combineAsciiMnemonicsAsync, decodeShareAscii, DEFAULT_ITERATION_EXPONENT, splitMasterSecretAsciiAsync } from '../../../core/slip39/index';
import { combineShares, dealShares, verifyingShareFromCommitments, type VssShare } from '../../../core/vss/index';
import type { KeyStretcher } from '../kdf/index';
import { compareWordBytes, type Mismatch } from './compare';

export interface SplitOptions {
  readonly ceremonyId: Uint8Array;
  /** 32 bytes: the secret's fingerprint, printed in every envelope. */
  readonly groupFingerprint: Uint8Array;
  readonly random: RandomSource;
  /** SLIP-39's key stretching, off main's thread. */
  readonly kdf: KeyStretcher;
  /** Default: core's (keyshard's own, DEFAULT_ITERATION_EXPONENT). */
  readonly iterationExponent?: number;
  readonly extendable?: boolean;
}

/** One share for one custodian, as binary envelope bytes (SECRET). */
export interface MadeShard {
  readonly custodianId: string;
  readonly custodianIndex: number;
  /** Position among this custodian's shares (0 for most plans). */
  readonly index: number;
  readonly ref: ShareRef;
  readonly binary: Uint8Array;
}

export interface SplitOutcome {
  readonly shards: MadeShard[];
  /** slip39: the 15-bit identifier common to all shares. */
  readonly identifier?: number;
  /** vss: RFC 9591 commitments (hex); commitments[0] is the group public key. */
  readonly commitments?: string[];
}

/** The envelope label of a custodian: their name when it fits (64 bytes of UTF-8, no control characters), else their id. */
export function custodianLabel(c: Custodian): string {
  const name = c.name.normalize('NFC');
  return new TextEncoder().encode(name).length <= 64 && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name) ? name : c.id;
}

function envelopeFor(scheme: EnvelopeScheme, o: SplitOptions, custodianIndex: number, c: Custodian, payload: Uint8Array): Uint8Array {
  const envelope: Envelope = {
    scheme,
    ceremonyId: o.ceremonyId,
    custodianIndex,
    custodianLabel: custodianLabel(c),
    groupFingerprint: o.groupFingerprint,
    payload,
  };
  try {
    return encodeEnvelope(envelope);
  } finally {
    payload.fill(0);
  }
}

/** Splits the secret as the plan says and wraps each share for its custodian. The caller wipes every `binary`. */
export async function splitIntoShards(plan: CeremonyPlan, secret: Uint8Array, o: SplitOptions): Promise<SplitOutcome> {
  const scheme = plan.scheme;
  const shards: MadeShard[] = [];
  const wipeAll = (): void => shards.forEach((s) => s.binary.fill(0));
  try {
    if (scheme.type === 'slip39') {
      // Each mnemonic comes as bytes (its envelope payload), never as a string: wiped once it is in its envelope.
      const iterationExponent = o.iterationExponent ?? DEFAULT_ITERATION_EXPONENT;
      const groups: Uint8Array[][] = await o.kdf.run(iterationExponent, (pbkdf2) =>
        splitMasterSecretAsciiAsync(secret, {
          groupThreshold: scheme.groupThreshold,
          groups: scheme.groups.map((g) => ({ threshold: g.memberThreshold, count: g.memberCount })),
          random: o.random,
          pbkdf2,
          iterationExponent,
          ...(o.extendable === undefined ? {} : { extendable: o.extendable }),
        }),
      );
      try {
        const first = groups[0]?.[0];
        const decodedFirst = first === undefined ? undefined : decodeShareAscii(first);
        const identifier = decodedFirst?.identifier;
        decodedFirst?.value.fill(0);
        plan.custodians.forEach((c, custodianIndex) => {
          c.shares.forEach((ref, index) => {
            if (!('group' in ref)) throw new KeyshardError('INTERNAL', 'A SLIP-39 plan has a signer share reference.');
            const mnemonic = groups[ref.group]?.[ref.member];
            if (mnemonic === undefined) throw new KeyshardError('INTERNAL', 'The split did not produce a share the plan assigns.');
            shards.push({ custodianId: c.id, custodianIndex, index, ref, binary: envelopeFor(EnvelopeScheme.slip39, o, custodianIndex, c, mnemonic.slice()) });
          });
        });
        return { shards, ...(identifier === undefined ? {} : { identifier }) };
      } finally {
        for (const g of groups) for (const m of g) m.fill(0);
      }
    }
    const deal = dealShares({ ciphersuite: scheme.ciphersuite, threshold: scheme.threshold, shares: scheme.shares, secret, random: o.random });
    try {
      const envScheme = vssScheme(scheme.ciphersuite);
      plan.custodians.forEach((c, custodianIndex) => {
        c.shares.forEach((ref, index) => {
          if (!('signer' in ref)) throw new KeyshardError('INTERNAL', 'A vss plan has a SLIP-39 share reference.');
          const share = deal.shares[ref.signer - 1];
          if (share === undefined) throw new KeyshardError('INTERNAL', 'The deal did not produce a share the plan assigns.');
          const payload = encodeVssPayload(envScheme, {
            threshold: scheme.threshold,
            shareCount: scheme.shares,
            identifier: share.identifier,
            signingShare: share.signingShare,
            commitments: deal.commitments,
          });
          shards.push({ custodianId: c.id, custodianIndex, index, ref, binary: envelopeFor(envScheme, o, custodianIndex, c, payload) });
        });
      });
      return { shards, commitments: deal.commitments.map((x) => bytesToHex(x)) };
    } finally {
      for (const s of deal.shares) s.signingShare.fill(0);
    }
  } catch (e) {
    wipeAll();
    throw e;
  }
}

/**
 * One shard as it crosses to the window (SECRET): its envelope bytes, which the window turns into words, text and QR
 * codes itself (core/shard-display.ts), with main's QR options. Main makes no string of a shard (issue 16.3).
 */
export interface ShardView {
  readonly index: number;
  readonly share: { readonly group: number; readonly member: number } | { readonly signer: number };
  /** A copy of the envelope bytes; wiped when the screen no longer gets it (wipeShardViews). */
  readonly envelope: Uint8Array;
  readonly qrOptions: QrFrameOptions;
}

export function shardView(binary: Uint8Array, index: number, ref: ShareRef, qrOptions: QrFrameOptions = {}): ShardView {
  return {
    index,
    share: 'signer' in ref ? { signer: ref.signer } : { group: ref.group, member: ref.member },
    envelope: binary.slice(),
    qrOptions: { ...qrOptions },
  };
}

/** A shown shard with its own copy of the envelope bytes: what leaves the service (its receiver wipes it). */
export function copyShardView(v: ShardView): ShardView {
  return { ...v, envelope: v.envelope.slice() };
}

/** Zeroes the envelope copies of shown shards (the IPC layer's own copies are out of reach: docs/threat-model.md). */
export function wipeShardViews(views: readonly ShardView[]): void {
  for (const v of views) v.envelope.fill(0);
}

/**
 * Typed-back words (ASCII, as the window sends them) against a held SLIP-39 shard, word by word; undefined for a VSS
 * shard (it has no words).
 */
export function compareWordsWithShard(binary: Uint8Array, typed: Uint8Array): Mismatch | null | undefined {
  const envelope = decodeEnvelope(binary);
  try {
    return envelope.scheme === EnvelopeScheme.slip39 ? compareWordBytes(envelope.payload, typed) : undefined;
  } finally {
    wipeEnvelope(envelope);
  }
}

/**
 * The RFC 9591 verifying share (hex) of a VSS shard, undefined for SLIP-39. Computed from the shard's public
 * commitments and identifier: no arithmetic on the signing share (BigInts cannot be wiped), which confirmation
 * has already compared byte for byte with the one dealt.
 */
export function verifyingShareOf(binary: Uint8Array): string | undefined {
  const envelope = decodeEnvelope(binary);
  try {
    if (envelope.scheme === EnvelopeScheme.slip39) return undefined;
    const p = decodeVssPayload(envelope.scheme, envelope.payload);
    const cs = vssCiphersuiteOf(envelope.scheme);
    return bytesToHex(verifyingShareFromCommitments(cs, p.threshold, p.commitments.map((c) => Uint8Array.from(c)), p.identifier));
  } finally {
    wipeEnvelope(envelope);
  }
}

function vssCiphersuiteOf(scheme: EnvelopeScheme): 'ed25519' | 'secp256k1' | 'p256' {
  if (scheme === EnvelopeScheme.vssEd25519) return 'ed25519';
  if (scheme === EnvelopeScheme.vssSecp256k1) return 'secp256k1';
  if (scheme === EnvelopeScheme.vssP256) return 'p256';
  throw new KeyshardError('INTERNAL', 'Not a VSS shard.');
}

export interface RecoverOptions {
  /** SLIP-39's key stretching, off main's thread. */
  readonly kdf: KeyStretcher;
  /**
   * The iteration exponent this ceremony's split wrote (default: keyshard's own). SLIP-39 shares announcing another
   * are not this ceremony's and are refused before any key stretching: a share set cannot make main do more work than
   * keyshard's own split did.
   */
  readonly iterationExponent?: number;
  readonly commitments?: readonly string[];
}

/**
 * Recovers the secret from envelopes of a quorum (binary form). Checks that every envelope belongs to this ceremony.
 * The caller wipes the returned secret.
 */
export async function recoverFromShards(plan: CeremonyPlan, ceremonyIdHex: string, binaries: readonly Uint8Array[], options: RecoverOptions): Promise<Uint8Array> {
  const envelopes = binaries.map((b) => decodeEnvelope(b));
  try {
    envelopes.forEach((e, i) => {
      if (bytesToHex(e.ceremonyId) !== ceremonyIdHex) {
        throw new KeyshardError('SHARES_MISMATCH', `Shard #${i + 1} belongs to another ceremony. Use only this ceremony's shards.`, { index: i });
      }
    });
    const scheme = plan.scheme;
    if (scheme.type === 'slip39') {
      const written = options.iterationExponent ?? DEFAULT_ITERATION_EXPONENT;
      // The payloads are the mnemonics as bytes: read without making a string of any (wiped with the envelopes).
      const mnemonics = envelopes.map((e) => e.payload);
      return await options.kdf.run(written, (pbkdf2) =>
        combineAsciiMnemonicsAsync(mnemonics, pbkdf2, (iterationExponent) => {
          if (iterationExponent !== written) {
            throw new KeyshardError(
              'SHARES_MISMATCH',
              `These shards ask for PBKDF2 iteration exponent ${iterationExponent}, but this ceremony's split wrote ${written}: they are not this ceremony's shards. Use only this ceremony's shards.`,
              { iterationExponent, expected: written },
            );
          }
        }),
      );
    }
    const payloads = envelopes.map((e) => decodeVssPayload(e.scheme, e.payload));
    const shares: VssShare[] = payloads.map((p) => ({ identifier: p.identifier, signingShare: p.signingShare }));
    // The commitments recorded at the split vouch for every share; a shard carrying others is not from this deal.
    const expected = options.commitments;
    payloads.forEach((p, i) => {
      if (expected !== undefined && (p.commitments.length !== expected.length || p.commitments.some((c, j) => bytesToHex(c) !== expected[j]))) {
        throw new KeyshardError('SHARES_MISMATCH', `Shard #${i + 1} carries commitments other than this ceremony's split. Use only this ceremony's shards.`, { index: i });
      }
    });
    const commitments = (expected ?? (payloads[0]?.commitments ?? []).map((c) => bytesToHex(c))).map((c) => hexToBytes(c));
    return combineShares({ ciphersuite: scheme.ciphersuite, threshold: scheme.threshold, shares, commitments }).secret;
  } finally {
    envelopes.forEach(wipeEnvelope);
  }
}
