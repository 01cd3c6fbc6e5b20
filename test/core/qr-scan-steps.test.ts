/**
 * The scan pipeline's locate, sharpen and upscale steps and its per-frame budget. Each step's test reads frames of the
 * benchmark's harsh set (seed 1) that no other step reads, so it fails without the step; the budget's test runs on a
 * counted clock (each decoder call "takes" 10 ms), never on real time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FRAME_PRESETS, categoryFrame, renderFrame, sourceTexts, type FrameSpec } from '../../bench/frames/generate';
import { createNodeScanPipeline, zxingDecoder } from '../../electron/services/qr-scan';
import { createScanPipeline, type LumaImage, type ScanFrame, type ScanStep } from '../../core/qr/scan-pipeline';
import { locateCode } from '../../core/qr/locate';
import { registerShift } from '../../core/qr/register';
import { seededRng } from '../helpers/prng';
import { unsharpMask, upscale2 } from '../../core/qr/scan-filters';

const texts = sourceTexts();
const OTHERS: readonly ScanStep[] = ['half', 'enlarge', 'smooth', 'sharpen', 'upscale', 'normalize', 'stretch', 'global', 'average', 'invert'];
const grayOf = (category: 'blur' | 'webcam', index: number, preset: (typeof FRAME_PRESETS)[keyof typeof FRAME_PRESETS] = FRAME_PRESETS.harsh) => {
  const f = categoryFrame(category, index, 1, texts, preset);
  return { text: f.text, frame: { ...f.frame, format: 'gray' } as ScanFrame };
};

test('locateCode finds the code on a frame (a small share of it) and nothing on a frame without one', async () => {
  const spec: FrameSpec = {
    text: texts[2] as string,
    modulePx: 3.5,
    rotationDeg: 10,
    perspective: 0.05,
    blurSigma: 0.6,
    noiseSigma: 8,
    ink: 70,
    paper: 170,
    lightMin: 0.6,
    shadow: 0.6,
    jpegQuality: 60,
  };
  for (const seed of [3, 4, 5]) {
    const image = renderFrame(spec, seed);
    const hit = (await zxingDecoder())(image, { binarizer: 'local', tryHarder: true });
    assert.ok(hit?.corners, `zxing reads frame ${seed} (the test needs its corners)`);
    const r = locateCode(image);
    assert.ok(r !== null);
    for (const c of hit.corners) assert.ok(c.x >= r.x && c.y >= r.y && c.x <= r.x + r.width && c.y <= r.y + r.height, `corner ${c.x},${c.y} outside the region`);
    assert.ok(r.width * r.height < 0.25 * image.width * image.height, `region ${r.width}x${r.height} is most of the frame`);
  }
  // A desk in uneven light with a soft shadow, no code: nothing stands out.
  const flat = new Uint8Array(1280 * 720);
  for (let y = 0; y < 720; y++) for (let x = 0; x < 1280; x++) flat[y * 1280 + x] = 60 + x / 16 + (y > 300 ? 0 : 40) * Math.min(1, Math.abs(y - 300) / 40);
  assert.equal(locateCode({ data: flat, width: 1280, height: 720 }), null);
});

test('the fallbacks run on the located code, not the whole frame', async () => {
  const { text, frame } = grayOf('webcam', 16);
  const decoder = await zxingDecoder();
  const sizes: number[] = [];
  const pipeline = createScanPipeline({
    decoder: (image, hints) => {
      sizes.push(image.width * image.height);
      return decoder(image, hints);
    },
  });
  const result = pipeline.scan(frame);
  assert.equal(result.text, text);
  assert.equal(result.step, 'smooth');
  // The full-frame try, then fallbacks on the located code (a large one here: 1078 characters in modules of 4.7 px).
  assert.equal(sizes[0], 1280 * 720);
  assert.ok(sizes.length > 1 && sizes.slice(1).every((n) => n < 0.5 * 1280 * 720), `fallback image sizes ${sizes.join(',')}`);
});

test('a lens blur of 0.45 module that every other step misses is read after the unsharp mask', async () => {
  // Blur burst of the harsh set: modules of 3.7 px, Gaussian blur sigma 1.66 px.
  for (const index of [16, 17]) {
    const { text, frame } = grayOf('blur', index);
    const without = await createNodeScanPipeline({ disable: ['sharpen'] });
    assert.equal(without.scan(frame).text, null, `another step reads blur frame ${index}: the test frame is too easy`);
    const pipeline = await createNodeScanPipeline({ disable: ['average'] });
    const result = pipeline.scan(frame);
    assert.equal(result.text, text);
    assert.equal(result.step, 'sharpen');
  }
});

test('small noisy modules (3.3 px, noise 11.5, JPEG 47) that every other step misses are read after smoothing and a 2x upscale', async () => {
  const { text, frame } = grayOf('webcam', 21);
  const without = await createNodeScanPipeline({ disable: ['upscale'] });
  assert.equal(without.scan(frame).text, null, 'another step reads webcam frame 21: the test frame is too easy');
  const pipeline = await createNodeScanPipeline({ disable: ['average'] });
  const result = pipeline.scan(frame);
  assert.equal(result.text, text);
  assert.equal(result.step, 'upscale');
});

test('unsharpMask leaves flat areas alone and steepens an edge; upscale2 doubles the size and keeps levels', () => {
  const width = 16;
  const height = 8;
  const ramp = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) ramp[y * width + x] = x < 6 ? 50 : x > 9 ? 200 : 50 + ((x - 5) * 150) / 5;
  const image: LumaImage = { data: ramp, width, height };
  const sharp = unsharpMask(image);
  assert.equal(sharp.data[3 * width + 0], 50);
  assert.equal(sharp.data[3 * width + 15], 200);
  assert.ok((sharp.data[3 * width + 6] as number) < (ramp[3 * width + 6] as number), 'the dark side of the edge got darker');
  assert.ok((sharp.data[3 * width + 9] as number) > (ramp[3 * width + 9] as number), 'the light side got lighter');
  const big = upscale2(image);
  assert.equal(big.width, 32);
  assert.equal(big.height, 16);
  assert.equal(big.data[0], 50);
  assert.equal(big.data[31], 200);
  assert.ok(big.data.every((v) => v >= 50 && v <= 200));
});

test('with a budget, fallbacks that do not fit wait for the next frames, and a still scene gets every one of them', () => {
  let clock = 0;
  const pipeline = createScanPipeline({
    decoder: () => {
      clock += 10; // each decoder call "takes" 10 ms
      return null;
    },
    now: () => clock,
    budgetMs: 25,
  });
  // A still scene with some texture (so frames stack for averaging) over 100 levels (so the stretch has work), no code.
  const data = new Uint8Array(128 * 96);
  for (let i = 0; i < data.length; i++) data[i] = 60 + ((i * 37) % 101);
  const frame: ScanFrame = { data, width: 128, height: 96, format: 'gray' };
  const seen = new Set<ScanStep>();
  const spent: number[] = [];
  const counts: number[] = [];
  for (let k = 0; k < 12; k++) {
    const t0 = clock;
    const result = pipeline.scan(frame);
    assert.equal(result.text, null);
    result.tried.forEach((s) => seen.add(s));
    spent.push(clock - t0);
    counts.push(result.tried.length);
  }
  assert.deepEqual([...seen].sort(), [...OTHERS].sort());
  // Once each step's cost is known (the first frames), no frame goes over its budget, except by the one fallback every
  // unread frame gets (averaging makes two decoder calls: 30 ms here).
  assert.ok(
    spent.slice(6).every((ms, k) => ms <= 25 || counts[k + 6] === 1),
    `ms per frame: ${spent.join(',')}; fallbacks: ${counts.join(',')}`,
  );
  // Without a budget one frame tries every fallback.
  const unlimited = createScanPipeline({ decoder: () => null });
  unlimited.scan(frame);
  assert.deepEqual([...unlimited.scan(frame).tried].sort(), [...OTHERS].sort());
});

test('when every try costs more than the budget, each unread frame still gets the next fallback in turn, and one reads', () => {
  // A slow or loaded machine: the full-frame try alone takes longer than the frame's budget. Without the one fallback
  // every unread frame gets, no fallback would ever run and this scene (read only by the global binarizer, which the
  // normalize step uses) would never be read.
  let clock = 0;
  const pipeline = createScanPipeline({
    decoder: (_image, hints) => {
      clock += 30; // each decoder call "takes" 30 ms, more than the 20 ms budget
      return hints.binarizer === 'global' ? { text: 'ur:bytes/only-a-fallback-reads-it' } : null;
    },
    now: () => clock,
    budgetMs: 20,
  });
  const data = new Uint8Array(128 * 96);
  for (let i = 0; i < data.length; i++) data[i] = 60 + ((i * 37) % 101);
  const frame: ScanFrame = { data, width: 128, height: 96, format: 'gray' };
  const turns: ScanStep[][] = [];
  let read: { text: string | null; step: ScanStep | null } = { text: null, step: null };
  for (let k = 0; k < 12 && read.text === null; k++) {
    const result = pipeline.scan(frame);
    turns.push([...result.tried]);
    read = result;
  }
  // One fallback a frame (the budget bars the rest), in the pipeline's order, until normalize reads the scene.
  // (Averaging waits for a second frame of the scene: on the first it has nothing to add and is passed over.)
  assert.deepEqual(turns, [['enlarge'], ['average'], ['half'], ['smooth'], ['sharpen'], ['upscale'], ['normalize']]);
  assert.deepEqual(read, { ...read, text: 'ur:bytes/only-a-fallback-reads-it', step: 'normalize' });
  // The step that read goes first on the next frame.
  const next = pipeline.scan(frame);
  assert.deepEqual(next.tried, ['normalize']);
  assert.equal(next.step, 'normalize');
});

test('small modules (3.1 px, noise 11.5, JPEG 76) that every other step misses in one frame are read after a 2x upscale of the frame itself', async () => {
  // The issue preset's last webcam burst: smoothing first (the 'upscale' step) blurs modules this small away.
  const { text, frame } = grayOf('webcam', 37, FRAME_PRESETS.issue);
  const without = await createNodeScanPipeline({ disable: ['enlarge', 'average'] });
  assert.equal(without.scan(frame).text, null, 'another step reads issue webcam frame 37: the test frame is too easy');
  const pipeline = await createNodeScanPipeline({ disable: ['average'] });
  const result = pipeline.scan(frame);
  assert.equal(result.text, text);
  assert.equal(result.step, 'enlarge');
});

test('registerShift finds how far the code moved between two frames, and no shift on a flat or unchanged scene', () => {
  const spec: FrameSpec = { text: texts[2] as string, modulePx: 3.2, rotationDeg: 6, perspective: 0.05, blurSigma: 0.6, noiseSigma: 11, ink: 55, paper: 170, lightMin: 0.8, shadow: 1, jpegQuality: 70 };
  const current = renderFrame(spec, 41, 4101);
  const r = locateCode(current);
  assert.ok(r !== null);
  const rng = seededRng(4103);
  for (const [dx, dy] of [[0, 0], [2, -1], [-3, 3], [4, 0], [-1, -4]] as const) {
    // The earlier frame: this scene moved by (-dx, -dy), with its own sensor noise (uniform, +-20 levels).
    const earlier = new Uint8Array(current.data.length);
    for (let y = 0; y < current.height; y++) {
      for (let x = 0; x < current.width; x++) {
        const sx = Math.min(current.width - 1, Math.max(0, x - dx));
        const sy = Math.min(current.height - 1, Math.max(0, y - dy));
        earlier[y * current.width + x] = Math.max(0, Math.min(255, (current.data[sy * current.width + sx] as number) + Math.round((rng() - 0.5) * 40)));
      }
    }
    assert.deepEqual(registerShift(current, { ...current, data: earlier }, r), { dx, dy }, `moved by ${dx},${dy}`);
  }
  const flat = { data: new Uint8Array(320 * 240).fill(90), width: 320, height: 240 };
  assert.deepEqual(registerShift(flat, flat, { x: 40, y: 40, width: 200, height: 120 }), { dx: 0, dy: 0 });
  assert.deepEqual(registerShift(current, current, r), { dx: 0, dy: 0 });
});

test('a hand-held burst that no single frame gives up is read from the aligned average of its frames', async () => {
  // The issue preset's last webcam burst (modules 3.1 px, noise 11.5, a shake of up to 1.5 px each way per frame).
  // Every step but averaging is off; an unaligned average of these frames reads none of them.
  const pipeline = await createNodeScanPipeline({ disable: OTHERS.filter((s) => s !== 'average') });
  const results = [36, 37, 38, 39].map((index) => {
    const { text, frame } = grayOf('webcam', index, FRAME_PRESETS.issue);
    return { text, result: pipeline.scan(frame) };
  });
  assert.equal(results[0]!.result.text, null, 'the first frame has nothing to be averaged with');
  const read = results.filter((r) => r.result.text !== null);
  assert.ok(read.length >= 2, `read ${read.length} of the 3 frames with earlier ones to average`);
  for (const r of read) {
    assert.equal(r.result.text, r.text);
    assert.equal(r.result.step, 'average');
  }
});

test('a light-on-dark code is read by the invert step (the decoder is not asked to invert every try)', async () => {
  const spec: FrameSpec = { text: texts[1] as string, modulePx: 4, rotationDeg: 3, perspective: 0, blurSigma: 0.5, noiseSigma: 2, ink: 30, paper: 220, lightMin: 1, shadow: 1, jpegQuality: 0 };
  const image = renderFrame(spec, 51);
  const data = image.data.map((v) => 255 - v);
  const frame: ScanFrame = { data, width: image.width, height: image.height, format: 'gray' };
  const without = await createNodeScanPipeline({ disable: ['invert'] });
  assert.equal(without.scan(frame).text, null, 'read without the invert step: the decoder inverts by itself');
  const pipeline = await createNodeScanPipeline({ disable: OTHERS.filter((s) => s !== 'invert') });
  const result = pipeline.scan(frame);
  assert.equal(result.text, spec.text);
  assert.equal(result.step, 'invert');
});
