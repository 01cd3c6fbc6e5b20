/**
 * The Chromium stand-in for the keyshard window: Debian's Chromium loads the built renderer (out/renderer) from
 * file://, and `window.keyshard` is bridged with Playwright's exposeBinding to the REAL IPC stack in this test process:
 * the preload's bridge (createKeyshardBridge: channel allowlist) in front of createIpcHandlers(deps) (zod validation,
 * error envelopes). So every call a screen makes goes through the same checks as in the app.
 *
 * Every request the page (or its workers) makes is recorded; anything but file:, data: and blob: is a failure
 * (checked by the fixture in fixtures.ts after each test). Every call of the bridge is recorded too: its channel
 * (`ipcCalls`) and the answer envelope exactly as the page receives it, as JSON (`answers`), so a spec can prove that
 * no answer of main carries a secret the page sent (`expectNoAnswerContains`).
 *
 * Behind the handlers sit the real ceremony and recovery services (backend.ts), in a temp folder per session unless the
 * test passes its own backend (to share it between windows, or to "restart" on the same folder).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { ChannelName } from '../../electron/ipc/channels';
import { createIpcHandlers, type IpcDeps } from '../../electron/ipc/handlers';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/csp';
import { createCameraGate, type CameraGate } from '../../electron/main/permissions';
import { createKeyshardBridge } from '../../electron/preload/bridge';
import type { AirGapReport } from '../../electron/services/airgap/types';
import { createCeremonyBackend, type CeremonyBackend } from './backend';
import { accessibilityProblems, layoutProblems } from './screen-checks';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the e2e build goes; KEYSHARD_E2E_OUT gives one engineer's runs their own folder on a shared machine. */
export const RENDERER_DIR = process.env.KEYSHARD_E2E_OUT ?? join(ROOT, 'out/renderer');
export const INDEX_URL = pathToFileURL(join(RENDERER_DIR, 'index.html')).href;
export const SCREENS_DIR = join(ROOT, 'artifacts/screens');

export const CHROMIUM = '/usr/bin/chromium';
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--allow-file-access-from-files',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

export const VIEWPORTS = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;

/** Schemes a page may load from: its own files and what it builds itself. */
const LOCAL_SCHEMES = ['file:', 'data:', 'blob:'];

export function isLocalUrl(url: string): boolean {
  return LOCAL_SCHEMES.some((s) => url.startsWith(s));
}

export interface LaunchOptions {
  /** Absolute path of a .y4m file: Chromium's fake camera plays it (looping) and permission is granted. */
  readonly camera?: string;
  /** A fake camera device that the page is NOT allowed to use (the permission prompt is refused). */
  readonly cameraDenied?: boolean;
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Replace some of the handler dependencies (applied last, over the backend's). */
  readonly deps?: Partial<IpcDeps>;
  /** The ceremony and recovery services; default: a new backend in a temp folder, removed when the session closes. */
  readonly backend?: CeremonyBackend;
  /**
   * Serve out/renderer from https://app.local/ (answered inside the browser by a route, never the network) with the
   * Content-Security-Policy header main sends, instead of file://, to prove the screens run under that policy.
   */
  readonly withAppCsp?: boolean;
}

/** The origin used with `withAppCsp`: requests to it are answered by the test's route and never leave the browser. */
export const CSP_ORIGIN = 'https://app.local';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** One call of the bridge and its answer: the `{ ok, value }` / `{ ok: false, error }` envelope the page received. */
export interface IpcAnswer {
  readonly channel: string;
  /** The envelope as JSON (what crosses from main to the page), or `{"thrown":...}` if the bridge itself threw. */
  readonly json: string;
  readonly ok: boolean;
  /** The error code of a failed call. */
  readonly code?: string;
}

export interface AppSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly camera: CameraGate;
  /** The real ceremony and recovery services the page talks to. */
  readonly backend: CeremonyBackend;
  /** Channel names in the order the page called them. */
  readonly ipcCalls: string[];
  /** Every answer the page got, in order (one per entry of ipcCalls, once the call returned). */
  readonly answers: IpcAnswer[];
  /** Every URL requested by the page and its workers. */
  readonly requests: string[];
  /** Uncaught exceptions in the page (each one fails the test). */
  readonly pageErrors: string[];
  /** Content-Security-Policy violations reported in the page (directive and blocked URL). */
  cspViolations(): Promise<string[]>;
  /** Opens a route of the app: '' (start), 'plan', 'verify', ... */
  open(route: string): Promise<void>;
  /** Requests that left the machine's own files; returned and forgotten (for the test that provokes one). */
  takeForeignRequests(): string[];
  foreignRequests(): string[];
  close(): Promise<void>;
}

const QUIET_AIRGAP: AirGapReport = {
  ok: true,
  interfaces: [{ name: 'lo', kind: 'loopback', up: true, addresses: ['127.0.0.1/8'], operstate: 'unknown' }],
  radios: [],
  problems: [],
  sources: ['os'],
  checkedAt: '2025-03-01T09:00:00.000Z',
};

export async function launchApp(options: LaunchOptions = {}): Promise<AppSession> {
  const args: string[] = [...BASE_ARGS];
  if (options.camera !== undefined || options.cameraDenied) args.push('--use-fake-device-for-media-stream');
  if (options.camera !== undefined) args.push('--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${options.camera}`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args, headless: true });
  const context = await browser.newContext({
    viewport: options.viewport ?? VIEWPORTS[0],
    serviceWorkers: 'block',
    acceptDownloads: true,
  });

  const requests: string[] = [];
  let foreign: string[] = [];
  context.on('request', (r) => {
    const url = r.url();
    requests.push(url);
    const servedByRoute = options.withAppCsp === true && url.startsWith(`${CSP_ORIGIN}/`);
    if (!isLocalUrl(url) && !servedByRoute) foreign.push(url);
  });
  if (options.withAppCsp) {
    await context.route(`${CSP_ORIGIN}/**`, async (route) => {
      const path = normalize(decodeURIComponent(new URL(route.request().url()).pathname)).replace(/^[/\\]+/, '');
      const file = join(RENDERER_DIR, path === '' ? 'index.html' : path);
      if (!file.startsWith(RENDERER_DIR + sep)) return route.fulfill({ status: 403 });
      try {
        await route.fulfill({
          status: 200,
          body: readFileSync(file),
          headers: { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CONTENT_SECURITY_POLICY },
        });
      } catch {
        await route.fulfill({ status: 404 });
      }
    });
  }

  const camera = createCameraGate();
  const ipcCalls: string[] = [];
  const answers: IpcAnswer[] = [];
  const ownBackend = options.backend === undefined;
  const backend = options.backend ?? createCeremonyBackend();
  const handlers = createIpcHandlers({
    appInfo: () => ({ name: 'keyshard', version: '0.0.0-e2e', platform: process.platform, arch: process.arch, production: true }),
    checkAirGap: async () => QUIET_AIRGAP,
    camera,
    ...backend.deps,
    ...options.deps,
  });
  // The preload's own bridge object, with IPC replaced by a direct call of the handlers (what ipcMain.handle does
  // after its sender check, which has no equivalent for a file:// page).
  const bridge = createKeyshardBridge({
    invoke: (channel: string, request?: unknown) => handlers[channel as ChannelName](request),
  });
  await context.exposeBinding('__keyshardInvoke', async (_source, channel: unknown, request: unknown) => {
    ipcCalls.push(String(channel));
    let answer: unknown;
    try {
      answer = await bridge.invoke(channel, request);
    } catch (e) {
      answers.push({ channel: String(channel), json: JSON.stringify({ thrown: String(e) }), ok: false });
      throw e;
    }
    answers.push(answerOf(String(channel), answer));
    return answer;
  });
  await context.addInitScript(() => {
    // tsx/esbuild may wrap page functions with __name(); make it exist in the page.
    (globalThis as { __name?: unknown }).__name = (f: unknown) => f;
    const call = (channel: unknown, request?: unknown): Promise<unknown> =>
      (globalThis as unknown as { __keyshardInvoke: (c: unknown, r: unknown) => Promise<unknown> }).__keyshardInvoke(channel, request);
    Object.defineProperty(globalThis, 'keyshard', { value: Object.freeze({ invoke: call }), configurable: false, writable: false });
    const g = globalThis as unknown as {
      __cspViolations: string[];
      addEventListener(type: string, listener: (e: { violatedDirective: string; blockedURI: string }) => void): void;
    };
    g.__cspViolations = [];
    g.addEventListener('securitypolicyviolation', (e) => g.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });

  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(`${e.name}: ${e.message}`));

  return {
    browser,
    context,
    page,
    camera,
    backend,
    ipcCalls,
    answers,
    requests,
    pageErrors,
    async open(route: string) {
      await page.goto(`${options.withAppCsp ? `${CSP_ORIGIN}/index.html` : INDEX_URL}#/${route}`);
      await page.getByTestId('screen').waitFor();
    },
    cspViolations: () => page.evaluate(() => [...(globalThis as unknown as { __cspViolations: string[] }).__cspViolations]),
    takeForeignRequests() {
      const out = foreign;
      foreign = [];
      return out;
    },
    foreignRequests: () => [...foreign],
    async close() {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      if (ownBackend) {
        await backend.shutdown().catch(() => undefined);
        backend.remove();
      }
    },
  };
}

function answerOf(channel: string, envelope: unknown): IpcAnswer {
  const json = JSON.stringify(envelope) ?? 'undefined';
  const e = envelope as { ok?: unknown; error?: { code?: unknown } } | null;
  if (e?.ok === true) return { channel, json, ok: true };
  return { channel, json, ok: false, ...(typeof e?.error?.code === 'string' ? { code: e.error.code } : {}) };
}

/**
 * The answers that contain any of `needles` (e.g. the PINs typed in the test), as they are or JSON-escaped. An empty
 * needle is refused: it would be found everywhere and prove nothing.
 */
export function answersContaining(answers: readonly IpcAnswer[], needles: readonly string[]): { channel: string; needle: string }[] {
  const hits: { channel: string; needle: string }[] = [];
  for (const needle of needles) {
    if (needle.length === 0) throw new Error('answersContaining: an empty string is in every answer');
    const escaped = JSON.stringify(needle).slice(1, -1);
    for (const a of answers) if (a.json.includes(needle) || a.json.includes(escaped)) hits.push({ channel: a.channel, needle });
  }
  return hits;
}

/**
 * Fails the test if any answer the page got from main so far carries one of `secrets` (PINs, passphrases, words).
 * `atLeast`: how many answers there must be, so that an empty record cannot pass for a clean one.
 */
export function expectNoAnswerContains(session: Pick<AppSession, 'answers'>, secrets: readonly string[], atLeast = 1): void {
  expect(session.answers.length, 'answers recorded by the harness').toBeGreaterThanOrEqual(atLeast);
  // Only the channel and which secret: the answer itself is not printed, it holds the secret.
  expect(answersContaining(session.answers, secrets), 'answers of main that carry a secret the page sent').toEqual([]);
}

/** The channels whose answer was an error, with the code: `['ceremony:handoff HSM_PIN_INCORRECT', ...]`. */
export function failedAnswers(session: Pick<AppSession, 'answers'>): string[] {
  return session.answers.filter((a) => !a.ok).map((a) => `${a.channel} ${a.code ?? '?'}`);
}

/** Resolves after the page has laid out and painted twice (e.g. after a resize). */
export async function nextPaint(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const raf = (globalThis as unknown as { requestAnimationFrame(cb: () => void): number }).requestAnimationFrame;
        raf(() => raf(() => resolve()));
      }),
  );
}

/**
 * Saves the page at both review sizes as artifacts/screens/<name>-<W>x<H>.png: what a person sees on that screen
 * (the top of the page). When the page is longer than the screen, the whole page goes to <name>-<W>x<H>-full.png
 * too, so overflow and long forms can be reviewed. Restores the viewport it found. Returns the paths written.
 * Then it checks the screen as first seen at 1366x768 (screen-checks.ts: primary action and content to read in view,
 * no sideways scrolling, no text out of its box or broken mid-word, no serious axe-core violation) and fails the test
 * with every problem found, once the pictures are saved for review.
 */
export async function saveScreens(page: Page, name: string): Promise<string[]> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const before = page.viewportSize();
  const paths: string[] = [];
  const problems: string[] = [];
  for (const v of VIEWPORTS) {
    await page.setViewportSize(v);
    // From the top: a focused panel may have scrolled the page, and sticky columns would then sit mid-picture.
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await nextPaint(page);
    const base = join(SCREENS_DIR, `${name}-${v.width}x${v.height}`);
    await page.screenshot({ path: `${base}.png`, animations: 'disabled', caret: 'hide' });
    paths.push(`${base}.png`);
    const height = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollHeight: number } } }).document.documentElement.scrollHeight);
    if (height > v.height + 4) {
      await page.screenshot({ path: `${base}-full.png`, fullPage: true, animations: 'disabled', caret: 'hide' });
      paths.push(`${base}-full.png`);
    }
    if (v === VIEWPORTS[0]) problems.push(...(await layoutProblems(page)), ...(await accessibilityProblems(page)));
  }
  if (before) await page.setViewportSize(before);
  expect(problems, `screen ${name} at ${VIEWPORTS[0].width}x${VIEWPORTS[0].height}`).toEqual([]);
  return paths;
}
