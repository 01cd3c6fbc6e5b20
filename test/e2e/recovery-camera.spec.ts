/**
 * Recovery by camera, end to end: Chromium's fake camera plays .y4m videos drawn from keyshard's own QR output of real
 * shards (a known seed split with core/slip39, wrapped in core/envelope, framed by core/qr), the page decodes them in
 * its worker, assembles animated codes, and sends each complete shard to the real recovery service at once. Three
 * custodians show their codes one after the other (the camera is stopped and the next video put in place, as the next
 * person steps up): a single code, an animated multi-part code, and a noisy, tilted, low-contrast one. Progress per
 * group follows each; the recovered key's fingerprint matches the transcript's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { moreFramesWithCode } from './ceremony-support';
import { animatedVideo, roughCodeVideo, singleCodeVideo } from './fake-camera';
import { expect, test } from './fixtures';
import { DEFAULT_GROUPS, makeCeremony, recoveryService, shard, shardQrPlan, type RecoveryCeremony } from './fixtures/recovery-ceremony';
import { saveScreens } from './harness';
import { RecoveryPage } from './pages/recovery-page';

let dir: string;
let ceremony: RecoveryCeremony;
let transcriptPath: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-recovery-camera-'));
  ceremony = await makeCeremony({ tag: 'keyshard e2e recovery camera', label: 'Cold wallet seed', groupThreshold: 2, groups: DEFAULT_GROUPS });
  transcriptPath = join(dir, 'transcript.json');
  writeFileSync(transcriptPath, ceremony.transcriptText);
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every value the "this code" bar takes from now on (a MutationObserver in the page). */
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

async function scanStats(page: Page): Promise<Record<string, number>> {
  const stats = page.getByTestId('scanner-stats');
  const out: Record<string, number> = {};
  for (const k of ['decoded', 'dropped', 'mean-ms', 'max-ms', 'init-ms']) out[k] = Number(await stats.getAttribute(`data-${k}`));
  return out;
}

test('recovery by camera: single, animated and noisy tilted codes; progress per group; the key matches', async ({ launch }, testInfo) => {
  const started = Date.now();
  const single = shardQrPlan(shard(ceremony, 1, 1));
  const animated = shardQrPlan(shard(ceremony, 1, 2), { maxSingleVersion: 6, fragmentLength: 24 });
  const rough = shardQrPlan(shard(ceremony, 3, 1));
  if (single.kind !== 'single' || animated.kind !== 'animated' || rough.kind !== 'single') throw new Error('unexpected QR plans');

  const video = join(dir, 'camera.y4m');
  singleCodeVideo(video, single.text);
  const app = await launch({ camera: video, deps: { recovery: recoveryService() } });
  await app.open('recover');
  const { page } = app;
  const r = new RecoveryPage(page);
  // The witness's key fingerprint from the team's record pins the transcript's sign-offs: a verified source.
  await r.loadTranscript(transcriptPath, { witnessKeys: [ceremony.witnessKeyFingerprint] });
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');
  await expect(r.id('expect-bar')).toHaveAttribute('data-trust', 'witness-keys');
  await expect(r.id('method-camera')).toHaveAttribute('aria-selected', 'true');
  await expect(r.id('scanner-start')).toBeFocused();
  // The camera is off: its button is on a 1366x768 screen from the top of the page, without scrolling.
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await expect(r.id('scanner-start')).toBeInViewport({ ratio: 1 });
  await saveScreens(page, 'recovery-camera-idle');
  const measures: string[] = [];

  // 1. Alice: one code.
  await page.keyboard.press('Enter');
  await r.expectOutcome('accepted', 1);
  await expect(r.outcome()).toContainText('Shard 1 accepted');
  await expect(r.outcome()).toContainText('Alice — Zurich vault');
  await expect(r.outcome()).toContainText('scanned: single code');
  await expect(r.group(1)).toHaveText(/Group 1: 1 more needed \(1 of 2 in hand\)\./);
  await expect(r.id('part-counter')).toHaveText('Single code read');
  // Still in view (read again and again): not sent again.
  await moreFramesWithCode(page);
  await expect(r.outcome()).toHaveAttribute('data-attempt', '1');
  await saveScreens(page, 'recovery-camera-single');
  measures.push(`single: ${await r.held().nth(0).getAttribute('data-frames')} frame(s); ${JSON.stringify(await scanStats(page))}`);
  await r.id('scanner-stop').click();

  // 2. Bob: an animated code; the bar fills part by part.
  animatedVideo(video, animated.parts(animated.partCount + 3), 1);
  const fractions = await recordProgress(page);
  await r.id('scanner-start').click();
  await expect(r.id('part-counter')).toHaveText(/^\d+ of \d+ parts$/);
  await saveScreens(page, 'recovery-camera-animated-progress');
  await r.expectOutcome('accepted', 2);
  await expect(r.outcome()).toContainText('Bob — Geneva vault');
  await expect(r.outcome()).toContainText(`scanned: ${animated.partCount} parts`);
  await expect(r.group(1)).toHaveText(/Group 1: complete \(2 of 2 in hand\)\./);
  await expect(r.id('scan-complete')).toBeVisible();
  const seen = await fractions();
  expect(seen.filter((f) => f > 0 && f < 1).length).toBeGreaterThanOrEqual(2);
  expect(seen[seen.length - 1]).toBe(1);
  for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] ?? 0);
  const bob = r.held().nth(1);
  await expect(bob).toHaveAttribute('data-parts', String(animated.partCount));
  const frames = Number(await bob.getAttribute('data-frames'));
  expect(frames).toBeGreaterThanOrEqual(animated.partCount);
  measures.push(
    `animated ${animated.partCount} parts (QR version ${animated.frameVersion}): ${frames} decoded frames, ${await bob.getAttribute('data-parts-read')} distinct parts; ${JSON.stringify(await scanStats(page))}`,
  );
  await saveScreens(page, 'recovery-camera-animated-received');
  await r.id('scanner-stop').click();

  // 3. Fatima: a badly held code (tilted 4°, low contrast, noise).
  roughCodeVideo(video, rough.text);
  await r.id('scanner-start').click();
  await r.expectOutcome('accepted', 3);
  await expect(r.outcome()).toContainText('Fatima — home safe');
  await expect(r.group(3)).toHaveText(/Group 3: complete \(1 of 1 in hand\)\./);
  await expect(r.id('progress-panel')).toHaveAttribute('data-can-finish', 'true');
  await expect(r.id('progress-summary')).toContainText('Enough shares are in hand');
  measures.push(`noisy tilted: ${await r.held().nth(2).getAttribute('data-frames')} frame(s); ${JSON.stringify(await scanStats(page))}`);
  await saveScreens(page, 'recovery-camera-quorum');
  await r.id('scanner-stop').click();

  // Nothing of a shard on screen.
  const body = await page.locator('body').innerText();
  expect(body).not.toContain('UR:BYTES');
  expect(body).not.toContain(shard(ceremony, 1, 1).text.slice(0, 20));

  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'verified');
  await expect(r.id('recovered-fingerprint-display')).toHaveText(ceremony.display);
  await expect(r.id('recovered-fingerprint')).toHaveAttribute('data-hex', ceremony.fingerprint);
  await expect(r.id('verdict-text')).toContainText('Signed off by pinned witness wanda');
  await saveScreens(page, 'recovery-camera-match');
  // main's camera gate was opened for each scan and closed after it.
  expect(app.ipcCalls.filter((c) => c === 'camera:allow').length).toBe(3);
  expect(app.ipcCalls.filter((c) => c === 'camera:release').length).toBe(3);
  expect(app.camera.isAllowed()).toBe(false);
  expect(app.ipcCalls.filter((c) => c === 'recovery:add-shard').length).toBe(3);

  measures.push(`whole test body ${Date.now() - started} ms`);
  for (const m of measures) {
    testInfo.annotations.push({ type: 'measure', description: m });
    console.log(`[measure] ${m}`);
  }
});

test('a shard of another ceremony held up to the camera is refused at once, and scanning goes on', async ({ launch }) => {
  const other = await makeCeremony({ tag: 'keyshard e2e camera stranger', label: 'Stranger', groupThreshold: 2, groups: DEFAULT_GROUPS });
  const plan = shardQrPlan(shard(other, 2, 1));
  if (plan.kind !== 'single') throw new Error('expected a single code');
  const video = join(dir, 'stranger.y4m');
  singleCodeVideo(video, plan.text);
  const app = await launch({ camera: video, deps: { recovery: recoveryService() } });
  await app.open('recover');
  const r = new RecoveryPage(app.page);
  await r.loadTranscript(transcriptPath);
  await r.id('scanner-start').click();
  await r.expectOutcome('rejected', 1);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'SHARES_MISMATCH');
  await expect(r.id('shard-error-message')).toContainText('belongs to another ceremony');
  await expect(r.id('shard-error')).toContainText('What to do:');
  await expect(r.held()).toHaveCount(0);
  await expect(r.id('qr-scanner')).toHaveAttribute('data-phase', 'scanning');
  // The refused code stays in view (read again and again): it is not sent again and again.
  await moreFramesWithCode(app.page);
  await expect(r.outcome()).toHaveAttribute('data-attempt', '1');
  await saveScreens(app.page, 'recovery-camera-wrong-ceremony');
});
