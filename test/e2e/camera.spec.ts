/**
 * The camera scanning pipeline on the recovery screen, end to end: Chromium's fake camera plays a .y4m video drawn
 * from keyshard's own QR output; the page grabs frames, the worker decodes them with zxing-wasm, core/qr's assembler
 * puts parts together, each complete shard goes to the recovery service in main (recovery:add-shard, the real
 * service here), and the screen shows each shard accepted (never the shard). Recovery by camera with a quorum and a
 * fingerprint check is in recovery-camera.spec.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { moreFramesWithCode } from './ceremony-support';
import { animatedVideo, roughCodeVideo, singleCodeVideo } from './fake-camera';
import { expect, test, type Launch } from './fixtures';
import { DEFAULT_GROUPS, makeCeremony, recoveryService, shard, shardQrPlan } from './fixtures/recovery-ceremony';
import { saveScreens, type AppSession, type LaunchOptions } from './harness';
import { shardQr } from './shards';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-camera-'));
});
test.afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The recovery screen with the real recovery service, past its first step (nothing expected), camera tab open. */
async function openScanner(launch: Launch, options: LaunchOptions): Promise<AppSession> {
  const app = await launch({ ...options, deps: { recovery: recoveryService(), ...options.deps } });
  await app.open('recover');
  await app.page.getByTestId('expect-skip').click();
  await expect(app.page.getByTestId('recovery')).toHaveAttribute('data-stage', 'collect');
  return app;
}

const cameraCalls = (app: AppSession): string[] => app.ipcCalls.filter((c) => c.startsWith('camera:'));

interface ScanNumbers {
  decoded: number;
  dropped: number;
  meanMs: number;
  maxMs: number;
  initMs: number;
}

async function scanNumbers(page: Page): Promise<ScanNumbers> {
  const stats = page.getByTestId('scanner-stats');
  const n = async (name: string): Promise<number> => Number(await stats.getAttribute(`data-${name}`));
  return { decoded: await n('decoded'), dropped: await n('dropped'), meanMs: await n('mean-ms'), maxMs: await n('max-ms'), initMs: await n('init-ms') };
}

/** Records every value the progress bar takes, from now on (a MutationObserver in the page). */
async function recordProgress(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const g = globalThis as unknown as {
      document: { querySelector(s: string): { getAttribute(n: string): string | null } | null };
      MutationObserver: new (cb: () => void) => { observe(t: unknown, o: unknown): void };
      __fractions: number[];
    };
    g.__fractions = [];
    const bar = g.document.querySelector('[data-testid="scan-progress"]');
    const note = (): void => {
      const f = Number(bar?.getAttribute('data-fraction'));
      if (g.__fractions[g.__fractions.length - 1] !== f) g.__fractions.push(f);
    };
    new g.MutationObserver(note).observe(bar, { attributes: true, attributeFilter: ['data-fraction'] });
  });
  return () => page.evaluate(() => (globalThis as unknown as { __fractions: number[] }).__fractions);
}

test('a single-code shard is scanned and shown as received, never shown itself', async ({ launch }, testInfo) => {
  const plan = shardQr('Dana — Zurich vault', 2);
  expect(plan.kind).toBe('single');
  const video = join(dir, 'single.y4m');
  singleCodeVideo(video, plan.kind === 'single' ? plan.text : '');
  const app = await openScanner(launch, { camera: video });
  const { page } = app;
  await expect(page.getByTestId('scanner-start')).toBeFocused();
  await saveScreens(page, 'recover-idle');
  await page.keyboard.press('Enter');
  const received = page.getByTestId('received-shard');
  await expect(received).toHaveCount(1);
  await expect(received).toContainText('Shard of Dana — Zurich vault');
  await expect(received).toHaveAttribute('data-scheme', 'slip39');
  await expect(page.getByTestId('part-counter')).toHaveText('Single code read');
  await expect(page.getByTestId('scan-progress')).toHaveAttribute('aria-valuenow', '100');
  // Nothing of the shard on screen: neither the QR text nor a word of the mnemonic.
  const body = await page.locator('body').innerText();
  expect(body).not.toContain('UR:BYTES');
  expect(body).not.toMatch(/duckling|enlarge|academic/);
  // The same shard still in view (read again and again) is not counted twice.
  await moreFramesWithCode(page);
  await expect(received).toHaveCount(1);
  await expect(page.getByTestId('scanner-stats')).toBeAttached();
  await saveScreens(page, 'recover-single-received');
  const numbers = await scanNumbers(page);
  testInfo.annotations.push({ type: 'measure', description: `single code: ${JSON.stringify(numbers)}` });
  console.log(`[measure] single code, decode per frame in the worker: ${JSON.stringify(numbers)}`);
  expect(numbers.decoded).toBeGreaterThan(0);
  // main was told before and after camera use
  await page.getByTestId('scanner-stop').click();
  await expect(page.getByTestId('scanner-start')).toBeVisible();
  expect(cameraCalls(app)).toEqual(['camera:allow', 'camera:release']);
  expect(app.ipcCalls.filter((c) => c === 'recovery:add-shard')).toHaveLength(1);
  expect(app.camera.isAllowed()).toBe(false);
});

test('an animated multi-part shard fills the progress bar part by part and completes', async ({ launch }, testInfo) => {
  const plan = shardQr('Erik — Geneva vault', 3, { maxSingleVersion: 6, fragmentLength: 20 });
  expect(plan.kind).toBe('animated');
  if (plan.kind !== 'animated') return;
  // The plain parts once, then three fountain-mixed parts; the camera loops the file.
  const texts = plan.parts(plan.partCount + 3);
  const video = join(dir, 'animated.y4m');
  animatedVideo(video, texts, 1);
  const app = await openScanner(launch, { camera: video });
  const { page } = app;
  const fractions = await recordProgress(page);
  await page.getByTestId('scanner-start').click();
  await expect(page.getByTestId('part-counter')).toHaveText(/^\d+ of \d+ parts$/);
  await saveScreens(page, 'recover-animated-progress');
  const received = page.getByTestId('received-shard');
  await expect(received).toHaveCount(1);
  await expect(received).toContainText('Shard of Erik — Geneva vault');
  await expect(received).toHaveAttribute('data-parts', String(plan.partCount));
  await expect(page.getByTestId('part-counter')).toHaveText(`${plan.partCount} of ${plan.partCount} parts`);
  await expect(page.getByTestId('scan-complete')).toBeVisible();
  const seen = await fractions();
  // The bar moved through intermediate values, only forwards, and ended full.
  expect(seen.filter((f) => f > 0 && f < 1).length).toBeGreaterThanOrEqual(3);
  expect(seen[seen.length - 1]).toBe(1);
  for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] ?? 0);
  const frames = Number(await received.getAttribute('data-frames'));
  const partsRead = Number(await received.getAttribute('data-parts-read'));
  await saveScreens(page, 'recover-animated-received');
  const numbers = await scanNumbers(page);
  const line = `animated ${plan.partCount} parts (version ${plan.frameVersion}): ${frames} decoded frames and ${partsRead} distinct parts to complete; ${JSON.stringify(numbers)}`;
  testInfo.annotations.push({ type: 'measure', description: line });
  console.log(`[measure] ${line}`);
  expect(frames).toBeGreaterThanOrEqual(plan.partCount);
});

test('a tilted, noisy, low-contrast code is still read', async ({ launch }, testInfo) => {
  const plan = shardQr('Fatima — Basel vault', 4);
  const video = join(dir, 'rough.y4m');
  roughCodeVideo(video, plan.kind === 'single' ? plan.text : '');
  const app = await openScanner(launch, { camera: video });
  const { page } = app;
  await page.getByTestId('scanner-start').click();
  const received = page.getByTestId('received-shard');
  await expect(received).toHaveCount(1);
  await expect(received).toContainText('Shard of Fatima — Basel vault');
  await saveScreens(page, 'recover-rough-received');
  const numbers = await scanNumbers(page);
  testInfo.annotations.push({ type: 'measure', description: `rough code: ${JSON.stringify(numbers)}` });
  console.log(`[measure] tilted/noisy code: ${JSON.stringify(numbers)}`);
});

test('two shards one after the other are both received', async ({ launch }) => {
  // Two members of one backup (the recovery service refuses a repeat of the same share).
  const ceremony = await makeCeremony({ tag: 'keyshard e2e camera two shards', label: 'Two shards', groupThreshold: 2, groups: DEFAULT_GROUPS });
  const a = shardQrPlan(shard(ceremony, 2, 1));
  const b = shardQrPlan(shard(ceremony, 2, 2));
  const video = join(dir, 'two.y4m');
  // Five frames of each: the first completes before the second appears.
  animatedVideo(video, [a, b].map((p) => (p.kind === 'single' ? p.text : '')), 5);
  const app = await openScanner(launch, { camera: video });
  await app.page.getByTestId('scanner-start').click();
  const received = app.page.getByTestId('received-shard');
  await expect(received).toHaveCount(2);
  await expect(received.nth(0)).toContainText(/Dana|Erik/);
  await expect(app.page.getByTestId('received-panel')).toContainText('Shards in hand (2)');
});

test('a QR code that is not a keyshard code is reported, and scanning goes on', async ({ launch }) => {
  const video = join(dir, 'foreign.y4m');
  singleCodeVideo(video, 'HTTPS://EXAMPLE.COM/NOT-A-SHARD');
  const app = await openScanner(launch, { camera: video });
  await app.page.getByTestId('scanner-start').click();
  await expect(app.page.getByTestId('scan-notice')).toContainText(/keyshard code|could not be read/);
  await expect(app.page.getByTestId('received-shard')).toHaveCount(0);
  await expect(app.page.getByTestId('qr-scanner')).toHaveAttribute('data-phase', 'scanning');
  await saveScreens(app.page, 'recover-foreign-code');
});

test('no camera: the screen says so and what to do', async ({ launch }) => {
  const app = await openScanner(launch, {});
  await app.page.getByTestId('scanner-start').click();
  const panel = app.page.getByTestId('camera-error');
  await expect(panel).toBeVisible();
  await expect(panel).toHaveAttribute('data-code', /CAMERA_(ABSENT|DENIED)/);
  await expect(app.page.getByTestId('camera-error-todo')).toContainText('What to do:');
  await expect(app.page.getByTestId('scanner-start')).toHaveText('Try the camera again');
  await saveScreens(app.page, 'recover-camera-error');
  // main's camera gate was opened for the attempt and closed again after the failure
  expect(cameraCalls(app)).toEqual(['camera:allow', 'camera:release']);
  expect(app.camera.isAllowed()).toBe(false);
});

test('camera permission refused: the screen says so and what to do', async ({ launch }) => {
  const app = await openScanner(launch, { cameraDenied: true });
  await app.page.getByTestId('scanner-start').click();
  const panel = app.page.getByTestId('camera-error');
  await expect(panel).toBeVisible();
  await expect(panel).toHaveAttribute('data-code', 'CAMERA_DENIED');
  await expect(panel).toContainText('not allowed to use the camera');
  await saveScreens(app.page, 'recover-camera-denied');
});
