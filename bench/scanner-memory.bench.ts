/**
 * The scanner's memory over many frames: the scan pipeline (as the worker runs it) fed 1280x720 RGBA frames in turn -
 * readable codes, hard ones that run every fallback, and empty frames - sampling the process's RSS, the JS heap and
 * zxing-wasm's linear memory. Flat means no growth after warm-up (a leak of even one small buffer per frame shows as
 * megabytes over thousands of frames).
 *
 *   node --import tsx --expose-gc bench/scanner-memory.bench.ts [frames=10000]
 */
import { performance } from 'node:perf_hooks';
import { CATEGORIES, categoryFrames, grayToRgba, sourceTexts } from './frames/generate';
import { createNodeScanPipeline, zxingModule } from '../electron/services/qr-scan';

const frames = Number(process.argv[2] ?? 10_000);
const texts = sourceTexts(1);
const pool: Uint8ClampedArray[] = [];
for (const category of ['webcam', 'noise', 'contrast', 'rotation'] as (typeof CATEGORIES)[number][]) {
  for (const f of categoryFrames(category, 2, 3, texts)) pool.push(grayToRgba(f.frame));
}
pool.push(new Uint8ClampedArray(1280 * 720 * 4).fill(90)); // nothing to find
const module = await zxingModule();
const pipeline = await createNodeScanPipeline();
const gc = (globalThis as { gc?: () => void }).gc;
const mib = (n: number) => n / 1024 / 1024;
const samples: { frame: number; rssMiB: number; heapMiB: number; wasmMiB: number }[] = [];
const every = Math.max(50, Math.floor(frames / 20));
let read = 0;
const t0 = performance.now();
for (let i = 1; i <= frames; i++) {
  const data = pool[i % pool.length]!;
  if (pipeline.scan({ data, width: 1280, height: 720, format: 'rgba' }).text !== null) read++;
  if (i % every === 0) {
    gc?.();
    const m = process.memoryUsage();
    samples.push({ frame: i, rssMiB: Number(mib(m.rss).toFixed(1)), heapMiB: Number(mib(m.heapUsed).toFixed(1)), wasmMiB: Number(mib(module.HEAPU8.length).toFixed(1)) });
  }
}
const seconds = (performance.now() - t0) / 1000;
// Growth from the end of warm-up (a fifth of the run) to the end.
const warm = samples[Math.floor(samples.length / 5)]!;
const last = samples[samples.length - 1]!;
const growth = { rssMiB: Number((last.rssMiB - warm.rssMiB).toFixed(1)), heapMiB: Number((last.heapMiB - warm.heapMiB).toFixed(1)), wasmMiB: Number((last.wasmMiB - warm.wasmMiB).toFixed(1)) };
console.log(`scanner memory: ${frames} frames 1280x720 in ${seconds.toFixed(0)} s (${read} read), gc ${gc ? 'forced before each sample' : 'not exposed'}`);
console.log(`${'frame'.padStart(7)}${'RSS MiB'.padStart(10)}${'heap MiB'.padStart(10)}${'wasm MiB'.padStart(10)}`);
for (const s of samples) console.log(`${String(s.frame).padStart(7)}${s.rssMiB.toFixed(1).padStart(10)}${s.heapMiB.toFixed(1).padStart(10)}${s.wasmMiB.toFixed(1).padStart(10)}`);
const flat = growth.heapMiB < 5 && growth.wasmMiB === 0 && growth.rssMiB < 20;
console.log(`growth after warm-up: RSS ${growth.rssMiB} MiB, heap ${growth.heapMiB} MiB, wasm ${growth.wasmMiB} MiB: ${flat ? 'flat' : 'GROWS'}`);
console.log(JSON.stringify({ bench: 'scanner-memory', frames, seconds: Number(seconds.toFixed(1)), read, growth, samples, targets: { flat } }));
