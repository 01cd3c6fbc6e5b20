/**
 * What a shard envelope carries, per scheme, and how those bytes are laid out.
 *
 * The envelope itself (core/envelope.ts) treats the payload as opaque, length-prefixed bytes; this module gives
 * them meaning. Design rule: a custodian who holds only their envelope, years later, must be able to check
 * their share and take part in recovery without anything else from the ceremony.
 *
 * - SLIP-39: the mnemonic itself, as UTF-8 (in practice ASCII): lowercase wordlist words separated by single
 *   spaces, exactly as SLIP-39 prints it. Not packed into 10-bit indices on purpose: a SLIP-39 mnemonic is
 *   already self-describing (identifier, group and member thresholds and indices, its own RS1024 checksum), and
 *   anyone who base32-decodes the envelope sees the words in plain ASCII and can recover with any SLIP-39 tool,
 *   with no keyshard at all. The cost is size (about 7 bytes per word instead of 1.25), which still fits one QR.
 * - VSS (RFC 9591 FROST trusted-dealer shares; the ciphersuite is the scheme):
 *     threshold t (u16 BE) | share count n (u16 BE) | identifier (32) | signingShare (32) | t commitments
 *   Scalars and elements are in RFC 9591 serialization (ed25519: 32-byte scalars little-endian, 32-byte
 *   points; secp256k1 and P-256: 32-byte scalars big-endian, 33-byte compressed points). The commitments let a
 *   holder verify their share on their own (`keyshard vss verify-share`) and commitments[0] is the group public
 *   key, so recovery can check what it rebuilt.
 *
 * Shape checks here are about layout only; whether words are in the wordlist or points are on the curve is
 * checked by core/slip39 and core/vss.
 */
import { KeyshardError } from './errors';

/**
 * The secret-sharing scheme of a shard. Open to more: a new scheme gets the next number; readers that do not
 * know a number say "made by a newer keyshard" (ENVELOPE_VERSION) instead of guessing.
 */
export const EnvelopeScheme = {
  slip39: 1,
  vssEd25519: 2,
  vssSecp256k1: 3,
  vssP256: 4,
} as const;
export type EnvelopeScheme = (typeof EnvelopeScheme)[keyof typeof EnvelopeScheme];

export type VssCiphersuite = 'ed25519' | 'secp256k1' | 'p256';

interface SchemeInfo {
  readonly name: string;
  /** For VSS schemes: the ciphersuite and its serialized element length. */
  readonly vss?: { readonly ciphersuite: VssCiphersuite; readonly elementLength: number };
}

const SCHEMES: ReadonlyMap<number, SchemeInfo> = new Map<number, SchemeInfo>([
  [EnvelopeScheme.slip39, { name: 'slip39' }],
  [EnvelopeScheme.vssEd25519, { name: 'vss-ed25519', vss: { ciphersuite: 'ed25519', elementLength: 32 } }],
  [EnvelopeScheme.vssSecp256k1, { name: 'vss-secp256k1', vss: { ciphersuite: 'secp256k1', elementLength: 33 } }],
  [EnvelopeScheme.vssP256, { name: 'vss-p256', vss: { ciphersuite: 'p256', elementLength: 33 } }],
]);

export function isKnownScheme(scheme: number): scheme is EnvelopeScheme {
  return SCHEMES.has(scheme);
}

/** 'slip39', 'vss-ed25519', ... (stable names for JSON and screens). */
export function schemeName(scheme: EnvelopeScheme): string {
  return schemeInfo(scheme).name;
}

/** The envelope scheme for a VSS ciphersuite name as the CLI spells it. */
export function vssScheme(ciphersuite: VssCiphersuite): EnvelopeScheme {
  for (const [id, info] of SCHEMES) if (info.vss?.ciphersuite === ciphersuite) return id as EnvelopeScheme;
  throw new KeyshardError('VSS_CIPHERSUITE', 'Unknown ciphersuite: use ed25519, secp256k1 or p256.');
}

function schemeInfo(scheme: number): SchemeInfo {
  const info = SCHEMES.get(scheme);
  if (info === undefined) {
    throw new KeyshardError('INVALID_ARGUMENT', 'Unknown shard scheme: use slip39, vss-ed25519, vss-secp256k1 or vss-p256.', {
      scheme,
    });
  }
  return info;
}

/** Scalars are 32 bytes in all three ciphersuites. */
const SCALAR_LENGTH = 32;
/** RFC 9591 needs at least 2 signers; 16 bits leave room for any ceremony a person can run. */
const MIN_VSS_THRESHOLD = 2;
const MAX_VSS_COUNT = 0xffff;
/** SLIP-39's shortest mnemonic (128-bit secret) has 20 words; the envelope's u16 length bounds the longest. */
const MIN_SLIP39_WORDS = 20;

// ---------------------------------------------------------------------------------------------------------------
// SLIP-39

/**
 * Returns a description of what is wrong with a SLIP-39 payload's shape, or undefined if it is fine.
 * Runs over secret words, so it does not branch per character: it accumulates flags arithmetically.
 */
function slip39ShapeProblem(payload: Uint8Array): string | undefined {
  const n = payload.length;
  if (n === 0) return 'it holds no words';
  let bad = 0; // bit 0 set once any byte is neither a–z nor a space, or two spaces follow each other
  let spaces = 0;
  let previousSpace = 1; // a leading space counts as "two spaces in a row"
  for (let i = 0; i < n; i++) {
    const c = payload[i] as number;
    const outsideLower = ((c - 97) | (122 - c)) >>> 31; // 1 unless 'a' <= c <= 'z'
    const isSpace = ((c ^ 32) - 1) >>> 31; // 1 exactly when c === 0x20
    bad |= outsideLower & (isSpace ^ 1);
    bad |= previousSpace & isSpace;
    spaces += isSpace;
    previousSpace = isSpace;
  }
  bad |= previousSpace; // trailing space
  if (bad !== 0) return 'it is not lowercase words separated by single spaces';
  if (spaces + 1 < MIN_SLIP39_WORDS) return `it has fewer than ${MIN_SLIP39_WORDS} words`;
  return undefined;
}

/**
 * The payload for a SLIP-39 share: the mnemonic's bytes. Whitespace is normalised to single spaces and the words
 * lowercased first, so a mnemonic typed with line breaks or capitals gives the same envelope.
 * The returned bytes are secret: wipe them (or the envelope holding them) when done.
 */
export function encodeSlip39Payload(mnemonic: string): Uint8Array {
  const normalised = mnemonic.trim().toLowerCase().split(/\s+/).join(' ');
  const bytes = new Uint8Array(normalised.length);
  let nonAscii = 0;
  for (let i = 0; i < normalised.length; i++) {
    const c = normalised.charCodeAt(i);
    nonAscii |= c >> 7;
    bytes[i] = c & 0x7f;
  }
  const problem = nonAscii !== 0 ? 'it contains characters outside a–z' : slip39ShapeProblem(bytes);
  if (problem !== undefined) {
    bytes.fill(0);
    throw new KeyshardError('INVALID_ARGUMENT', `This SLIP-39 mnemonic cannot go into a shard: ${problem}. Check the words and try again.`);
  }
  return bytes;
}

/** The mnemonic in a SLIP-39 payload. JS strings cannot be wiped: drop the returned string as soon as possible. */
export function decodeSlip39Payload(payload: Uint8Array): string {
  const problem = slip39ShapeProblem(payload);
  if (problem !== undefined) throw malformedPayload('slip39', problem);
  let out = '';
  for (let i = 0; i < payload.length; i++) out += String.fromCharCode(payload[i] as number);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// VSS

export interface VssPayload {
  /** Minimum number of shares that recover the key (RFC 9591 MIN_PARTICIPANTS). */
  readonly threshold: number;
  /** How many shares were dealt (MAX_PARTICIPANTS), so a holder knows "t of n". */
  readonly shareCount: number;
  /** RFC 9591 serialized identifier scalar (32 bytes). */
  readonly identifier: Uint8Array;
  /** RFC 9591 serialized signing share scalar (32 bytes). SECRET. */
  readonly signingShare: Uint8Array;
  /** The dealer's VSS commitment: `threshold` serialized elements; commitments[0] is the group public key. */
  readonly commitments: readonly Uint8Array[];
}

function vssPayloadLength(elementLength: number, threshold: number): number {
  return 4 + 2 * SCALAR_LENGTH + threshold * elementLength;
}

// ---------------------------------------------------------------------------------------------------------------
// The largest payload keyshard itself writes. Readers accept more (the u16 length field allows it), but a decoder fed
// from outside (QR parts) bounds what it will assemble by this, so a forged code cannot make it work for nothing.

/** The most shares (and so the highest threshold) keyshard deals: core/vss MAX_SHARES (a test keeps them equal). */
export const MAX_WRITTEN_VSS_THRESHOLD = 255;
/** The longest secret keyshard splits with SLIP-39: core/policy IMPORT_SEED_MAX_BYTES (a test keeps them equal). */
export const MAX_WRITTEN_SLIP39_SECRET_BYTES = 64;
/** SLIP-39 words are 4 to 8 letters; a mnemonic has 7 words besides its value words (10 bits each). */
const SLIP39_LONGEST_WORD = 8;
const SLIP39_METADATA_WORDS = 7;
const SLIP39_WORD_BITS = 10;

function slip39PayloadLength(secretBytes: number): number {
  const words = SLIP39_METADATA_WORDS + Math.ceil((secretBytes * 8) / SLIP39_WORD_BITS);
  return words * (SLIP39_LONGEST_WORD + 1) - 1; // words and the single spaces between them
}

/** Bytes of the longest payload keyshard writes, over every scheme it knows. */
export const MAX_WRITTEN_PAYLOAD_BYTES = Math.max(
  slip39PayloadLength(MAX_WRITTEN_SLIP39_SECRET_BYTES),
  ...[...SCHEMES.values()].map((info) => (info.vss === undefined ? 0 : vssPayloadLength(info.vss.elementLength, MAX_WRITTEN_VSS_THRESHOLD))),
);

/** Layout problems in a VSS payload (public fields only; the signing share is never inspected). */
function vssShapeProblem(elementLength: number, payload: Uint8Array): string | undefined {
  if (payload.length < 4) return 'it is too short';
  const threshold = ((payload[0] as number) << 8) | (payload[1] as number);
  const shareCount = ((payload[2] as number) << 8) | (payload[3] as number);
  if (threshold < MIN_VSS_THRESHOLD) return `its threshold is below ${MIN_VSS_THRESHOLD}`;
  if (shareCount < threshold) return 'it has fewer shares than its threshold';
  if (payload.length !== vssPayloadLength(elementLength, threshold)) return 'its length does not match its threshold';
  const identifier = payload.subarray(4, 4 + SCALAR_LENGTH);
  if (identifier.every((b) => b === 0)) return 'its identifier is zero';
  if (elementLength === 33) {
    for (let i = 0; i < threshold; i++) {
      const prefix = payload[4 + 2 * SCALAR_LENGTH + i * elementLength] as number;
      if (prefix !== 2 && prefix !== 3) return 'a commitment is not a compressed point';
    }
  }
  return undefined;
}

/**
 * The payload for a VSS share. The signing share is copied into the result, which is secret: wipe it (or the
 * envelope holding it) when done. The caller keeps ownership of (and wipes) `share.signingShare`.
 */
export function encodeVssPayload(scheme: EnvelopeScheme, share: VssPayload): Uint8Array {
  const vss = schemeInfo(scheme).vss;
  if (vss === undefined) throw new KeyshardError('INVALID_ARGUMENT', 'This scheme does not carry VSS shares: use a vss-* scheme.');
  const { threshold, shareCount, identifier, signingShare, commitments } = share;
  if (!Number.isInteger(threshold) || threshold < MIN_VSS_THRESHOLD || threshold > MAX_VSS_COUNT) {
    throw new KeyshardError('INVALID_ARGUMENT', `The threshold must be a whole number from ${MIN_VSS_THRESHOLD} to ${MAX_VSS_COUNT}.`, { threshold });
  }
  if (!Number.isInteger(shareCount) || shareCount < threshold || shareCount > MAX_VSS_COUNT) {
    throw new KeyshardError('INVALID_ARGUMENT', 'The share count must be a whole number no smaller than the threshold.', { threshold, shareCount });
  }
  if (identifier.length !== SCALAR_LENGTH || signingShare.length !== SCALAR_LENGTH) {
    throw new KeyshardError('INVALID_ARGUMENT', `A share's identifier and signing share must be ${SCALAR_LENGTH} bytes each.`);
  }
  if (commitments.length !== threshold || commitments.some((c) => c.length !== vss.elementLength)) {
    throw new KeyshardError('INVALID_ARGUMENT', `A ${vss.ciphersuite} share needs exactly ${threshold} commitments of ${vss.elementLength} bytes.`, {
      threshold,
      commitments: commitments.length,
    });
  }
  const out = new Uint8Array(vssPayloadLength(vss.elementLength, threshold));
  out[0] = threshold >> 8;
  out[1] = threshold & 0xff;
  out[2] = shareCount >> 8;
  out[3] = shareCount & 0xff;
  out.set(identifier, 4);
  out.set(signingShare, 4 + SCALAR_LENGTH);
  commitments.forEach((c, i) => out.set(c, 4 + 2 * SCALAR_LENGTH + i * vss.elementLength));
  const problem = vssShapeProblem(vss.elementLength, out);
  if (problem !== undefined) {
    out.fill(0);
    throw new KeyshardError('INVALID_ARGUMENT', `This share cannot go into a shard: ${problem}.`);
  }
  return out;
}

/**
 * Reads a VSS payload. The returned arrays are views into `payload` (no extra copies of the signing share), so
 * wiping the envelope also wipes them.
 */
export function decodeVssPayload(scheme: EnvelopeScheme, payload: Uint8Array): VssPayload {
  const info = schemeInfo(scheme);
  if (info.vss === undefined) throw new KeyshardError('INVALID_ARGUMENT', 'This shard does not hold a VSS share.', { scheme: info.name });
  const { elementLength } = info.vss;
  const problem = vssShapeProblem(elementLength, payload);
  if (problem !== undefined) throw malformedPayload(info.name, problem);
  const threshold = ((payload[0] as number) << 8) | (payload[1] as number);
  const shareCount = ((payload[2] as number) << 8) | (payload[3] as number);
  const base = 4 + 2 * SCALAR_LENGTH;
  return {
    threshold,
    shareCount,
    identifier: payload.subarray(4, 4 + SCALAR_LENGTH),
    signingShare: payload.subarray(4 + SCALAR_LENGTH, base),
    commitments: Array.from({ length: threshold }, (_, i) => payload.subarray(base + i * elementLength, base + (i + 1) * elementLength)),
  };
}

/** The ciphersuite of a VSS scheme, or undefined for SLIP-39. */
export function vssCiphersuite(scheme: EnvelopeScheme): VssCiphersuite | undefined {
  return schemeInfo(scheme).vss?.ciphersuite;
}

/** Why a payload does not fit its scheme's layout, or undefined. Used by the envelope reader and writer. */
export function payloadShapeProblem(scheme: EnvelopeScheme, payload: Uint8Array): string | undefined {
  const info = schemeInfo(scheme);
  return info.vss === undefined ? slip39ShapeProblem(payload) : vssShapeProblem(info.vss.elementLength, payload);
}

function malformedPayload(scheme: string, problem: string): KeyshardError {
  return new KeyshardError(
    'ENVELOPE_FORMAT',
    `This shard's contents are not a valid ${scheme} share (${problem}). It was not made by keyshard or it is damaged: use the paper copy, or ask the ceremony lead.`,
    { scheme },
  );
}
