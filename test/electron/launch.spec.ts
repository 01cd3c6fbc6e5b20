/**
 * Opens the real keyshard window with Playwright's Electron driver. Runs only where an Electron binary exists
 * (node_modules/electron/dist or ELECTRON_OVERRIDE_DIST_PATH); elsewhere every test here is reported as skipped with
 * the reason. Builds out/ first (renderer with Vite, main + preload with esbuild).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';

const root = fileURLToPath(new URL('../../', import.meta.url));

function findElectronBinary(): { path: string } | { reason: string } {
  try {
    const resolved: unknown = createRequire(join(root, 'package.json'))('electron');
    if (typeof resolved !== 'string') return { reason: 'require("electron") did not return a path' };
    return existsSync(resolved) ? { path: resolved } : { reason: `${resolved} does not exist` };
  } catch {
    // The electron package throws when it was installed without its binary (no path.txt, no dist/).
    return {
      reason:
        'node_modules/electron was installed without its binary; run `node node_modules/electron/install.js` with network access once, or set ELECTRON_OVERRIDE_DIST_PATH',
    };
  }
}

function run(args: string[]): void {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`build step failed: node ${args.join(' ')}`);
}

const binary = findElectronBinary();

test.describe('keyshard window', () => {
  test.skip(!('path' in binary), `no Electron binary on this machine: ${'reason' in binary ? binary.reason : ''}`);

  let app: ElectronApplication;
  let page: Page;
  let userData: string;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    run(['node_modules/vite/bin/vite.js', 'build', '--config', 'build/vite.renderer.config.ts', '--logLevel', 'warn']);
    run(['build/build-electron.mjs']);
    userData = mkdtempSync(join(tmpdir(), 'keyshard-userdata-'));
    app = await electron.launch({
      executablePath: 'path' in binary ? binary.path : '',
      args: [join(root, 'out/main/main.cjs'), `--user-data-dir=${userData}`],
      cwd: root,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterAll(async () => {
    await app?.close();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  test('the window says what it is and shows our page from app://keyshard/', async () => {
    const title = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle());
    expect(title).toBe('keyshard — key ceremony');
    expect(await page.title()).toBe('keyshard — key ceremony');
    expect(page.url()).toBe('app://keyshard/index.html');
  });

  test('the renderer cannot reach the network', async () => {
    const outcome = await page.evaluate(async () => {
      try {
        await fetch('https://example.com/');
        return 'fetch succeeded';
      } catch {
        return 'fetch failed';
      }
    });
    expect(outcome).toBe('fetch failed');
  });

  test('window.keyshard exposes only invoke, and no Node reaches the page', async () => {
    const shape = await page.evaluate(() => ({
      keys: Object.keys(globalThis.keyshard ?? {}),
      invoke: typeof globalThis.keyshard?.invoke,
      require: typeof (globalThis as Record<string, unknown>)['require'],
      process: typeof (globalThis as Record<string, unknown>)['process'],
    }));
    expect(shape).toEqual({ keys: ['invoke'], invoke: 'function', require: 'undefined', process: 'undefined' });
  });

  test('app:info answers through the typed IPC contract', async () => {
    const result = await page.evaluate(() => globalThis.keyshard?.invoke('app:info'));
    expect(result).toMatchObject({ ok: true, value: { name: 'keyshard', production: true } });
    const refused = await page.evaluate(() => globalThis.keyshard?.invoke('app:info', { unexpected: true }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });
});
