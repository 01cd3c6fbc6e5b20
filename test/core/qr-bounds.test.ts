/**
 * A hostile QR stream cannot make the assembler (main's, and the renderer's camera loop through the shard collector)
 * work for nothing: parts keyshard would never make are refused from their header, before bc-ur's fountain decoder
 * sees them, and the mixed parts a scan keeps are bounded. Timing assertions are generous upper bounds only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Buffer } from 'buffer';
import { UR, UREncoder, URDecoder } from '@ngraveio/bc-ur';
import { encodeEnvelope, EnvelopeScheme, MAX_LABEL_BYTES, MAX_WRITTEN_ENVELOPE_BYTES } from '../../core/envelope';
import { encodeVssPayload, MAX_WRITTEN_SLIP39_SECRET_BYTES, MAX_WRITTEN_VSS_THRESHOLD } from '../../core/envelope-payload';
import { KeyshardError } from '../../core/errors';
import { IMPORT_SEED_MAX_BYTES, VSS_MAX_SHARES } from '../../core/policy/index';
import { decodeMinimalBytewords } from '../../core/qr/bytewords';
import { createQrAssembler, planQrFrames, type AnimatedQrPlan, type QrReceiveResult } from '../../core/qr/index';
import {
  cborByteStringLength,
  isMixedPartText,
  keyshardFragmentLength,
  MAX_FRAGMENT_LENGTH,
  MAX_MIXED_PARTS_PER_REQUEST,
  MAX_PLAIN_PARTS,
  MAX_QR_TEXTS_PER_REQUEST,
  MAX_SCANNED_PAYLOAD_BYTES,
  MIN_FRAGMENT_LENGTH,
  mixedPartsKeptFor,
  qrTextsWithinRequestBounds,
} from '../../core/qr/limits';
import { readUrPartHeader } from '../../core/qr/part-header';
import { parseQrText } from '../../core/qr/ur-text';
import { WORDLIST } from '../../core/slip39/wordlist';
import { MAX_SHARES } from '../../core/vss/index';
import { createShardCollector } from '../../renderer/recovery/shardCollector';
import { seededBytes } from '../helpers/prng';
import { forgedParts, oneByteFragmentStream, timed, unsolvableMixedParts } from '../helpers/qr-forged';

/** Generous: the point is "a fraction of a second" of the thread (CPU time, see timed), not a benchmark. */
const FRACTION_OF_A_SECOND_MS = 250;

function reasonOf(r: QrReceiveResult): unknown {
  assert.equal(r.status, 'rejected');
  assert.ok(r.error instanceof KeyshardError);
  assert.equal(r.error.code, 'QR_FORMAT', r.error.message);
  return r.error.details?.['reason'];
}

/** A part whose CBOR is given by hand, wrapped in valid bytewords and CRC: `UR:BYTES/<seq>/<body>`. */
function handMadePart(seq: string, cbor: number[]): string {
  const body = UREncoder.encodeSinglePart(new UR(Buffer.from(cbor) as never, 'bytes')).split('/')[1];
  return `UR:BYTES/${seq}/${body}`;
}

/** The largest envelope keyshard writes: a secp256k1 VSS share with 255 commitments and a 64-byte label. */
function largestEnvelope(): Uint8Array {
  const point = (i: number) => Uint8Array.from({ length: 33 }, (_, j) => (j === 0 ? 2 : (i + j) & 0xff));
  const payload = encodeVssPayload(EnvelopeScheme.vssSecp256k1, {
    threshold: MAX_WRITTEN_VSS_THRESHOLD,
    shareCount: MAX_WRITTEN_VSS_THRESHOLD,
    identifier: Uint8Array.from({ length: 32 }, (_, i) => i + 1),
    signingShare: new Uint8Array(32).fill(7),
    commitments: Array.from({ length: MAX_WRITTEN_VSS_THRESHOLD }, (_, i) => point(i)),
  });
  return encodeEnvelope({
    scheme: EnvelopeScheme.vssSecp256k1,
    ceremonyId: new Uint8Array(16).fill(1),
    custodianIndex: 0,
    custodianLabel: 'x'.repeat(MAX_LABEL_BYTES),
    groupFingerprint: new Uint8Array(32).fill(3),
    payload,
  });
}

describe('QR bounds: what keyshard writes', () => {
  it('the largest envelope bound follows the limits keyshard deals and splits with', () => {
    assert.equal(MAX_WRITTEN_VSS_THRESHOLD, MAX_SHARES);
    assert.equal(MAX_WRITTEN_VSS_THRESHOLD, VSS_MAX_SHARES);
    assert.equal(MAX_WRITTEN_SLIP39_SECRET_BYTES, IMPORT_SEED_MAX_BYTES);
    assert.equal(Math.max(...WORDLIST.map((w) => w.length)), 8, 'the SLIP-39 payload bound assumes words of at most 8 letters');
    assert.equal(largestEnvelope().length, MAX_WRITTEN_ENVELOPE_BYTES);
    assert.equal(MAX_SCANNED_PAYLOAD_BYTES, MAX_WRITTEN_ENVELOPE_BYTES);
  });

  it('the largest envelope frames into at most MAX_PLAIN_PARTS parts at any fragment length and scans back', () => {
    const envelope = largestEnvelope();
    for (const fragmentLength of [MIN_FRAGMENT_LENGTH, 200, MAX_FRAGMENT_LENGTH]) {
      const plan = planQrFrames(envelope, { fragmentLength, maxSingleVersion: 1, errorCorrectionLevel: 'L' }) as AnimatedQrPlan;
      assert.equal(plan.kind, 'animated');
      assert.ok(plan.partCount <= MAX_PLAIN_PARTS, `${plan.partCount} parts at ${fragmentLength}`);
      const asm = createQrAssembler();
      for (let s = 1; !asm.isComplete(); s++) assert.notEqual(asm.receive(plan.part(s)).status, 'rejected');
      assert.deepEqual(asm.result(), envelope);
    }
  });

  it('property: the parser predicts the fragment length framing (bc-ur) settles on, and never more than MAX_PLAIN_PARTS parts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 40, max: MAX_SCANNED_PAYLOAD_BYTES }), fc.integer({ min: MIN_FRAGMENT_LENGTH, max: MAX_FRAGMENT_LENGTH }), (length, fragmentLength) => {
        const plan = planQrFrames(new Uint8Array(length).fill(9), { fragmentLength, maxSingleVersion: 1, errorCorrectionLevel: 'L' });
        if (plan.kind !== 'animated') return;
        const messageLength = cborByteStringLength(length);
        assert.equal(plan.fragmentLength, keyshardFragmentLength(messageLength, fragmentLength));
        assert.ok(plan.partCount <= MAX_PLAIN_PARTS);
        assert.equal(plan.partCount, Math.ceil(messageLength / plan.fragmentLength));
      }),
      { numRuns: 40 },
    );
  });
});

describe('QR bounds: parts keyshard never makes are refused from their header', () => {
  it('a stream of 1-byte fragments (65,545 parts announced) is refused part by part, at once', () => {
    const texts = oneByteFragmentStream(64);
    const asm = createQrAssembler();
    const { cpuMs } = timed(() => {
      for (const t of texts) assert.equal(reasonOf(asm.receive(t)), 'too-many-parts');
    });
    assert.ok(cpuMs < FRACTION_OF_A_SECOND_MS, `64 forged parts took ${cpuMs.toFixed(0)} ms`);
    assert.deepEqual(asm.progress(), { received: 0, expected: 0, recovered: 0, fraction: 0 });
  });

  it('a message larger than the largest envelope is refused even in few parts', () => {
    const { texts, partCount } = forgedParts(MAX_SCANNED_PAYLOAD_BYTES + 1, 400, 1, 2);
    assert.ok(partCount <= MAX_PLAIN_PARTS);
    const r = createQrAssembler().receive(texts[0]!);
    assert.equal(reasonOf(r), 'too-large');
    assert.match(r.error!.message, /not made by keyshard/);
    // The largest envelope itself is fine.
    const ok = forgedParts(MAX_SCANNED_PAYLOAD_BYTES, 400, 1, 1);
    assert.equal(createQrAssembler().receive(ok.texts[0]!).status, 'progress');
  });

  it('a fragment shorter or longer than keyshard\'s framing uses for that message is refused', () => {
    // 98 bytes (a 100-byte message) in 5-byte fragments: 20 parts, but keyshard never cuts finer than 10 bytes.
    assert.equal(reasonOf(createQrAssembler().receive(forgedParts(98, 5, 1, 1).texts[0]!)), 'fragment-length');
    assert.equal(createQrAssembler().receive(forgedParts(98, 10, 1, 1).texts[0]!).status, 'progress');
    // 3000 bytes in 1500-byte halves: keyshard's fragments are at most 1000 bytes.
    assert.equal(reasonOf(createQrAssembler().receive(forgedParts(3000, 1500, 1, 1).texts[0]!)), 'fragment-length');
  });

  it('a part count that does not agree with the message and fragment lengths is refused', () => {
    const frag = Array.from({ length: 10 }, (_, i) => i);
    // [1, 3, 100, checksum, 10-byte fragment]: 100 bytes in 10-byte fragments are 10 parts, not 3.
    const part = handMadePart('1-3', [0x85, 0x01, 0x03, 0x18, 100, 0x1a, 1, 2, 3, 4, 0x4a, ...frag]);
    assert.equal(reasonOf(createQrAssembler().receive(part)), 'inconsistent');
    // Trailing bytes after the fragment, or a 64-bit number, are not a part keyshard made.
    assert.equal(reasonOf(createQrAssembler().receive(handMadePart('1-10', [0x85, 0x01, 0x0a, 0x18, 100, 0x1a, 1, 2, 3, 4, 0x4a, ...frag, 0]))), 'bad-part');
    assert.equal(readUrPartHeader(Uint8Array.from([0x85, 0x01, 0x0a, 0x18, 100, 0x1b, 0, 0, 0, 0, 1, 2, 3, 4, 0x4a, ...frag])), undefined);
    assert.deepEqual(readUrPartHeader(Uint8Array.from([0x85, 0x01, 0x0a, 0x18, 100, 0x1a, 1, 2, 3, 4, 0x4a, ...frag]))?.checksum, 0x01020304);
  });

  it('bytewords are decoded exactly as bc-ur does, and a misread letter is caught by the CRC', () => {
    for (let length = 1; length < 300; length += 37) {
      const text = UREncoder.encodeSinglePart(UR.fromBuffer(Buffer.from(seededBytes(length, length)) as never));
      const body = text.split('/')[1]!;
      assert.deepEqual(decodeMinimalBytewords(body), new Uint8Array(URDecoder.decode(text).cbor));
      const flipped = body.slice(0, 6) + (body[6] === 'a' ? 'e' : 'a') + body.slice(7);
      assert.equal(decodeMinimalBytewords(flipped), undefined);
      assert.equal(decodeMinimalBytewords(body.slice(0, -1)), undefined);
    }
  });
});

describe('QR bounds: the mixed parts a scan keeps', () => {
  it('a stream of mixed parts that never completes keeps only mixedPartsKeptFor(n); plain parts still finish the message', () => {
    const payload = new Uint8Array(MAX_SCANNED_PAYLOAD_BYTES).fill(0x5a);
    const plan = planQrFrames(payload, { fragmentLength: MIN_FRAGMENT_LENGTH, maxSingleVersion: 1, errorCorrectionLevel: 'L' }) as AnimatedQrPlan;
    assert.equal(plan.partCount, MAX_PLAIN_PARTS);
    const first = parseQrText(plan.part(1), { maxPayloadBytes: MAX_SCANNED_PAYLOAD_BYTES });
    assert.equal(first.kind, 'multi');
    const mixed = unsolvableMixedParts(plan, first.kind === 'multi' ? first.checksum : 0, 200);
    const asm = createQrAssembler();
    const statuses: string[] = [];
    const { cpuMs } = timed(() => {
      for (const t of mixed) {
        const r = asm.receive(t);
        statuses.push(r.status === 'rejected' ? String(reasonOf(r)) : r.status);
      }
    });
    const kept = mixedPartsKeptFor(plan.partCount);
    assert.ok(statuses.slice(0, kept).every((s) => s === 'progress'), statuses.slice(0, kept).join());
    assert.ok(statuses.slice(kept).every((s) => s === 'too-many-parts'), 'later mixed parts are refused');
    assert.ok(cpuMs < 4 * FRACTION_OF_A_SECOND_MS, `200 mixed parts took ${cpuMs.toFixed(0)} ms`);
    // What was read is kept: the plain parts complete the message.
    for (let s = 1; !asm.isComplete() && s <= plan.partCount; s++) asm.receive(plan.part(s));
    assert.deepEqual(asm.result(), payload);
  });

  it('the renderer\'s shard collector (camera loop) refuses a forged stream just as fast', () => {
    const collector = createShardCollector();
    const stream = oneByteFragmentStream(64);
    const { value: kinds, cpuMs } = timed(() => stream.map((t) => collector.receive(t).kind));
    assert.ok(kinds.every((k) => k === 'rejected'));
    assert.ok(cpuMs < FRACTION_OF_A_SECOND_MS, `64 forged parts took ${cpuMs.toFixed(0)} ms in the collector`);
  });

  it('a request\'s QR texts are judged from their headers: at most MAX_QR_TEXTS_PER_REQUEST, MAX_MIXED_PARTS_PER_REQUEST mixed', () => {
    const { texts, partCount } = forgedParts(2000, 100, 1, 25);
    assert.deepEqual(texts.map(isMixedPartText), texts.map((_, i) => i >= partCount));
    assert.equal(isMixedPartText(` ${texts[23]!.toLowerCase()}`), true);
    assert.equal(isMixedPartText('UR:BYTES/LPADAXCF'), false);
    assert.equal(qrTextsWithinRequestBounds(texts), true);
    assert.equal(qrTextsWithinRequestBounds(forgedParts(2000, 100, partCount + 1, MAX_MIXED_PARTS_PER_REQUEST).texts), true);
    assert.equal(qrTextsWithinRequestBounds(forgedParts(2000, 100, partCount + 1, MAX_MIXED_PARTS_PER_REQUEST + 1).texts), false);
    assert.equal(qrTextsWithinRequestBounds(new Array(MAX_QR_TEXTS_PER_REQUEST + 1).fill('UR:BYTES/LPADAXCF')), false);
  });
});
