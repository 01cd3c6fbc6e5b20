/**
 * A whole ceremony with the keyboard only: Tab to move, Enter and Space to act, arrows in radio groups, typing. No
 * click anywhere; the file choosers open from the keyboard (Space on the file button) and Playwright answers the
 * operating system's dialog (main's own dialog, for the witness's key file, is answered by the test's backend). A
 * 2-of-3 SLIP-39 plan of three on-screen/paper custodians, from the start screen to the exported transcript.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { verifyTranscriptText } from '../../core/transcript';
import { smallPlan, writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';
import { witnessPassphrase } from './backend';
import { CeremonyPage } from './pages/ceremony-page';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-keyboard-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Opens a file chooser from the keyboard and answers it. The wait for the chooser starts before Tab is pressed:
 * Playwright catches choosers only once the browser has been told to, and that message must not race the key press.
 * No step has its own short timeout: on a busy machine the chooser may be slow to open, and the config bounds it.
 */
async function chooseFile(page: Page, c: CeremonyPage, testId: string, path: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  chooser.catch(() => undefined); // awaited below; a page closed early must not leave an unhandled rejection
  await c.tabTo(testId);
  await expect(page.getByTestId(testId)).toBeFocused();
  await page.keyboard.press('Space');
  await (await chooser).setFiles(path);
}

test('a full ceremony with the keyboard only', async ({ app }) => {
  const started = Date.now();
  const { page, backend } = app;
  const c = new CeremonyPage(page, backend);
  const planFile = writePlanFile(dir, smallPlan('Keyboard key 2025'));
  // The mouse is never used: any click would go through this and fail the test.
  let clicks = 0;
  const mouse = page.mouse;
  for (const m of ['click', 'dblclick', 'down', 'up', 'move', 'wheel'] as const) {
    (mouse as unknown as Record<string, unknown>)[m] = async () => {
      clicks++;
      throw new Error(`mouse.${m} used in the keyboard-only test`);
    };
  }

  await app.open('');
  await expect(page.getByTestId('start-new')).toBeFocused();
  await page.keyboard.press('Enter');
  // The plan screen takes focus on its title when it opens: Tab from there (a Tab pressed before that focus move
  // would be undone by it, as it is for a person who is faster than the screen).
  await expect(page.getByTestId('screen-title')).toBeFocused();
  await chooseFile(page, c, 'plan-load', planFile);
  await expect(page.getByTestId('plan-loaded')).toBeVisible();
  await c.press('plan-continue');

  // Start: the witness chooses her key file (main's dialog, answered here), which loads it; then start.
  await c.expectStage('airgap');
  backend.answerDialog(backend.witnessKeyFile('wendy'));
  await c.press('key-load-wendy');
  await expect(page.getByTestId('witness-key-wendy')).toHaveAttribute('data-loaded', 'true');
  await c.press('ceremony-start');
  await expect(page.getByTestId('airgap-failed')).toBeFocused();
  await c.tabTo('override-reason');
  await page.keyboard.type('The built-in network card cannot be disabled; the cable is out and Wi-Fi is off.');
  // Wendy signs the override's exception with her passphrase.
  await c.tabTo('override-passphrase');
  await page.keyboard.type(witnessPassphrase('wendy'));
  await c.press('override-submit');
  await c.signByKeyboard('wendy');
  await expect(page.getByTestId('signoff-continue')).toBeFocused();
  await saveScreens(page, 'keyboard-signoff-focus');
  await page.keyboard.press('Enter');
  /** Wendy types the fingerprint and her passphrase and signs; the Continue button takes the focus once her signature is in; Enter goes on. */
  const signAndGoOn = async (): Promise<void> => {
    await c.signByKeyboard('wendy');
    await expect(page.getByTestId('signoff-continue')).toBeFocused();
    await page.keyboard.press('Enter');
  };

  await c.expectStage('entropy');
  await c.tabTo('entropy-dice');
  await page.keyboard.type('6 6 5 5 4 4 3 3 2 2 1 1');
  await c.press('entropy-gather');
  await c.expectStage('generate');
  await c.press('generate');
  await c.expectStage('fingerprint');
  await signAndGoOn();
  await c.expectStage('split');
  await c.press('split');
  await signAndGoOn();

  for (const id of ['alice', 'bob', 'carol']) {
    await c.expectStage('handoff');
    await c.press(`handoff-choose-${id}`);
    await c.press('handoff-reveal');
    const words = await c.shardWords();
    await saveScreens(page, `keyboard-handoff-${id}`);
    await c.press('hide-shard');
    if (id === 'carol') {
      // Her default is the camera; the arrow key moves the radio group to typing.
      await c.tabTo('method-scan-qr');
      await page.keyboard.press('ArrowRight');
      await expect(page.getByTestId('method-type-back')).toBeChecked();
    }
    await expect(page.getByTestId('word-1')).toBeFocused();
    for (const w of words) {
      await page.keyboard.type(w.slice(0, 4));
      await page.keyboard.press('Tab');
    }
    await expect(page.getByTestId('word-count')).toHaveAttribute('data-entered', String(words.length));
    await c.press('confirm-submit');
    await c.expectStage('confirmed');
    // Wendy signs; Continue waits for the receipt (recorded from the keyboard), then takes the focus.
    await c.signByKeyboard('wendy');
    await expect(page.getByTestId('signoff-continue')).toBeDisabled();
    await c.press('receipt-record');
    await expect(page.getByTestId('receipt-done')).toBeVisible();
    await expect(page.getByTestId('signoff-continue')).toBeFocused();
    await page.keyboard.press('Enter');
  }

  // Test recovery from keyshard's copies: the radio group moves with the arrow key, the quorum with Space.
  await c.expectStage('test-recovery');
  await c.tabTo('recovery-mode-give-back');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('recovery-mode-machine')).toBeChecked();
  await c.press('recovery-run');
  await expect(page.getByTestId('recovery-match')).toBeVisible();
  // keyshard's own copies: the screen calls it a check of the split, not of what the custodians hold.
  await expect(page.getByTestId('screen-title')).toHaveText('The check of the split worked');
  await expect(page.getByTestId('recovery-meaning')).toContainText('This checks the split only, not what the custodians hold');
  await saveScreens(page, 'keyboard-test-recovery-copies');
  await signAndGoOn();
  // Destroy waits for the tick (Space on the checkbox), then Enter on the button.
  await c.press('destroy-understood', 'Space');
  await expect(page.getByTestId('destroy-understood')).toBeChecked();
  await c.press('destroy');
  await expect(page.getByTestId('destroyed')).toBeVisible();
  await signAndGoOn();
  await c.press('seal');
  await c.signByKeyboard('wendy');
  await c.expectStage('sealed');

  // Export: the file chooser from the keyboard, then Enter on the download link.
  const path = await c.transcriptPath();
  await chooseFile(page, c, 'sealed-transcript-file', path);
  await expect(page.getByTestId('transcript-ok')).toBeVisible();
  await c.tabTo('transcript-download');
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  const saved = join(dir, 'keyboard.transcript.json');
  await download.saveAs(saved);
  const finalHash = (await page.getByTestId('final-hash').getAttribute('data-hash'))!;
  const v = verifyTranscriptText(readFileSync(saved, 'utf8'), { expectedHeadHash: finalHash });
  expect(v.ok, v.ok ? '' : v.reason).toBe(true);
  await saveScreens(page, 'keyboard-sealed');
  expect(clicks).toBe(0);
  console.log(`keyboard-only ceremony: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
