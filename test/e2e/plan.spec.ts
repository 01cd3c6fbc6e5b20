/**
 * The plan screen with core/policy in the page: a 2-of-3 SLIP-39 plan whose two custodians share an organisation gets
 * the coalition warning, which goes away when fixed; problems show next to their fields; save and load round-trip.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlan, planToJson } from '../../core/policy';
import { makeSoftHsm, type SoftHsm } from '../hsm/softhsm';
import { createCeremonyBackend, type CeremonyBackend } from './backend';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';
import { PlanPage } from './plan-page';

/** The example recipient from the age specification (a public key; nothing secret). */
const AGE_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-plan-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

let tokens: SoftHsm | undefined;
let backend: CeremonyBackend | undefined;
test.afterEach(async () => {
  await backend?.shutdown().catch(() => undefined);
  backend?.remove();
  backend = undefined;
  tokens?.cleanup();
  tokens = undefined;
});

async function fillTwoOfThree(plan: PlanPage): Promise<void> {
  await plan.fill('label', 'ACME root signing key 2025');
  await plan.setCustodian(0, { name: 'Alice Meier', organisation: 'Acme', location: 'Zurich', handoff: 'HSM token (PKCS#11)' });
  await plan.setCustodian(1, { name: 'Bruno Keller', organisation: 'Acme', location: 'Zurich', handoff: 'HSM token (PKCS#11)' });
  await plan.setCustodian(2, {
    name: 'Chiara Rossi',
    organisation: 'Banca Rossi',
    location: 'Milan',
    handoff: 'USB drive (encrypted file)',
    ageRecipient: AGE_RECIPIENT,
  });
  await plan.setWitness(0, 'Wendy Wu', 'Audit AG');
}

test('a 2-of-3 plan warns when two custodians of one organisation reach the quorum, and stops when fixed', async ({ launch }) => {
  // Two custodians use tokens: the air-gap screen after the plan lists them, as in the app (SoftHSM2 here).
  tokens = makeSoftHsm(['alice-token', 'bruno-token']);
  backend = createCeremonyBackend({ hsm: true });
  const app = await launch({ backend });
  await app.open('plan');
  const plan = new PlanPage(app.page);
  const { page } = app;
  // Planning comes before the ceremony's steps: the list shows them, none current yet (the catalogue's "Start" records the plan).
  await expect(page.getByTestId('step-plan')).toHaveAttribute('data-state', 'todo');
  await expect(page.getByTestId('step-list').locator('[aria-current="step"]')).toHaveCount(0);
  await expect(page.getByTestId('quorum-sentence')).toHaveText('Recovery needs 2 of the 3 shares.');
  await expect(page.getByTestId('coalition-pending')).toBeVisible();
  // A blank plan opens calm: no list of problems until a field is touched or the plan is checked (issue 14.6).
  await expect(page.getByTestId('plan-todo')).toHaveCount(0);
  await expect(page.locator('.problem')).toHaveCount(0);
  await expect(page.getByTestId('plan-check-more')).toContainText('once you fill in a field');
  await expect(page.getByTestId('assign-in-order-what')).toContainText('the first share to the first custodian');
  await saveScreens(page, 'plan-new');
  await page.getByTestId('plan-check').click();
  await expect(plan.todo().first()).toBeVisible();
  await expect(page.getByTestId('plan-todo').locator('.link-button').first()).toBeFocused();

  await fillTwoOfThree(plan);
  await expect(plan.todo()).toHaveCount(0);
  await expect(plan.coalitionWarnings()).toHaveCount(1);
  const warning = plan.coalitionWarnings().first();
  await expect(warning).toHaveAttribute('data-kind', 'same-organisation');
  await expect(warning).toContainText('Custodians Alice Meier and Bruno Keller, both in Acme (Zurich), can reach the quorum together.');
  await expect(page.getByTestId('coalition-summary')).toContainText('smallest group of custodians that can recover the secret has 2 members');
  // The smallest coalitions by name, with organisation and site.
  await expect(page.getByTestId('coalition')).toHaveText([
    'Alice Meier (Acme, Zurich) + Bruno Keller (Acme, Zurich)',
    'Alice Meier (Acme, Zurich) + Chiara Rossi (Banca Rossi, Milan)',
    'Bruno Keller (Acme, Zurich) + Chiara Rossi (Banca Rossi, Milan)',
  ]);
  await saveScreens(page, 'plan-coalition-warning');

  // Fix it: Bruno is from another firm and site. The warning goes at once.
  await plan.fill('custodians[1].organisation', 'Keller Treuhand');
  await plan.fill('custodians[1].location', 'Bern');
  await expect(plan.coalitionWarnings()).toHaveCount(0);
  await expect(page.getByTestId('coalition-ok')).toBeVisible();
  await saveScreens(page, 'plan-valid');

  // Continue: the ceremony's first step is current in the step list: Alice's token is checked first (a step of its own).
  await page.getByTestId('plan-continue').click();
  // The title is the step the list marks current, with its number (since 99ebc2a), not 'Air-gap check'.
  await expect(page.getByTestId('screen-title')).toHaveText('1. Check the tokens');
  await expect(page.getByTestId('step-devices')).toHaveAttribute('data-state', 'current');
  await expect(page.getByTestId('step-plan')).toHaveAttribute('data-state', 'todo');
  await expect(page.getByTestId('pending-plan')).toContainText('ACME root signing key 2025');
  await expect(page.getByTestId('module-info')).toContainText('SoftHSM2');
  await expect(page.locator('option', { hasText: 'alice-token' }).first()).toBeAttached();
  await saveScreens(page, 'ceremony-pending');
  // Back to the plan: nothing was lost.
  await page.getByTestId('back-to-plan').click();
  await expect(plan.field('custodians[1].organisation')).toHaveValue('Keller Treuhand');
});

test('problems show next to their fields', async ({ app }) => {
  await app.open('plan');
  const plan = new PlanPage(app.page);
  const { page } = app;
  // Nothing is red before the person has touched anything ...
  await expect(page.locator('.problem')).toHaveCount(0);
  // ... a field left empty is, once left, and only it is on the to-do list.
  await plan.field('label').focus();
  await plan.field('label').blur();
  await expect(plan.problem('label')).toContainText('The ceremony label is empty; write it in.');
  await expect(plan.todo()).toHaveCount(1);
  await expect(plan.todo().first()).toHaveAttribute('data-field', 'label');
  await expect(plan.field('label')).toHaveAttribute('aria-invalid', 'true');

  // An age recipient that is not one.
  await plan.setCustodian(2, { name: 'Chiara Rossi', organisation: 'Banca Rossi', location: 'Milan', handoff: 'USB drive (encrypted file)' });
  await plan.fill('custodians[2].protection.recipient', 'AGE-SECRET-KEY-1NOTAPUBLICKEY');
  const recipientProblem = plan.problem('custodians[2].protection.recipient');
  await expect(recipientProblem).toContainText('paste the public recipient, not the secret key');
  // The message sits with its field: inside the same field block, above the input.
  const block = plan.field('custodians[2].protection.recipient').locator('xpath=..');
  await expect(block.getByTestId('problem-custodians[2].protection.recipient')).toBeVisible();

  // SLIP-39 does not allow 1-of-3.
  await plan.fill('scheme.groups[0].memberThreshold', '1');
  await expect(plan.problem('scheme.groups[0].memberThreshold')).toContainText('member threshold 1 only with a single member');
  await saveScreens(page, 'plan-field-problems');

  // Fixing a field removes its problem.
  await plan.fill('custodians[2].protection.recipient', AGE_RECIPIENT);
  await expect(recipientProblem).toHaveCount(0);
  await plan.fill('scheme.groups[0].memberThreshold', '2');
  await expect(plan.problem('scheme.groups[0].memberThreshold')).toHaveCount(0);

  // Enter in a field tries to continue: with an incomplete plan, every problem appears and nothing moves on.
  await plan.field('label').press('Enter');
  await expect(page.getByTestId('screen-title')).toHaveText('Plan the ceremony');
  await expect(plan.problem('custodians[0].name')).toBeVisible();
  await expect(plan.todo().first()).toBeVisible();
  await expect(page.getByTestId('plan-todo').locator('.link-button').first()).toBeFocused();
  await saveScreens(page, 'plan-all-problems');
});

test('the plan is saved as JSON and loaded back', async ({ app, launch }) => {
  await app.open('plan');
  const plan = new PlanPage(app.page);
  await fillTwoOfThree(plan);
  await plan.fill('custodians[1].organisation', 'Keller Treuhand');
  await plan.fill('custodians[1].location', 'Bern');
  const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.getByTestId('plan-save').click()]);
  expect(download.suggestedFilename()).toBe('acme-root-signing-key-2025.plan.json');
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  await expect(app.page.getByTestId('plan-saved')).toContainText('acme-root-signing-key-2025.plan.json');
  const text = readFileSync(file, 'utf8');
  // What was saved is a valid plan in keyshard's own layout, with what was typed.
  const saved = parsePlan(text);
  expect(text.trimEnd()).toBe(planToJson(saved));
  expect(saved.label).toBe('ACME root signing key 2025');
  expect(saved.scheme).toEqual({ type: 'slip39', groupThreshold: 1, groups: [{ memberThreshold: 2, memberCount: 3 }] });
  expect(saved.custodians.map((c) => [c.name, c.organisation, c.medium, c.shares])).toEqual([
    ['Alice Meier', 'Acme', 'pkcs11', [{ group: 0, member: 0 }]],
    ['Bruno Keller', 'Keller Treuhand', 'pkcs11', [{ group: 0, member: 1 }]],
    ['Chiara Rossi', 'Banca Rossi', 'usb', [{ group: 0, member: 2 }]],
  ]);
  expect(saved.custodians[2]?.protection).toEqual({ type: 'age', recipient: AGE_RECIPIENT });
  expect(saved.witnesses.map((w) => [w.name, w.observes])).toEqual([['Wendy Wu', 'all']]);

  // A fresh window (nothing remembered) loads it back.
  const fresh = await launch();
  await fresh.open('plan');
  const again = new PlanPage(fresh.page);
  await expect(again.field('label')).toHaveValue('');
  await fresh.page.getByTestId('plan-load').setInputFiles(file);
  await expect(fresh.page.getByTestId('plan-loaded')).toBeVisible();
  await expect(again.field('label')).toHaveValue('ACME root signing key 2025');
  await expect(again.field('custodians[1].organisation')).toHaveValue('Keller Treuhand');
  await expect(again.field('custodians[2].protection.recipient')).toHaveValue(AGE_RECIPIENT);
  await expect(fresh.page.getByTestId('coalition-ok')).toBeVisible();
  // Saved again unchanged, it is the same file byte for byte (createdAt is kept).
  const [second] = await Promise.all([fresh.page.waitForEvent('download'), fresh.page.getByTestId('plan-save').click()]);
  const file2 = join(dir, 'second.plan.json');
  await second.saveAs(file2);
  expect(readFileSync(file2, 'utf8')).toBe(text);
  await saveScreens(fresh.page, 'plan-loaded');
});

test('a broken plan file is refused with every problem named', async ({ app }) => {
  const path = join(dir, 'broken.plan.json');
  const value = {
    version: 1,
    label: 'Broken',
    createdAt: '2025-03-01T09:00:00.000Z',
    secret: { type: 'new-seed', bits: 256 },
    scheme: { type: 'slip39', groupThreshold: 1, groups: [{ memberTreshold: 2, memberCount: 3 }] },
    custodians: [],
    witnesses: [],
  };
  writeFileSync(path, JSON.stringify(value));
  await app.open('plan');
  await app.page.getByTestId('plan-load').setInputFiles(path);
  const panel = app.page.getByTestId('plan-load-error');
  await expect(panel).toHaveAttribute('data-code', 'POLICY_INVALID');
  await expect(panel).toContainText('memberTreshold');
  await expect(app.page.getByTestId('plan-load-error-todo')).toContainText('What to do:');
  // The form is left as it was.
  await expect(app.page.getByTestId('label')).toHaveValue('');
  await saveScreens(app.page, 'plan-load-error');
});

test('verifiable shares: the ciphersuite follows the key, one share per signer', async ({ app }) => {
  await app.open('plan');
  const plan = new PlanPage(app.page);
  const { page } = app;
  await page.getByTestId('scheme.type=vss').check();
  // A seed cannot be split into FROST shares: the plan switches to a new key.
  await expect(page.getByTestId('secret.type=new-key')).toBeChecked();
  await page.getByTestId('secret.curve=secp256k1').check();
  await expect(page.getByTestId('vss-ciphersuite')).toContainText('secp256k1');
  await expect(page.getByTestId('quorum-sentence')).toHaveText('Signing or recovery needs 2 of the 3 signers.');
  await plan.fill('label', 'Treasury signer');
  await plan.setCustodian(0, { name: 'Ana', organisation: 'North', location: 'Oslo', handoff: 'Printed paper' });
  await plan.setCustodian(1, { name: 'Ben', organisation: 'South', location: 'Rome', handoff: 'Printed paper' });
  await plan.setCustodian(2, { name: 'Cy', organisation: 'East', location: 'Riga', handoff: 'Printed paper' });
  await plan.setWitness(0, 'Wes', 'Audit');
  // The witness sees every printed shard in the room: critical warnings name them.
  await expect(plan.coalitionWarnings().first()).toHaveAttribute('data-kind', 'witness-can-assemble');
  await expect(plan.coalitionWarnings().first()).toHaveAttribute('data-severity', 'critical');
  // One warning for the witness (not one per coalition), naming the coalitions and the change that would fix it.
  await expect(plan.coalitionWarnings()).toHaveCount(1);
  await expect(plan.coalitionWarnings().first()).toContainText('Ana + Ben; Ana + Cy; Ben + Cy');
  await expect(page.getByTestId('coalition-warning-fix')).toContainText('let Wes observe fewer of these handoffs');
  await saveScreens(page, 'plan-vss-witness-warning');
  // Giving one signer two shares is refused next to the assignment.
  await page.getByTestId('assign-s2').selectOption({ label: 'Ana' });
  await expect(page.getByTestId('problem-custodians[0].shares')).toContainText('exactly one share');
});
