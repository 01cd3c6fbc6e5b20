/**
 * The renderer in Chromium (Debian's, the stand-in for Electron's window that the e2e specs use):
 *  1. first screen, load to interactive: the built renderer opened in a new window with the real IPC stack behind
 *     `window.keyshard` (test/e2e/harness.ts); timed inside the page from navigation start until the start screen's
 *     first action is in the document, enabled and focused (what a person can use), with the page's own clock.
 *  2. PBKDF2 in the renderer's engine: SLIP-39 key stretching (core's async Feistel cipher, 4 rounds of 10000<<e / 4
 *     iterations) with WebCrypto `subtle.deriveBits` injected, against the same four deriveBits calls alone, taken in
 *     turns. The app does not stretch keys in the renderer (the window hands words to main, whose numbers are in
 *     slip39.bench.ts); this says what it would cost there, and core's pure-JS default (@noble/hashes) for scale.
 *
 *   node --import tsx bench/renderer.bench.ts [loads=15] [kdfReps=15] [rendererDir]
 *
 * rendererDir: a renderer build to open (default: a fresh Vite build in a temporary folder). Needs /usr/bin/chromium
 * (Debian package `chromium`, as the e2e tests do); without it the benchmark says so and skips.
 * Prints tables and JSON lines ({"bench":"renderer-first-screen",...}, {"bench":"renderer-pbkdf2",...}).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const loads = Number(process.argv[2] ?? 15);
const kdfReps = Number(process.argv[3] ?? 15);
const CHROMIUM = '/usr/bin/chromium';
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (!existsSync(CHROMIUM)) {
  console.log(`renderer: skipped, ${CHROMIUM} is missing (Debian: apt-get install chromium)`);
  console.log(JSON.stringify({ bench: 'renderer-first-screen', skipped: 'no chromium' }));
  process.exit(0);
}

let rendererDir = process.argv[4];
let built: string | undefined;
if (rendererDir === undefined) {
  built = mkdtempSync(join(tmpdir(), 'keyshard-bench-renderer-'));
  rendererDir = built;
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'build/vite.renderer.config.ts', '--outDir', built, '--logLevel', 'error'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`vite build failed: ${r.stderr.toString().slice(0, 400)}`);
}
// The harness reads the renderer folder from this variable when it is loaded.
process.env.KEYSHARD_E2E_OUT = rendererDir;
const { launchApp } = await import('../test/e2e/harness');

try {
  // ---- 1. first screen
  const session = await launchApp();
  const times: { interactive: number; domContentLoaded: number; load: number }[] = [];
  try {
    const { page } = session;
    // Runs in the page before its own scripts: notes the first moment the start screen can be used.
    await page.addInitScript(() => {
      const g = globalThis as unknown as {
        __interactiveAt?: number;
        document: { querySelector(s: string): { disabled?: boolean } | null; activeElement: unknown; addEventListener(t: string, f: () => void, capture: boolean): void };
        performance: { now(): number };
        MutationObserver: new (f: () => void) => { observe(n: unknown, o: object): void; disconnect(): void };
      };
      const check = () => {
        if (g.__interactiveAt !== undefined) return;
        const first = g.document.querySelector('[data-testid="start-new"]');
        if (first !== null && first.disabled !== true && g.document.activeElement === first) g.__interactiveAt = g.performance.now();
      };
      const observer = new g.MutationObserver(check);
      observer.observe(g.document, { childList: true, subtree: true, attributes: true });
      g.document.addEventListener('focusin', check, true);
    });
    for (let i = 0; i <= loads; i++) {
      await session.open('');
      await page.waitForFunction(() => (globalThis as { __interactiveAt?: number }).__interactiveAt !== undefined);
      const t = await page.evaluate(() => {
        const g = globalThis as unknown as { __interactiveAt: number; performance: { getEntriesByType(t: string): { domContentLoadedEventEnd: number; loadEventEnd: number }[] } };
        const nav = g.performance.getEntriesByType('navigation')[0]!;
        return { interactive: g.__interactiveAt, domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
      });
      if (i > 0) times.push(t); // the first load warms Chromium's caches; a person opens the app after it started
      await page.goto('about:blank');
    }
    if (session.pageErrors.length > 0) throw new Error(`page errors: ${session.pageErrors.join('; ')}`);
    if (session.foreignRequests().length > 0) throw new Error(`requests left the page: ${session.foreignRequests().join(', ')}`);
  } finally {
    await session.close();
  }
  const col = (k: keyof (typeof times)[number]) => times.map((t) => t[k]);
  const chromiumVersion = spawnSync(CHROMIUM, ['--version']).stdout?.toString().trim() ?? '';
  console.log(`renderer first screen (${built === undefined ? rendererDir : 'fresh Vite build'}), ${loads} loads after one warm-up, ${chromiumVersion}, 1366x768, ms from navigation start`);
  for (const k of ['domContentLoaded', 'load', 'interactive'] as const) {
    console.log(`  ${k.padEnd(18)} median ${median(col(k)).toFixed(0).padStart(5)}   min ${Math.min(...col(k)).toFixed(0).padStart(5)}   max ${Math.max(...col(k)).toFixed(0).padStart(5)}`);
  }
  console.log(
    JSON.stringify({
      bench: 'renderer-first-screen',
      loads,
      chromium: chromiumVersion,
      medianMs: { domContentLoaded: Number(median(col('domContentLoaded')).toFixed(1)), load: Number(median(col('load')).toFixed(1)), interactive: Number(median(col('interactive')).toFixed(1)) },
      minInteractiveMs: Number(Math.min(...col('interactive')).toFixed(1)),
      maxInteractiveMs: Number(Math.max(...col('interactive')).toFixed(1)),
    }),
  );
} finally {
  if (built !== undefined) rmSync(built, { recursive: true, force: true });
}

// ---- 2. PBKDF2 in Chromium
{
  // core's SLIP-39 cipher bundled for the page as it would be for the renderer (esbuild, browser platform).
  const bundle = await build({
    stdin: {
      contents: "export { decryptMasterSecretAsync, decryptMasterSecret } from './core/slip39/index';",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName: 'slip39',
    platform: 'browser',
    write: false,
    logLevel: 'error',
  });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'], headless: true });
  try {
    const page = await browser.newPage();
    // WebCrypto needs a secure context: a page of our own on a made-up https origin, answered inside the browser.
    await page.route('https://bench.local/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>bench</title>' }));
    await page.goto('https://bench.local/');
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    await page.addInitScript(() => ((globalThis as { __name?: unknown }).__name = (f: unknown) => f));
    await page.evaluate(() => ((globalThis as { __name?: unknown }).__name = (f: unknown) => f));
    const rows = await page.evaluate(async (reps: number) => {
      type Call = { password: Uint8Array; salt: Uint8Array; iterations: number; dkLen: number };
      const g = globalThis as unknown as {
        crypto: { subtle: { importKey(...a: unknown[]): Promise<unknown>; deriveBits(...a: unknown[]): Promise<ArrayBuffer> }; getRandomValues(a: Uint8Array): Uint8Array };
        performance: { now(): number };
        slip39: {
          decryptMasterSecretAsync(s: Uint8Array, p: object): Promise<Uint8Array>;
          decryptMasterSecret(s: Uint8Array, p: object): Uint8Array;
        };
      };
      const webCrypto = async (c: Call): Promise<Uint8Array> => {
        const key = await g.crypto.subtle.importKey('raw', c.password, 'PBKDF2', false, ['deriveBits']);
        return new Uint8Array(await g.crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: c.salt, iterations: c.iterations }, key, c.dkLen * 8));
      };
      const secret = g.crypto.getRandomValues(new Uint8Array(16));
      const password = new Uint8Array([0, ...new TextEncoder().encode('bench')]);
      const salt = new Uint8Array(14 + 8);
      const params = (e: number) => ({ identifier: 4242, extendable: false, iterationExponent: e, passphrase: 'bench' });
      const native = async (e: number) => {
        for (let r = 0; r < 4; r++) await webCrypto({ password, salt, iterations: (10000 << e) / 4, dkLen: 8 });
      };
      const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
      // Minimums too (see slip39.bench.ts): on a loaded machine a median still swings with the scheduler.
      async function paired(a: () => unknown, b: () => unknown, n: number): Promise<[number, number, number]> {
        await a();
        await b();
        const ta: number[] = [];
        const tb: number[] = [];
        for (let i = 0; i < n; i++) {
          for (const [run, into] of (i % 2 === 0 ? [[a, ta], [b, tb]] : [[b, tb], [a, ta]]) as [() => unknown, number[]][]) {
            const t0 = g.performance.now();
            await run();
            into.push(g.performance.now() - t0);
          }
        }
        return [med(ta), med(tb), Math.min(...ta) / Math.min(...tb)];
      }
      const out: { e: number; place: string; keyshardMs: number; nativeMs: number; minRatio: number }[] = [];
      for (const e of [0, 1, 2, 3]) {
        const [ks, wc, minRatio] = await paired(() => g.slip39.decryptMasterSecretAsync(secret, { ...params(e), pbkdf2: webCrypto }), () => native(e), reps);
        out.push({ e, place: 'renderer (WebCrypto injected)', keyshardMs: ks, nativeMs: wc, minRatio });
        // The pure-JS default is slow: fewer runs are enough to see it.
        const [noble, wc2, nobleMinRatio] = await paired(() => g.slip39.decryptMasterSecret(secret, params(e)), () => native(e), Math.max(3, Math.floor(reps / 3)));
        out.push({ e, place: 'renderer, core default (@noble)', keyshardMs: noble, nativeMs: wc2, minRatio: nobleMinRatio });
      }
      return out;
    }, kdfReps);
    const version = browser.version();
    console.log(`\nSLIP-39 key stretching in Chromium ${version} (decrypt, 4 rounds, 10000<<e iterations), median of ${kdfReps} taken in turns; native = the same 4 subtle.deriveBits calls`);
    console.log(`${'e'.padEnd(3)}${'where'.padEnd(34)}${'keyshard'.padStart(10)}${'native'.padStart(10)}${'ratio'.padStart(8)}${'of mins'.padStart(9)}`);
    const withRatio = rows.map((r) => ({ ...r, ratio: r.keyshardMs / r.nativeMs }));
    for (const r of withRatio) console.log(`${String(r.e).padEnd(3)}${r.place.padEnd(34)}${r.keyshardMs.toFixed(1).padStart(10)}${r.nativeMs.toFixed(1).padStart(10)}${`${r.ratio.toFixed(2)}x`.padStart(8)}${`${r.minRatio.toFixed(2)}x`.padStart(9)}`);
    const injected = withRatio.filter((r) => r.place.startsWith('renderer (WebCrypto'));
    const met = injected.every((r) => r.ratio <= 1.2);
    const metByMin = injected.every((r) => r.minRatio <= 1.2);
    console.log(
      `target <= 1.2x native with WebCrypto injected: medians ${met ? 'met' : 'NOT met'} (worst ${Math.max(...injected.map((r) => r.ratio)).toFixed(2)}x), ` +
        `minimums ${metByMin ? 'met' : 'NOT met'} (worst ${Math.max(...injected.map((r) => r.minRatio)).toFixed(2)}x); the app itself runs PBKDF2 in main, not here`,
    );
    console.log(
      JSON.stringify({
        bench: 'renderer-pbkdf2',
        chromium: version,
        reps: kdfReps,
        rows: withRatio.map((r) => ({ ...r, keyshardMs: Number(r.keyshardMs.toFixed(2)), nativeMs: Number(r.nativeMs.toFixed(2)), ratio: Number(r.ratio.toFixed(3)), minRatio: Number(r.minRatio.toFixed(3)) })),
        targets: { webCryptoInjectedAtMost1_2xNative: met, webCryptoInjectedAtMost1_2xNativeByMinimum: metByMin },
      }),
    );
  } finally {
    await browser.close();
  }
}
