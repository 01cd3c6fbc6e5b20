/**
 * A whole SLIP-39 2-of-3 ceremony in Chromium, from the plan screen to the sealed transcript, through the real IPC
 * handlers and the real ceremony service (backend.ts): the air gap reports eth0 up, so a witness overrides it; dice
 * add entropy; Alice (paper) prints her backup and types her words back with completion; Bob (USB) gets an age file
 * written to his drive and read back; Carol (screen) scans her code back through the fake camera, from a video made
 * of the code the page showed; a test recovery from Alice's and Carol's words; destroy; seal. The transcript the
 * sealed screen exports verifies with core's verifyTranscriptText.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyTranscriptText } from '../../core/transcript';
import { readQrTexts } from '../helpers/zxing';
import { shardFromQr } from './ceremony-support';
import { HEIGHT, singleCodeVideo, WIDTH, writeY4m } from './fake-camera';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';
import { witnessPassphrase } from './backend';
import { CeremonyPage } from './pages/ceremony-page';
import { PlanPage } from './plan-page';
import type { PageGlobals } from './pages/page-globals';
import { printToPng } from './print';

/** The example recipient from the age specification (a public key; nothing secret). */
const AGE_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const DICE = '3 1 4 1 5 2 6 5 3 5 6 2 4 1 3 3 6 5 2 1';
const OVERRIDE_REASON = 'The lab machine has a built-in NIC that cannot be disabled; Wendy checked that the cable is unplugged.';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-ceremony-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a 2-of-3 SLIP-39 ceremony from the plan to the sealed transcript', async ({ launch }) => {
  const started = Date.now();
  // The camera plays this file from the moment it is opened; it is grey until Carol's code is known.
  const camera = join(dir, 'camera.y4m');
  const grey = new Uint8Array(WIDTH * HEIGHT).fill(128);
  writeY4m(camera, [grey, grey]);
  const app = await launch({ camera });
  const { page, backend } = app;
  const c = new CeremonyPage(page, backend);
  const bobDrive = backend.drive('BOB-KEY');

  // ---- plan
  await app.open('plan');
  const plan = new PlanPage(page);
  await plan.fill('label', 'Treasury seed 2025');
  await plan.setCustodian(0, { name: 'Alice Meier', organisation: 'Acme', location: 'Zurich', handoff: 'Printed paper' });
  await plan.setCustodian(1, { name: 'Bob Keller', organisation: 'Globex', location: 'Geneva', handoff: 'USB drive (encrypted file)', ageRecipient: AGE_RECIPIENT });
  await plan.setCustodian(2, { name: 'Carol Rossi', organisation: 'Initech', location: 'Basel', handoff: 'QR code on this screen' });
  await plan.setWitness(0, 'Wendy Wu', 'Notary Office');
  await expect(plan.todo()).toHaveCount(0);
  await page.getByTestId('plan-continue').click();

  // ---- start: the witness loads her key, the ceremony starts and the air gap is checked
  await c.expectStage('airgap');
  // The witness's key comes first: a step of its own in the list (the catalogue's), not hidden in the air-gap check.
  await expect(page.getByTestId('step-witness-keys')).toHaveAttribute('data-state', 'current');
  await expect(page.getByTestId('ceremony-start')).toBeDisabled();
  // On a laptop's screen the first thing to do, the witness's key loader, is in view without scrolling.
  await page.setViewportSize({ width: 1366, height: 768 });
  await expect(page.locator('[data-testid^="key-load-"]').first()).toBeInViewport({ ratio: 1 });
  // No path to type: the key file is chosen in main's dialog.
  await expect(page.locator('[data-testid^="key-loader-"] input[type="text"]')).toHaveCount(0);
  await saveScreens(page, 'ceremony-start');
  // A file that is gone by the time main reads it first: the error names the file (not its path) and what to do.
  const loaderId = (await page.locator('[data-testid^="key-loader-"]').first().getAttribute('data-testid'))!.slice('key-loader-'.length);
  backend.answerDialog('/media/wendy/no-such-key.json');
  await page.getByTestId(`key-load-${loaderId}`).click();
  await expect(page.getByTestId(`key-error-${loaderId}`)).toHaveAttribute('data-code', 'WITNESS_KEY');
  expect(backend.dialogPurposes).toEqual(['witness-key']);
  await expect(page.getByTestId(`key-file-name-${loaderId}`)).toHaveText('no-such-key.json');
  await expect(page.getByTestId(`key-error-${loaderId}-message`)).toContainText('"no-such-key.json" could not be read');
  await expect(page.getByTestId(`key-error-${loaderId}-message`)).not.toContainText('/media/');
  await expect(page.getByTestId(`key-error-${loaderId}-todo`)).toContainText("this witness's own key file");
  await saveScreens(page, 'ceremony-witness-key-error');
  const [wendy] = await c.loadWitnessKeys();
  expect(wendy).toMatch(/^witness-/);
  // Every key is in: the start is the next thing, in view and focused.
  await expect(page.getByTestId('ceremony-start')).toBeFocused();
  await expect(page.getByTestId('ceremony-start')).toBeInViewport({ ratio: 1 });
  await c.start();
  await expect(page.getByTestId('airgap-failed')).toContainText('Network interfaces up: eth0.');
  await expect(page.getByTestId('airgap-failed-message')).toContainText('eth0 is up (10.0.0.5/24)');
  await expect(page.getByTestId('airgap-failed-todo')).toContainText('Unplug every network cable');
  await saveScreens(page, 'ceremony-airgap-failed');
  // Checking again records another failed check; then Wendy overrides it.
  await page.getByTestId('airgap-retry').click();
  await expect(page.getByTestId('airgap-failed')).toBeVisible();
  await c.overrideAirgap(OVERRIDE_REASON);
  await expect(page.getByTestId('signoff')).toHaveAttribute('data-checkpoint', 'airgap-check');
  await saveScreens(page, 'ceremony-airgap-override-signoff');
  await c.signOff(false);
  await expect(page.getByTestId('signoff-done')).toContainText('Signed by Wendy Wu');
  // Continue is the next thing: it takes the focus and is brought into view.
  await expect(page.getByTestId('signoff-continue')).toBeFocused();
  await expect(page.getByTestId('signoff-continue')).toBeInViewport({ ratio: 1 });
  await saveScreens(page, 'ceremony-signed');
  await page.getByTestId('signoff-continue').click();

  // ---- entropy with dice: a wrong character is flagged as typed, then fixed
  await c.expectStage('entropy');
  await page.getByTestId('entropy-dice').fill('3 1 4 1 5 9');
  await expect(page.getByTestId('dice-bad')).toContainText('character 11 is not a die face');
  await expect(page.getByTestId('entropy-gather')).toBeDisabled();
  await saveScreens(page, 'ceremony-entropy-bad-dice');
  await page.getByTestId('entropy-dice').fill(DICE);
  await expect(page.getByTestId('dice-count')).toHaveAttribute('data-rolls', '20');
  await expect(page.getByTestId('dice-count')).toHaveAttribute('data-bits', '51');
  await saveScreens(page, 'ceremony-entropy');
  await page.getByTestId('entropy-gather').click();

  // ---- generate, fingerprint read aloud, sign-off
  await c.expectStage('generate');
  await expect(page.getByTestId('entropy-summary')).toContainText('20 dice rolls, 51 bits');
  await saveScreens(page, 'ceremony-generate');
  await page.getByTestId('generate').click();
  await c.expectStage('fingerprint');
  const fingerprint = page.getByTestId('fingerprint');
  const fpHex = (await fingerprint.getAttribute('data-hex'))!;
  const fpDisplay = (await fingerprint.getAttribute('data-display'))!;
  expect(fpHex).toMatch(/^[0-9a-f]{64}$/);
  expect(fpDisplay).toMatch(/^([0-9A-F]{4} ){7}[0-9A-F]{4}$/);
  expect(fpDisplay.replace(/ /g, '').toLowerCase()).toBe(fpHex.slice(0, 32));
  await saveScreens(page, 'ceremony-fingerprint');
  // The witness signs with her own act, no one click: she types the fingerprint she heard and her key file's
  // passphrase. A wrong fingerprint or a wrong passphrase signs nothing, and the passphrase field is emptied.
  await expect(page.getByTestId('signoff-fingerprint')).toHaveText(fpDisplay);
  await expect(page.getByTestId(`sign-${wendy}`)).toBeDisabled();
  const wrongDigit = fpDisplay.endsWith('0') ? '1' : '0';
  await page.getByTestId(`sign-fingerprint-${wendy}`).fill(`${fpDisplay.slice(0, -1)}${wrongDigit}`);
  await page.getByTestId(`sign-passphrase-${wendy}`).fill(witnessPassphrase(wendy!));
  await page.getByTestId(`sign-${wendy}`).click();
  await expect(page.getByTestId(`sign-error-${wendy}`)).toHaveAttribute('data-code', 'WITNESS_FINGERPRINT');
  await expect(page.getByTestId(`sign-passphrase-${wendy}`)).toHaveValue('');
  await page.getByTestId(`sign-fingerprint-${wendy}`).fill(fpDisplay);
  await page.getByTestId(`sign-passphrase-${wendy}`).fill('not her passphrase');
  await page.getByTestId(`sign-${wendy}`).click();
  await expect(page.getByTestId(`sign-error-${wendy}`)).toHaveAttribute('data-code', 'WITNESS_PASSPHRASE');
  await expect(page.getByTestId(`signoff-${wendy}`)).toHaveAttribute('data-signed', 'false');
  await saveScreens(page, 'ceremony-signoff-wrong-passphrase');
  await c.fillSignForm(wendy!);
  await expect(page.getByTestId(`sign-${wendy}`)).toBeEnabled();
  await expect(page.getByTestId(`sign-${wendy}`)).toBeInViewport({ ratio: 1 });
  await saveScreens(page, 'ceremony-signoff-passphrase');
  await c.signOff();

  // ---- split
  await c.expectStage('split');
  await saveScreens(page, 'ceremony-split');
  await page.getByTestId('split').click();
  await expect(page.getByTestId('split-fingerprint')).toHaveAttribute('data-hex', fpHex);
  await saveScreens(page, 'ceremony-split-done');
  await c.signOff();

  // ---- Alice: paper. Look away, reveal, print, type the words back with completion.
  await c.expectStage('handoff');
  await saveScreens(page, 'ceremony-handoff-choose');
  await c.chooseCustodian('Alice Meier');
  await expect(page.getByTestId('secret-banner')).toContainText('Only Alice Meier should look at the screen now.');
  await expect(page.getByTestId('shard-words')).toHaveCount(0);
  await saveScreens(page, 'ceremony-handoff-look-away');
  await page.getByTestId('handoff-reveal').click();
  const aliceWords = await c.shardWords();
  expect(aliceWords).toHaveLength(33);
  await expect(page.getByTestId('secret-banner')).toBeVisible();
  await saveScreens(page, 'ceremony-handoff-shard-paper');
  // "Start screen" during a handoff asks first, and the keyboard answers: the focus starts on "Stay", Tab moves
  // between the two answers only, Escape stays (issue 14.5).
  await page.getByTestId('nav-home').click();
  await expect(page.getByTestId('leave-confirm')).toBeVisible();
  await expect(page.getByTestId('leave-stay')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('leave-go')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('leave-stay')).toBeFocused();
  await saveScreens(page, 'ceremony-handoff-leave-confirm');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('leave-confirm')).toHaveCount(0);
  await c.expectStage('confirm');
  await expect(page.getByTestId('shard-words')).toBeVisible();
  // Not selectable, not copyable.
  expect(await page.getByTestId('shard-words').evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).userSelect)).toBe('none');
  const copyCancelled = await page.getByTestId('shard-words').evaluate((el) => {
    const g = globalThis as unknown as PageGlobals;
    const e = new g.Event('copy', { bubbles: true, cancelable: true });
    (el as unknown as { querySelector(s: string): { dispatchEvent(e: unknown): boolean } }).querySelector('.word-w').dispatchEvent(e);
    return e.defaultPrevented;
  });
  expect(copyCancelled).toBe(true);
  await page.keyboard.press('Control+A');
  expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).getSelection()?.toString() ?? '')).not.toContain(aliceWords.slice(0, 3).join(' '));
  // The print button asks main (a second print would need a step-repeated exception), then the window prints.
  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    g.__printed = 0;
    g.print = () => {
      g.__printed++;
    };
  });
  await page.getByTestId('print-backup').click();
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).__printed)).toBe(1);
  // The paper backup, printed to PDF and rasterized: its QR code decodes to Alice's shard, the words on screen.
  const paper = await printToPng(page, 'paper-backup-alice');
  expect(paper.pages).toHaveLength(1);
  const paperTexts = await readQrTexts(paper.pages[0]!);
  expect(paperTexts).toHaveLength(1);
  const fromPaper = shardFromQr(paperTexts);
  expect(fromPaper.words).toEqual(aliceWords);
  expect(fromPaper.custodianLabel).toBe('Alice Meier');
  await page.getByTestId('hide-shard').click();
  await expect(page.getByTestId('shard-words')).toHaveCount(0);
  await expect(page.getByTestId('paper-backup')).toHaveCount(0);
  // Four letters show the word; Tab accepts it. An unknown word is flagged as typed.
  await page.getByTestId('word-1').fill('xqzt');
  await expect(page.getByTestId('word-note-1')).toHaveText('not a SLIP-39 word');
  await expect(page.getByTestId('word-count')).toContainText('not in the word list: word 1');
  await saveScreens(page, 'ceremony-confirm-unknown-word');
  await page.getByTestId('word-1').fill('');
  // Four letters name the word: shown with "Tab accepts" (on the first word longer than four letters).
  const long = aliceWords.findIndex((w) => w.length > 4);
  await page.getByTestId(`word-${long + 1}`).focus();
  await page.keyboard.type(aliceWords[long]!.slice(0, 4));
  await expect(page.getByTestId(`word-note-${long + 1}`)).toHaveText(`${aliceWords[long]} · Tab accepts`);
  await saveScreens(page, 'ceremony-confirm-completion');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId(`word-${long + 1}`)).toHaveValue(aliceWords[long]!);
  await expect(page.getByTestId(`word-${long + 2}`)).toBeFocused();
  // Then every word from the first: four letters and Tab each.
  await page.getByTestId(`word-${long + 1}`).fill('');
  await c.typeWordsWithCompletion(aliceWords, 'word', 1);
  await expect(page.getByTestId('word-count')).toHaveAttribute('data-entered', '33');
  await expect(page.getByTestId('word-33')).toHaveValue(aliceWords[32]!);
  await page.getByTestId('confirm-submit').click();
  await c.expectStage('confirmed');
  await expect(page.getByTestId('step-custodian-' + (await page.getByTestId('confirmed').getAttribute('data-custodian')))).toContainText('Alice Meier (confirmed)');
  // Typing her words back is Alice's own act: it proves she holds the shard.
  await expect(page.getByTestId('confirmed')).toHaveAttribute('data-proves', 'possession');
  await expect(page.getByTestId('confirmed-meaning')).toContainText('This proves Alice Meier holds their shard.');
  await saveScreens(page, 'ceremony-confirmed');
  await c.signOff();

  // ---- Bob: USB. His drive is listed; the encrypted file is written, shown where, and read back.
  await c.chooseCustodian('Bob Keller');
  await expect(page.getByTestId('drive-BOB-KEY')).toBeChecked();
  await saveScreens(page, 'ceremony-handoff-usb');
  await page.getByTestId('handoff-write').click();
  await expect(page.getByTestId('usb-file')).toContainText(join(bobDrive, ''));
  const bobFile = (await page.getByTestId('usb-file').locator('.mono').innerText()).trim();
  expect(existsSync(bobFile)).toBe(true);
  expect(readFileSync(bobFile, 'utf8')).toContain('-----BEGIN AGE ENCRYPTED FILE-----');
  await expect(page.getByTestId('secret-banner')).toHaveCount(0);
  // Reading back the file keyshard wrote checks the write, and the screens say no more than that.
  await expect(page.getByTestId('screen-title')).toHaveText("Check Bob Keller's file on the drive");
  await expect(page.getByTestId('confirm-lead')).toContainText('This checks the write; it does not show that Bob Keller can open the file');
  await saveScreens(page, 'ceremony-confirm-usb');
  await page.getByTestId('confirm-readback').click();
  await c.expectStage('confirmed');
  await expect(page.getByTestId('confirmed')).toHaveAttribute('data-proves', 'write');
  await expect(page.getByTestId('confirmed-meaning')).toContainText('This checks the write, not that Bob Keller can open the file');
  await expect(page.getByTestId('screen-title')).not.toContainText('holds their shard');
  await saveScreens(page, 'ceremony-confirmed-usb');
  await c.signOff();

  // ---- Carol: screen QR. The test reads the code the page shows (zxing on a screenshot), makes the camera play it,
  // and Carol scans it back.
  await c.chooseCustodian('Carol Rossi');
  await page.getByTestId('handoff-reveal').click();
  const carolWords = await c.shardWords();
  const qr = page.getByTestId('shard-qr');
  await expect(qr).toHaveAttribute('data-kind', 'single');
  const shown = await readQrTexts(new Uint8Array(await qr.locator('img').screenshot()));
  expect(shown).toHaveLength(1);
  expect(shardFromQr(shown).words).toEqual(carolWords);
  await saveScreens(page, 'ceremony-handoff-shard-screen');
  singleCodeVideo(join(dir, 'carol.y4m'), shown[0]!);
  renameSync(join(dir, 'carol.y4m'), camera);
  await page.getByTestId('hide-shard').click();
  await expect(page.getByTestId('method-scan-qr')).toBeChecked();
  await page.getByTestId('scanner-start').click();
  await c.expectStage('confirmed');
  await c.signOff();

  // ---- test recovery: Alice and Carol type their words back
  await c.expectStage('test-recovery');
  const aliceId = (await page.locator('section[data-testid^="giveback-"]').first().getAttribute('data-testid'))!.slice('giveback-'.length);
  const carolId = (await page.locator('section[data-testid^="giveback-"]').nth(1).getAttribute('data-testid'))!.slice('giveback-'.length);
  await expect(page.getByTestId('recovery-quorum')).toHaveAttribute('data-quorum', 'true');
  // One custodian at a time: Alice types, hides her entry; then Carol.
  await expect(page.getByTestId(`giveback-${aliceId}`)).toHaveAttribute('data-state', 'typing');
  await expect(page.getByTestId(`giveback-${carolId}`)).toHaveAttribute('data-state', 'waiting');
  await c.fillWords(aliceWords, `rec-${aliceId}-1`);
  await page.getByTestId(`giveback-done-${aliceId}`).click();
  await expect(page.getByTestId(`rec-${aliceId}-1-1`)).toBeHidden();
  await expect(page.getByTestId('secret-banner')).toContainText('Only Carol Rossi should look');
  await c.fillWords(carolWords, `rec-${carolId}-1`);
  await saveScreens(page, 'ceremony-test-recovery');
  await page.getByTestId(`giveback-done-${carolId}`).click();
  await page.getByTestId('recovery-run').click();
  await expect(page.getByTestId('recovery-match')).toBeVisible();
  await expect(page.getByTestId('recovered-fingerprint')).toHaveAttribute('data-hex', fpHex);
  await expect(page.getByTestId('recovery-match')).toHaveAttribute('data-shards-from', 'custodians');
  await expect(page.getByTestId('recovery-meaning')).toContainText('gave back. This tests what they hold.');
  await saveScreens(page, 'ceremony-test-recovery-match');
  await c.signOff();

  // ---- destroy
  await c.expectStage('destroy');
  // It names what will be gone and what is left; the button waits for the tick, and it is on screen at 1366x768.
  await expect(page.getByTestId('destroy-warning')).toContainText("This wipes the master secret and every shard from this computer's memory.");
  await expect(page.getByTestId('destroy-warning')).toContainText("After this, only the custodians' shards can rebuild the key");
  await expect(page.getByTestId('destroy')).toBeDisabled();
  await expect(page.getByTestId('destroy')).toBeInViewport(); // the window is 1366x768
  await saveScreens(page, 'ceremony-destroy');
  await page.getByTestId('destroy-understood').check();
  await expect(page.getByTestId('destroy')).toBeInViewport();
  await saveScreens(page, 'ceremony-destroy-ticked');
  await page.getByTestId('destroy').click();
  const buffers = Number(await page.getByTestId('destroyed').getAttribute('data-buffers'));
  expect(buffers).toBeGreaterThanOrEqual(4);
  await expect(page.getByTestId('destroyed')).toContainText("The secret was wiped from this computer's memory.");
  // The number of buffers is an internal fact: on the element for this test, not in the words on screen.
  await expect(page.getByTestId('destroyed')).not.toContainText('buffer');
  await saveScreens(page, 'ceremony-destroyed');
  await c.signOff();

  // ---- seal
  await c.expectStage('seal');
  await expect(page.getByTestId('seal')).toBeEnabled();
  await saveScreens(page, 'ceremony-seal');
  await page.getByTestId('seal').click();
  await saveScreens(page, 'ceremony-seal-signoff');
  await c.signOff(false);
  await c.expectStage('sealed');
  await expect(page.getByTestId('step-destroy')).toHaveAttribute('data-state', 'done');
  // Sealed, the seal is done too (not "current"), and still marked as where the ceremony is.
  await expect(page.getByTestId('step-seal')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('step-seal')).toHaveAttribute('aria-current', 'step');
  const finalHash = (await page.getByTestId('final-hash').getAttribute('data-hash'))!;
  expect(finalHash).toMatch(/^[0-9a-f]{64}$/);

  // The transcript keyshard saved comes from main (ceremony:transcript) and is checked in this window against the
  // final hash: saving a copy and printing the summary are offered at once, no file to choose.
  await expect(page.getByTestId('transcript-ok')).toContainText('checks out against the final hash');
  await expect(page.getByTestId('transcript-download')).toBeVisible();
  await expect(page.getByTestId('print-summary')).toBeVisible();
  await expect(page.getByTestId('transcript-export')).toHaveAttribute('data-source', 'keyshard');
  expect(app.ipcCalls).toContain('ceremony:transcript');
  await saveScreens(page, 'ceremony-sealed');
  const path = await c.transcriptPath();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('transcript-download').click()]);
  expect(download.suggestedFilename()).toBe('treasury-seed-2025.transcript.json');
  const saved = join(dir, 'exported.transcript.json');
  await download.saveAs(saved);
  const text = readFileSync(saved, 'utf8');
  expect(text).toBe(readFileSync(path, 'utf8'));
  const v = verifyTranscriptText(text, { expectedHeadHash: finalHash });
  expect(v.ok, v.ok ? '' : v.reason).toBe(true);
  if (!v.ok) return;
  expect(v.witnessesPinned).toBe(true);
  const kinds = v.entries.map((e) => e.kind);
  expect(kinds.filter((k) => k === 'confirm')).toHaveLength(3);
  for (const k of ['plan', 'airgap-check', 'entropy', 'generate', 'split', 'handoff', 'confirm', 'test-recovery', 'destroy', 'seal']) expect(kinds).toContain(k);
  expect(text).toContain(OVERRIDE_REASON);
  expect(text).toContain('dice-20-rolls');
  expect(text).not.toContain(DICE.slice(0, 9));
  for (const w of [aliceWords.slice(0, 3).join(' '), carolWords.slice(0, 3).join(' ')]) expect(text).not.toContain(w);
  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    g.__printed = 0;
  });
  await page.getByTestId('print-summary').click();
  expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__printed)).toBe(1);
  const summary = await printToPng(page, 'ceremony-summary');
  // The step table, then the final hash with the witnesses' signature lines kept together: two A4 pages at most for
  // this 3-custodian ceremony (one before the fingerprint and final hash were also printed in words).
  expect(summary.pages.length).toBeGreaterThanOrEqual(1);
  expect(summary.pages.length).toBeLessThanOrEqual(2);
  // Every printed page names the final hash (13.9: paper bound to the digital record), in the 4-digit groups shown.
  const firstGroups = (finalHash.match(/.{4}/g) ?? []).slice(0, 4).join(' ');
  summary.texts.forEach((t, i) => expect(t, `page ${i + 1} of the summary`).toContain(firstGroups));
  // The summary names steps and methods in words, never by their transcript kinds.
  const steps = page.getByTestId('summary-steps');
  await expect(steps).toContainText('Air-gap check');
  await expect(steps).toContainText('typed the words back');
  await expect(steps).toContainText('20 dice rolls');
  await expect(steps).not.toContainText('airgap-check');
  await expect(steps).not.toContainText('type-back');
  await expect(page.getByTestId('summary-final-hash')).toHaveAttribute('data-hash', finalHash);

  // A copy from elsewhere (the ceremony's USB stick) is checked the same way: a changed one is refused, naming the
  // first broken entry, and nothing is offered to save or print from it; then back to keyshard's own copy.
  const changed = join(dir, 'changed.transcript.json');
  writeFileSync(changed, text.replace(OVERRIDE_REASON, OVERRIDE_REASON.replace('unplugged', 'plugged in')));
  await page.getByTestId('sealed-transcript-file').setInputFiles(changed);
  await expect(page.getByTestId('transcript-error')).toHaveAttribute('data-code', 'TRANSCRIPT_TAMPERED');
  await expect(page.getByTestId('transcript-error-message')).toContainText('first broken link');
  await expect(page.getByTestId('transcript-download')).toHaveCount(0);
  await expect(page.getByTestId('print-summary')).toHaveCount(0);
  await saveScreens(page, 'ceremony-sealed-changed-copy');
  await page.getByTestId('transcript-use-own').click();
  await expect(page.getByTestId('transcript-ok')).toBeVisible();
  // The exported copy itself checks out when chosen.
  await page.getByTestId('sealed-transcript-file').setInputFiles(saved);
  await expect(page.getByTestId('transcript-chosen')).toContainText('exported.transcript.json');
  await expect(page.getByTestId('transcript-ok')).toBeVisible();
  await saveScreens(page, 'ceremony-sealed-transcript');

  // No call to main failed silently, and every ceremony channel the screens need was used.
  for (const ch of ['ceremony:start', 'ceremony:transcript', 'ceremony:check-airgap', 'ceremony:gather-entropy', 'ceremony:generate', 'ceremony:split', 'ceremony:handoff', 'ceremony:confirm', 'ceremony:sign-off', 'ceremony:test-recovery', 'ceremony:destroy', 'ceremony:seal', 'ceremony:load-witness-key', 'usb:list-drives']) {
    expect(app.ipcCalls).toContain(ch);
  }
  test.info().annotations.push({ type: 'duration', description: `SLIP-39 ceremony: ${((Date.now() - started) / 1000).toFixed(1)} s` });
  console.log(`SLIP-39 2-of-3 ceremony: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
