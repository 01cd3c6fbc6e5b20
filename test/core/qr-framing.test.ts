import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Buffer } from 'buffer';
import { UR, UREncoder, URDecoder } from '@ngraveio/bc-ur';
import { KeyshardError, type KeyshardErrorCode } from '../../core/errors';
import {
  createQrAssembler,
  DEFAULT_MAX_SINGLE_VERSION,
  planQrFrames,
  planTexts,
  qrVersionFor,
  type AnimatedQrPlan,
  type QrAssembler,
  type QrErrorCorrectionLevel,
  type QrReceiveResult,
} from '../../core/qr/index';
import { cameraFrames, TYPICAL_CAMERA } from '../helpers/qr-stream';
import { median, seededBytes, seededRng } from '../helpers/prng';

function animated(payload: Uint8Array, opts: Parameters<typeof planQrFrames>[1] = {}): AnimatedQrPlan {
  const plan = planQrFrames(payload, opts);
  assert.equal(plan.kind, 'animated', `expected an animated plan for ${payload.length} bytes`);
  return plan as AnimatedQrPlan;
}

function expectRejected(r: QrReceiveResult, code: KeyshardErrorCode): KeyshardError {
  assert.equal(r.status, 'rejected');
  assert.ok(r.error instanceof KeyshardError, 'a rejection carries a KeyshardError');
  assert.equal(r.error.code, code, r.error.message);
  return r.error;
}

/** Feeds camera frames until complete; returns distinct parts accepted and frames looked at (incl. repeats). */
function scanUntilComplete(plan: AnimatedQrPlan, seed: number, assembler: QrAssembler = createQrAssembler()) {
  const cap = 40 * plan.partCount + 40;
  let frames = 0;
  for (const frame of cameraFrames(plan, seededRng(seed))) {
    frames++;
    const r = assembler.receive(frame.text);
    assert.notEqual(r.status, 'rejected', r.error?.message);
    if (r.status === 'complete') return { received: r.progress.received, frames, assembler };
    if (frames > cap) assert.fail(`not complete after ${frames} frames (seed ${seed})`);
  }
  throw new Error('unreachable');
}

/** Replaces the byteword at `pairIndex` (2 letters each) of a part's body with a different valid byteword. */
function corruptByteword(text: string, pairIndex: number): string {
  const slash = text.lastIndexOf('/');
  const at = slash + 1 + 2 * pairIndex;
  const pair = text.slice(at, at + 2);
  const replacement = pair === 'AE' ? 'AD' : 'AE'; // both valid minimal bytewords (0x00 and 0x01)
  return text.slice(0, at) + replacement + text.slice(at + 2);
}

describe('planQrFrames: one code or an animated sequence', () => {
  it('puts a small payload in one upper-case single-part UR that bc-ur reads back', () => {
    const payload = seededBytes(1, 100);
    const plan = planQrFrames(payload);
    assert.equal(plan.kind, 'single');
    if (plan.kind !== 'single') return;
    assert.match(plan.text, /^UR:BYTES\/[A-Z]+$/);
    assert.equal(plan.version, qrVersionFor(plan.text, 'M'));
    assert.ok(plan.version <= DEFAULT_MAX_SINGLE_VERSION);
    // Another UR tool (bc-ur itself, used directly) reads our text.
    const ur = URDecoder.decode(plan.text);
    assert.equal(ur.type, 'bytes');
    assert.deepEqual(new Uint8Array(ur.decodeCBOR()), payload);
    assert.deepEqual(planTexts(plan), [plan.text]);
  });

  it('splits 4 KB into 21 plain parts of version-13 codes at fragment length 200', () => {
    const plan = animated(seededBytes(2, 4096));
    assert.equal(plan.partCount, 21);
    assert.ok(plan.fragmentLength <= 200 && plan.fragmentLength * 21 >= 4096, `fragment ${plan.fragmentLength}`);
    assert.equal(plan.frameVersion, 13);
    for (const text of plan.parts(30)) {
      assert.match(text, /^UR:BYTES\/\d+-21\/[A-Z]+$/);
      const v = qrVersionFor(text, 'M');
      assert.ok(v !== undefined && v <= plan.frameVersion + 1, `frame version ${v}`);
    }
  });

  it('chooses single exactly when the single code fits maxSingleVersion at the level', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 900 }),
        fc.integer({ min: 3, max: 30 }),
        fc.constantFrom<QrErrorCorrectionLevel>('L', 'M', 'Q', 'H'),
        (length, maxSingleVersion, errorCorrectionLevel) => {
          const payload = seededBytes(length, length);
          const plan = planQrFrames(payload, { maxSingleVersion, errorCorrectionLevel });
          const single = UREncoder.encodeSinglePart(UR.fromBuffer(Buffer.from(payload) as never)).toUpperCase();
          const needed = qrVersionFor(single, errorCorrectionLevel);
          const fits = needed !== undefined && needed <= maxSingleVersion;
          assert.equal(plan.kind, fits ? 'single' : 'animated', `length ${length} needs version ${needed}`);
          assert.equal(plan.errorCorrectionLevel, errorCorrectionLevel);
          if (plan.kind === 'animated') assert.ok(plan.partCount >= 2);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is deterministic: the same payload gives the same parts, part(n) = parts()[n-1] = n-th nextPart()', () => {
    const payload = seededBytes(3, 1500);
    const a = animated(payload);
    const b = animated(payload.slice());
    const fromParts = a.parts(30);
    assert.deepEqual(b.parts(30), fromParts);
    assert.deepEqual(
      Array.from({ length: 30 }, () => a.nextPart()),
      fromParts,
    );
    assert.equal(a.part(17), fromParts[16]);
    assert.deepEqual(a.parts(5, 26), fromParts.slice(25, 30));
    // The cursor of one plan does not move another's.
    assert.equal(b.nextPart(), fromParts[0]);
    // A different payload of the same length gives different parts.
    const other = seededBytes(4, 1500);
    assert.notEqual(animated(other).part(1), a.part(1));
  });

  it('copies the payload: changing or zeroizing the caller\'s array afterwards changes nothing', () => {
    const payload = seededBytes(5, 2000);
    const copy = payload.slice();
    const plan = animated(payload);
    payload.fill(0);
    const { assembler } = scanUntilComplete(plan, 5);
    assert.deepEqual(assembler.result(), copy);
  });

  it('refuses empty or oversized payloads and bad options', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof KeyshardError ? e.code : 'other';
      }
      return 'none';
    };
    assert.equal(codeOf(() => planQrFrames(new Uint8Array(0))), 'INVALID_ARGUMENT');
    assert.equal(codeOf(() => planQrFrames(new Uint8Array(64 * 1024 + 1))), 'INVALID_ARGUMENT');
    assert.equal(codeOf(() => planQrFrames(new Uint8Array(10), { maxSingleVersion: 41 })), 'INVALID_ARGUMENT');
    assert.equal(codeOf(() => planQrFrames(new Uint8Array(10), { fragmentLength: 5 })), 'INVALID_ARGUMENT');
    assert.equal(codeOf(() => planQrFrames(new Uint8Array(10), { errorCorrectionLevel: 'X' as never })), 'INVALID_ARGUMENT');
    // 30000 bytes in at most 1000-byte fragments gives 968-byte parts, ~1990 characters: more than version 40-H holds (1852).
    assert.equal(codeOf(() => planQrFrames(new Uint8Array(30000), { fragmentLength: 1000, errorCorrectionLevel: 'H' })), 'INVALID_ARGUMENT');
    assert.equal(planQrFrames(new Uint8Array(30000), { fragmentLength: 1000, errorCorrectionLevel: 'L' }).kind, 'animated');
    assert.equal(codeOf(() => animated(new Uint8Array(2000)).part(0)), 'INVALID_ARGUMENT');
  });
});

describe('createQrAssembler: scanning', () => {
  it('completes from a single code and treats a second read as a duplicate', () => {
    const payload = seededBytes(6, 60);
    const plan = planQrFrames(payload);
    assert.equal(plan.kind, 'single');
    const asm = createQrAssembler();
    assert.equal(asm.isComplete(), false);
    const r = asm.receive(planTexts(plan)[0] as string);
    assert.equal(r.status, 'complete');
    assert.deepEqual(r.progress, { received: 1, expected: 1, recovered: 1, fraction: 1, missing: [] });
    assert.deepEqual(asm.result(), payload);
    assert.equal(asm.receive((planTexts(plan)[0] as string).toLowerCase()).status, 'duplicate');
  });

  it('reassembles plain parts in any order and reports which are missing', () => {
    const payload = seededBytes(7, 1024);
    const plan = animated(payload);
    const texts = plan.parts(plan.partCount);
    const asm = createQrAssembler();
    const order = [...texts.keys()].reverse();
    let lastFraction = 0;
    for (const [i, idx] of order.entries()) {
      const r = asm.receive(texts[idx] as string);
      const done = i === order.length - 1;
      assert.equal(r.status, done ? 'complete' : 'progress');
      assert.equal(r.progress.received, i + 1);
      assert.equal(r.progress.expected, plan.partCount);
      assert.ok(r.progress.fraction >= lastFraction, 'progress never goes backwards');
      assert.ok(done ? r.progress.fraction === 1 : r.progress.fraction < 1);
      lastFraction = r.progress.fraction;
      if (!done) {
        // Plain parts received so far are the highest numbers; the rest are missing.
        const expectMissing = Array.from({ length: plan.partCount - (i + 1) }, (_, k) => k + 1);
        assert.deepEqual(r.progress.missing, expectMissing);
      }
    }
    assert.deepEqual(asm.result(), payload);
    assert.equal(asm.receive(texts[0] as string).status, 'duplicate');
  });

  it('counts a repeated part once and does not feed it again', () => {
    const plan = animated(seededBytes(8, 1024));
    const asm = createQrAssembler();
    assert.equal(asm.receive(plan.part(2)).status, 'progress');
    const again = asm.receive(plan.part(2).toLowerCase());
    assert.equal(again.status, 'duplicate');
    assert.equal(again.progress.received, 1);
    assert.deepEqual(again.progress.missing, [1, 3, 4, 5, 6]);
  });

  it('solves missing plain parts from mixed parts', () => {
    const payload = seededBytes(9, 4096);
    const plan = animated(payload);
    const asm = createQrAssembler();
    // Never show plain part 5: the decoder has to recover it from XOR mixes.
    for (let seq = 1; seq <= plan.partCount; seq++) if (seq !== 5) asm.receive(plan.part(seq));
    assert.deepEqual(asm.progress().missing, [5]);
    let seq = plan.partCount + 1;
    while (!asm.isComplete()) {
      asm.receive(plan.part(seq++));
      assert.ok(seq < plan.partCount + 200, 'mixed parts should recover one fragment quickly');
    }
    assert.deepEqual(asm.result(), payload);
  });

  it('property: random payloads, out of order, repeats, ~25% dropped -> the exact bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 3000, size: 'max' }),
        fc.constantFrom(50, 120, 200),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (payload, fragmentLength, seed) => {
          // maxSingleVersion 3 forces even small payloads into animated codes, to exercise the fountain path.
          const plan = planQrFrames(payload, { maxSingleVersion: 3, fragmentLength });
          if (plan.kind === 'single') {
            const asm = createQrAssembler();
            assert.equal(asm.receive(plan.text).status, 'complete');
            assert.deepEqual(asm.result(), payload);
            return;
          }
          const { assembler, received } = scanUntilComplete(plan, seed);
          assert.deepEqual(assembler.result(), payload);
          assert.ok(received >= plan.partCount, 'a fountain code cannot decode from fewer parts than fragments');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('4 KB with ~25% of frames dropped: reports the parts needed', (t) => {
    const plan = animated(seededBytes(10, 4096));
    const receivedCounts: number[] = [];
    const frameCounts: number[] = [];
    for (let trial = 0; trial < 40; trial++) {
      const { received, frames, assembler } = scanUntilComplete(plan, 1000 + trial);
      assert.deepEqual(assembler.result(), seededBytes(10, 4096));
      receivedCounts.push(received);
      frameCounts.push(frames);
    }
    const m = median(receivedCounts);
    t.diagnostic(
      `4 KB, ${plan.partCount} plain parts, camera drops ${TYPICAL_CAMERA.dropRate * 100}% / repeats ${TYPICAL_CAMERA.repeatRate * 100}%: ` +
        `distinct parts needed median ${m} (min ${Math.min(...receivedCounts)}, max ${Math.max(...receivedCounts)}); ` +
        `frames read incl. repeats median ${median(frameCounts)}`,
    );
    assert.ok(Math.min(...receivedCounts) >= plan.partCount);
    // bc-ur's design target is a small overhead; a median past 2x the plain parts would mean a broken schedule or decoder.
    assert.ok(m <= 2 * plan.partCount, `median ${m}`);
  });
});

describe('createQrAssembler: bad input', () => {
  it('rejects text that is not a UR and keeps going', () => {
    const plan = animated(seededBytes(11, 1024));
    const asm = createQrAssembler();
    asm.receive(plan.part(1));
    for (const junk of ['hello', 'https://example.com', '', '   ', 'KS1ABCDEF', 'UR:', 'UR:BYTES', 'UR:BYTES/', 'UR:BYTES/1-6/', 'UR:BY TES/AE']) {
      const err = expectRejected(asm.receive(junk), 'QR_FORMAT');
      assert.ok(err.message.length > 20);
    }
    expectRejected(asm.receive(42 as never), 'QR_FORMAT');
    assert.equal(asm.progress().received, 1);
  });

  it('rejects a truncated part without losing state', () => {
    const payload = seededBytes(12, 1024);
    const plan = animated(payload);
    const asm = createQrAssembler();
    asm.receive(plan.part(1));
    const p2 = plan.part(2);
    for (const cut of [p2.length - 1, p2.length - 2, p2.length - 9, Math.floor(p2.length / 2), 20, 14]) {
      const err = expectRejected(asm.receive(p2.slice(0, cut)), 'QR_FORMAT');
      assert.doesNotMatch(err.message, /UR:BYTES\/\d/, 'never echo the scanned text');
    }
    for (let seq = 2; seq <= plan.partCount; seq++) asm.receive(plan.part(seq));
    assert.deepEqual(asm.result(), payload);
  });

  it('rejects a corrupted part (bad CRC) without poisoning the state', () => {
    const payload = seededBytes(13, 1024);
    const plan = animated(payload);
    const asm = createQrAssembler();
    asm.receive(plan.part(1));
    const p3 = plan.part(3);
    // A wrong byteword in the data, in the CRC itself (last 4 words), and in the sequence header.
    expectRejected(asm.receive(corruptByteword(p3, 30)), 'QR_FORMAT');
    expectRejected(asm.receive(corruptByteword(p3, (p3.length - p3.lastIndexOf('/') - 1) / 2 - 1)), 'QR_FORMAT');
    expectRejected(asm.receive(p3.replace('/3-', '/4-')), 'QR_FORMAT');
    expectRejected(asm.receive(p3.replace('-6/', '-7/')), 'QR_FORMAT');
    expectRejected(asm.receive(p3.slice(0, -2) + 'QQ'), 'QR_FORMAT'); // not a byteword at all
    assert.equal(asm.progress().received, 1);
    for (let seq = 2; seq <= plan.partCount; seq++) assert.notEqual(asm.receive(plan.part(seq)).status, 'rejected');
    assert.deepEqual(asm.result(), payload);
  });

  it('rejects a part of another message mid-stream as QR_MISMATCH and still completes the first', () => {
    const mine = seededBytes(14, 4096);
    const theirs = seededBytes(15, 4096); // same length: same part count and fragment length, other checksum
    const planA = animated(mine);
    const planB = animated(theirs);
    assert.equal(planA.partCount, planB.partCount);
    const asm = createQrAssembler();
    for (let seq = 1; seq <= 8; seq++) asm.receive(planA.part(seq));
    const err = expectRejected(asm.receive(planB.part(9)), 'QR_MISMATCH');
    assert.equal(err.details?.['received'], 8);
    expectRejected(asm.receive(planB.part(30)), 'QR_MISMATCH');
    expectRejected(asm.receive(animated(seededBytes(16, 1024)).part(1)), 'QR_MISMATCH');
    const single = planQrFrames(seededBytes(17, 40));
    expectRejected(asm.receive(planTexts(single)[0] as string), 'QR_MISMATCH');
    assert.equal(asm.progress().received, 8);
    for (let seq = 9; !asm.isComplete(); seq++) assert.notEqual(asm.receive(planA.part(seq)).status, 'rejected');
    assert.deepEqual(asm.result(), mine);
    // After completion another message is still a mismatch, the same one a duplicate.
    expectRejected(asm.receive(planB.part(1)), 'QR_MISMATCH');
    assert.equal(asm.receive(planA.part(40)).status, 'duplicate');
  });

  it('rejects another application\'s UR type as QR_FORMAT', () => {
    const asm = createQrAssembler();
    const seed = UREncoder.encodeSinglePart(new UR(Buffer.from([0xa1, 0x01, 0x50, ...seededBytes(18, 16)]) as never, 'crypto-seed'));
    const err = expectRejected(asm.receive(seed), 'QR_FORMAT');
    assert.equal(err.details?.['urType'], 'crypto-seed');
  });

  it('result() before completion throws QR_INCOMPLETE with how many parts are missing', () => {
    const asm = createQrAssembler();
    assert.throws(() => asm.result(), (e: unknown) => e instanceof KeyshardError && e.code === 'QR_INCOMPLETE' && e.details?.['received'] === 0);
    const plan = animated(seededBytes(19, 4096));
    for (const seq of [1, 4, 9]) asm.receive(plan.part(seq));
    assert.throws(
      () => asm.result(),
      (e: unknown) =>
        e instanceof KeyshardError &&
        e.code === 'QR_INCOMPLETE' &&
        e.details?.['missingCount'] === 18 &&
        e.details?.['expected'] === 21 &&
        /18 of 21 parts are still missing/.test(e.message) &&
        /in view/.test(e.message),
    );
  });

  it('refuses a crafted part announcing a huge message before bc-ur allocates for it', () => {
    // CBOR [1, 1e9, 4e9, 0x12345678, h'0102'] wrapped as a valid bytewords body with a correct CRC.
    const u32 = (n: number) => [0x1a, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    const cbor = Buffer.from([0x85, 0x01, ...u32(1e9), ...u32(4e9), ...u32(0x12345678), 0x42, 0x01, 0x02]);
    const body = UREncoder.encodeSinglePart(new UR(cbor as never, 'bytes')).split('/')[1];
    const asm = createQrAssembler();
    const err = expectRejected(asm.receive(`UR:BYTES/1-1000000000/${body}`), 'QR_FORMAT');
    assert.equal(err.details?.['reason'], 'too-many-parts', 'refused from its part count, before its body is decoded');
    // And a smaller limit set by the caller is honoured.
    const small = createQrAssembler({ maxPayloadBytes: 1000 });
    expectRejected(small.receive(animated(seededBytes(20, 2000)).part(1)), 'QR_FORMAT');
  });

  it('starts over when parts with valid CRCs do not fit together (forged fragment)', () => {
    const payload = seededBytes(21, 1024);
    const plan = animated(payload);
    const p2 = plan.part(2).toLowerCase();
    const [, , seq, body] = p2.split(/[:/]/);
    // Flip one fragment byte inside the part's CBOR and re-wrap it with a fresh, valid CRC.
    const cbor = Buffer.from(URDecoder.decode(`ur:bytes/${body}`).cbor);
    cbor[cbor.length - 1] = (cbor[cbor.length - 1] as number) ^ 0x01;
    const forgedBody = UREncoder.encodeSinglePart(new UR(cbor as never, 'bytes')).split('/')[1];
    const forged = `ur:bytes/${seq}/${forgedBody}`;
    const asm = createQrAssembler();
    asm.receive(plan.part(1));
    assert.equal(asm.receive(forged).status, 'progress');
    let rejection: QrReceiveResult | undefined;
    for (let s = 3; s <= plan.partCount; s++) {
      const r = asm.receive(plan.part(s));
      if (r.status === 'rejected') rejection = r;
    }
    assert.ok(rejection, 'the joined message must fail its checksum');
    assert.equal(expectRejected(rejection, 'QR_FORMAT').details?.['reason'], 'message-checksum');
    assert.equal(asm.progress().received, 0, 'state was reset');
    // Scanning again from the genuine code now succeeds.
    for (let s = 1; !asm.isComplete(); s++) asm.receive(plan.part(s));
    assert.deepEqual(asm.result(), payload);
  });

  it('reset() forgets the message so the next shard can be scanned', () => {
    const asm = createQrAssembler();
    const a = animated(seededBytes(22, 1024));
    asm.receive(a.part(1));
    asm.reset();
    assert.deepEqual(asm.progress(), { received: 0, expected: 0, recovered: 0, fraction: 0 });
    const b = seededBytes(23, 1024);
    const planB = animated(b);
    for (let s = 1; !asm.isComplete(); s++) assert.notEqual(asm.receive(planB.part(s)).status, 'rejected');
    assert.deepEqual(asm.result(), b);
  });
});
