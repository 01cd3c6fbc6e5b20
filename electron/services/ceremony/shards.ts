/**
 * From the secret to one envelope per share, and back: SLIP-39 mnemonics or FROST shares wrapped in shard envelopes
 * (core/envelope.ts) for each custodian, what a custodian's screen shows, and recovery from a quorum of envelopes.
 * Every byte array that held share material is wiped here once it is copied where it belongs.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  decodeEnvelope,
  decodeSlip39Payload,
  decodeVssPayload,
  encodeEnvelope,
  encodeSlip39Payload,
  encodeVssPayload,
  envelopeToText,
  EnvelopeScheme,
  vssScheme,
  wipeEnvelope,
  type Envelope,
} from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import type { CeremonyPlan, Custodian, ShareRef } from '../../../core/policy';
import { planQrFrames, planTexts, type QrErrorCorrectionLevel, type QrFrameOptions } from '../../../core/qr/index';
import type { RandomSource } from '../../../core/random';
import { combineMnemonicsAsync, decodeShare, DEFAULT_ITERATION_EXPONENT, mnemonicWords, splitMasterSecretAsync } from '../../../core/slip39/index';
import { combineShares, dealShares, verifyShare, type VssShare } from '../../../core/vss/index';
import type { KeyStretcher } from '../kdf/index';
import { PAPER_LAYOUT } from './compare';

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
      // The mnemonics are JS strings (cannot be wiped): they are turned into byte payloads at once and dropped.
      const iterationExponent = o.iterationExponent ?? DEFAULT_ITERATION_EXPONENT;
      let groups: string[][] | undefined = await o.kdf.run(iterationExponent, (pbkdf2) =>
        splitMasterSecretAsync(secret, {
          groupThreshold: scheme.groupThreshold,
          groups: scheme.groups.map((g) => ({ threshold: g.memberThreshold, count: g.memberCount })),
          random: o.random,
          pbkdf2,
          iterationExponent,
          ...(o.extendable === undefined ? {} : { extendable: o.extendable }),
        }),
      );
      const first = groups[0]?.[0];
      const decodedFirst = first === undefined ? undefined : decodeShare(first);
      const identifier = decodedFirst?.identifier;
      decodedFirst?.value.fill(0);
      plan.custodians.forEach((c, custodianIndex) => {
        c.shares.forEach((ref, index) => {
          if (!('group' in ref)) throw new KeyshardError('INTERNAL', 'A SLIP-39 plan has a signer share reference.');
          const mnemonic = groups?.[ref.group]?.[ref.member];
          if (mnemonic === undefined) throw new KeyshardError('INTERNAL', 'The split did not produce a share the plan assigns.');
          shards.push({ custodianId: c.id, custodianIndex, index, ref, binary: envelopeFor(EnvelopeScheme.slip39, o, custodianIndex, c, encodeSlip39Payload(mnemonic)) });
        });
      });
      groups = undefined;
      return { shards, ...(identifier === undefined ? {} : { identifier }) };
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

/** What a custodian's screen shows for one shard. */
export interface ShardView {
  readonly index: number;
  readonly share: { readonly group: number; readonly member: number } | { readonly signer: number };
  /** "KS1..." in one piece (for files and QR). */
  readonly envelopeText: string;
  /** The same text in groups of 4 characters, 8 groups a line (for paper and typing back). */
  readonly paperText: string;
  /** SLIP-39 only: the mnemonic's words in order. */
  readonly words?: readonly string[];
  readonly qr: {
    readonly kind: 'single' | 'animated';
    /** The single code, or the plain parts 1..partCount of an animated code. */
    readonly frames: readonly string[];
    readonly partCount: number;
    readonly version: number;
    readonly errorCorrectionLevel: QrErrorCorrectionLevel;
  };
}

export function shardView(binary: Uint8Array, index: number, ref: ShareRef, qrOptions: QrFrameOptions = {}): ShardView {
  const envelope = decodeEnvelope(binary);
  try {
    const words = envelope.scheme === EnvelopeScheme.slip39 ? mnemonicWords(decodeSlip39Payload(envelope.payload)) : undefined;
    const plan = planQrFrames(binary, qrOptions);
    return {
      index,
      share: 'signer' in ref ? { signer: ref.signer } : { group: ref.group, member: ref.member },
      envelopeText: envelopeToText(envelope),
      paperText: envelopeToText(envelope, PAPER_LAYOUT),
      ...(words === undefined ? {} : { words }),
      qr: {
        kind: plan.kind,
        frames: planTexts(plan),
        partCount: plan.kind === 'single' ? 1 : plan.partCount,
        version: plan.kind === 'single' ? plan.version : plan.frameVersion,
        errorCorrectionLevel: plan.errorCorrectionLevel,
      },
    };
  } finally {
    wipeEnvelope(envelope);
  }
}

/** The shard's SLIP-39 words (from its envelope), or undefined for a VSS shard. Strings: drop them soon. */
export function shardWords(binary: Uint8Array): string[] | undefined {
  const envelope = decodeEnvelope(binary);
  try {
    return envelope.scheme === EnvelopeScheme.slip39 ? mnemonicWords(decodeSlip39Payload(envelope.payload)) : undefined;
  } finally {
    wipeEnvelope(envelope);
  }
}

/** The RFC 9591 verifying share (hex) of a VSS shard, checked against its commitments; undefined for SLIP-39. */
export function verifyingShareOf(binary: Uint8Array): string | undefined {
  const envelope = decodeEnvelope(binary);
  try {
    if (envelope.scheme === EnvelopeScheme.slip39) return undefined;
    const p = decodeVssPayload(envelope.scheme, envelope.payload);
    const cs = vssCiphersuiteOf(envelope.scheme);
    return bytesToHex(verifyShare(cs, p.threshold, p.commitments.map((c) => Uint8Array.from(c)), { identifier: p.identifier, signingShare: p.signingShare }));
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
      const mnemonics = envelopes.map((e) => decodeSlip39Payload(e.payload));
      return await options.kdf.run(written, (pbkdf2) =>
        combineMnemonicsAsync(mnemonics, '', pbkdf2, (iterationExponent) => {
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
