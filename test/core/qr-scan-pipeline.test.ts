/**
 * The scan pipeline with the real zxing-wasm decoder on frames from the benchmark's generator: it never returns a text
 * the decoder did not read in this frame, it looks where the last code was first, and its fallbacks read a dim,
 * low-contrast code that the first pass (zxing as the scanner used it alone) does not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categoryFrame, renderFrame, sourceTexts, grayToRgba, type FrameSpec } from '../../bench/frames/generate';
import { createNodeScanPipeline, zxingDecoder } from '../../electron/services/qr-scan';
import { createScanPipeline, type ScanFrame } from '../../core/qr/scan-pipeline';

const texts = sourceTexts();
const clean = (text: string): FrameSpec => ({
  text,
  modulePx: 4,
  rotationDeg: 3,
  perspective: 0,
  blurSigma: 0.5,
  noiseSigma: 2,
  ink: 30,
  paper: 220,
  lightMin: 1,
  shadow: 1,
  jpegQuality: 0,
});
const gray = (spec: FrameSpec, seed: number): ScanFrame => ({ ...renderFrame(spec, seed), format: 'gray' });
const FALLBACKS = ['half', 'smooth', 'sharpen', 'upscale', 'normalize', 'stretch', 'global', 'average'] as const;

test('a frame showing another code gives that code, never the last one read', async () => {
  const pipeline = await createNodeScanPipeline();
  const a = texts[1] as string;
  const b = texts[6] as string;
  assert.notEqual(a, b);
  const first = pipeline.scan(gray(clean(a), 11));
  assert.equal(first.text, a);
  // Same seed: the second code sits exactly where the first was, so the crop step looks right at it.
  const second = pipeline.scan(gray(clean(b), 11));
  assert.equal(second.text, b);
  assert.equal(second.step, 'crop');
});

test('a damaged code and an empty frame give nothing, not the text read a frame ago', async () => {
  const pipeline = await createNodeScanPipeline();
  const text = texts[2] as string;
  assert.equal(pipeline.scan(gray(clean(text), 12)).text, text);
  // Paint over the middle three fifths of the code (where zxing says it is): beyond what error correction restores.
  const damaged = renderFrame(clean(text), 12);
  const hit = (await zxingDecoder())(damaged, { binarizer: 'local', tryHarder: true });
  assert.ok(hit?.corners);
  const xs = hit.corners.map((p) => p.x);
  const ys = hit.corners.map((p) => p.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)].map(Math.round) as [number, number, number, number];
  const third = Math.floor((maxX - minX) / 5);
  for (let y = minY + third; y < maxY - third; y++) damaged.data.fill(220, y * damaged.width + minX + third, y * damaged.width + maxX - third);
  const after = pipeline.scan({ ...damaged, format: 'gray' });
  assert.equal(after.text, null);
  const empty = new Uint8Array(damaged.width * damaged.height).fill(128);
  assert.equal(pipeline.scan({ data: empty, width: damaged.width, height: damaged.height, format: 'gray' }).text, null);
});

test('a text the accept check refuses is not returned, and the decoder is not asked to guess', async () => {
  const text = texts[3] as string;
  const refused: string[] = [];
  const pipeline = await createNodeScanPipeline({
    accept: (t) => {
      refused.push(t);
      return false;
    },
  });
  const result = pipeline.scan(gray(clean(text), 13));
  assert.equal(result.text, null);
  assert.ok(refused.length >= 1 && refused.every((t) => t === text));
});

test('only text the injected decoder returned for this frame comes out', () => {
  let answer: string | null = null;
  const calls: number[] = [];
  const pipeline = createScanPipeline({
    decoder: (image) => {
      calls.push(image.width);
      return answer === null ? null : { text: answer };
    },
  });
  const frame: ScanFrame = { data: new Uint8Array(64 * 48), width: 64, height: 48, format: 'gray' };
  assert.equal(pipeline.scan(frame).text, null); // the full frame and the fallbacks, all null
  assert.ok(calls.length >= 3);
  answer = 'FROM-DECODER';
  assert.equal(pipeline.scan(frame).text, 'FROM-DECODER');
  answer = null;
  assert.equal(pipeline.scan(frame).text, null);
});

test('after a read, the next frame is decoded from a crop around the code first', async () => {
  const pipeline = await createNodeScanPipeline();
  const text = texts[0] as string;
  const spec = clean(text);
  assert.equal(pipeline.scan({ data: grayToRgba(renderFrame(spec, 21)), width: 1280, height: 720, format: 'rgba' }).step, 'full');
  const next = pipeline.scan({ data: grayToRgba(renderFrame({ ...spec, noiseSigma: 4 }, 21)), width: 1280, height: 720, format: 'rgba' });
  assert.equal(next.text, text);
  assert.equal(next.step, 'crop');
  assert.equal(next.attempts, 1);
});

test('the fallbacks read a dim low-contrast code that the first pass does not', async () => {
  const text = texts[4] as string;
  const spec: FrameSpec = { ...clean(text), ink: 124, paper: 136, noiseSigma: 1.5 };
  const frame = gray(spec, 31);
  const firstPassOnly = await createNodeScanPipeline({ disable: [...FALLBACKS] });
  assert.equal(firstPassOnly.scan(frame).text, null, 'the first pass alone reads this frame: the test frame is too easy');
  const pipeline = await createNodeScanPipeline();
  const result = pipeline.scan(frame);
  assert.equal(result.text, text);
  assert.notEqual(result.step, 'full');
});

test('noisy, dim, JPEG-mangled webcam frames that every other step misses are read after 3x3 smoothing', async () => {
  // Webcam-like mixes from the benchmark's set (seed 1): modules of 4.7 px, sensor noise 12, a code of under 60 levels
  // in half light with a shadow across it, JPEG quality 47.
  for (const index of [16, 17]) {
    const f = categoryFrame('webcam', index, 1, texts);
    const frame: ScanFrame = { ...f.frame, format: 'gray' };
    const withoutSmoothing = await createNodeScanPipeline({ disable: ['smooth', 'average'] });
    assert.equal(withoutSmoothing.scan(frame).text, null, `another step reads webcam frame ${index}: the test frame is too easy`);
    const pipeline = await createNodeScanPipeline({ disable: ['average'] });
    const result = pipeline.scan(frame);
    assert.equal(result.text, f.text);
    assert.equal(result.step, 'smooth');
  }
});

test('frames that do not match their size are refused', async () => {
  const pipeline = await createNodeScanPipeline();
  assert.throws(() => pipeline.scan({ data: new Uint8Array(10), width: 64, height: 48, format: 'gray' }), RangeError);
  assert.throws(() => pipeline.scan({ data: new Uint8Array(64 * 48), width: 64, height: 48, format: 'rgba' }), RangeError);
});

test('consecutive noisy frames of a still code that no frame alone gives up are read from their average', async () => {
  const text = texts[1] as string;
  const spec: FrameSpec = { ...clean(text), modulePx: 3, noiseSigma: 40, ink: 60, paper: 170, shakePx: 0.25 };
  const frames = [1, 2, 3].map((k): ScanFrame => ({ ...renderFrame(spec, 77, 1000 + k), format: 'gray' }));
  const alone = await createNodeScanPipeline({ disable: ['average'] });
  for (const f of frames) assert.equal(alone.scan(f).text, null, 'a single frame is readable: the test frames are too easy');
  const pipeline = await createNodeScanPipeline();
  const results = frames.map((f) => pipeline.scan(f));
  assert.deepEqual(results.map((r) => r.text), [null, null, text]);
  assert.equal(results[2]!.step, 'average');
});

test('a frame of another scene is never averaged with the frames before it', () => {
  // A decoder that reads nothing and notes the level of every image it is shown.
  const seen: number[][] = [];
  const pipeline = createScanPipeline({
    decoder: (image) => {
      seen[seen.length - 1]!.push(image.data[0] as number);
      return null;
    },
  });
  const flat = (level: number): ScanFrame => ({ data: new Uint8Array(128 * 96).fill(level), width: 128, height: 96, format: 'gray' });
  for (const level of [50, 54, 200]) {
    seen.push([]);
    pipeline.scan(flat(level));
  }
  // The second frame (same scene) is tried averaged with the first: level 52. The third (another scene) never with
  // them: no image between the two scenes' levels.
  assert.ok(seen[1]!.includes(52));
  assert.ok(seen[2]!.every((level) => level < 60 || level > 190 || level === 128), `mixed images shown: ${seen[2]!.join(',')}`);
});
