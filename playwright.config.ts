// Playwright projects. `electron` launches the real app window (test/electron/*.spec.ts) where an Electron binary
// exists and reports itself skipped where not. A Chromium e2e project (out/renderer loaded from file:// in
// /usr/bin/chromium, preload API bridged with exposeBinding) goes beside it as `e2e` with testDir ./test/e2e.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  outputDir: 'test-results',
  forbidOnly: true,
  retries: 0,
  // Two cores shared by several people: one app at a time.
  workers: 1,
  timeout: 60_000,
  reporter: [['list']],
  projects: [
    {
      name: 'electron',
      testDir: './test/electron',
      testMatch: /.*\.spec\.ts$/,
    },
  ],
});
