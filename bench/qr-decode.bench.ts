/**
 * Decoding degraded camera frames: keyshard's scan pipeline vs zxing-wasm alone (as the scanner used it: RGBA
 * ImageData, tryHarder) vs jsQR (the decoder the design card names), on the same seeded frames in the same run.
 * Frames come from bench/frames/generate.ts (1280x720, keyshard's own codes). The three decoders take turns on each
 * frame, so a busy machine slows them alike. Times are per frame, decode only (the frame is made beforehand).
 *
 *   node --import tsx bench/qr-decode.bench.ts [framesPerCategory=20] [webcamFrames=40] [seed=1]
 *
 * Prints a table and one JSON line ({"bench":"qr-decode",...}). Exit code 0 whatever the numbers: the table says
 * which targets are met.
 */
import { performance } from 'node:perf_hooks';
import jsQR from 'jsqr';
import { readBarcodes } from 'zxing-wasm/reader';
import { CATEGORIES, categoryFrames, grayToRgba, sourceTexts, type Category } from './frames/generate';
import { createNodeScanPipeline, zxingDecoder } from '../electron/services/qr-scan';
import { zxingReady } from '../test/helpers/zxing';

const perCategory = Number(process.argv[2] ?? 20);
const webcamFrames = Number(process.argv[3] ?? 40);
const seed = Number(process.argv[4] ?? 1);

type Name = 'keyshard' | 'zxing-wasm' | 'jsQR';
const NAMES: readonly Name[] = ['keyshard', 'zxing-wasm', 'jsQR'];

interface Tally {
  read: number;
  wrong: number;
  frames: number;
}

const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

async function main() {
  await zxingReady();
  await zxingDecoder();
  const pipeline = await createNodeScanPipeline();
  const decoders: Record<Name, (rgba: Uint8ClampedArray, width: number, height: number) => Promise<string | null>> = {
    keyshard: async (data, width, height) => pipeline.scan({ data, width, height, format: 'rgba' }).text,
    'zxing-wasm': async (data, width, height) => {
      const results = await readBarcodes({ data, width, height } as never, { formats: ['QRCode'], maxNumberOfSymbols: 1, tryHarder: true });
      return results.find((r) => r.isValid)?.text ?? null;
    },
    jsQR: async (data, width, height) => jsQR(data, width, height)?.data || null,
  };
  const tallies = new Map<string, Tally>();
  const times: Record<Name, number[]> = { keyshard: [], 'zxing-wasm': [], jsQR: [] };
  const tally = (name: Name, category: Category | 'all') => {
    const key = `${name}/${category}`;
    let t = tallies.get(key);
    if (t === undefined) tallies.set(key, (t = { read: 0, wrong: 0, frames: 0 }));
    return t;
  };
  const texts = sourceTexts(seed);
  // Warm-up: JIT and first-call costs are not what we measure.
  for (const f of categoryFrames('rotation', 2, seed + 99, texts)) {
    const rgba = grayToRgba(f.frame);
    for (const name of NAMES) await decoders[name](rgba, f.frame.width, f.frame.height);
  }
  pipeline.reset();
  let order = 0;
  const started = performance.now();
  for (const category of CATEGORIES) {
    for (const f of categoryFrames(category, category === 'webcam' ? webcamFrames : perCategory, seed, texts)) {
      const rgba = grayToRgba(f.frame);
      // Rotate who goes first, so no decoder always gets the warm cache.
      const turn = NAMES.map((_, i) => NAMES[(i + order) % NAMES.length] as Name);
      order++;
      for (const name of turn) {
        const t0 = performance.now();
        const text = await decoders[name](rgba, f.frame.width, f.frame.height);
        times[name].push(performance.now() - t0);
        for (const t of [tally(name, category), tally(name, 'all')]) {
          t.frames++;
          if (text === f.text) t.read++;
          else if (text !== null) t.wrong++;
        }
      }
    }
  }
  const elapsed = (performance.now() - started) / 1000;

  const pct = (t: Tally) => (100 * t.read) / t.frames;
  console.log(`QR decode, ${tally('keyshard', 'all').frames} frames 1280x720 (seed ${seed}), node ${process.version}, ${elapsed.toFixed(0)} s`);
  console.log(`${'category'.padEnd(12)}${NAMES.map((n) => n.padStart(12)).join('')}`);
  for (const category of [...CATEGORIES, 'all'] as const) {
    const row = NAMES.map((n) => `${pct(tally(n, category)).toFixed(1)}%`.padStart(12)).join('');
    console.log(`${category.padEnd(12)}${row}`);
  }
  console.log(`${'wrong text'.padEnd(12)}${NAMES.map((n) => String(tally(n, 'all').wrong).padStart(12)).join('')}`);
  console.log(`${'median ms'.padEnd(12)}${NAMES.map((n) => quantile(times[n], 0.5).toFixed(1).padStart(12)).join('')}`);
  console.log(`${'p95 ms'.padEnd(12)}${NAMES.map((n) => quantile(times[n], 0.95).toFixed(1).padStart(12)).join('')}`);

  const ks = tally('keyshard', 'all');
  const bestPeerPerCategory = CATEGORIES.every((c) => pct(tally('keyshard', c)) >= Math.max(pct(tally('zxing-wasm', c)), pct(tally('jsQR', c))));
  const medianRatio = quantile(times.keyshard, 0.5) / quantile(times['zxing-wasm'], 0.5);
  const targets = {
    everyCategoryAtLeastBestPeer: bestPeerPerCategory,
    overallAtLeast99_5: pct(ks) >= 99.5,
    webcamAtLeast95: pct(tally('keyshard', 'webcam')) >= 95,
    noWrongText: ks.wrong === 0,
    medianAtMost1_1xZxing: medianRatio <= 1.1,
    p95Under20ms: quantile(times.keyshard, 0.95) < 20,
  };
  console.log(`targets: ${Object.entries(targets).map(([k, v]) => `${k} ${v ? 'met' : 'NOT met'}`).join(', ')} (median ratio ${medianRatio.toFixed(2)}x)`);
  const json = {
    bench: 'qr-decode',
    frames: ks.frames,
    seed,
    node: process.version,
    decoders: Object.fromEntries(
      NAMES.map((n) => [
        n,
        {
          successPct: Object.fromEntries([...CATEGORIES, 'all'].map((c) => [c, Number(pct(tally(n, c as Category | 'all')).toFixed(2))])),
          wrong: tally(n, 'all').wrong,
          medianMs: Number(quantile(times[n], 0.5).toFixed(2)),
          p95Ms: Number(quantile(times[n], 0.95).toFixed(2)),
        },
      ]),
    ),
    medianRatioToZxing: Number(medianRatio.toFixed(3)),
    targets,
  };
  console.log(JSON.stringify(json));
}

await main();
