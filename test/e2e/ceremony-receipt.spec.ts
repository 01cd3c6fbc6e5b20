/**
 * A custodian's receipt is a recorded step in every plan (issue 13.7): in a plan without witnesses no sign-off stops
 * the screen after a confirmation, so the screen waits at the confirmed custodian (step list: Receipt & bag) until the
 * administrator records the receipt, then moves to the next handoff. The transcript has each custodian's receipt
 * right after their confirmation, unsigned. With a witness, the confirmation's Continue stays disabled with its
 * reason next to it until the receipt is recorded, or a witness records the custodian absent at the receipt; the
 * annotated script then says so in words under that receipt, in English and (on screen) in German.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AirGapReport } from '../../electron/services/airgap/types';
import { KEY_CEREMONY } from '../../core/ceremony-kinds';
import { annotatedScript, annotatedScriptMismatch, annotatedScriptText } from '../../core/ceremony-kinds/annotated';
import { verifyTranscriptText, type VerifyResult } from '../../core/transcript';
import { de } from '../../renderer/i18n/de';
import { createCeremonyBackend, witnessPassphrase } from './backend';
import { smallPlan, writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { chooseGerman, go } from './german';
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

/** The running ceremony's transcript, verified (in its folder under the backend's ceremonies folder). */
function transcriptOf(root: string): VerifyResult {
  const folder = readdirSync(root).map((d) => join(root, d)).find((d) => existsSync(join(d, 'transcript.json')));
  expect(folder, `a ceremony folder with transcript.json under ${root}`).toBeDefined();
  return verifyTranscriptText(readFileSync(join(folder!, 'transcript.json'), 'utf8'));
}

/** From the handoff list to the confirmed screen of one custodian: shown, hidden, typed back. */
async function confirmShard(c: CeremonyPage, id: string): Promise<void> {
  await c.byTestId(`handoff-choose-${id}`).click();
  await c.byTestId('handoff-reveal').click();
  const w = await c.shardWords();
  await c.byTestId('hide-shard').click();
  if ((await c.byTestId('method-type-back').count()) > 0) await c.byTestId('method-type-back').check();
  await c.fillWords(w);
  await c.byTestId('confirm-submit').click();
  await c.expectStage('confirmed');
}

/** A witness records the confirmed custodian absent at the receipt: the form, the reason, Wendy's passphrase. */
async function recordAbsentAtReceipt(c: CeremonyPage, reason: string, screen: string): Promise<void> {
  await c.byTestId('receipt-absent-open').click();
  await expect(c.byTestId('exception-panel')).toHaveAttribute('data-deviation', 'custodian-absent');
  await c.byTestId('exception-reason').fill(reason);
  await c.byTestId('exception-passphrase').fill(witnessPassphrase('wendy'));
  await saveScreens(c.page, screen);
  await c.byTestId('exception-record').click();
  await expect(c.byTestId('exception-panel')).toHaveCount(0);
}

const LEFT = 'Bob had to leave for his train before his paper was sealed; he seals it at his bank tomorrow.';

test('with a witness, Continue waits for the receipt with its reason; a custodian who left is recorded absent at the receipt', async ({ app }) => {
  const { page } = app;
  const c = new CeremonyPage(page, app.backend);
  await c.runToHandoffs(writePlanFile(dir, smallPlan('Witnessed receipts 2025')), (r) => app.open(r));

  // Alice: Wendy signs the confirmation; Continue stays disabled, the reason beside it, until the receipt is in.
  await confirmShard(c, 'alice');
  await c.signOff(false);
  await expect(page.getByTestId('signoff-continue')).toBeDisabled();
  await expect(page.getByTestId('signoff-hold')).toHaveText("First record Alice Meier's receipt above: the ceremony goes on only after it.");
  await expect(page.getByTestId('step-receipt')).toHaveAttribute('data-state', 'current');
  await saveScreens(page, 'ceremony-receipt-witnessed-hold');
  await c.recordReceipt();
  await expect(page.getByTestId('signoff-continue')).toBeEnabled();
  await expect(page.getByTestId('signoff-hold')).toHaveCount(0);
  await page.getByTestId('signoff-continue').click();
  await c.expectStage('handoff');

  // Bob confirms and leaves before sealing: Wendy records him absent at the receipt; the screen says it in words.
  await confirmShard(c, 'bob');
  await c.signOff(false);
  await expect(page.getByTestId('signoff-continue')).toBeDisabled();
  await recordAbsentAtReceipt(c, LEFT, 'ceremony-receipt-absent-form');
  await expect(page.getByTestId('receipt-absent')).toHaveText(/^Receipt not recorded — Bob Keller absent \(exception \d+\)\.$/);
  const seq = Number(await page.getByTestId('receipt-absent').getAttribute('data-seq'));
  await expect(page.getByTestId('signoff-continue')).toBeEnabled();
  await saveScreens(page, 'ceremony-receipt-absent-recorded');
  await page.getByTestId('signoff-continue').click();
  await c.expectStage('handoff');

  // Carol: signOff records her receipt through the page object, then the test recovery.
  await confirmShard(c, 'carol');
  await c.signOff();
  await c.expectStage('test-recovery');

  const v = transcriptOf(app.backend.ceremoniesRoot);
  expect(v.ok, v.ok ? '' : v.reason).toBe(true);
  if (!v.ok) return;
  // The custodians' turns (the air-gap override's exception names no custodian).
  const turns = v.entries
    .filter((e) => ['confirm', 'receipt', 'exception'].includes(e.kind) && typeof (e.data as { custodianId?: unknown }).custodianId === 'string')
    .map((e) => `${e.kind} ${(e.data as { custodianId: string }).custodianId}`);
  expect(turns).toEqual(['confirm alice', 'receipt alice', 'confirm bob', 'exception bob', 'confirm carol', 'receipt carol']);
  const ex = v.entries[seq - 1]!;
  expect(ex.data).toEqual({ stepId: 'receipt', custodianId: 'bob', deviation: 'custodian-absent', reason: LEFT, witnessId: 'wendy' });
  const script = annotatedScript(KEY_CEREMONY, smallPlan('Witnessed receipts 2025'), v);
  expect(annotatedScriptMismatch(script, v.entries)).toBeNull();
  expect(annotatedScriptText(script)).toContain(`Not recorded — custodian absent (exception ${seq}).`);
});

test('in German: the held Continue and the absence at the receipt say it in German', async ({ app }) => {
  const { page } = app;
  const c = new CeremonyPage(page, app.backend);
  await app.open('');
  await chooseGerman(page);
  await c.runToHandoffs(writePlanFile(dir, smallPlan('Quittungen 2025')), (r) => go(page, r));
  await confirmShard(c, 'alice');
  await c.signOff(false);
  await expect(page.getByTestId('signoff-continue')).toBeDisabled();
  await expect(page.getByTestId('signoff-hold')).toHaveText(de['confirmed.holdReceipt'].replace('{name}', 'Alice Meier'));
  await expect(page.getByTestId('receipt-absent-open')).toHaveText(de['receipt.absentButton'].replace('{name}', 'Alice Meier'));
  await saveScreens(page, 'ceremony-receipt-hold-de');
  await recordAbsentAtReceipt(c, 'Alice musste zum Zug, bevor ihr Papier versiegelt war.', 'ceremony-receipt-absent-form-de');
  const seq = (await page.getByTestId('receipt-absent').getAttribute('data-seq'))!;
  await expect(page.getByTestId('receipt-absent')).toHaveText(de['receipt.absent'].replace('{name}', 'Alice Meier').replace('{seq}', seq));
  await saveScreens(page, 'ceremony-receipt-absent-de');
});
