/**
 * A custodian's receipt is a recorded step in every plan (issue 13.7): in a plan without witnesses no sign-off stops
 * the screen after a confirmation, so the screen waits at the confirmed custodian (step list: Receipt & bag) until the
 * administrator records the receipt, then moves to the next handoff. The transcript has each custodian's receipt
 * right after their confirmation, unsigned.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AirGapReport } from '../../electron/services/airgap/types';
import { verifyTranscriptText } from '../../core/transcript';
import { createCeremonyBackend } from './backend';
import { smallPlan, writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';
import { CeremonyPage } from './pages/ceremony-page';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-receipt-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Only loopback up: no override (which needs a witness) is asked for. */
const OFFLINE: AirGapReport = {
  ok: true,
  interfaces: [{ name: 'lo', kind: 'loopback', up: true, addresses: ['127.0.0.1/8'], operstate: 'unknown' }],
  radios: [],
  problems: [],
  sources: ['os', 'sysfs'],
  checkedAt: '2025-03-01T09:59:00.000Z',
};

test('without witnesses the administrator records each receipt before the next handoff', async ({ launch }) => {
  const backend = createCeremonyBackend({ airgap: OFFLINE });
  const app = await launch({ backend });
  const { page } = app;
  const c = new CeremonyPage(page, backend);
  const plan = { ...smallPlan('Unwitnessed key 2025'), witnesses: [], noWitnessReason: 'A small team key: nobody else is in the room.' };
  await app.open('plan');
  await page.getByTestId('plan-load').setInputFiles(writePlanFile(dir, plan));
  await expect(page.getByTestId('plan-loaded')).toBeVisible();
  await page.getByTestId('plan-continue').click();
  await c.expectStage('airgap');
  // The air gap passes and no witness signs it off: the screen goes straight on to the entropy.
  await page.getByTestId('ceremony-start').click();
  await c.expectStage('entropy');
  await c.gatherEntropy('1 2 3 4 5 6 6 5 4 3 2 1');
  await page.getByTestId('generate').click();
  await page.getByTestId('split').click();
  await c.expectStage('handoff');
  for (const name of ['Alice Meier', 'Bob Keller']) {
    await c.chooseCustodian(name);
    await page.getByTestId('handoff-reveal').click();
    const w = await c.shardWords();
    await page.getByTestId('hide-shard').click();
    if ((await page.getByTestId('method-type-back').count()) > 0) await page.getByTestId('method-type-back').check();
    await c.fillWords(w);
    await page.getByTestId('confirm-submit').click();
    // The screen waits for the receipt: no sign-off, and the step list says Receipt & bag.
    await c.expectStage('confirmed');
    await expect(page.getByTestId('signoff')).toHaveCount(0);
    await expect(page.getByTestId('receipt-panel')).toContainText('the administrator records the receipt');
    await expect(page.getByTestId('step-receipt')).toHaveAttribute('data-state', 'current');
    if (name === 'Alice Meier') await saveScreens(page, 'ceremony-receipt-unwitnessed');
    await page.getByTestId('receipt-record').click();
    await c.expectStage('handoff');
  }

  const root = backend.ceremoniesRoot;
  const folder = readdirSync(root).map((d) => join(root, d)).find((d) => existsSync(join(d, 'transcript.json')));
  expect(folder).toBeDefined();
  const v = verifyTranscriptText(readFileSync(join(folder!, 'transcript.json'), 'utf8'));
  expect(v.ok, v.ok ? '' : v.reason).toBe(true);
  if (!v.ok) return;
  const turns = v.entries.filter((e) => ['handoff', 'confirm', 'receipt'].includes(e.kind)).map((e) => `${e.kind} ${(e.data as { custodianId: string }).custodianId}`);
  expect(turns).toEqual(['handoff alice', 'confirm alice', 'receipt alice', 'handoff bob', 'confirm bob', 'receipt bob']);
  expect(v.entries.some((e) => e.kind === 'signoff')).toBe(false);
});
