/**
 * Whole-app numbers: the headless 3-of-5 ceremony (`keyshard demo`, run as the installed command, i.e. the bundle) end
 * to end, SLIP-39 and FROST/VSS; and the renderer's built bundle (size of every file, and of the JS and wasm).
 * The demo runs with keyshard's own SLIP-39 iteration exponent (1: the demo has no option to lower it; the PBKDF2 share
 * of the time at e=1 is measured separately in bench/slip39.bench.ts and is a few tens of ms).
 *
 *   node --import tsx bench/app.bench.ts [runs=5] [rendererDir]
 *
 * rendererDir: a renderer build to measure (default: builds one into a temporary folder with Vite, so out/renderer
 * is not touched). Prints a table and JSON lines ({"bench":"demo",...}, {"bench":"renderer-bundle",...}).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv[2] ?? 5);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (!existsSync(join(root, 'out/cli/keyshard.mjs'))) {
  console.error('The CLI bundle is missing: run `npm run build:cli` (npm install does it) first.');
  process.exit(1);
}

// The demo, end to end as a user runs it (process start included), and `node -e 0` in turns for scale.
const demo: Record<string, number[]> = { slip39: [], vss: [], 'node -e 0': [] };
const scratch = mkdtempSync(join(tmpdir(), 'keyshard-bench-demo-'));
try {
  for (let i = 0; i < runs; i++) {
    for (const scheme of ['slip39', 'vss'] as const) {
      const out = join(scratch, `${scheme}-${i}`);
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [join(root, 'bin/keyshard.mjs'), 'demo', '--scheme', scheme, '--out', out, '--json'], { stdio: ['ignore', 'ignore', 'pipe'] });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`keyshard demo --scheme ${scheme} exited ${r.status}: ${r.stderr.toString().slice(0, 400)}`);
      demo[scheme]!.push(ms);
    }
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    demo['node -e 0']!.push(performance.now() - t0);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`keyshard demo (3-of-5, whole ceremony, process start to exit), median of ${runs}, node ${process.version}`);
for (const [name, xs] of Object.entries(demo)) console.log(`  ${name.padEnd(12)} ${median(xs).toFixed(0).padStart(6)} ms   (min ${Math.min(...xs).toFixed(0)} ms)`);
const demoTarget = median(demo.slip39!) < 1000 && median(demo.vss!) < 1000;
console.log(`  target < 1 s: ${demoTarget ? 'met' : 'NOT met'}`);
console.log(JSON.stringify({ bench: 'demo', runs, medianMs: Object.fromEntries(Object.entries(demo).map(([k, v]) => [k, Number(median(v).toFixed(1))])), minMs: Object.fromEntries(Object.entries(demo).map(([k, v]) => [k, Number(Math.min(...v).toFixed(1))])), targets: { under1s: demoTarget } }));

// The renderer bundle.
let rendererDir = process.argv[3];
let built: string | undefined;
if (rendererDir === undefined) {
  built = mkdtempSync(join(tmpdir(), 'keyshard-bench-renderer-'));
  rendererDir = built;
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'build/vite.renderer.config.ts', '--outDir', built, '--logLevel', 'error'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`vite build failed: ${r.stderr.toString().slice(0, 400)}`);
}
try {
  const files: { file: string; bytes: number }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push({ file: path.slice(rendererDir!.length + 1), bytes: statSync(path).size });
    }
  };
  walk(rendererDir);
  files.sort((a, b) => b.bytes - a.bytes);
  const sum = (pred: (f: string) => boolean) => files.filter((f) => pred(f.file)).reduce((a, f) => a + f.bytes, 0);
  const total = sum(() => true);
  const js = sum((f) => f.endsWith('.js'));
  const wasm = sum((f) => f.endsWith('.wasm'));
  const css = sum((f) => f.endsWith('.css'));
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(`\nrenderer bundle (${built === undefined ? rendererDir : 'fresh Vite build'}): ${kb(total)} in ${files.length} files; JS ${kb(js)}, wasm ${kb(wasm)}, CSS ${kb(css)}`);
  for (const f of files.slice(0, 6)) console.log(`  ${kb(f.bytes).padStart(9)}  ${f.file}`);
  console.log(JSON.stringify({ bench: 'renderer-bundle', totalBytes: total, jsBytes: js, wasmBytes: wasm, cssBytes: css, files: files.length, largest: files.slice(0, 6) }));
} finally {
  if (built !== undefined) rmSync(built, { recursive: true, force: true });
}
