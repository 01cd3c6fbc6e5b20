// Playwright projects. `electron` launches the real app window (test/electron/*.spec.ts) where an Electron binary
// exists and reports itself skipped where not. `e2e` loads out/renderer from file:// in /usr/bin/chromium with the
// preload API bridged to the real IPC handlers (test/e2e/harness.ts); `e2e-build` builds the renderer first.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  outputDir: 'test-results',
  forbidOnly: true,
  retries: 0,
  // Two cores shared by several people: one app at a time.
  workers: 1,
  // Waits are for states, bounded only generously: no step or test may fail because the machine is busy (two cores
  // loaded by other work). A step that never reaches its state still fails, after the expect timeout.
  timeout: 600_000,
  expect: { timeout: 120_000 },
  reporter: [['list']],
  projects: [
    {
      name: 'electron',
      testDir: './test/electron',
      testMatch: /.*\.spec\.ts$/,
    },
    {
      name: 'e2e-build',
      testDir: './test/e2e',
      testMatch: /build\.setup\.ts$/,
    },
    {
      name: 'e2e',
      testDir: './test/e2e',
      testMatch: /.*\.spec\.ts$/,
      dependencies: ['e2e-build'],
    },
  ],
});
