/**
 * The screens under the Content-Security-Policy that main sends with every app:// response (electron/main/csp.ts):
 * no inline script or style, no eval (wasm compiles under 'wasm-unsafe-eval'), the worker and the .wasm from 'self'.
 * The built renderer is served from https://app.local/ by a route inside the browser (nothing leaves it), with the
 * policy as a header, as main does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { singleCodeVideo } from './fake-camera';
import { expect, test } from './fixtures';
import { recoveryService } from './fixtures/recovery-ceremony';
import { shardQr } from './shards';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-csp-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('every screen works under the policy, QR decoding in its worker included', async ({ launch }) => {
  const plan = shardQr('Dana — Zurich vault', 2);
  const video = join(dir, 'single.y4m');
  singleCodeVideo(video, plan.kind === 'single' ? plan.text : '');
  const app = await launch({ camera: video, withAppCsp: true, deps: { recovery: recoveryService() } });
  await app.open('recover');
  const { page } = app;
  await page.getByTestId('expect-skip').click();
  await page.getByTestId('scanner-start').click();
  await expect(page.getByTestId('received-shard')).toHaveCount(1);
  // The progress bar's width is a React style (CSSOM), which the policy allows; it must show full.
  const width = await page.getByTestId('scan-progress').locator('.progress-fill').evaluate((el) => (el as unknown as { style: { width: string } }).style.width);
  expect(width).toBe('100%');
  await page.getByTestId('scanner-stop').click();
  for (const route of ['', 'plan', 'verify', 'resume', 'components']) {
    await app.open(route);
    await expect(page.getByTestId('screen-title')).toBeVisible();
  }
  await page.getByTestId('nav-home').click();
  expect(app.requests.some((u) => u.startsWith('https://app.local/assets/zxing_reader-') && u.endsWith('.wasm'))).toBe(true);
  expect(await app.cspViolations()).toEqual([]);
});

test('the policy is in force: an inline style attribute is refused and reported', async ({ launch }) => {
  const app = await launch({ withAppCsp: true });
  await app.open('');
  await app.page.evaluate(() => {
    const d = (globalThis as unknown as { document: { createElement(t: string): { innerHTML: string }; body: { append(n: unknown): void } } }).document;
    const div = d.createElement('div');
    div.innerHTML = '<span style="color: red">x</span>';
    d.body.append(div);
  });
  await expect.poll(() => app.cspViolations()).toEqual([expect.stringMatching(/^style-src/)]);
});
