/**
 * core/qr/fountain-decoder.ts, the GF(2) elimination decoder behind the assembler: it agrees with bc-ur's own decoder
 * on every stream bc-ur finishes (and finishes no later), solves mixed parts that bc-ur's subset reduction cannot,
 * keeps at most one row per fragment, and never hands out bytes that fail the message checksum.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { URDecoder } from '@ngraveio/bc-ur';
import { chooseFragments } from '../../core/qr/bc-ur';
import { createFountainDecoder } from '../../core/qr/fountain-decoder';
import { createQrAssembler, planQrFrames, type AnimatedQrPlan } from '../../core/qr/index';
import { parseQrText, type ParsedMultiPart } from '../../core/qr/ur-text';
import { seededBytes, seededRng } from '../helpers/prng';

const require = createRequire(import.meta.url);
const { cborEncode } = require('@ngraveio/bc-ur/dist/cbor.js') as { cborEncode: (data: unknown) => Buffer };
const bytewords = (require('@ngraveio/bc-ur/dist/bytewords.js') as { default: { encode: (hex: string, style: string) => string } }).default;

const LIMITS = { maxPayloadBytes: 65_536 };
const multi = (text: string): ParsedMultiPart => parseQrText(text, LIMITS) as ParsedMultiPart;

function animated(payload: Uint8Array, fragmentLength: number): AnimatedQrPlan {
  const plan = planQrFrames(payload, { fragmentLength, maxSingleVersion: 1 });
  assert.equal(plan.kind, 'animated');
  return plan;
}

/** A part text with the same header as `text` but other fragment bytes, under a valid bytewords CRC (what a forger shows). */
function forged(text: string, fragment: Uint8Array): string {
  const p = multi(text);
  const body = bytewords.encode(cborEncode([p.seqNum, p.seqLength, p.messageLength, p.checksum, Buffer.from(fragment)]).toString('hex'), 'minimal');
  return `ur:bytes/${p.seqNum}-${p.seqLength}/${body}`;
}

describe('fountain decoder', () => {
  it('agrees with bc-ur on every stream bc-ur finishes, and finishes no later (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 40, max: 2500 }),
        fc.integer({ min: 10, max: 220 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.constantFrom(0, 0.25, 0.5, 0.8),
        fc.boolean(),
        (size, fragmentLength, seed, loss, randomOrder) => {
          const payload = seededBytes(seed, size);
          const plan = animated(payload, fragmentLength);
          const rng = seededRng(seed ^ 0x5eed);
          // A camera on an endless stream that joins anywhere and misses frames, or parts picked at random.
          const start = Math.floor(rng() * 3 * plan.partCount) + 1;
          const theirs = new URDecoder();
          const ours = createQrAssembler({ maxPayloadBytes: LIMITS.maxPayloadBytes });
          let oursAt = -1;
          for (let k = 0; k < 12 * plan.partCount && !theirs.isComplete(); k++) {
            const seq = randomOrder ? Math.floor(rng() * 4 * plan.partCount) + 1 : start + k;
            if (rng() < loss) continue;
            const text = plan.part(seq);
            theirs.receivePart(text.toLowerCase());
            const r = ours.receive(text);
            if (r.status === 'complete') oursAt = k;
            if (r.status === 'rejected') assert.fail(`a genuine part was rejected: ${r.error?.code}`);
            if (theirs.isComplete()) {
              assert.ok(theirs.isSuccess(), 'bc-ur failed on a genuine stream');
              assert.ok(ours.isComplete(), 'bc-ur finished a stream the elimination decoder has not');
              const theirBytes = new Uint8Array(theirs.resultUR().decodeCBOR() as Buffer);
              assert.deepEqual(ours.result(), theirBytes);
            }
          }
          if (oursAt >= 0) assert.deepEqual(ours.result(), payload);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('solves a message from mixed parts alone with at most a few parts more than it has', () => {
    // bc-ur's decoder needs parts whose fragment sets nest; elimination needs only independent ones. Seeded, so exact.
    const overheads: number[] = [];
    for (let trial = 0; trial < 30; trial++) {
      const payload = seededBytes(100 + trial, 2000);
      const plan = animated(payload, 100);
      const asm = createQrAssembler({ maxPayloadBytes: LIMITS.maxPayloadBytes });
      let used = 0;
      for (let seq = plan.partCount + 1 + trial * 97; !asm.isComplete(); seq++) {
        used++;
        assert.notEqual(asm.receive(plan.part(seq)).status, 'rejected');
      }
      assert.deepEqual(asm.result(), payload);
      overheads.push(used - plan.partCount);
    }
    const mean = overheads.reduce((a, b) => a + b, 0) / overheads.length;
    assert.ok(Math.max(...overheads) <= 12, `worst overhead ${Math.max(...overheads)} parts`);
    assert.ok(mean <= 4, `mean overhead ${mean} parts over ${overheads.length} trials`);
  });

  it('finishes with the last missing plain part standing in as a mix: plain parts but one, then mixes', () => {
    const payload = seededBytes(5, 1500);
    const plan = animated(payload, 100);
    const asm = createQrAssembler({ maxPayloadBytes: LIMITS.maxPayloadBytes });
    for (let seq = 2; seq <= plan.partCount; seq++) assert.equal(asm.receive(plan.part(seq)).status, 'progress');
    let seq = plan.partCount + 1;
    let r = asm.receive(plan.part(seq));
    // Any mix holding fragment 0 finishes it; mixes without it add nothing and are flagged as not useful.
    while (r.status !== 'complete') {
      const holds0 = chooseFragments(seq, plan.partCount, multi(plan.part(seq)).checksum).includes(0);
      assert.equal(holds0, false, 'a mix with the missing fragment did not finish the message');
      assert.equal(r.useful, false);
      r = asm.receive(plan.part(++seq));
    }
    assert.deepEqual(asm.result(), payload);
  });

  it('keeps at most one row per fragment: rank never passes the part count, redundant parts are dropped', () => {
    const plan = animated(seededBytes(9, 3000), 100);
    const first = multi(plan.part(1));
    const dec = createFountainDecoder(first);
    const statuses = new Map<string, number>();
    // Mixes only, and stop one short of full rank each time it could finish, by leaving out fragment 0's plain part.
    for (let seq = 2; seq <= plan.partCount; seq++) dec.receive([seq - 1], multi(plan.part(seq)).fragment);
    for (let seq = plan.partCount + 1; seq < plan.partCount + 400; seq++) {
      const p = multi(plan.part(seq));
      const indexes = chooseFragments(seq, p.seqLength, p.checksum);
      if (indexes.includes(0)) continue;
      const s = dec.receive(indexes, p.fragment);
      statuses.set(s, (statuses.get(s) ?? 0) + 1);
      assert.ok(dec.rank() <= plan.partCount - 1);
    }
    assert.deepEqual([...statuses.keys()], ['redundant']);
    assert.equal(dec.rank(), plan.partCount - 1);
    assert.equal(dec.result(), undefined);
    assert.deepEqual(dec.solvedIndexes(), Array.from({ length: plan.partCount - 1 }, (_, i) => i + 1));
  });

  it('a forged part that contradicts the parts held, or breaks the message checksum, never yields bytes', () => {
    const payload = seededBytes(11, 1200);
    const plan = animated(payload, 100);
    const n = plan.partCount;
    // 1. Forged plain part 3, then the genuine parts: the joined message fails its CRC -> start over, no payload.
    const asm = createQrAssembler({ maxPayloadBytes: LIMITS.maxPayloadBytes });
    const bad = multi(plan.part(3)).fragment.slice();
    bad[0] = (bad[0] as number) ^ 1;
    assert.equal(asm.receive(forged(plan.part(3), bad)).status, 'progress');
    let last = asm.receive(plan.part(1));
    for (let seq = 2; seq <= n; seq++) if (seq !== 3) last = asm.receive(plan.part(seq));
    assert.equal(last.status, 'rejected');
    assert.equal(last.error?.code, 'QR_FORMAT');
    assert.equal(last.error?.details?.['reason'], 'message-checksum');
    assert.equal(asm.isComplete(), false);
    // 2. After starting over the genuine stream completes with the genuine payload.
    for (let seq = 1; seq <= n; seq++) asm.receive(plan.part(seq));
    assert.deepEqual(asm.result(), payload);

    // 3. Straight to the decoder: a mix whose fragments are all known but whose bytes disagree is 'inconsistent'.
    const dec = createFountainDecoder(multi(plan.part(1)));
    for (let seq = 1; seq < n; seq++) dec.receive([seq - 1], multi(plan.part(seq)).fragment);
    let seq = n + 1;
    while (chooseFragments(seq, n, multi(plan.part(1)).checksum).includes(n - 1)) seq++;
    const p = multi(plan.part(seq));
    const lie = p.fragment.slice();
    lie[5] = (lie[5] as number) ^ 0x80;
    assert.equal(dec.receive(chooseFragments(seq, n, p.checksum), lie), 'inconsistent');
    assert.equal(dec.receive([n - 1], multi(plan.part(n)).fragment), 'redundant', 'a spent decoder takes nothing more');
    assert.equal(dec.result(), undefined);
  });

  it('refuses parts that cannot belong: wrong fragment length, indexes out of range or repeated', () => {
    const plan = animated(seededBytes(12, 900), 100);
    const message = multi(plan.part(1));
    const frag = message.fragment;
    assert.equal(createFountainDecoder(message).receive([0], frag.subarray(1)), 'inconsistent');
    assert.equal(createFountainDecoder(message).receive([message.seqLength], frag), 'inconsistent');
    assert.equal(createFountainDecoder(message).receive([1, 1], frag), 'inconsistent');
    assert.equal(createFountainDecoder(message).receive([], frag), 'inconsistent');
    assert.throws(() => createFountainDecoder({ ...message, messageLength: message.seqLength * message.fragmentLength + 1 }), { code: 'INVALID_ARGUMENT' });
  });

  it('wipe zeroes the fragments it held', () => {
    const plan = animated(seededBytes(13, 900), 100);
    const message = multi(plan.part(1));
    const dec = createFountainDecoder(message);
    const fragment = multi(plan.part(2)).fragment;
    dec.receive([1], fragment);
    const held: Uint8Array[] = [];
    // The decoder keeps its own copy of what it is given, out of reach: watch which arrays wipe() zero-fills.
    const origFill = Uint8Array.prototype.fill;
    Uint8Array.prototype.fill = function (this: Uint8Array, ...args: Parameters<Uint8Array['fill']>) {
      held.push(this);
      return origFill.apply(this, args);
    };
    try {
      dec.wipe();
    } finally {
      Uint8Array.prototype.fill = origFill;
    }
    assert.ok(held.some((h) => h.length === fragment.length && h.every((b) => b === 0)), 'the held fragment was not zeroed');
    assert.equal(dec.rank(), 0);
    assert.equal(dec.receive([1], fragment), 'redundant');
  });
});
