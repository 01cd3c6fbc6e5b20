/**
 * core/qr/display-loop.ts and plan.displayLoop(): the round a shard screen loops (plain parts, then mixed parts of a
 * third to two thirds of the fragments), and that a lossy camera on it needs about the ideal number of frames.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseFragments } from '../../core/qr/bc-ur';
import { displayDegreeBand, displayLoopSeqNums } from '../../core/qr/display-loop';
import { createQrAssembler, planQrFrames, type AnimatedQrPlan } from '../../core/qr/index';
import { parseQrText } from '../../core/qr/ur-text';
import { seededBytes, seededRng } from '../helpers/prng';

const LIMITS = { maxPayloadBytes: 65_536 };

describe('display loop', () => {
  it('shows every plain part once, then twice as many mixed parts within the degree band, the same each time', () => {
    for (const n of [3, 6, 21, 32]) {
      const checksum = 0x1234_5678 + n;
      const seqs = displayLoopSeqNums(n, checksum);
      assert.deepEqual(seqs.slice(0, n), Array.from({ length: n }, (_, i) => i + 1));
      assert.equal(seqs.length, 3 * n);
      const { min, max } = displayDegreeBand(n);
      assert.ok(min >= 2 && min <= max && max < n);
      for (const s of seqs.slice(n)) {
        assert.ok(s > n);
        const d = chooseFragments(s, n, checksum).length;
        assert.ok(d >= min && d <= max, `part ${s} mixes ${d} fragments, outside ${min}..${max}`);
      }
      assert.equal(new Set(seqs).size, seqs.length, 'no part twice in a round');
      assert.deepEqual(displayLoopSeqNums(n, checksum), seqs);
    }
    assert.deepEqual(displayLoopSeqNums(2, 7), [1, 2], 'two fragments: every mix is both, the plain loop is as good');
  });

  it('a camera missing a quarter of the frames recovers within 1.3x the ideal frames on average (seeded, 4 KB and 1 KB)', () => {
    for (const size of [1024, 4096]) {
      const payload = seededBytes(size, size);
      const plan = planQrFrames(payload) as AnimatedQrPlan;
      assert.equal(plan.kind, 'animated');
      const loop = plan.displayLoop();
      assert.deepEqual(loop.slice(0, plan.partCount), plan.parts(plan.partCount));
      assert.equal((parseQrText(loop[plan.partCount]!, LIMITS) as { seqNum: number }).seqNum > plan.partCount, true);
      let frames = 0;
      const trials = 40;
      for (let t = 0; t < trials; t++) {
        const rng = seededRng(size + t);
        const asm = createQrAssembler({ maxPayloadBytes: LIMITS.maxPayloadBytes });
        const start = Math.floor(rng() * loop.length);
        for (let shown = 1; !asm.isComplete(); shown++) {
          assert.ok(shown < 20 * loop.length, 'never completed');
          frames++;
          if (rng() < 0.25) continue;
          assert.notEqual(asm.receive(loop[(start + shown - 1) % loop.length]!).status, 'rejected');
        }
        assert.deepEqual(asm.result(), payload);
      }
      const ratio = frames / trials / (plan.partCount / 0.75);
      assert.ok(ratio <= 1.3, `${size} B: ${ratio.toFixed(2)}x the ideal`);
    }
  });
});

describe('display loop from plain parts (the shard screen)', () => {
  it('rebuilds the plan\'s own loop from its plain parts, and gives back anything else unchanged', async () => {
    const { displayLoopOfParts } = await import('../../core/qr/display-loop-of-parts');
    const plan = planQrFrames(seededBytes(21, 3000)) as AnimatedQrPlan;
    const plain = plan.parts(plan.partCount);
    assert.deepEqual(displayLoopOfParts(plain), plan.displayLoop());
    assert.deepEqual(displayLoopOfParts(plain.map((t) => t.toLowerCase())).slice(plan.partCount), plan.displayLoop().slice(plan.partCount));
    const short = plain.slice(1);
    assert.equal(displayLoopOfParts(short), short, 'a part missing: no loop');
    const other = planQrFrames(seededBytes(22, 3000)) as AnimatedQrPlan;
    const mixedUp = [...plain.slice(0, -1), other.part(plan.partCount)];
    assert.equal(displayLoopOfParts(mixedUp), mixedUp, 'a part of another code: no loop');
    const single = [planQrFrames(seededBytes(23, 40)).kind === 'single' ? 'UR:BYTES/X' : 'x'];
    assert.equal(displayLoopOfParts(single), single);
  });
});
