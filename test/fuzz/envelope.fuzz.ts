/**
 * Fuzzing the shard envelope parsers (core/envelope.ts): the KS1 text form a custodian types or a QR code carries, the
 * binary form on a stick or a token (a PKCS#11 data object holds exactly these bytes), and the payload decoders behind
 * them. Random input, damaged valid envelopes, and damaged envelopes whose checksum was recomputed (so the parser's
 * deeper checks are reached). Only typed errors; a damaged envelope never decodes to different content.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { CHECKSUM_LENGTH, decodeEnvelope, decodeSlip39Payload, decodeVssPayload, encodeEnvelope, envelopeFromText, isKnownScheme, EnvelopeScheme } from '../../core/envelope';
import { CallClock, fuzzRuns, mutatedBytes, mutatedText, params, sameBytes } from './fuzz-kit';
import { VALID_ENVELOPE_BYTES, VALID_ENVELOPE_TEXTS, VALID_ENVELOPES } from './fixtures';

const RUNS = fuzzRuns(1500);

const validBytes = fc.constantFrom(...VALID_ENVELOPE_BYTES);
const validTexts = fc.constantFrom(...VALID_ENVELOPE_TEXTS);

/** The original a damaged input came from, if decoding it succeeds: it must be that one, byte for byte. */
function assertSameAsSomeOriginal(decoded: Uint8Array): void {
  assert.ok(VALID_ENVELOPE_BYTES.some((v) => sameBytes(v, decoded)), 'a damaged envelope decoded to different content');
}

function resealed(bytes: Uint8Array): Uint8Array {
  if (bytes.length < CHECKSUM_LENGTH) return bytes;
  const out = bytes.slice();
  const end = out.length - CHECKSUM_LENGTH;
  out.set(sha256(out.subarray(0, end)).subarray(0, CHECKSUM_LENGTH), end);
  return out;
}

function decodePayload(clock: CallClock, scheme: number, payload: Uint8Array): void {
  if (!isKnownScheme(scheme)) return;
  if (scheme === EnvelopeScheme.slip39) clock.run(() => decodeSlip39Payload(payload));
  else clock.run(() => decodeVssPayload(scheme, payload));
}

describe('fuzz: envelopes (binary, text, payloads)', () => {
  it('binary: random bytes and damaged envelopes give a typed error or the original', () => {
    const clock = new CallClock('decodeEnvelope');
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), mutatedBytes(validBytes)), (bytes) => {
        const r = clock.run(() => decodeEnvelope(bytes));
        if (r.ok) assertSameAsSomeOriginal(encodeEnvelope(r.value));
      }),
      params(RUNS),
    );
    clock.report();
  });

  it('binary, checksum recomputed after the damage: the deeper checks answer with typed errors; payloads decode or fail typed', () => {
    const clock = new CallClock('decodeEnvelope (resealed) + payload');
    const starts = [...VALID_ENVELOPE_BYTES.map((b) => b.subarray(0, 2))];
    fc.assert(
      fc.property(
        fc.oneof(
          mutatedBytes(validBytes).map(resealed),
          // the magic kept, the rest random: past the first check
          fc.tuple(fc.constantFrom(...starts), fc.uint8Array({ maxLength: 300 })).map(([m, rest]) => resealed(Uint8Array.from([...m, 1, ...rest]))),
        ),
        (bytes) => {
          const r = clock.run(() => decodeEnvelope(bytes));
          if (r.ok) {
            const again = encodeEnvelope(r.value);
            assert.ok(sameBytes(again, bytes), 'a decoded envelope does not encode back to its bytes');
            decodePayload(clock, r.value.scheme, r.value.payload);
          }
        },
      ),
      params(RUNS),
    );
    clock.report();
  });

  it('text: random strings and damaged KS1 texts give a typed error or the original', () => {
    const clock = new CallClock('envelopeFromText');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300, unit: 'binary' }), validTexts.chain((t) => mutatedText(t)), validTexts.map((t) => t.toLowerCase())), (text) => {
        const r = clock.run(() => envelopeFromText(text));
        if (r.ok) assertSameAsSomeOriginal(encodeEnvelope(r.value));
      }),
      params(RUNS),
    );
    clock.report();
  });

  it('payload decoders: random payloads for every scheme byte give a typed error or a payload', () => {
    const clock = new CallClock('decodeSlip39Payload / decodeVssPayload');
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...Object.values(EnvelopeScheme)), fc.integer({ min: 0, max: 255 })), fc.oneof(fc.uint8Array({ maxLength: 600 }), mutatedBytes(fc.constantFrom(...VALID_ENVELOPES.map((e) => e.payload)))), (scheme, payload) => {
        decodePayload(clock, scheme, payload);
      }),
      params(RUNS),
    );
    clock.report();
  });
});
