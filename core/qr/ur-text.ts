/**
 * Reads one scanned QR text as a UR and says what it is, before anything is fed to a decoder: the scanner must tell
 * "garbage or misread" (QR_FORMAT) from "a good part of some other message" (QR_MISMATCH) from "a part we already have",
 * and bc-ur's decoder only answers true/false. A multi-part code's sizes (part count, message length, fragment length)
 * are read and bounded here (limits.ts) before bc-ur's fountain decoder, whose work grows with them, ever sees the part.
 *
 * Error messages never quote the scanned text: for an unencrypted shard it is secret material.
 */
import { KeyshardError } from '../errors';
import { decodeMinimalBytewords } from './bytewords';
import { cborByteStringLength, keyshardFragmentLength, MAX_FRAGMENT_LENGTH, MAX_PLAIN_PARTS, MIN_FRAGMENT_LENGTH } from './limits';
import { readUrPartHeader } from './part-header';

/** Longer than any QR code can hold (version 40-L: 4296 alphanumeric characters); cuts off abuse early. */
const MAX_QR_TEXT_LENGTH = 7089;
const LARGEST_UINT32 = 0xffff_ffff;

export interface ParsedSinglePart {
  readonly kind: 'single';
  readonly type: string;
  /** Lower-cased, trimmed text: equal texts are the same message. */
  readonly normalized: string;
  /** The UR's CBOR, its bytewords CRC checked (for a `bytes` UR: a CBOR byte string holding the payload). */
  readonly message: Uint8Array;
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
  /** The part's bytes (one fragment, or the XOR of several for a mixed part). */
  readonly fragment: Uint8Array;
}

export type ParsedQrText = ParsedSinglePart | ParsedMultiPart;

export interface ParseLimits {
  /** Largest payload (bytes, before CBOR wrapping) to accept. */
  maxPayloadBytes: number;
}

function formatError(message: string, details?: Record<string, unknown>): KeyshardError {
  return new KeyshardError('QR_FORMAT', message, details);
}

/** A part outside what keyshard's own framing makes: refused before any decoder spends work on it. */
function notKeyshards(reason: string, details: Record<string, unknown>): KeyshardError {
  return formatError(
    'This QR code announces a message larger, or cut into more parts, than any keyshard code; it was not made by keyshard. Show the shard\'s own QR code.',
    { reason, ...details },
  );
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

  // ur:<type>/<body> or ur:<type>/<seqNum>-<seqLength>/<body>, read by hand (BCR-2020-005).
  const components = normalized.slice('ur:'.length).split('/');
  const type = components.shift() ?? '';
  if (!/^[a-z0-9-]+$/.test(type) || components.length === 0 || components.some((c) => c.length === 0)) {
    throw formatError('This QR code looks like a UR code but its header is malformed. Hold the code steady so it is read again.', {
      reason: 'bad-header',
    });
  }

  if (components.length === 1) {
    const message = decodeMinimalBytewords(components[0] as string);
    if (message === undefined) throw formatError(MISREAD, { reason: 'checksum' });
    return { kind: 'single', type, normalized, message };
  }
  if (components.length !== 2) {
    throw formatError('This QR code looks like a UR code but has the wrong number of sections. Hold the code steady so it is read again.', {
      reason: 'bad-path',
    });
  }

  const [seq, body] = components as [string, string];
  // The part number first: a part announcing more parts than keyshard ever cuts a message into is refused before its
  // body is even decoded.
  const seqMatch = /^([1-9][0-9]{0,9})-([1-9][0-9]{0,9})$/.exec(seq);
  const seqNum = seqMatch === null ? NaN : Number(seqMatch[1]);
  const seqLength = seqMatch === null ? NaN : Number(seqMatch[2]);
  if (!(seqNum <= LARGEST_UINT32) || !(seqLength <= LARGEST_UINT32)) {
    throw formatError('This QR code\'s part number is malformed. Hold the code steady so it is read again.', { reason: 'bad-sequence' });
  }
  if (seqLength < 2 || seqLength > MAX_PLAIN_PARTS) throw notKeyshards('too-many-parts', { seqLength, mostParts: MAX_PLAIN_PARTS });

  // The body is bytewords(CBOR [seqNum, seqLength, messageLength, checksum, fragment]) + CRC-32.
  const cbor = decodeMinimalBytewords(body);
  if (cbor === undefined) throw formatError(MISREAD, { reason: 'checksum' });
  const header = readUrPartHeader(cbor);
  if (header === undefined || header.fragment.length === 0) {
    throw formatError('This QR code is a UR part with an unexpected layout; it was not made by keyshard.', { reason: 'bad-part' });
  }
  const { messageLength, checksum } = header;
  if (header.seqNum !== seqNum || header.seqLength !== seqLength) {
    throw formatError('This QR code\'s part number does not match its contents; it was misread. Hold the code steady so it is read again.', {
      reason: 'sequence-mismatch',
    });
  }
  const fragmentLength = header.fragment.length;
  const maxMessageLength = cborByteStringLength(limits.maxPayloadBytes);
  if (messageLength < 2 || messageLength > maxMessageLength) throw notKeyshards('too-large', { messageLength, maxMessageLength });
  // keyshard's framing cuts a message into fragments within these bounds; finer parts only multiply a decoder's work.
  const shortest = keyshardFragmentLength(messageLength, MIN_FRAGMENT_LENGTH);
  const longest = keyshardFragmentLength(messageLength, MAX_FRAGMENT_LENGTH);
  if (fragmentLength < shortest || fragmentLength > longest) throw notKeyshards('fragment-length', { fragmentLength, shortest, longest });
  // bc-ur cuts a message into seqLength equal fragments (the last one padded): all three numbers must agree.
  if (seqLength !== Math.ceil(messageLength / fragmentLength) || fragmentLength !== Math.ceil(messageLength / seqLength)) {
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
    fragment: header.fragment,
  };
}
