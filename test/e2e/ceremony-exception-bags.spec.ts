/**
 * Issue 13's "Done when" in one run: a ceremony with tamper-evident bags and one exception, its annotated script
 * printed, and a bag-serial mismatch at recovery. The air gap passes (no override), so the only deviation is the one
 * the run makes: Alice's paper backup is printed a second time (the printer jammed), which waits for a step-repeated
 * exception with its reason and Wendy's signature. Alice's and Bob's shards go into bags whose serials are typed at
 * the handoff and again at the receipt (a misread one refused); Carol's screen shard has no bag. The ceremony runs to
 * its seal; the annotated script printed from the sealed screen shows the exception under Alice's handoff, matches the
 * transcript entry for entry, and carries the final hash on every page. At recovery from the sealed transcript (final
 * hash typed from the paper), Alice's shard with another bag's serial is stopped and logged, then goes through with
 * the right serial; with Bob's shard the key is recovered and verified.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_CEREMONY } from '../../core/ceremony-kinds';
import { annotatedScript, annotatedScriptMismatch } from '../../core/ceremony-kinds/annotated';
import { verifyTranscriptText } from '../../core/transcript';
import type { AirGapReport } from '../../electron/services/airgap/types';
import { createCeremonyBackend, witnessPassphrase } from './backend';
import { smallPlan, writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';
import { CeremonyPage } from './pages/ceremony-page';
import type { PageGlobals } from './pages/page-globals';
import { RecoveryPage } from './pages/recovery-page';
import { printToPng } from './print';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-exception-bags-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Only loopback up: the air-gap check passes, so no override exception is recorded. */
const OFFLINE: AirGapReport = {
  ok: true,
  interfaces: [{ name: 'lo', kind: 'loopback', up: true, addresses: ['127.0.0.1/8'], operstate: 'unknown' }],
  radios: [],
  problems: [],
  sources: ['os', 'sysfs'],
  checkedAt: '2025-03-01T09:59:00.000Z',
};

const REPRINT = 'The printer jammed on the first copy; the jammed sheet was shredded in front of Wendy.';
const paperForm = (hex: string): string => (hex.toUpperCase().match(/.{4}/g) ?? []).join(' ');

test('a ceremony with bags and one exception prints it in the annotated script; at recovery a wrong bag serial stops the shard, the right one lets it through', async ({ launch }) => {
  const backend = createCeremonyBackend({ airgap: OFFLINE });
  const app = await launch({ backend });
  const { page } = app;
  const c = new CeremonyPage(page, backend);
  const plan = smallPlan('Bagged vault key 2025');
  await app.open('plan');
  await page.getByTestId('plan-load').setInputFiles(writePlanFile(dir, plan));
  await expect(page.getByTestId('plan-loaded')).toBeVisible();
  await page.getByTestId('plan-continue').click();
  await c.expectStage('airgap');
  await c.loadWitnessKeys();
  await c.start();
  await expect(page.getByTestId('airgap-passed')).toBeVisible();
  await saveScreens(page, 'exbags-airgap-passed');
  await c.signOff();
  await c.gatherEntropy('1 2 3 4 5 6 6 5 4 3 2 1');
  await page.getByTestId('generate').click();
  await c.expectStage('fingerprint');
  await c.signOff();
  await page.getByTestId('split').click();
  await c.signOff();
  await c.expectStage('handoff');

  // The window's print is counted instead of opening a dialog.
  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    g.__printed = 0;
    g.print = () => {
      g.__printed++;
    };
  });
  const printed = (): Promise<number> => page.evaluate(() => (globalThis as unknown as PageGlobals).__printed);

  // Alice: her paper goes into bag KS00 42A7. Printed once, then again: the second print is a repeated handoff.
  await c.chooseCustodian('Alice Meier');
  await page.getByTestId('handoff-bag-serial').fill('ks-0042 a7');
  await expect(page.getByTestId('handoff-bag-serial-reads')).toHaveText('Read aloud: KS00 42A7');
  await page.getByTestId('handoff-reveal').click();
  const alice = await c.shardWords();
  await page.getByTestId('print-backup').click();
  await expect.poll(printed).toBe(1);
  await expect(page.getByTestId('paper-bag-serial')).toHaveText('KS00 42A7');
  const paper = await printToPng(page, 'exbags-paper-alice');
  expect(paper.pages).toHaveLength(1);
  expect(paper.texts[0]).toMatch(/I, Alice Meier, received this shard and sealed it in bag KS00 42A7/);
  await page.getByTestId('print-backup').click();
  const panel = page.getByTestId('exception-panel');
  await expect(panel).toHaveAttribute('data-deviation', 'step-repeated');
  await expect(panel).toContainText('Record an exception at step 7.1: Step repeated');
  await expect(page.getByTestId('exception-cause')).toContainText("Printing Alice Meier's paper backup again repeats the handoff");
  await expect(page.getByTestId('shard-words')).toHaveCount(0);
  expect(await printed()).toBe(1);
  await page.getByTestId('exception-reason').fill(REPRINT);
  await page.getByTestId('exception-passphrase').fill(witnessPassphrase('wendy'));
  await saveScreens(page, 'exbags-reprint-exception');
  await page.getByTestId('exception-record').click();
  await expect(panel).toHaveCount(0);
  await page.getByTestId('show-again').click();
  await page.getByTestId('print-backup').click();
  await expect.poll(printed).toBe(2);
  await page.getByTestId('hide-shard').click();
  await c.fillWords(alice);
  await page.getByTestId('confirm-submit').click();
  await c.expectStage('confirmed');
  await expect(page.getByTestId('step-receipt')).toHaveAttribute('aria-current', 'step');
  await c.signOff(false);
  // The receipt: a serial misread off the sealed bag is refused (nothing recorded), the right one is recorded.
  await page.getByTestId('receipt-bag-serial').fill('KS00 42A1');
  await page.getByTestId('receipt-record').click();
  await expect(page.getByTestId('receipt-error')).toHaveAttribute('data-code', 'BAG_SERIAL_MISMATCH');
  await saveScreens(page, 'exbags-receipt-mismatch');
  await page.getByTestId('receipt-bag-serial').fill('KS00 42A7');
  await page.getByTestId('receipt-record').click();
  await expect(page.getByTestId('receipt-done')).toContainText('sealed their shard in bag KS00 42A7');
  await page.getByTestId('signoff-continue').click();
  await c.expectStage('handoff');

  // Bob (paper, bag GX00 0017) and Carol (screen, no bag) at the first try, each receipt recorded.
  const words = new Map<string, string[]>([['alice', alice]]);
  for (const [id, name, bag] of [
    ['bob', 'Bob Keller', 'GX00 0017'],
    ['carol', 'Carol Rossi', null],
  ] as const) {
    await c.chooseCustodian(name);
    if (bag !== null) await page.getByTestId('handoff-bag-serial').fill(bag);
    await page.getByTestId('handoff-reveal').click();
    const w = await c.shardWords();
    words.set(id, w);
    await page.getByTestId('hide-shard').click();
    if ((await page.getByTestId('method-type-back').count()) > 0) await page.getByTestId('method-type-back').check();
    await c.fillWords(w);
    await page.getByTestId('confirm-submit').click();
    await c.expectStage('confirmed');
    await c.signOff(false);
    if (bag !== null) await page.getByTestId('receipt-bag-serial').fill(bag);
    await page.getByTestId('receipt-record').click();
    await expect(page.getByTestId('receipt-done')).toBeVisible();
    await page.getByTestId('signoff-continue').click();
  }
  // Every custodian confirmed and received: the steps done in turns are done in the list.
  await c.expectStage('test-recovery');
  await expect(page.getByTestId('step-handoff')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('step-receipt')).toHaveAttribute('data-state', 'done');
  await saveScreens(page, 'exbags-test-recovery');
  for (const k of [0, 1]) {
    const id = (await page.locator('section[data-testid^="giveback-"]').nth(k).getAttribute('data-testid'))!.slice('giveback-'.length);
    await c.fillWords(words.get(id)!, `rec-${id}-1`);
    await page.getByTestId(`giveback-done-${id}`).click();
  }
  await page.getByTestId('recovery-run').click();
  await expect(page.getByTestId('recovery-match')).toBeVisible();
  await c.signOff();
  await c.destroy();
  await c.signOff();
  await c.expectStage('seal');
  await page.getByTestId('seal').click();
  await c.signOff(false);
  await c.expectStage('sealed');
  const finalHash = (await page.getByTestId('final-hash').getAttribute('data-hash'))!;
  // The sealed screen says the ceremony had an exception and at which step (the printed script's number).
  await expect(page.getByTestId('sealed-exceptions')).toHaveText(/This ceremony had 1 exception, at step 7\.1\./);
  await saveScreens(page, 'exbags-sealed');

  // The annotated script, printed from the sealed screen: the one exception under Alice's handoff (7.1).
  await page.getByTestId('print-annotated').click();
  await expect.poll(printed).toBe(3);
  await expect(page.getByTestId('annotated-script')).toHaveCount(1);
  const script = await printToPng(page, 'exbags-annotated-script');
  expect(script.pages.length).toBeGreaterThanOrEqual(2);
  const firstGroups = (finalHash.match(/.{4}/g) ?? []).slice(0, 4).join(' ');
  script.texts.forEach((t, i) => expect(t, `page ${i + 1} of the annotated script`).toContain(firstGroups));
  const all = script.texts.join('\n');
  const flat = all.replace(/\s+/g, ' ');
  expect(all).toContain('Exception: Step repeated');
  expect(flat).toContain(REPRINT);
  expect(all).not.toContain('Air-gap check overridden');
  expect(all).toContain('Everyone present signs');
  // The bags as recorded, and Carol's screen shard only received (it had no bag); each signature says what it signs.
  expect(flat).toMatch(/Shard handed over · bag KS00 42A7/);
  expect(flat).toMatch(/Shard received and sealed in its bag · bag GX00 0017/);
  expect(flat).toMatch(/Shard received; no bag recorded, so nothing sealed/);
  expect(flat).toMatch(/Exception signed by witness: Wendy/);
  expect(flat).toMatch(/Step signed off by witness: Wendy/);

  // Entry for entry: the transcript, its one exception (signed by Wendy in the next entry), and the script.
  const transcriptPath = await c.transcriptPath();
  const v = verifyTranscriptText(readFileSync(transcriptPath, 'utf8'), { expectedHeadHash: finalHash });
  expect(v.ok, v.ok ? '' : v.reason).toBe(true);
  if (!v.ok) return;
  const exceptions = v.entries.filter((e) => e.kind === 'exception');
  expect(exceptions.map((e) => e.data)).toEqual([{ stepId: 'handoff', custodianId: 'alice', deviation: 'step-repeated', reason: REPRINT, witnessId: 'wendy' }]);
  expect(v.entries[exceptions[0]!.seq]!.kind).toBe('signoff');
  expect(v.entries.filter((e) => e.kind === 'receipt').map((e) => e.data)).toEqual([
    { custodianId: 'alice', bagSerial: 'KS0042A7', sealed: true },
    { custodianId: 'bob', bagSerial: 'GX000017', sealed: true },
    { custodianId: 'carol', sealed: false },
  ]);
  const model = annotatedScript(KEY_CEREMONY, plan, v);
  expect(annotatedScriptMismatch(model, v.entries)).toBeNull();
  expect(model.lines.filter((l) => l.exceptions.length > 0).map((l) => [l.number, l.stepId, l.custodianId])).toEqual([['7.1', 'handoff', 'alice']]);
  await expect(page.locator(`[data-testid="annotated-exception"][data-seq="${exceptions[0]!.seq}"]`)).toHaveCount(1);
  for (const l of model.lines) {
    const row = page.locator(`[data-testid="annotated-step"][data-number="${l.number}"]`);
    await expect(row).toHaveCount(1);
    for (const e of l.entries) await expect(row.locator(`[data-testid="annotated-time"][data-seq="${e.seq}"]`)).toContainText(e.at.slice(11, 19));
    for (const e of l.entries) if (e.bagSerial !== null) await expect(row.locator(`[data-testid="annotated-time"][data-seq="${e.seq}"]`)).toContainText(`bag ${e.bagSerial}`);
  }
  // Under 7.1 Wendy's confirmation sign-off is the step's, her signature of the exception is inside the exception.
  const line71 = model.lines.find((l) => l.number === '7.1')!;
  const aliceRow = page.locator('[data-testid="annotated-step"][data-number="7.1"]');
  await expect(aliceRow.locator('[data-testid="annotated-exception"] [data-testid="annotated-signature"]')).toHaveAttribute('data-of', 'exception');
  for (const s of line71.signatures) await expect(aliceRow.locator(`[data-testid="annotated-signature"][data-seq="${s.seq}"]`)).toHaveAttribute('data-of', 'step');

  // Recovery from the sealed transcript, its final hash typed from the paper.
  await app.open('recover');
  const r = new RecoveryPage(page);
  await r.loadTranscript(transcriptPath, { finalHash: paperForm(finalHash) });
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');
  // Alice's shard with the serial of another bag: stopped, not used, logged.
  await r.id('recovery-bag-serial').fill('KS00 42A1');
  await r.typeWords(alice);
  await r.checkWords();
  await r.expectOutcome('rejected', 1);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'BAG_SERIAL_MISMATCH');
  await expect(r.id('shard-error-message')).toContainText('KS00 42A1');
  await expect(r.id('shard-error-message')).toContainText('KS00 42A7');
  await expect(r.id('shard-error-message')).toContainText('This shard was not used');
  await expect(r.id('progress-summary')).toContainText('No shard yet');
  await saveScreens(page, 'exbags-recovery-mismatch');
  // The right serial: the same shard goes through; then Bob's, from his bag.
  await r.id('recovery-bag-serial').fill('ks0042a7');
  await r.typeWords(alice);
  await r.checkWords();
  await r.expectOutcome('accepted', 2);
  await r.id('recovery-bag-serial').fill('GX00 0017');
  await r.typeWords(words.get('bob')!);
  await r.checkWords();
  await r.expectOutcome('accepted', 3);
  await expect(r.id('progress-panel')).toHaveAttribute('data-can-finish', 'true');
  await saveScreens(page, 'exbags-recovery-quorum');
  const log = await backend.recovery.status();
  expect(log.bagChecks.map((b) => `${b.custodianId} ${b.recorded} ${b.typed ?? '-'} ${b.outcome}`)).toEqual([
    'alice KS0042A7 KS0042A1 mismatch',
    'alice KS0042A7 KS0042A7 matched',
    'bob GX000017 GX000017 matched',
  ]);
  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'verified');
  await saveScreens(page, 'exbags-recovery-verified');
});
