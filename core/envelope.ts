/**
 * The shard envelope: one versioned, checksummed format for every shard, whatever its scheme.
 *
 * Binary layout, format version 1 (all integers big-endian):
 *
 *   offset      size  field
 *   0           2     magic "KS" (0x4B 0x53)
 *   2           1     format version (1)
 *   3           1     scheme (1 slip39, 2 vss-ed25519, 3 vss-secp256k1, 4 vss-p256; see envelope-payload.ts)
 *   4           16    ceremony id (random, shown as 32 hex digits)
 *   20          2     custodian index (u16)
 *   22          1     custodian label length L (1..64)
 *   23          L     custodian label (UTF-8, NFC, no control characters)
 *   23+L        32    group fingerprint (SHA-256 of the group's public identity, supplied by the caller)
 *   55+L        2     payload length P (u16)
 *   57+L        P     payload (secret; layout per scheme in envelope-payload.ts)
 *   57+L+P      16    checksum: the first 16 bytes of SHA-256 over bytes [0, 57+L+P)
 *   total: 73 + L + P bytes
 *
 * Invariant for every future version: an envelope starts with the magic and a version byte and ends with
 * 16 bytes of SHA-256 over everything before them. That lets an old reader tell "made by a newer keyshard"
 * (checksum holds, version unknown) from "damaged" (checksum fails) without knowing the new layout.
 *
 * Why 16 bytes of checksum: it only has to catch damage (a mis-scan, a typo from paper, a bad USB stick), not
 * an attacker: anyone can recompute it, so authenticity comes from the group fingerprint, the VSS commitments
 * and the transcript. 128 bits make an undetected corruption of any pattern (not just the random ones CRCs are
 * built for) a 2^-128 event, so the checksum is never the weakest link at the system's 128-bit level, and it
 * costs 26 base32 characters, a small share of a typical 300-600 character shard. 4 or 8 bytes would leave
 * 2^-32 or 2^-64: too close for something that feeds key recovery.
 *
 * Text form (QR and paper): "KS1" + RFC 4648 base32 of the binary, uppercase, no padding. '1' is not in the
 * base32 alphabet, so it cleanly separates the prefix; every character is QR-alphanumeric. Readers ignore case
 * and whitespace, so the text may be typed in lower case and printed in groups of characters on several lines.
 *
 * The payload is secret: `wipeEnvelope` zeroes it; temporary buffers made here that held it are zeroed too.
 * Strings (the text form, a decoded mnemonic) cannot be wiped in JS: keep them short-lived.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { decodeBase32, encodeBase32, encodeBase32Ascii } from './base32';
import { isKnownScheme, MAX_WRITTEN_PAYLOAD_BYTES, payloadShapeProblem, schemeName } from './envelope-payload';
import type { EnvelopeScheme } from './envelope-payload';
import { KeyshardError } from './errors';
import { stripLineChecks } from './paper-lines';
import type { RandomSource } from './random';
import { utf8Decode, utf8Encode } from './utf8';

export {
  EnvelopeScheme,
  decodeSlip39Payload,
  decodeVssPayload,
  encodeSlip39Payload,
  encodeVssPayload,
  isKnownScheme,
  schemeName,
  vssCiphersuite,
  vssScheme,
} from './envelope-payload';
export type { VssCiphersuite, VssPayload } from './envelope-payload';

export const ENVELOPE_MAGIC: readonly number[] = [0x4b, 0x53];
export const ENVELOPE_FORMAT_VERSION = 1;
export const CEREMONY_ID_LENGTH = 16;
export const GROUP_FINGERPRINT_LENGTH = 32;
export const CHECKSUM_LENGTH = 16;
export const MAX_LABEL_BYTES = 64;
export const MAX_PAYLOAD_BYTES = 0xffff;
export const ENVELOPE_TEXT_PREFIX = 'KS1';

// fixed offsets of the version 1 layout
const OFFSET_VERSION = 2;
const OFFSET_SCHEME = 3;
const OFFSET_CEREMONY_ID = 4;
const OFFSET_CUSTODIAN_INDEX = 20;
const OFFSET_LABEL_LENGTH = 22;
const OFFSET_LABEL = 23;
/** Bytes other than label and payload: 23 before the label, 32 + 2 between label and payload, then the checksum. */
const FIXED_BYTES = OFFSET_LABEL + GROUP_FINGERPRINT_LENGTH + 2 + CHECKSUM_LENGTH;
/**
 * The largest envelope keyshard writes: the longest label and the longest payload it makes (MAX_WRITTEN_PAYLOAD_BYTES,
 * a VSS share with 255 commitments). Anything bigger that arrives from outside (a QR stream) was not made by keyshard.
 */
export const MAX_WRITTEN_ENVELOPE_BYTES = FIXED_BYTES + MAX_LABEL_BYTES + MAX_WRITTEN_PAYLOAD_BYTES;

export interface Envelope {
  readonly scheme: EnvelopeScheme;
  /** 16 random bytes naming the ceremony; every shard of one ceremony carries the same id. */
  readonly ceremonyId: Uint8Array;
  /** The custodian's index in the ceremony plan (0..65535). */
  readonly custodianIndex: number;
  /** A human name for the custodian or the shard, e.g. "Alice - Zurich vault". 1..64 bytes of UTF-8. */
  readonly custodianLabel: string;
  /** SHA-256 of the group's public identity (32 bytes), so a shard can be matched to its group without secrets. */
  readonly groupFingerprint: Uint8Array;
  /** The share itself. SECRET: wipe with wipeEnvelope when done. */
  readonly payload: Uint8Array;
}

/** Zeroes the envelope's payload (the secret part). The envelope is useless afterwards. */
export function wipeEnvelope(e: Envelope): void {
  e.payload.fill(0);
}

/** A new ceremony id from the injected random source. */
export function newCeremonyId(random: RandomSource): Uint8Array {
  const id = random(CEREMONY_ID_LENGTH);
  if (!(id instanceof Uint8Array) || id.length !== CEREMONY_ID_LENGTH) {
    throw new KeyshardError('INTERNAL', 'The random source returned the wrong number of bytes.', { expected: CEREMONY_ID_LENGTH });
  }
  return id;
}

export function ceremonyIdToHex(id: Uint8Array): string {
  return bytesToHex(id);
}

export function ceremonyIdFromHex(hex: string): Uint8Array {
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new KeyshardError('INVALID_HEX', 'A ceremony id is 32 hexadecimal digits (0-9, a-f). Check it and try again.');
  }
  return hexToBytes(hex.toLowerCase());
}

/** The public facts of an envelope, for screens, JSON and logs. Never includes the payload. */
export interface EnvelopeSummary {
  readonly formatVersion: number;
  readonly scheme: string;
  readonly ceremonyId: string;
  readonly custodianIndex: number;
  readonly custodianLabel: string;
  readonly groupFingerprint: string;
  readonly payloadLength: number;
}

export function describeEnvelope(e: Envelope): EnvelopeSummary {
  return {
    formatVersion: ENVELOPE_FORMAT_VERSION,
    scheme: schemeName(e.scheme),
    ceremonyId: bytesToHex(e.ceremonyId),
    custodianIndex: e.custodianIndex,
    custodianLabel: e.custodianLabel,
    groupFingerprint: bytesToHex(e.groupFingerprint),
    payloadLength: e.payload.length,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// labels

/** Why a label cannot go into an envelope, or undefined. Control characters would break printed pages and logs. */
function labelProblem(label: string, bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return 'it is not valid Unicode text';
  if (bytes.length === 0) return 'it is empty';
  if (bytes.length > MAX_LABEL_BYTES) return `it is longer than ${MAX_LABEL_BYTES} bytes of UTF-8`;
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(label)) return 'it contains control characters or line breaks';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// binary form

function checksumOf(bytes: Uint8Array): Uint8Array {
  return sha256(bytes).subarray(0, CHECKSUM_LENGTH);
}

/** True when `bytes[end, end + 16)` is the checksum of `bytes[0, end)`. Compares without early exit. */
function checksumHolds(bytes: Uint8Array, end: number): boolean {
  if (end < 0 || end + CHECKSUM_LENGTH > bytes.length) return false;
  const expected = checksumOf(bytes.subarray(0, end));
  let diff = 0;
  for (let i = 0; i < CHECKSUM_LENGTH; i++) diff |= (expected[i] as number) ^ (bytes[end + i] as number);
  return diff === 0;
}

/** Encodes an envelope in the binary form. The result holds the payload: the caller wipes it when done. */
export function encodeEnvelope(e: Envelope): Uint8Array {
  if (!isKnownScheme(e.scheme)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'Unknown shard scheme: use slip39, vss-ed25519, vss-secp256k1 or vss-p256.', { scheme: e.scheme });
  }
  if (!(e.ceremonyId instanceof Uint8Array) || e.ceremonyId.length !== CEREMONY_ID_LENGTH) {
    throw new KeyshardError('INVALID_ARGUMENT', `A ceremony id is ${CEREMONY_ID_LENGTH} bytes.`);
  }
  if (!Number.isInteger(e.custodianIndex) || e.custodianIndex < 0 || e.custodianIndex > 0xffff) {
    throw new KeyshardError('INVALID_ARGUMENT', 'A custodian index is a whole number from 0 to 65535.', { custodianIndex: e.custodianIndex });
  }
  if (!(e.groupFingerprint instanceof Uint8Array) || e.groupFingerprint.length !== GROUP_FINGERPRINT_LENGTH) {
    throw new KeyshardError('INVALID_ARGUMENT', `A group fingerprint is ${GROUP_FINGERPRINT_LENGTH} bytes (a SHA-256 digest).`);
  }
  const label = utf8Encode(e.custodianLabel);
  const problem = labelProblem(e.custodianLabel, label) ?? (e.custodianLabel.normalize('NFC') === e.custodianLabel ? undefined : 'it is not in Unicode NFC form');
  if (problem !== undefined || label === undefined) {
    throw new KeyshardError('INVALID_ARGUMENT', `This custodian label cannot go into a shard: ${problem ?? 'it is not valid text'}. Choose a shorter, plain label.`);
  }
  if (!(e.payload instanceof Uint8Array) || e.payload.length > MAX_PAYLOAD_BYTES) {
    throw new KeyshardError('INVALID_ARGUMENT', `A shard payload is at most ${MAX_PAYLOAD_BYTES} bytes.`);
  }
  const payloadProblem = payloadShapeProblem(e.scheme, e.payload);
  if (payloadProblem !== undefined) {
    throw new KeyshardError('INVALID_ARGUMENT', `This share does not fit its scheme (${schemeName(e.scheme)}): ${payloadProblem}.`);
  }

  const L = label.length;
  const P = e.payload.length;
  const out = new Uint8Array(FIXED_BYTES + L + P);
  out[0] = ENVELOPE_MAGIC[0] as number;
  out[1] = ENVELOPE_MAGIC[1] as number;
  out[OFFSET_VERSION] = ENVELOPE_FORMAT_VERSION;
  out[OFFSET_SCHEME] = e.scheme;
  out.set(e.ceremonyId, OFFSET_CEREMONY_ID);
  out[OFFSET_CUSTODIAN_INDEX] = e.custodianIndex >> 8;
  out[OFFSET_CUSTODIAN_INDEX + 1] = e.custodianIndex & 0xff;
  out[OFFSET_LABEL_LENGTH] = L;
  out.set(label, OFFSET_LABEL);
  let p = OFFSET_LABEL + L;
  out.set(e.groupFingerprint, p);
  p += GROUP_FINGERPRINT_LENGTH;
  out[p] = P >> 8;
  out[p + 1] = P & 0xff;
  p += 2;
  out.set(e.payload, p);
  p += P;
  out.set(checksumOf(out.subarray(0, p)), p);
  return out;
}

/** Where the length fields of a version 1 envelope say its checksum starts, or 'short' if they cannot be read. */
function checksumOffset(bytes: Uint8Array): number | 'short' {
  if (bytes.length <= OFFSET_LABEL_LENGTH) return 'short';
  const L = bytes[OFFSET_LABEL_LENGTH] as number;
  const payloadLengthAt = OFFSET_LABEL + L + GROUP_FINGERPRINT_LENGTH;
  if (bytes.length < payloadLengthAt + 2) return 'short';
  const P = ((bytes[payloadLengthAt] as number) << 8) | (bytes[payloadLengthAt + 1] as number);
  return payloadLengthAt + 2 + P;
}

const DAMAGED = 'This shard is damaged: its checksum does not match its contents. Scan it again, or use the paper copy.';
const TRUNCATED =
  'This shard is incomplete: it ends before its own header says it should. Scan it again, or type it in again from the paper copy and check that no line is missing.';
const NOT_A_SHARD =
  'This is not a keyshard shard: it does not start with the keyshard marker. If it should be one, it is damaged: scan it again or use the paper copy.';

function damaged(details?: Record<string, unknown>): KeyshardError {
  return new KeyshardError('ENVELOPE_CHECKSUM', DAMAGED, details);
}

/**
 * Reads an envelope from its binary form. Every problem is a KeyshardError:
 * ENVELOPE_FORMAT (not a shard, extra bytes at the end, fields that break the format's rules),
 * ENVELOPE_VERSION (made by a newer keyshard), ENVELOPE_TRUNCATED (shorter than its header says),
 * ENVELOPE_CHECKSUM (damaged). The result owns copies of its fields; `bytes` is not modified.
 */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  if (!(bytes instanceof Uint8Array)) throw new KeyshardError('INVALID_ARGUMENT', 'A shard must be given as bytes.');
  const magicMatches = ENVELOPE_MAGIC.every((m, i) => i >= bytes.length || bytes[i] === m);
  if (bytes.length <= OFFSET_VERSION) {
    if (!magicMatches) throw new KeyshardError('ENVELOPE_FORMAT', NOT_A_SHARD);
    throw new KeyshardError('ENVELOPE_TRUNCATED', TRUNCATED, { actualLength: bytes.length });
  }
  const version = bytes[OFFSET_VERSION] as number;
  if (!magicMatches) {
    // A version 1 envelope whose only fault is a damaged marker is "damaged", not "something else".
    const end = checksumOffset(bytes);
    if (version === ENVELOPE_FORMAT_VERSION && end !== 'short' && end + CHECKSUM_LENGTH === bytes.length && !checksumHolds(bytes, end)) {
      throw damaged();
    }
    throw new KeyshardError('ENVELOPE_FORMAT', NOT_A_SHARD);
  }
  if (version !== ENVELOPE_FORMAT_VERSION) {
    // Every version ends with a checksum over all before it: if it holds, the shard is fine and simply newer.
    if (checksumHolds(bytes, bytes.length - CHECKSUM_LENGTH)) {
      throw new KeyshardError(
        'ENVELOPE_VERSION',
        `This shard was made by another, probably newer, version of keyshard (shard format ${version}; this keyshard reads format ${ENVELOPE_FORMAT_VERSION}). Open it with a newer keyshard.`,
        { version, supported: ENVELOPE_FORMAT_VERSION },
      );
    }
    throw damaged();
  }

  const end = checksumOffset(bytes);
  if (end === 'short' || bytes.length < end + CHECKSUM_LENGTH) {
    throw new KeyshardError('ENVELOPE_TRUNCATED', TRUNCATED, {
      actualLength: bytes.length,
      ...(end === 'short' ? {} : { expectedLength: end + CHECKSUM_LENGTH }),
    });
  }
  if (bytes.length > end + CHECKSUM_LENGTH) {
    // Either junk after an intact shard, or a damaged length field: the checksum where the header says tells which.
    if (checksumHolds(bytes, end)) {
      throw new KeyshardError(
        'ENVELOPE_FORMAT',
        'This shard has extra data after its end. Scan it again, or copy only the shard itself (from KS1 to its last character).',
        { expectedLength: end + CHECKSUM_LENGTH, actualLength: bytes.length },
      );
    }
    throw damaged();
  }
  if (!checksumHolds(bytes, end)) throw damaged();

  // From here on the bytes are exactly what some writer produced: violations are format errors, not damage.
  const scheme = bytes[OFFSET_SCHEME] as number;
  if (!isKnownScheme(scheme)) {
    throw new KeyshardError(
      'ENVELOPE_VERSION',
      `This shard holds a kind of share (scheme ${scheme}) that this version of keyshard does not know. Open it with a newer keyshard.`,
      { scheme },
    );
  }
  const L = bytes[OFFSET_LABEL_LENGTH] as number;
  const labelBytes = bytes.subarray(OFFSET_LABEL, OFFSET_LABEL + L);
  const custodianLabel = utf8Decode(labelBytes);
  const problem = custodianLabel === undefined ? 'it is not valid UTF-8' : labelProblem(custodianLabel, labelBytes);
  if (problem !== undefined || custodianLabel === undefined) {
    throw new KeyshardError('ENVELOPE_FORMAT', `This shard's custodian label is not valid (${problem ?? 'unreadable'}). It was not made by keyshard: ask the ceremony lead.`);
  }
  const fingerprintAt = OFFSET_LABEL + L;
  const payloadAt = fingerprintAt + GROUP_FINGERPRINT_LENGTH + 2;
  const payloadView = bytes.subarray(payloadAt, end);
  const payloadProblem = payloadShapeProblem(scheme, payloadView);
  if (payloadProblem !== undefined) {
    throw new KeyshardError(
      'ENVELOPE_FORMAT',
      `This shard's contents are not a valid ${schemeName(scheme)} share (${payloadProblem}). It was not made by keyshard: use the paper copy, or ask the ceremony lead.`,
      { scheme: schemeName(scheme) },
    );
  }
  return {
    scheme,
    ceremonyId: bytes.slice(OFFSET_CEREMONY_ID, OFFSET_CEREMONY_ID + CEREMONY_ID_LENGTH),
    custodianIndex: ((bytes[OFFSET_CUSTODIAN_INDEX] as number) << 8) | (bytes[OFFSET_CUSTODIAN_INDEX + 1] as number),
    custodianLabel,
    groupFingerprint: bytes.slice(fingerprintAt, fingerprintAt + GROUP_FINGERPRINT_LENGTH),
    payload: payloadView.slice(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// text form

export interface EnvelopeTextLayout {
  /** Characters per group, separated by spaces (for paper). Default: no grouping (for QR codes and files). */
  readonly groupSize?: number;
  /** Groups per line; lines end with '\n'. Default: all groups on one line. */
  readonly groupsPerLine?: number;
}

/**
 * The text form: "KS1" + base32. With a layout, the body is split into groups and lines for paper
 * ("KS1 ABCDE FGHIJ ..."); readers ignore the spaces and line breaks.
 */
export function envelopeToText(e: Envelope, layout: EnvelopeTextLayout = {}): string {
  const binary = encodeEnvelope(e);
  let body: string;
  try {
    body = encodeBase32(binary);
  } finally {
    binary.fill(0);
  }
  const { groupSize, groupsPerLine } = layout;
  if (groupSize === undefined) return ENVELOPE_TEXT_PREFIX + body;
  if (!Number.isInteger(groupSize) || groupSize < 1) throw new KeyshardError('INVALID_ARGUMENT', 'The group size must be a whole number of at least 1.');
  if (groupsPerLine !== undefined && (!Number.isInteger(groupsPerLine) || groupsPerLine < 1)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'Groups per line must be a whole number of at least 1.');
  }
  const groups: string[] = [];
  for (let i = 0; i < body.length; i += groupSize) groups.push(body.slice(i, i + groupSize));
  const perLine = groupsPerLine ?? groups.length;
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += perLine) lines.push(groups.slice(i, i + perLine).join(' '));
  return `${ENVELOPE_TEXT_PREFIX} ${lines.join('\n')}`;
}

/**
 * The text form of an envelope's binary ("KS1" + base32, no layout) as ASCII bytes, never as a string: what a shard
 * file holds before it is encrypted. The caller wipes it.
 */
export function envelopeTextBytes(binary: Uint8Array): Uint8Array {
  const body = encodeBase32Ascii(binary);
  const out = new Uint8Array(ENVELOPE_TEXT_PREFIX.length + body.length);
  for (let i = 0; i < ENVELOPE_TEXT_PREFIX.length; i++) out[i] = ENVELOPE_TEXT_PREFIX.charCodeAt(i);
  out.set(body, ENVELOPE_TEXT_PREFIX.length);
  body.fill(0);
  return out;
}

/** 1-based position in `text` of the n-th (0-based) character that is not whitespace. */
function positionInOriginal(text: string, nonSpaceIndex: number): number {
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    if (/\s/.test(text.charAt(i))) continue;
    if (seen === nonSpaceIndex) return i + 1;
    seen++;
  }
  return text.length;
}

/**
 * Reads the text form. Tolerates lower case, spaces, tabs and line breaks anywhere.
 * Errors as decodeEnvelope, plus ENVELOPE_FORMAT for a missing "KS1" prefix or a character outside the
 * alphabet (its position is in `details.position`, the character itself is never echoed).
 */
export function envelopeFromText(typed: string): Envelope {
  if (typeof typed !== 'string') throw new KeyshardError('INVALID_ARGUMENT', 'A shard text must be a string.');
  // Typed from paper with each line's check characters (core/paper-lines): a mistyped line is named here.
  const text = stripLineChecks(typed);
  const compact = text.replace(/\s+/g, '');
  const prefix = compact.slice(0, ENVELOPE_TEXT_PREFIX.length).toUpperCase();
  if (compact.length < ENVELOPE_TEXT_PREFIX.length) {
    if (ENVELOPE_TEXT_PREFIX.startsWith(prefix)) throw new KeyshardError('ENVELOPE_TRUNCATED', TRUNCATED, { actualLength: 0 });
    throw new KeyshardError('ENVELOPE_FORMAT', 'This is not a keyshard shard: shard texts start with KS1. Check that you scanned or typed the right thing.');
  }
  if (prefix !== ENVELOPE_TEXT_PREFIX) {
    throw new KeyshardError('ENVELOPE_FORMAT', 'This is not a keyshard shard: shard texts start with KS1. Check that you scanned or typed the right thing.');
  }
  const decoded = decodeBase32(compact.slice(ENVELOPE_TEXT_PREFIX.length));
  if ('badIndex' in decoded) {
    const position = positionInOriginal(text, ENVELOPE_TEXT_PREFIX.length + decoded.badIndex);
    throw new KeyshardError(
      'ENVELOPE_FORMAT',
      `This shard text has a character that shards never use, at position ${position}. Shards use only the letters A-Z and the digits 2-7: ` +
        'a 0 is probably the letter O, a 1 the letter I or L, an 8 the letter B. Correct it and try again.',
      { position },
    );
  }
  const { bytes, canonical, danglingCharacters } = decoded;
  try {
    const envelope = decodeEnvelope(bytes);
    if (danglingCharacters) {
      wipeEnvelope(envelope);
      throw new KeyshardError('ENVELOPE_FORMAT', 'This shard text has extra characters at its end. Compare it with the paper copy and remove them.');
    }
    if (!canonical) {
      // The last character carries bits no shard sets: a typo there that the checksum cannot see.
      wipeEnvelope(envelope);
      throw damaged({ lastCharacter: true });
    }
    return envelope;
  } finally {
    bytes.fill(0);
  }
}
