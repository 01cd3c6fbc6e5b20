/**
 * Runs before the e2e specs (project dependency `e2e-build`): builds the renderer with Vite into out/renderer, the
 * same build the Electron window loads, and checks the files the specs rely on are there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { RENDERER_DIR, ROOT } from './harness';

test('the renderer builds with Vite into out/renderer', () => {
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'build/vite.renderer.config.ts', '--outDir', RENDERER_DIR, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  expect(r.status, 'vite build exit code').toBe(0);
  expect(existsSync(join(RENDERER_DIR, 'index.html'))).toBe(true);
  const assets = readdirSync(join(RENDERER_DIR, 'assets'));
  // The QR decoder: its worker and its wasm are real files next to the page (never fetched from elsewhere).
  expect(assets.some((f) => /^decoder\.worker-.*\.js$/.test(f)), `worker in ${assets.join(', ')}`).toBe(true);
  expect(assets.some((f) => /^zxing_reader-.*\.wasm$/.test(f)), `wasm in ${assets.join(', ')}`).toBe(true);
});
