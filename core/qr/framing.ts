/**
 * How a payload (in practice a binary shard envelope; here opaque bytes) becomes QR code text.
 *
 * Format: always a Uniform Resource (Blockchain Commons BCR-2020-005) of the registered type `bytes` —
 *  - small payloads: one single-part code `UR:BYTES/<bytewords>`;
 *  - larger ones: an animated sequence of fountain-coded parts `UR:BYTES/<seq>-<count>/<bytewords>` (BCR-2020-005 §
 *    multi-part URs), from @ngraveio/bc-ur.
 * Why UR for the single code too, rather than a bespoke text form: the scanner then has one parser for both cases,
 *  bytewords carry a CRC-32 so a misread code is rejected instead of yielding wrong bytes, and any UR-aware tool (other
 *  wallets' scanners, `bytewords`/`seedtool` from Blockchain Commons) can read a keyshard code without knowing keyshard.
 *  The envelope inside carries its own version and checksum; this layer does not look at it.
 * Why `bytes` and not a keyshard-specific type: a private type (`ur:keyshard-...`) is unregistered and other tools would
 *  refuse it; `bytes` is the registered type for opaque data.
 * Why upper case: the UR spec recommends it for QR codes — UR text is case-insensitive and upper case fits QR's
 *  alphanumeric mode (5.5 bits per character instead of 8), making codes about a third smaller.
 *
 * Determinism: the plan depends only on its inputs. bc-ur's part number n is a pure function of (message, fragment
 * length, n): parts 1..partCount are the plain fragments, later ones are XOR mixes chosen by a PRNG seeded with n and
 * the message checksum. So part(n) can be regenerated anywhere, e.g. for a printed grid or a fake camera.
 */
import { Buffer } from 'buffer';
import { KeyshardError } from '../errors';
import { UR, UREncoder } from './bc-ur';
import { displayLoopSeqNums } from './display-loop';
import { framingMaxFragment, MAX_FRAGMENT_LENGTH, MIN_FRAGMENT_LENGTH } from './limits';
import { parseQrText } from './ur-text';
import { checkErrorCorrectionLevel, DEFAULT_ERROR_CORRECTION_LEVEL, qrVersionFor, type QrErrorCorrectionLevel } from './matrix';

/** The registered UR type keyshard uses for every code. */
export const QR_UR_TYPE = 'bytes';

/**
 * Largest QR version used for a single code by default. Version 20 is 97x97 modules, which a laptop webcam still reads
 * from a screen at arm's length and which prints legibly at 5 cm; at level M it holds a payload of about 480 bytes.
 * Anything larger is animated rather than made denser.
 */
export const DEFAULT_MAX_SINGLE_VERSION = 20;

/**
 * Bytes of payload per animated part. 200 gives version-13 frames (69x69 modules) at level M — easy to read on the
 * fly — and 21 plain parts for a 4 KB payload.
 */
export const DEFAULT_FRAGMENT_LENGTH = 200;

/** Upper bound on payloads this layer will frame or assemble. Shard envelopes are a few KB; this leaves ample room. */
export const MAX_QR_PAYLOAD_BYTES = 64 * 1024;

const LARGEST_SEQUENCE_NUMBER = 0xffff_ffff;

export interface QrFrameOptions {
  errorCorrectionLevel?: QrErrorCorrectionLevel;
  /** Largest version (1..40) a single code may use before the payload is animated instead. */
  maxSingleVersion?: number;
  /** Payload bytes per animated part (10..1000). */
  fragmentLength?: number;
}

export interface SingleQrPlan {
  readonly kind: 'single';
  readonly text: string;
  readonly version: number;
  readonly errorCorrectionLevel: QrErrorCorrectionLevel;
  readonly payloadLength: number;
}

export interface AnimatedQrPlan {
  readonly kind: 'animated';
  /** Number of plain parts (1..partCount). Any partCount distinct parts usually suffice; drops need a few more. */
  readonly partCount: number;
  /** Payload bytes per part as bc-ur settled it (at most the requested fragment length). */
  readonly fragmentLength: number;
  /** QR version of part 1; parts numbered past 23, 255 or 65535 are a few characters longer and may need one more. */
  readonly frameVersion: number;
  readonly errorCorrectionLevel: QrErrorCorrectionLevel;
  readonly payloadLength: number;
  /** Part number `seqNum` (1-based; past partCount come the mixed parts). Pure: same input, same text. */
  part(seqNum: number): string;
  /** The next part of an endless loop 1, 2, 3, ... for an animated display; each plan has its own cursor. */
  nextPart(): string;
  /** `count` consecutive parts starting at `firstSeqNum` (default 1). */
  parts(count: number, firstSeqNum?: number): string[];
  /**
   * One round of what a screen shows, to be looped: the plain parts, then mixed parts a lossy scan solves from
   * (display-loop.ts). Computed on each call (about 1 ms per 5 part numbers tried); keep the result.
   */
  displayLoop(): string[];
}

export type QrFramePlan = SingleQrPlan | AnimatedQrPlan;

/**
 * Decides between one code and an animated sequence for `payload`, and returns the code text(s).
 * The payload is copied; the caller may zeroize its array afterwards. (The plan itself keeps a copy for as long as it
 * lives, in bc-ur's Buffers, which cannot be wiped — encrypt shard envelopes before they get here where that matters.)
 */
export function planQrFrames(payload: Uint8Array, options: QrFrameOptions = {}): QrFramePlan {
  if (!(payload instanceof Uint8Array) || payload.length === 0) {
    throw new KeyshardError('INVALID_ARGUMENT', 'Nothing to put in a QR code: the payload is empty or not bytes.');
  }
  if (payload.length > MAX_QR_PAYLOAD_BYTES) {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      `The payload is ${payload.length} bytes; QR framing takes at most ${MAX_QR_PAYLOAD_BYTES}. Save it to a file or USB drive instead.`,
      { length: payload.length, max: MAX_QR_PAYLOAD_BYTES },
    );
  }
  const errorCorrectionLevel = checkErrorCorrectionLevel(options.errorCorrectionLevel ?? DEFAULT_ERROR_CORRECTION_LEVEL);
  const maxSingleVersion = options.maxSingleVersion ?? DEFAULT_MAX_SINGLE_VERSION;
  if (!Number.isInteger(maxSingleVersion) || maxSingleVersion < 1 || maxSingleVersion > 40) {
    throw new KeyshardError('INVALID_ARGUMENT', 'maxSingleVersion must be a whole number from 1 to 40.', { maxSingleVersion });
  }
  const requestedFragment = options.fragmentLength ?? DEFAULT_FRAGMENT_LENGTH;
  if (!Number.isInteger(requestedFragment) || requestedFragment < MIN_FRAGMENT_LENGTH || requestedFragment > MAX_FRAGMENT_LENGTH) {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      `fragmentLength must be a whole number of bytes from ${MIN_FRAGMENT_LENGTH} to ${MAX_FRAGMENT_LENGTH}.`,
      { fragmentLength: requestedFragment },
    );
  }

  const ur = UR.fromBuffer(Buffer.from(payload));
  const singleText = UREncoder.encodeSinglePart(ur).toUpperCase();
  const singleVersion = qrVersionFor(singleText, errorCorrectionLevel);
  if (singleVersion !== undefined && singleVersion <= maxSingleVersion) {
    return { kind: 'single', text: singleText, version: singleVersion, errorCorrectionLevel, payloadLength: payload.length };
  }

  // bc-ur fragments the CBOR-wrapped message. Cap the fragment at half of it so there are always at least two parts:
  // with one fragment bc-ur would emit the single-part form we just found too big.
  const messageLength = ur.cbor.length;
  const maxFragment = framingMaxFragment(messageLength, requestedFragment);
  const minFragment = Math.min(MIN_FRAGMENT_LENGTH, maxFragment);
  const encoderAt = (firstSeqNum: number) => new UREncoder(ur, maxFragment, firstSeqNum, minFragment);
  const partCount = encoderAt(0).fragmentsLength;

  const part = (seqNum: number): string => {
    if (!Number.isInteger(seqNum) || seqNum < 1 || seqNum > LARGEST_SEQUENCE_NUMBER) {
      throw new KeyshardError('INVALID_ARGUMENT', 'QR part numbers are whole numbers from 1 to 4294967295.', { seqNum });
    }
    return encoderAt(seqNum - 1).nextPart().toUpperCase();
  };

  const firstPart = part(1);
  const frameVersion = qrVersionFor(firstPart, errorCorrectionLevel);
  // The longest frame is the one with the largest sequence number; check it too so no part of the loop can fail later.
  if (frameVersion === undefined || qrVersionFor(part(LARGEST_SEQUENCE_NUMBER), errorCorrectionLevel) === undefined) {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      `A ${requestedFragment}-byte fragment does not fit in one QR code at level ${errorCorrectionLevel}. Use a smaller fragmentLength (default ${DEFAULT_FRAGMENT_LENGTH}).`,
      { fragmentLength: requestedFragment, errorCorrectionLevel },
    );
  }

  const first = parseQrText(firstPart, { maxPayloadBytes: MAX_QR_PAYLOAD_BYTES });
  const fragmentLength = first.kind === 'multi' ? first.fragmentLength : maxFragment;
  const checksum = first.kind === 'multi' ? first.checksum : 0;

  let cursor = encoderAt(0);
  let shown = 0;
  return {
    kind: 'animated',
    partCount,
    fragmentLength,
    frameVersion,
    errorCorrectionLevel,
    payloadLength: payload.length,
    part,
    nextPart(): string {
      if (shown === LARGEST_SEQUENCE_NUMBER) {
        cursor = encoderAt(0);
        shown = 0;
      }
      shown++;
      return cursor.nextPart().toUpperCase();
    },
    displayLoop(): string[] {
      return displayLoopSeqNums(partCount, checksum).map(part);
    },
    parts(count: number, firstSeqNum = 1): string[] {
      if (!Number.isInteger(count) || count < 0 || count > 100_000) {
        throw new KeyshardError('INVALID_ARGUMENT', 'Ask for 0 to 100000 QR parts at a time.', { count });
      }
      if (!Number.isInteger(firstSeqNum) || firstSeqNum < 1 || firstSeqNum + count - 1 > LARGEST_SEQUENCE_NUMBER) {
        throw new KeyshardError('INVALID_ARGUMENT', 'QR part numbers are whole numbers from 1 to 4294967295.', { firstSeqNum, count });
      }
      const encoder = encoderAt(firstSeqNum - 1);
      const out: string[] = [];
      for (let i = 0; i < count; i++) out.push(encoder.nextPart().toUpperCase());
      return out;
    },
  };
}
