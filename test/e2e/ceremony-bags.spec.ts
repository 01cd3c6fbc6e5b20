/**
 * Tamper-evident bags (issue 13.6, 13.7): at Alice's handoff the administrator types the serial of the bag her paper
 * goes into (as read aloud, with spaces, dashes and lower case); the serial is recorded in the transcript's handoff
 * entry and printed on her paper backup with the recovery instructions and her receipt line; after her confirmation
 * the receipt (bag sealed, serial typed again off the bag) is recorded as its own entry. The OS image hash typed at
 * the start (issue 13.8) is recorded with the air-gap check and shown with its words; the first screen's title follows
 * the step list. At a recovery from that
 * transcript, Alice's shard with a mistyped / swapped bag serial is stopped (BAG_SERIAL_MISMATCH, not used, logged),
 * the same shard with the right serial is accepted, and a shard whose bag serial is left out is refused too.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyTranscriptText } from '../../core/transcript';
import { smallPlan, writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';
import { CeremonyPage } from './pages/ceremony-page';
import { RecoveryPage } from './pages/recovery-page';
import { printToPng } from './print';

/** SHA-256 of an OS image, as published: typed on the start screen in upper case with spaces. */
const OS_HASH = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-bags-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The running ceremony's transcript file under the backend's ceremonies folder. */
function findTranscript(root: string): string {
  for (const e of readdirSync(root)) {
    const p = join(root, e);
    if (statSync(p).isDirectory()) {
      try {
        return findTranscript(p);
      } catch {
        continue;
      }
    }
    if (e === 'transcript.json') return p;
  }
  throw new Error(`no transcript.json under ${root}`);
}

test('a bag serial recorded at the handoff is printed on the paper; at recovery a different serial stops the shard, the right one lets it through', async ({ app }) => {
  const { page } = app;
  const c = new CeremonyPage(page, app.backend);
  // The start, as runToHandoffs does it, with the OS image hash typed by the administrator (issue 13.8).
  await app.open('plan');
  await page.getByTestId('plan-load').setInputFiles(writePlanFile(dir, smallPlan()));
  await expect(page.getByTestId('plan-loaded')).toBeVisible();
  await page.getByTestId('plan-continue').click();
  await c.expectStage('airgap');
  // The title is the step the list marks current (the catalogue's words and number), not "Air-gap check".
  await expect(page.getByTestId('step-witness-keys')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('screen-title')).toHaveText('1. Load the witnesses’ signing keys');
  await c.loadWitnessKeys();
  await expect(page.getByTestId('step-plan')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('screen-title')).toHaveText('2. Read the plan and start the ceremony');
  await page.getByTestId('os-image-hash').fill('9f86 d081');
  await expect(page.getByTestId('os-image-hash-problem')).toContainText('64 hex digits');
  await expect(page.getByTestId('ceremony-start')).toBeDisabled();
  await page.getByTestId('os-image-hash').fill(OS_HASH.toUpperCase().replace(/(.{8})/g, '$1 '));
  await expect(page.getByTestId('os-image-hash-problem')).toHaveCount(0);
  await saveScreens(page, 'bags-start-os-image-hash');
  await c.start();
  await expect(page.getByTestId('step-airgap')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('screen-title')).toHaveText('3. Check the air gap');
  await c.overrideAirgap('The built-in network card cannot be disabled; the cable is unplugged and Wi-Fi is off.');
  await expect(page.getByTestId('os-image-hash-recorded')).toContainText('9f86 d081 884c');
  await expect(page.getByTestId('os-image-hash-words')).toBeVisible();
  await saveScreens(page, 'bags-airgap-os-image-hash');
  await c.signOff();
  await c.gatherEntropy('1 2 3 4 5 6 6 5 4 3 2 1');
  await page.getByTestId('generate').click();
  await c.expectStage('fingerprint');
  await c.signOff();
  await page.getByTestId('split').click();
  await c.signOff();
  await c.expectStage('handoff');
  await c.chooseCustodian('Alice Meier');

  // A serial that is not one blocks the handoff until it is fixed; the typed one reads back normalised.
  await page.getByTestId('handoff-bag-serial').fill('KS#42');
  await expect(page.getByTestId('handoff-bag-serial-reads')).toContainText('letters and digits only');
  await expect(page.getByTestId('handoff-reveal')).toBeDisabled();
  await page.getByTestId('handoff-bag-serial').fill('ks-0042 a7');
  await expect(page.getByTestId('handoff-bag-serial-reads')).toHaveText('Read aloud: KS00 42A7');
  await saveScreens(page, 'bags-handoff-serial');
  await page.getByTestId('handoff-reveal').click();
  const words = await c.shardWords();

  // The paper backup: bag serial, recovery instructions, fingerprint in hex and words, the receipt line.
  await page.evaluate(() => {
    (globalThis as unknown as { print: () => void }).print = () => undefined;
  });
  await page.getByTestId('print-backup').click();
  await expect(page.getByTestId('paper-bag-serial')).toHaveText('KS00 42A7');
  const paper = await printToPng(page, 'bags-paper-backup-alice');
  expect(paper.pages).toHaveLength(1);
  const text = paper.texts[0]!;
  expect(text).toContain('KS00 42A7');
  expect(text).toContain('To recover:');
  expect(text).toMatch(/I, Alice Meier, received this shard and sealed it in bag KS00 42A7/);
  expect(text).toContain('Signature');
  await page.getByTestId('hide-shard').click();

  // Alice confirms; then she seals her paper in the bag (the receipt step): the serial read off the sealed bag is typed
  // again. A misread one is refused and can be retyped; Continue waits until the receipt is recorded.
  await c.typeWordsWithCompletion(words);
  await page.getByTestId('confirm-submit').click();
  await c.expectStage('confirmed');
  await expect(page.getByTestId('step-receipt')).toHaveAttribute('aria-current', 'step');
  await c.signOff(false);
  await expect(page.getByTestId('signoff-continue')).toBeDisabled();
  await page.getByTestId('receipt-bag-serial').fill('KS00 42A1');
  await page.getByTestId('receipt-record').click();
  await expect(page.getByTestId('receipt-error')).toHaveAttribute('data-code', 'BAG_SERIAL_MISMATCH');
  await saveScreens(page, 'bags-receipt-mismatch');
  await page.getByTestId('receipt-bag-serial').fill('KS00 42A7');
  await page.getByTestId('receipt-record').click();
  await expect(page.getByTestId('receipt-done')).toContainText('sealed their shard in bag KS00 42A7');
  await expect(page.getByTestId('signoff-continue')).toBeEnabled();
  await saveScreens(page, 'bags-receipt-recorded');
  await page.getByTestId('signoff-continue').click();
  await c.expectStage('handoff');

  // The transcript's handoff entry holds the normalised serial.
  const transcriptPath = findTranscript(app.backend.ceremoniesRoot);
  const transcript = JSON.parse(readFileSync(transcriptPath, 'utf8')) as { entries: { kind: string; data: Record<string, unknown> }[] };
  const handoff = transcript.entries.find((e) => e.kind === 'handoff');
  // The OS image hash, normalised, with every air-gap check record (the failed one and the override).
  expect(transcript.entries.filter((e) => e.kind === 'airgap-check').map((e) => e.data['osImageHash'])).toEqual([OS_HASH, OS_HASH]);
  expect(handoff?.data['bagSerial']).toBe('KS0042A7');
  expect(transcript.entries.filter((e) => e.kind === 'receipt').map((e) => e.data)).toEqual([{ custodianId: 'alice', bagSerial: 'KS0042A7', sealed: true }]);
  // `keyshard transcript verify` reads it with verifyTranscriptText: the new entries verify like any other.
  const verified = verifyTranscriptText(readFileSync(transcriptPath, 'utf8'));
  expect(verified.ok, verified.ok ? '' : verified.reason).toBe(true);

  // Recovery from that transcript.
  await app.open('recover');
  const r = new RecoveryPage(page);
  await r.loadTranscript(transcriptPath);
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');

  // No serial typed: refused, not used.
  await r.typeWords(words);
  await r.checkWords();
  await r.expectOutcome('rejected', 1);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'BAG_SERIAL_NEEDED');

  // Another bag's serial: stopped, with both serials and what to do.
  await r.id('recovery-bag-serial').fill('KS00 42A1');
  await r.typeWords(words);
  await r.checkWords();
  await r.expectOutcome('rejected', 2);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'BAG_SERIAL_MISMATCH');
  await expect(r.id('shard-error-message')).toContainText('KS00 42A1');
  await expect(r.id('shard-error-message')).toContainText('KS00 42A7');
  await expect(r.id('shard-error-message')).toContainText('This shard was not used');
  await expect(r.id('shard-error-todo')).toContainText('retype it');
  await expect(r.id('progress-summary')).toContainText('No shard yet');
  await saveScreens(page, 'bags-recovery-mismatch');
  const log = await app.backend.recovery.status();
  expect(log.bagChecks.map((b) => `${b.custodianId} ${b.recorded} ${b.typed ?? '-'} ${b.outcome}`)).toEqual(['alice KS0042A7 - missing', 'alice KS0042A7 KS0042A1 mismatch']);

  // Retyped right (as read off the bag, lower case): the same shard goes through.
  await r.id('recovery-bag-serial').fill('ks0042a7');
  await r.typeWords(words);
  await r.checkWords();
  await r.expectOutcome('accepted', 3);
  await expect(r.id('recovery-bag-serial')).toHaveValue('');
  await saveScreens(page, 'bags-recovery-accepted');
  const after = await app.backend.recovery.status();
  expect(after.bagChecks.at(-1)?.outcome).toBe('matched');
});
