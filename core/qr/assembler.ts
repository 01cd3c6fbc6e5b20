/**
 * Collects scanned QR texts until one whole payload is back. Made for a camera loop: feed every decoded frame to
 * `receive` and show `progress`; frames may come in any order, repeat, or be misread, and none of that is fatal.
 *
 *  - a misread, truncated or foreign-format code -> 'rejected' with QR_FORMAT; nothing collected so far is lost
 *    (the bytewords CRC-32 catches corruption before a part touches the decoder);
 *  - a good part of a different message -> 'rejected' with QR_MISMATCH; the parts of the current message are kept;
 *  - a part already received (same sequence number) -> 'duplicate', not fed again;
 *  - the part that finishes the message -> 'complete'; later parts of it -> 'duplicate'.
 * `result()` returns the payload, or throws QR_INCOMPLETE saying how many parts are still missing.
 *
 * Parts are solved by fountain-decoder.ts (every part an equation over the fragments), not by bc-ur's decoder: a mixed
 * part helps as soon as it is independent of the parts held, so a lossy scan needs about as many parts as there are.
 */
import { KeyshardError } from '../errors';
import { chooseFragments } from './bc-ur';
import { createFountainDecoder, type FountainDecoder } from './fountain-decoder';
import { MAX_QR_PAYLOAD_BYTES, QR_UR_TYPE } from './framing';
import { MAX_SCANNED_PAYLOAD_BYTES, mixedPartsKeptFor } from './limits';
import { cborByteString } from './part-header';
import { parseQrText, type ParsedQrText } from './ur-text';

export interface QrProgress {
  /** Distinct parts accepted for the current message (a single code counts as one). */
  readonly received: number;
  /** Plain parts the message was cut into (1 for a single code; 0 before anything was read). */
  readonly expected: number;
  /** Plain parts known so far, read directly or solved from mixed parts. Equals `expected` when complete. */
  readonly recovered: number;
  /** 0..1 for a progress bar: 1 only when complete. */
  readonly fraction: number;
  /** Independent parts held: plain parts plus mixed parts that told something new (reaches `expected` at the end). */
  readonly rank?: number;
  /** Numbers (1-based) of the plain parts not yet known; absent before the first part of an animated code. */
  readonly missing?: readonly number[];
}

export type QrReceiveStatus = 'complete' | 'progress' | 'duplicate' | 'rejected';

export interface QrReceiveResult {
  readonly status: QrReceiveStatus;
  /**
   * For 'progress': false when the part followed from the parts already held (a mixed part can), so a caller that
   * forwards parts need not forward it.
   */
  readonly useful?: boolean;
  readonly progress: QrProgress;
  /** Set when status is 'rejected': QR_FORMAT or QR_MISMATCH, with a message for the person holding the code. */
  readonly error?: KeyshardError;
}

export interface QrAssembler {
  receive(text: string): QrReceiveResult;
  progress(): QrProgress;
  isComplete(): boolean;
  /** The reassembled payload (a fresh copy each call); throws QR_INCOMPLETE until then. */
  result(): Uint8Array;
  /** Forgets everything, e.g. to scan the next shard with the same assembler. */
  reset(): void;
}

export interface QrAssemblerOptions {
  /**
   * Refuse codes announcing a bigger payload than this: default the largest envelope keyshard writes
   * (MAX_SCANNED_PAYLOAD_BYTES); at most MAX_QR_PAYLOAD_BYTES.
   */
  maxPayloadBytes?: number;
}

interface State {
  /** The decoder of the animated message being read; undefined before its first part. */
  decoder: FountainDecoder | undefined;
  /** Identifies the message being assembled: its single-part text, or the multi-part key shared by all its parts. */
  messageKey: string | undefined;
  expected: number;
  seen: Set<number>;
  /** Mixed parts (numbers past `expected`) fed to the decoder for this message. */
  mixed: number;
  payload: Uint8Array | undefined;
}

function freshState(): State {
  return { decoder: undefined, messageKey: undefined, expected: 0, seen: new Set(), mixed: 0, payload: undefined };
}

export function createQrAssembler(options: QrAssemblerOptions = {}): QrAssembler {
  const maxPayloadBytes = options.maxPayloadBytes ?? MAX_SCANNED_PAYLOAD_BYTES;
  if (!Number.isInteger(maxPayloadBytes) || maxPayloadBytes < 1 || maxPayloadBytes > MAX_QR_PAYLOAD_BYTES) {
    throw new KeyshardError('INVALID_ARGUMENT', `maxPayloadBytes must be a whole number from 1 to ${MAX_QR_PAYLOAD_BYTES}.`, { maxPayloadBytes });
  }
  let state = freshState();
  const startOver = (): void => {
    state.decoder?.wipe();
    state.payload?.fill(0);
    state = freshState();
  };

  const progress = (): QrProgress => {
    if (state.payload !== undefined) {
      return { received: state.seen.size, expected: state.expected, recovered: state.expected, fraction: 1, missing: [], ...(state.expected > 1 ? { rank: state.expected } : {}) };
    }
    if (state.messageKey === undefined || state.decoder === undefined) return { received: 0, expected: 0, recovered: 0, fraction: 0 };
    const known = new Set(state.decoder.solvedIndexes());
    const missing: number[] = [];
    for (let i = 0; i < state.expected; i++) if (!known.has(i)) missing.push(i + 1);
    // Rank, not solved parts, measures how far the scan is: the last part can solve many at once. Never 1 before the end.
    const rank = state.decoder.rank();
    const fraction = Math.min(0.99, rank / state.expected);
    return { received: state.seen.size, expected: state.expected, recovered: known.size, fraction, missing, rank };
  };

  const rejected = (error: KeyshardError): QrReceiveResult => ({ status: 'rejected', progress: progress(), error });

  const mismatch = (parsed: ParsedQrText): KeyshardError => {
    const theirs = parsed.kind === 'multi' ? parsed.seqLength : 1;
    return new KeyshardError(
      'QR_MISMATCH',
      `This QR code belongs to a different shard or message (${theirs === 1 ? 'a single code' : `${theirs} parts`}) than the one being scanned ` +
        `(${state.expected === 1 ? 'a single code' : `${state.expected} parts`}). Show only one shard's code at a time; ` +
        `the ${state.seen.size} part${state.seen.size === 1 ? '' : 's'} read so far ${state.seen.size === 1 ? 'is' : 'are'} kept.`,
      { expectedParts: state.expected, otherParts: theirs, received: state.seen.size },
    );
  };

  /** The payload inside a `bytes` UR's CBOR (one byte string, nothing else), read by hand. */
  const payloadOf = (cbor: Uint8Array): Uint8Array => {
    const payload = cborByteString(cbor);
    if (payload === undefined || payload.length === 0 || payload.length > maxPayloadBytes) {
      throw new KeyshardError('QR_FORMAT', 'This QR code is a UR of type bytes but does not hold a keyshard payload.', { reason: 'not-bytes' });
    }
    return Uint8Array.from(payload); // plain Uint8Array, detached from bc-ur's Buffer
  };

  const receive = (text: string): QrReceiveResult => {
    let parsed: ParsedQrText;
    try {
      parsed = parseQrText(text, { maxPayloadBytes });
    } catch (e) {
      if (e instanceof KeyshardError) return rejected(e);
      return rejected(new KeyshardError('QR_FORMAT', 'This QR code could not be read as a keyshard code.', { reason: 'unreadable' }));
    }
    if (parsed.type !== QR_UR_TYPE) {
      return rejected(
        new KeyshardError(
          'QR_FORMAT',
          `This QR code is a "${parsed.type}" UR from another application, not a keyshard code (those are "UR:BYTES/..."). Show the shard's own QR code.`,
          { reason: 'other-type', urType: parsed.type },
        ),
      );
    }
    const key = parsed.kind === 'multi' ? parsed.messageKey : `single/${parsed.normalized}`;
    if (state.messageKey !== undefined && state.messageKey !== key) return rejected(mismatch(parsed));

    if (parsed.kind === 'single') {
      if (state.payload !== undefined) return { status: 'duplicate', progress: progress() };
      let payload: Uint8Array;
      try {
        payload = payloadOf(parsed.message);
      } catch (e) {
        return rejected(e instanceof KeyshardError ? e : new KeyshardError('QR_FORMAT', 'This QR code\'s contents are malformed.', { reason: 'bad-cbor' }));
      }
      state.messageKey = key;
      state.expected = 1;
      state.seen.add(1);
      state.payload = payload;
      return { status: 'complete', progress: progress() };
    }

    if (state.payload !== undefined || state.seen.has(parsed.seqNum)) return { status: 'duplicate', progress: progress() };
    if (parsed.seqNum > parsed.seqLength) {
      if (state.mixed >= mixedPartsKeptFor(parsed.seqLength)) {
        // keyshard's own screens show plain parts only; a stream of mixed parts past this many is not one of its codes
        // (forged mixes can keep bc-ur's decoder busy without ever completing). Refuse it unread; keep what was read.
        return rejected(
          new KeyshardError(
            'QR_FORMAT',
            `This animated QR code sent more mixed parts (${state.mixed}) than a keyshard code needs, so further ones are ignored. ` +
              'Keep the shard\'s own code in view until every part is read; if the progress stops, use the shard\'s paper or USB copy.',
            { reason: 'too-many-parts', mixed: state.mixed },
          ),
        );
      }
    }
    // Which fragments the part mixes: bc-ur's own choice, so it matches any encoder of the format.
    let indexes: number[];
    try {
      indexes = chooseFragments(parsed.seqNum, parsed.seqLength, parsed.checksum);
    } catch {
      return rejected(new KeyshardError('QR_FORMAT', 'This QR code part could not be used. Hold the code steady so it is read again.', { reason: 'decoder-refused' }));
    }
    const decoder =
      state.decoder ??
      createFountainDecoder({ seqLength: parsed.seqLength, messageLength: parsed.messageLength, checksum: parsed.checksum, fragmentLength: parsed.fragmentLength });
    const status = decoder.receive(indexes, parsed.fragment);
    if (status === 'inconsistent') {
      // Every part passed its own CRC, yet they contradict each other or the joined message fails the message checksum:
      // a forged or inconsistent part got in. Nothing says which, so start over rather than stay stuck.
      const had = state.seen.size + 1;
      decoder.wipe();
      startOver();
      return rejected(
        new KeyshardError(
          'QR_FORMAT',
          'The parts read so far do not fit together (the message checksum failed), so scanning starts over. Keep only one shard\'s code in view.',
          { reason: 'message-checksum', discarded: had },
        ),
      );
    }
    state.decoder = decoder;
    state.messageKey = key;
    state.expected = parsed.seqLength;
    state.seen.add(parsed.seqNum);
    if (parsed.seqNum > parsed.seqLength) state.mixed++;
    if (status === 'complete') {
      const message = decoder.result() as Uint8Array;
      decoder.wipe();
      try {
        state.payload = payloadOf(message);
      } catch (e) {
        startOver();
        return rejected(e instanceof KeyshardError ? e : new KeyshardError('QR_FORMAT', 'The reassembled QR message is malformed.', { reason: 'bad-cbor' }));
      } finally {
        message.fill(0);
      }
      return { status: 'complete', progress: progress() };
    }
    return { status: 'progress', useful: status === 'added', progress: progress() };
  };

  return {
    receive,
    progress,
    isComplete: () => state.payload !== undefined,
    result(): Uint8Array {
      if (state.payload !== undefined) return state.payload.slice();
      const p = progress();
      if (p.expected === 0) {
        throw new KeyshardError('QR_INCOMPLETE', 'No keyshard QR code has been read yet. Hold the shard\'s QR code in front of the camera.', {
          received: 0,
          expected: 0,
          missingCount: null,
        });
      }
      const missingCount = p.expected - p.recovered;
      throw new KeyshardError(
        'QR_INCOMPLETE',
        `The animated QR code is not fully read yet: ${missingCount} of ${p.expected} parts are still missing. ` +
          'Keep the code in view of the camera until the progress reaches 100%.',
        { received: p.received, expected: p.expected, recovered: p.recovered, missingCount },
      );
    },
    reset(): void {
      startOver();
    },
  };
}
