/**
 * Playwright fixtures for the e2e project. `launch(options)` starts a Chromium session on the built renderer (see
 * harness.ts); `app` is one started with defaults. After every test each session is closed and the test FAILS if any
 * request left file:/data:/blob: or the page threw an uncaught exception.
 */
import { expect, test as base } from '@playwright/test';
import { launchApp, type AppSession, type LaunchOptions } from './harness';

export type Launch = (options?: LaunchOptions) => Promise<AppSession>;

export const test = base.extend<{ launch: Launch; app: AppSession }>({
  launch: async ({}, use) => {
    const sessions: AppSession[] = [];
    await use(async (options) => {
      const session = await launchApp(options);
      sessions.push(session);
      return session;
    });
    const foreign: string[] = [];
    const errors: string[] = [];
    for (const s of sessions) {
      await s.close();
      foreign.push(...s.foreignRequests());
      errors.push(...s.pageErrors);
    }
    expect(foreign, 'requests that left the machine (only file:, data: and blob: are allowed)').toEqual([]);
    expect(errors, 'uncaught exceptions in the page').toEqual([]);
  },
  app: async ({ launch }, use) => {
    await use(await launch());
  },
});

export { expect };
