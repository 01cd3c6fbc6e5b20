/**
 * Confirmation by typing the words back, with one word wrong: main refuses it (CONFIRM_MISMATCH) and names the
 * position only; the screen flags that box without showing the shard again, and neither the typed nor the right word
 * appears anywhere but in the custodian's own input boxes. Corrected, it is accepted.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORDLIST } from '../../core/slip39/wordlist';
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

test('one wrong word: the mismatch names its position only, and the corrected words are accepted', async ({ app }) => {
  const { page } = app;
  const c = new CeremonyPage(page, app.backend);
  await c.runToHandoffs(writePlanFile(dir, smallPlan()), (r) => app.open(r));
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

  const panel = page.getByTestId('confirm-error');
  await expect(panel).toHaveAttribute('data-code', 'CONFIRM_MISMATCH');
  await expect(page.getByTestId('confirm-error-message')).toContainText(`word ${n} differs`);
  await expect(page.getByTestId('confirm-error-todo')).toContainText('Compare each position');
  await expect(page.getByTestId(`word-${n}`).locator('xpath=..')).toHaveAttribute('data-state', 'differs');
  await expect(page.getByTestId(`word-note-${n}`)).toHaveText('differs from the shard');
  await expect(page.getByTestId(`word-${n - 1}`).locator('xpath=..')).toHaveAttribute('data-state', 'ok');
  // The shard stays hidden: no word of it is on the page as text (the boxes hold only what the custodian typed).
  await expect(page.getByTestId('shard-words')).toHaveCount(0);
  const shown = await page.locator('body').innerText();
  for (const w of new Set([right, wrong])) expect(shown).not.toMatch(new RegExp(`\\b${w}\\b`));
  const telling = [...words, wrong].filter((w) => !vocabulary.has(w));
  expect(await panel.innerText()).not.toMatch(new RegExp(`\\b(${telling.join('|')})\\b`));
  await expect(page.getByTestId('stage')).toHaveAttribute('data-stage', 'confirm');
  await saveScreens(page, 'ceremony-confirm-mismatch');

  // Fixed: the flag goes as soon as the box changes, and main accepts.
  await page.getByTestId(`word-${n}`).fill('');
  await page.getByTestId(`word-${n}`).focus();
  await page.keyboard.type(right.slice(0, 4));
  await page.keyboard.press('Tab');
  await expect(page.getByTestId(`word-${n}`).locator('xpath=..')).toHaveAttribute('data-state', 'ok');
  await page.getByTestId('confirm-submit').click();
  await c.expectStage('confirmed');
  await expect(page.getByTestId('step-custodian-alice')).toContainText('Alice Meier (confirmed)');
});
