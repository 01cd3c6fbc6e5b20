/**
 * Fuzzing the QR text parsers (core/qr): parseQrText, which reads one scanned text, and the assembler that joins an
 * animated code's parts, as the camera scanner and recovery:add-shard { urParts } use it. Inputs: random text, the
 * genuine parts of a shard's animated code damaged character by character, and forged parts with VALID bytewords
 * checksums carrying any sequence numbers, part counts, message lengths, message checksums and fragments (what a
 * hostile QR code can show), mixed into genuine streams in any order. Only typed errors; no receive() throws; every
 * call is timed (a forged stream must not hold the thread); a completed message is always the genuine payload.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createQrAssembler, planQrFrames, type AnimatedQrPlan } from '../../core/qr/index';
import { parseQrText } from '../../core/qr/ur-text';
import { CallClock, fuzzRuns, mutatedText, params, sameBytes } from './fuzz-kit';
import { VALID_ENVELOPE_BYTES } from './fixtures';

const RUNS = fuzzRuns(600);
const require = createRequire(import.meta.url);
const { cborEncode } = require('@ngraveio/bc-ur/dist/cbor.js') as { cborEncode: (data: unknown) => Buffer };
const bytewords = (require('@ngraveio/bc-ur/dist/bytewords.js') as { default: { encode: (hex: string, style: string) => string } }).default;
const { getCRC } = require('@ngraveio/bc-ur/dist/utils.js') as { getCRC: (b: Buffer) => number };

/** The largest fixture envelope (a VSS share), as an animated code with short parts: many parts to damage and mix. */
const PAYLOAD = VALID_ENVELOPE_BYTES.reduce((a, b) => (b.length > a.length ? b : a));
const PLAN = planQrFrames(PAYLOAD, { maxSingleVersion: 1, fragmentLength: 20 }) as AnimatedQrPlan;
assert.equal(PLAN.kind, 'animated');
const GENUINE = PLAN.parts(PLAN.partCount * 2);
/** The message checksum and length of the genuine stream, so forged parts can claim to belong to it. */
const GENUINE_HEADER = (() => {
  const m = /^ur:bytes\/(\d+)-(\d+)\//i.exec(GENUINE[0]!)!;
  const cbor = Buffer.from(cborEncode(Buffer.from(PAYLOAD)));
  return { seqLength: Number(m[2]), messageLength: cbor.length, checksum: getCRC(cbor) };
})();
const MAX_LIMITS = { maxPayloadBytes: 2048 };
const GENUINE_FRAGMENT_LENGTH = (parseQrText(GENUINE[0]!, MAX_LIMITS) as { fragmentLength: number }).fragmentLength;

const u32 = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 0xffff_ffff }), fc.constantFrom(65_535, 65_536, 65_545, 0x7fff_ffff, 0xffff_ffff));

/** A multi-part UR text with a correct bytewords CRC around any header and fragment. */
const forgedPart = fc
  .record({
    seqNum: u32,
    seqLength: fc.oneof(fc.constant(GENUINE_HEADER.seqLength), u32),
    messageLength: fc.oneof(fc.constant(GENUINE_HEADER.messageLength), u32),
    checksum: fc.oneof(fc.constant(GENUINE_HEADER.checksum), u32),
    fragment: fc.oneof(fc.uint8Array({ minLength: 0, maxLength: 4 }), fc.uint8Array({ minLength: 15, maxLength: 30 }), fc.uint8Array({ maxLength: 300 })),
    shownSeq: fc.option(fc.tuple(u32, u32), { freq: 4 }),
  })
  .map((p) => {
    const body = bytewords.encode(cborEncode([p.seqNum, p.seqLength, p.messageLength, p.checksum, Buffer.from(p.fragment)]).toString('hex'), 'minimal');
    const [n, len] = p.shownSeq ?? [p.seqNum, p.seqLength];
    return `ur:bytes/${n}-${len}/${body}`;
  });

/** A single-part UR with a correct CRC around any CBOR (or non-CBOR) bytes. */
const forgedSingle = fc
  .oneof(fc.uint8Array({ maxLength: 200 }).map((b) => cborEncode(Buffer.from(b))), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)))
  .map((cbor) => `ur:${'bytes'}/${bytewords.encode(Buffer.from(cbor).toString('hex'), 'minimal')}`);

/**
 * A forged part of exactly the genuine stream's shape (part count, length, checksum, fragment length), so it passes every
 * header check and reaches the fountain decoder as an equation: it must end in a start-over, never in wrong bytes.
 */
const forgedEquation = fc
  .record({ seqNum: fc.integer({ min: 1, max: 4 * GENUINE_HEADER.seqLength }), fragment: fc.uint8Array({ minLength: GENUINE_FRAGMENT_LENGTH, maxLength: GENUINE_FRAGMENT_LENGTH }) })
  .map((p) => {
    const { seqLength, messageLength, checksum } = GENUINE_HEADER;
    const body = bytewords.encode(cborEncode([p.seqNum, seqLength, messageLength, checksum, Buffer.from(p.fragment)]).toString('hex'), 'minimal');
    return `ur:bytes/${p.seqNum}-${seqLength}/${body}`;
  });

const genuinePart = fc.constantFrom(...GENUINE);
const damagedPart = mutatedText(genuinePart, fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-/:'));
const randomText = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ maxLength: 50 }).map((s) => `ur:bytes/${s}`), fc.string({ maxLength: 50 }).map((s) => `UR:${s}/1-2/${s}`));

describe('fuzz: QR texts and UR parts', () => {
  it('parseQrText: random, damaged and forged texts give a typed error or a parsed part', () => {
    const clock = new CallClock('parseQrText');
    fc.assert(
      fc.property(fc.oneof(randomText, damagedPart, forgedPart, forgedSingle, genuinePart), fc.constantFrom(PAYLOAD.length, 2048, 65_536), (text, maxPayloadBytes) => {
        clock.run(() => parseQrText(text, { maxPayloadBytes }));
      }),
      params(RUNS * 3),
    );
    clock.report();
  });

  it('assembler: a genuine stream mixed with damaged, forged and random parts never throws and completes only with the genuine payload', () => {
    const clock = new CallClock('QrAssembler.receive');
    const noise = fc.oneof(damagedPart, forgedPart, forgedEquation, randomText);
    const stream = fc.tuple(fc.shuffledSubarray(GENUINE, { minLength: 0 }), fc.array(noise, { maxLength: 30 }), fc.array(fc.nat(), { minLength: 30, maxLength: 30 }));
    fc.assert(
      fc.property(stream, ([genuine, junk, positions]) => {
        const texts = [...genuine];
        junk.forEach((j, i) => texts.splice(positions[i]! % (texts.length + 1), 0, j));
        const asm = createQrAssembler();
        for (const t of texts) {
          const r = clock.run(() => asm.receive(t));
          assert.ok(r.ok, 'receive threw');
          if (r.value.status === 'rejected') assert.ok(r.value.error !== undefined && ['QR_FORMAT', 'QR_MISMATCH'].includes(r.value.error.code), `rejected with ${r.value.error?.code}`);
          if (r.value.status === 'complete') {
            const got = clock.run(() => asm.result());
            assert.ok(got.ok && sameBytes(got.value, PAYLOAD), 'the assembler completed with a payload that is not the genuine one');
          }
        }
        clock.run(() => asm.progress());
      }),
      params(RUNS),
    );
    clock.report();
  });

  it('assembler: streams of forged parts only (any header, valid CRCs) are refused in bounded time per part', () => {
    const clock = new CallClock('QrAssembler.receive (forged only)');
    fc.assert(
      fc.property(fc.array(fc.oneof({ weight: 5, arbitrary: forgedPart }, { weight: 3, arbitrary: forgedEquation }, { weight: 1, arbitrary: forgedSingle }), { minLength: 1, maxLength: 40 }), (texts) => {
        const asm = createQrAssembler({ maxPayloadBytes: MAX_LIMITS.maxPayloadBytes });
        for (const t of texts) {
          const r = clock.run(() => asm.receive(t));
          assert.ok(r.ok, 'receive threw');
          if (r.value.status === 'complete') clock.run(() => asm.result());
        }
      }),
      params(RUNS),
    );
    clock.report();
  });
});
