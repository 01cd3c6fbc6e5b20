/**
 * Confirmation by typing the words back, with one word wrong: main refuses it (CONFIRM_MISMATCH) and names the
 * position only; the screen flags that box without showing the shard again, and neither the typed nor the right word
 * appears anywhere but in the custodian's own input boxes. The mismatch is a deviation (issue 13.5): before a second
 * try the screen asks for the reason and the witness's signature, and main records the exception. Corrected, the
 * words are accepted; the ceremony runs to its seal, and the annotated script (13.9) printed from the sealed screen
 * shows the exception under Alice's step, matches the transcript entry for entry, and has the final hash on every page.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_CEREMONY } from '../../core/ceremony-kinds';
import { annotatedScript, annotatedScriptMismatch } from '../../core/ceremony-kinds/annotated';
import { WORDLIST } from '../../core/slip39/wordlist';
import { verifyTranscriptText } from '../../core/transcript';
import { witnessPassphrase } from './backend';
import type { PageGlobals } from './pages/page-globals';
import { printToPng } from './print';
import { smallPlan, writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';
import { CeremonyPage } from './pages/ceremony-page';

/**
 * SLIP-39 words that the app's own texts use ("again", "check", ...): if the shard holds one, finding it on the page
 * proves nothing, so the test alters a word outside this set and looks only for those. Read from the sources.
 */
function uiVocabulary(): Set<string> {
  const root = new URL('../../', import.meta.url);
  const seen = new Set<string>();
  const walk = (dir: URL): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(new URL(`${e.name}/`, dir));
      // The word list itself is not text the app shows.
      else if (/\.tsx?$/.test(e.name) && e.name !== 'wordlist.ts') for (const w of readFileSync(new URL(e.name, dir), 'utf8').toLowerCase().match(/[a-z]+/g) ?? []) seen.add(w);
    }
  };
  for (const d of ['renderer/', 'electron/', 'core/']) walk(new URL(d, root));
  return new Set(WORDLIST.filter((w) => seen.has(w)));
}

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-confirm-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REASON = 'Alice misread one word of her paper; she checks it and types it again.';

test('one wrong word: the mismatch names its position only, is recorded as a signed exception, and the corrected words are accepted; the annotated script shows it', async ({ app }) => {
  const { page } = app;
  const c = new CeremonyPage(page, app.backend);
  const plan = smallPlan();
  await c.runToHandoffs(writePlanFile(dir, plan), (r) => app.open(r));
  await c.chooseCustodian('Alice Meier');
  await page.getByTestId('handoff-reveal').click();
  const words = await c.shardWords();
  expect(words).toHaveLength(20);
  await page.getByTestId('hide-shard').click();

  // One word replaced by another real SLIP-39 word (so the screen cannot flag it; only main can tell). Both are
  // outside the app's own vocabulary, so finding either on the page would be a leak.
  const vocabulary = uiVocabulary();
  const at = words.findIndex((w, i) => i > 0 && !vocabulary.has(w));
  expect(at, 'a shard word the app never uses in its texts').toBeGreaterThan(0);
  const n = at + 1;
  const right = words[at]!;
  const wrong = WORDLIST.find((w) => w !== right && !words.includes(w) && !vocabulary.has(w))!;
  const typed = words.map((w, i) => (i === at ? wrong : w));
  await c.typeWordsWithCompletion(typed);
  await expect(page.getByTestId('word-count')).toHaveAttribute('data-entered', '20');
  await page.getByTestId('confirm-submit').click();

  // A deviation: nothing goes on until its reason is typed and Wendy signs the exception (one primary action).
  const exception = page.getByTestId('exception-panel');
  await expect(exception).toHaveAttribute('data-deviation', 'confirmation-failed');
  await expect(page.getByTestId('exception-cause')).toContainText(`word ${n} differs`);
  await expect(exception).toContainText('Record an exception at step');
  await expect(page.getByTestId('confirm-submit')).toBeDisabled();
  await expect(page.getByTestId(`word-${n}`).locator('xpath=..')).toHaveAttribute('data-state', 'differs');
  await expect(page.getByTestId(`word-note-${n}`)).toHaveText('differs from the shard');
  await expect(page.getByTestId(`word-${n - 1}`).locator('xpath=..')).toHaveAttribute('data-state', 'ok');
  // The shard stays hidden: no word of it is on the page as text (the boxes hold only what the custodian typed).
  await expect(page.getByTestId('shard-words')).toHaveCount(0);
  const shown = await page.locator('body').innerText();
  for (const w of new Set([right, wrong])) expect(shown).not.toMatch(new RegExp(`\\b${w}\\b`));
  const telling = [...words, wrong].filter((w) => !vocabulary.has(w));
  expect(await exception.innerText()).not.toMatch(new RegExp(`\\b(${telling.join('|')})\\b`));
  await expect(page.getByTestId('stage')).toHaveAttribute('data-stage', 'confirm');
  await saveScreens(page, 'ceremony-confirm-mismatch');
  await expect(page.getByTestId('exception-record')).toBeDisabled();
  await page.getByTestId('exception-reason').fill(REASON);
  await page.getByTestId('exception-passphrase').fill('not her passphrase');
  await page.getByTestId('exception-record').click();
  await expect(page.getByTestId('exception-error')).toHaveAttribute('data-code', 'WITNESS_PASSPHRASE');
  await page.getByTestId('exception-passphrase').fill(witnessPassphrase('wendy'));
  await saveScreens(page, 'ceremony-exception-filled');
  await page.getByTestId('exception-record').click();
  await expect(exception).toHaveCount(0);
  // Recorded: the boxes keep what Alice typed, the differing one still flagged, and she can try again.
  await expect(page.getByTestId(`word-${n}`).locator('xpath=..')).toHaveAttribute('data-state', 'differs');
  const panel = page.getByTestId('confirm-error');
  await expect(panel).toHaveAttribute('data-code', 'CONFIRM_MISMATCH');
  await expect(page.getByTestId('confirm-error-message')).toContainText(`word ${n} differs`);
  await expect(page.getByTestId('confirm-error-todo')).toContainText('Compare each position');
  expect(await panel.innerText()).not.toMatch(new RegExp(`\\b(${telling.join('|')})\\b`));
  await saveScreens(page, 'ceremony-exception-recorded');

  // Fixed: the flag goes as soon as the box changes, and main accepts.
  await page.getByTestId(`word-${n}`).fill('');
  await page.getByTestId(`word-${n}`).focus();
  await page.keyboard.type(right.slice(0, 4));
  await page.keyboard.press('Tab');
  await expect(page.getByTestId(`word-${n}`).locator('xpath=..')).toHaveAttribute('data-state', 'ok');
  await page.getByTestId('confirm-submit').click();
  await c.expectStage('confirmed');
  await expect(page.getByTestId('step-custodian-alice')).toContainText('Alice Meier (confirmed)');
  await c.signOff();

  // Bob (paper) and Carol (screen, typing her words back) confirm at the first try.
  const shardWords = new Map<string, string[]>([['alice', words]]);
  for (const [id, name] of [['bob', 'Bob Keller'], ['carol', 'Carol Rossi']] as const) {
    await c.chooseCustodian(name);
    await page.getByTestId('handoff-reveal').click();
    const w = await c.shardWords();
    shardWords.set(id, w);
    await page.getByTestId('hide-shard').click();
    if ((await page.getByTestId('method-type-back').count()) > 0) await page.getByTestId('method-type-back').check();
    await c.fillWords(w);
    await page.getByTestId('confirm-submit').click();
    await c.expectStage('confirmed');
    await c.signOff();
  }
  // Test recovery with the two custodians the screen asks for, then destroy and seal.
  await c.expectStage('test-recovery');
  for (const k of [0, 1]) {
    const id = (await page.locator('section[data-testid^="giveback-"]').nth(k).getAttribute('data-testid'))!.slice('giveback-'.length);
    await c.fillWords(shardWords.get(id)!, `rec-${id}-1`);
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
  await expect(page.getByTestId('print-annotated')).toBeVisible();
  await saveScreens(page, 'ceremony-sealed-annotated');

  // The annotated script, printed from the sealed screen.
  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    g.__printed = 0;
    g.print = () => {
      g.__printed++;
    };
  });
  await page.getByTestId('print-annotated').click();
  expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__printed)).toBe(1);
  await expect(page.getByTestId('annotated-script')).toHaveCount(1);
  await expect(page.getByTestId('ceremony-summary')).toHaveCount(0);
  const printed = await printToPng(page, 'annotated-script');
  expect(printed.pages.length).toBeGreaterThanOrEqual(2);
  const firstGroups = (finalHash.match(/.{4}/g) ?? []).slice(0, 4).join(' ');
  printed.texts.forEach((t, i) => expect(t, `page ${i + 1} of the annotated script`).toContain(firstGroups));
  const all = printed.texts.join('\n');
  expect(all).toContain('Exception: Confirmation failed');
  expect(all.replace(/\s+/g, ' ')).toContain(REASON);
  expect(all).toContain('Everyone present signs');
  // The air-gap override the run made is an exception under step 3's line; the check's own note keeps only the
  // interfaces that were up, so the override's reason is printed once.
  expect(all).toContain('Exception: Air-gap check overridden');
  expect(all.replace(/\s+/g, ' ')).toContain('Air-gap check failed (eth0); overridden, see the exception');
  expect(all).not.toContain('Air-gap check overridden by');

  // Entry for entry: the transcript keyshard saved, and the annotated script made from it and the plan.
  const text = readFileSync(await c.transcriptPath(), 'utf8');
  const v = verifyTranscriptText(text, { expectedHeadHash: finalHash });
  expect(v.ok, v.ok ? '' : v.reason).toBe(true);
  if (!v.ok) return;
  const deviationOf = (e: { readonly data: unknown }): unknown => (e.data as { deviation?: unknown }).deviation;
  // The air-gap override is an exception too, signed by Wendy in the very next entry.
  const over = v.entries.filter((e) => e.kind === 'exception' && deviationOf(e) === 'airgap-override');
  expect(over).toHaveLength(1);
  expect(over[0]!.data).toMatchObject({ stepId: 'airgap', witnessId: 'wendy' });
  expect(v.entries[over[0]!.seq]!.kind).toBe('signoff');
  const ex = v.entries.filter((e) => e.kind === 'exception' && deviationOf(e) === 'confirmation-failed');
  expect(ex).toHaveLength(1);
  expect(ex[0]!.data).toMatchObject({ stepId: 'handoff', custodianId: 'alice', deviation: 'confirmation-failed', reason: REASON, witnessId: 'wendy' });
  expect(v.entries[ex[0]!.seq]!.kind).toBe('signoff');
  const script = annotatedScript(KEY_CEREMONY, plan, v);
  expect(annotatedScriptMismatch(script, v.entries)).toBeNull();
  // Each step's number and the time of each of its entries are on the printed pages as the model has them.
  expect(script.lines.filter((l) => l.exceptions.length > 0).map((l) => [l.stepId, l.custodianId])).toEqual([
    ['airgap', null],
    ['handoff', 'alice'],
  ]);
  for (const x of [over[0]!, ex[0]!]) await expect(page.locator(`[data-testid="annotated-exception"][data-seq="${x.seq}"]`)).toHaveCount(1);
  for (const l of script.lines) {
    const row = page.locator(`[data-testid="annotated-step"][data-number="${l.number}"]`);
    await expect(row).toHaveCount(1);
    for (const e of l.entries) await expect(row.locator(`[data-testid="annotated-time"][data-seq="${e.seq}"]`)).toContainText(e.at.slice(11, 19));
  }
});
