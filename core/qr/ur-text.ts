/**
 * Reads one scanned QR text as a UR and says what it is, before anything is fed to a decoder: the scanner must tell
 * "garbage or misread" (QR_FORMAT) from "a good part of some other message" (QR_MISMATCH) from "a part we already have",
 * and bc-ur's decoder only answers true/false. Everything here goes through bc-ur's public API.
 *
 * Error messages never quote the scanned text: for an unencrypted shard it is secret material.
 */
import { KeyshardError } from '../errors';
import { URDecoder } from './bc-ur';

/** Longer than any QR code can hold (version 40-L: 4296 alphanumeric characters); cuts off abuse early. */
const MAX_QR_TEXT_LENGTH = 7089;
/** CBOR byte-string header is at most 9 bytes. */
const CBOR_HEADER_MAX = 9;

export interface ParsedSinglePart {
  readonly kind: 'single';
  readonly type: string;
  /** Lower-cased, trimmed text: equal texts are the same message. */
  readonly normalized: string;
}

export interface ParsedMultiPart {
  readonly kind: 'multi';
  readonly type: string;
  readonly seqNum: number;
  readonly seqLength: number;
  readonly messageLength: number;
  readonly checksum: number;
  readonly fragmentLength: number;
  /** Every part of one message agrees on this; parts of different messages (almost surely) do not. */
  readonly messageKey: string;
  readonly normalized: string;
}

export type ParsedQrText = ParsedSinglePart | ParsedMultiPart;

export interface ParseLimits {
  /** Largest payload (bytes, before CBOR wrapping) to accept. */
  maxPayloadBytes: number;
}

function formatError(message: string, details?: Record<string, unknown>): KeyshardError {
  return new KeyshardError('QR_FORMAT', message, details);
}

const MISREAD =
  'This QR code was not read completely or correctly (its checksum does not match). Hold the code steady and fully in view; the scanner will read it again.';

export function parseQrText(text: string, limits: ParseLimits): ParsedQrText {
  if (typeof text !== 'string') throw formatError('The scanner passed something that is not text.');
  const normalized = text.trim().toLowerCase();
  if (!normalized.startsWith('ur:')) {
    throw formatError(
      'This QR code is not a keyshard code (keyshard codes start with "UR:BYTES/"). Show the shard\'s own QR code to the camera.',
      { reason: 'not-ur' },
    );
  }
  if (normalized.length > MAX_QR_TEXT_LENGTH) {
    throw formatError('This QR code holds more text than any QR code can; it is not a keyshard code.', { reason: 'too-long', length: normalized.length });
  }

  let type: string;
  let components: string[];
  try {
    [type, components] = URDecoder.parse(normalized);
  } catch {
    throw formatError('This QR code looks like a UR code but its header is malformed. Hold the code steady so it is read again.', {
      reason: 'bad-header',
    });
  }

  if (components.length === 1) {
    try {
      URDecoder.decode(normalized);
    } catch {
      throw formatError(MISREAD, { reason: 'checksum' });
    }
    return { kind: 'single', type, normalized };
  }
  if (components.length !== 2) {
    throw formatError('This QR code looks like a UR code but has the wrong number of sections. Hold the code steady so it is read again.', {
      reason: 'bad-path',
    });
  }

  const [seq, body] = components as [string, string];
  let seqNum: number;
  let seqLength: number;
  try {
    const parsed = URDecoder.parseSequenceComponent(seq);
    seqNum = parsed[0] ?? NaN;
    seqLength = parsed[1] ?? NaN;
  } catch {
    throw formatError('This QR code\'s part number is malformed. Hold the code steady so it is read again.', { reason: 'bad-sequence' });
  }

  // The body of a part is bytewords(CBOR [seqNum, seqLength, messageLength, checksum, fragment]) + CRC-32. Decoding it
  // as a single-part UR checks the CRC and hands back those CBOR bytes; decodeCBOR then yields the array.
  let fields: unknown;
  try {
    fields = URDecoder.decode(`ur:${type}/${body}`).decodeCBOR();
  } catch {
    throw formatError(MISREAD, { reason: 'checksum' });
  }
  if (!Array.isArray(fields) || fields.length !== 5) {
    throw formatError('This QR code is a UR part with an unexpected layout; it was not made by keyshard.', { reason: 'bad-part' });
  }
  const [fSeqNum, fSeqLength, messageLength, checksum, fragment] = fields as unknown[];
  const isUint32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff;
  if (
    !isUint32(fSeqNum) ||
    !isUint32(fSeqLength) ||
    !isUint32(messageLength) ||
    !isUint32(checksum) ||
    !(fragment instanceof Uint8Array) ||
    fragment.length === 0
  ) {
    throw formatError('This QR code is a UR part with an unexpected layout; it was not made by keyshard.', { reason: 'bad-part' });
  }
  if (fSeqNum !== seqNum || fSeqLength !== seqLength) {
    throw formatError('This QR code\'s part number does not match its contents; it was misread. Hold the code steady so it is read again.', {
      reason: 'sequence-mismatch',
    });
  }
  const fragmentLength = fragment.length;
  // A crafted part could announce millions of fragments and make bc-ur allocate for all of them: bound and cross-check.
  if (messageLength === 0 || messageLength > limits.maxPayloadBytes + CBOR_HEADER_MAX) {
    throw formatError('This QR code announces a message larger than any keyshard code carries; it was not made by keyshard.', {
      reason: 'too-large',
      messageLength,
    });
  }
  if (seqLength !== Math.ceil(messageLength / fragmentLength)) {
    throw formatError('This QR code\'s part count does not agree with its length; it was not made by keyshard or was misread.', {
      reason: 'inconsistent',
    });
  }
  return {
    kind: 'multi',
    type,
    seqNum,
    seqLength,
    messageLength,
    checksum,
    fragmentLength,
    messageKey: `${type}/${seqLength}/${messageLength}/${fragmentLength}/${checksum}`,
    normalized,
  };
}
