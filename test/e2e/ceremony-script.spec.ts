/**
 * One catalogue for the screens and the paper (issue 13.1, 13.3, 13.4): the plan screen's step list and the printed
 * script come from the same catalogue and carry the same numbers; the ceremony's step list gives the tokens and the
 * witnesses' keys steps of their own, shows who acts and who watches, and says where an aborted ceremony stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CeremonyPlan } from '../../core/policy';
import { smallPlan, writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { saveScreens, SCREENS_DIR } from './harness';
import { CeremonyPage } from './pages/ceremony-page';
import type { PageGlobals } from './pages/page-globals';
import { printToPng } from './print';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-script-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withRoles(plan: CeremonyPlan): CeremonyPlan {
  return { ...plan, administrator: { name: 'Ada Park', organisation: 'Acme' }, externalWitnesses: [{ name: 'Erik Lund', organisation: 'Audit Ltd' }] };
}

test('the plan prints its script: the step list numbers, who acts and watches, what is read aloud, boxes to initial', async ({ app }) => {
  const { page } = app;
  // Carol keeps her shard on a token: the plan has a device check, step 1 on the list and on paper.
  const base = withRoles(smallPlan('Scripted key 2025'));
  const plan: CeremonyPlan = { ...base, custodians: base.custodians.map((c) => (c.id === 'carol' ? { ...c, medium: 'pkcs11', protection: { type: 'pkcs11', tokenLabel: 'CAROL' } } : c)) };
  await app.open('plan');
  await page.getByTestId('plan-load').setInputFiles(writePlanFile(dir, plan));
  await expect(page.getByTestId('plan-loaded')).toBeVisible();
  await expect(page.getByTestId('administrator.name')).toHaveValue('Ada Park');
  await expect(page.getByTestId('externalWitnesses[0].name')).toHaveValue('Erik Lund');
  await page.getByTestId('section-roles').screenshot({ path: join(SCREENS_DIR, 'plan-roles-section.png') });
  const list = page.getByTestId('step-list');
  await expect(page.getByTestId('step-devices')).toContainText('Devices');
  await expect(page.getByTestId('step-witness-keys')).toContainText('Witness keys');
  await expect(page.getByTestId('step-import')).toHaveCount(0);
  const listed = await list.locator('li.step').evaluateAll((els) =>
    els.map((e) => ({ id: (e.getAttribute('data-testid') ?? '').slice('step-'.length), n: e.querySelector('.step-marker')?.textContent ?? '' })),
  );
  expect(listed.map((s) => s.n)).toEqual(listed.map((_, i) => String(i + 1)));

  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    g.__printed = 0;
    g.print = () => {
      g.__printed++;
    };
  });
  await page.getByTestId('plan-print-script').click();
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).__printed)).toBe(1);
  const rows = page.getByTestId('script-step');
  // Every step of the list is on paper under its number; the handoff and the receipt once per custodian, in turns as
  // the room does them (9.1, 10.1, 9.2, 10.2, ...).
  const onPaper = await rows.evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-step') ?? '', n: e.getAttribute('data-number') ?? '' })));
  const handoff = listed.find((s) => s.id === 'handoff')!.n;
  const receipt = listed.find((s) => s.id === 'receipt')!.n;
  const turns = ['handoff', 'receipt'];
  expect(onPaper.filter((r) => !turns.includes(r.id))).toEqual(listed.filter((s) => !turns.includes(s.id)).map((s) => ({ id: s.id, n: s.n })));
  expect(onPaper.filter((r) => turns.includes(r.id)).map((r) => r.n)).toEqual([1, 2, 3].flatMap((i) => [`${handoff}.${i}`, `${receipt}.${i}`]));
  const airgap = page.locator('[data-testid="script-step"][data-step="airgap"]');
  await expect(airgap).toContainText('Acts: Ceremony administrator (Ada Park)');
  await expect(airgap).toContainText('Internal witness (Wendy Wu); External witness (Erik Lund)');
  await expect(airgap).toContainText('A witness signs this step off');
  await expect(page.locator('[data-testid="script-step"][data-number="' + handoff + '.3"]')).toContainText('Acts: Custodian (Carol Rossi)');
  await expect(page.locator('[data-testid="script-step"][data-step="seal"]')).toContainText('Read aloud: The final hash of the transcript');
  await expect(page.getByTestId('script-person')).toHaveCount(1 + 1 + 1 + 3);
  const printed = await printToPng(page, 'ceremony-script');
  expect(printed.pages.length).toBeGreaterThanOrEqual(2);
  // The script prints from the plan as it is: a change to the form drops it, so stale paper cannot be printed.
  await page.getByTestId('label').fill('Scripted key 2026');
  await expect(page.getByTestId('ceremony-script')).toHaveCount(0);
});

test('the ceremony step list: keys and start as steps of their own, who acts and watches, and where an abort stopped', async ({ app }) => {
  const { page, backend } = app;
  const c = new CeremonyPage(page, backend);
  await app.open('plan');
  await page.getByTestId('plan-load').setInputFiles(writePlanFile(dir, withRoles(smallPlan('Listed key 2025'))));
  await expect(page.getByTestId('plan-loaded')).toBeVisible();
  await page.getByTestId('plan-continue').click();
  await c.expectStage('airgap');
  // No token in this plan: no device step. The witness's key is the first thing to do, and the list says so.
  await expect(page.getByTestId('step-devices')).toHaveCount(0);
  await expect(page.getByTestId('step-witness-keys')).toHaveAttribute('data-state', 'current');
  await expect(page.getByTestId('step-acts')).toHaveText('Acts: Internal witness (Wendy Wu)');
  await expect(page.getByTestId('step-watches')).toContainText('Ceremony administrator (Ada Park)');
  await saveScreens(page, 'steps-witness-keys');
  await c.loadWitnessKeys();
  await expect(page.getByTestId('step-plan')).toHaveAttribute('data-state', 'current');
  await expect(page.getByTestId('step-witness-keys')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('step-acts')).toHaveText('Acts: Ceremony administrator (Ada Park)');
  await c.start();
  await expect(page.getByTestId('step-airgap')).toHaveAttribute('data-state', 'current');
  await c.overrideAirgap('The built-in network card cannot be disabled; the cable is unplugged and Wi-Fi is off.');
  await c.signOff();
  await c.expectStage('entropy');
  await expect(page.getByTestId('step-entropy')).toHaveAttribute('data-state', 'current');
  await expect(page.getByTestId('step-watches')).toHaveText('Watch: Internal witness (Wendy Wu); External witness (Erik Lund)');
  await saveScreens(page, 'steps-entropy');

  // Aborted during the entropy: the list says so at that step, and nothing after it is still "to do".
  await page.getByTestId('abort-panel').locator('summary').click();
  await page.getByTestId('abort-reason').fill('The dice were dropped on the floor; the team starts again tomorrow.');
  await page.getByTestId('abort-confirm').click();
  await c.expectStage('aborted');
  await expect(page.getByTestId('step-list')).toHaveAttribute('data-ended', 'aborted');
  await expect(page.getByTestId('step-entropy')).toHaveAttribute('data-state', 'stopped');
  await expect(page.getByTestId('step-entropy')).toContainText('aborted here');
  await expect(page.getByTestId('step-airgap')).toHaveAttribute('data-state', 'done');
  for (const id of ['generate', 'split', 'handoff', 'seal']) await expect(page.getByTestId(`step-${id}`)).toHaveAttribute('data-state', 'not-reached');
  await expect(page.locator('[aria-current="step"]')).toHaveCount(1);
  await expect(page.getByTestId('steps-ended')).toHaveText('Ceremony aborted at step 4, Entropy. It takes no more steps.');
  await expect(page.getByTestId('step-people')).toHaveCount(0);
  await saveScreens(page, 'steps-aborted');
});
