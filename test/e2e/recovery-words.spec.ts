/**
 * Recovery by typed words, end to end through the real recovery service in the test process (harness deps): the
 * ceremony's transcript first, then three custodians' paper copies typed in - one with a misspelt word, which main
 * rejects with its position and a suggestion; the screen marks the word and one press fixes it. Then the key is
 * recovered, its fingerprint matches the transcript's, and the secret is shown only after an explicit choice.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { DEFAULT_GROUPS, makeCeremony, recoveryService, shard, type RecoveryCeremony } from './fixtures/recovery-ceremony';
import { saveScreens } from './harness';
import { RecoveryPage } from './pages/recovery-page';

let dir: string;
let ceremony: RecoveryCeremony;
let transcriptPath: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-recovery-words-'));
  ceremony = await makeCeremony({ tag: 'keyshard e2e recovery words', label: 'Treasury seed 2025', groupThreshold: 2, groups: DEFAULT_GROUPS });
  transcriptPath = join(dir, 'transcript.json');
  writeFileSync(transcriptPath, ceremony.transcriptText);
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('typed words with one wrong word: flagged with the suggestion, fixed, accepted; the key matches', async ({ launch }, testInfo) => {
  const started = Date.now();
  const app = await launch({ deps: { recovery: recoveryService() } });
  await app.open('recover');
  const { page } = app;
  const r = new RecoveryPage(page);
  await expect(r.stage()).toHaveAttribute('data-stage', 'expect');
  await expect(r.id('step-expect')).toHaveAttribute('data-state', 'current');
  await saveScreens(page, 'recovery-expect');

  // Step 1: the transcript says which key, ceremony and scheme.
  await r.loadTranscript(transcriptPath);
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');
  await expect(r.id('expect-bar')).toHaveAttribute('data-source', 'transcript');
  await expect(r.id('expect-bar-fingerprint-display')).toHaveText(ceremony.display);
  await expect(r.id('expect-bar')).toContainText('Treasury seed 2025');
  await expect(r.id('progress-summary')).toContainText('No shard yet');

  // A custodian's paper copy with word 7 misspelt (a letter too many).
  const escrow1 = shard(ceremony, 2, 1).mnemonic.split(' ');
  const right = escrow1[6]!;
  const typo = [...escrow1];
  typo[6] = `${right}q`;
  await r.typeWords(typo);
  // Before checking, the box already looks doubtful (not a word of the list).
  await expect(r.id('word-7')).toHaveAttribute('data-state', 'unknown-local');
  await saveScreens(page, 'recovery-words-typed');
  await r.checkWords();
  await r.expectOutcome('rejected', 1);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'SLIP39_WORD');
  await expect(r.id('shard-error-message')).toContainText('word 7 is not a SLIP-39 word');
  await expect(r.id('shard-error-todo')).toContainText('Correct the word marked in red');
  // The word is flagged where it is, with main's suggestion; nothing else changed.
  await expect(r.id('word-7')).toHaveAttribute('data-state', 'unknown');
  await expect(r.id('word-flag')).toHaveAttribute('data-position', '7');
  await expect(r.id('word-suggestion')).toHaveText(right);
  await expect(r.id('word-input-7')).toBeFocused();
  await expect(r.held()).toHaveCount(0);
  await saveScreens(page, 'recovery-words-wrong-word');

  await r.id('use-suggestion').click();
  await expect(r.id('word-input-7')).toHaveValue(right);
  await expect(r.id('word-flag')).toHaveCount(0);
  await r.checkWords();
  await r.expectOutcome('accepted', 2);
  await expect(r.outcome()).toContainText('Shard 2 accepted');
  await expect(r.outcome()).toContainText('Group 2, member 1');
  await expect(r.outcome()).toContainText('Typed words');
  await expect(r.group(2)).toHaveText(/Group 2: 1 more needed \(1 of 2 in hand\)\./);
  await expect(r.group(1)).toHaveText(/Group 1: no shards yet\./);
  await expect(r.id('progress-summary')).toContainText('2 of 3 groups must be complete and 0 are');
  // The boxes are emptied for the next share.
  await expect(r.id('word-input-1')).toHaveValue('');
  await saveScreens(page, 'recovery-words-accepted');

  // Word completion: the first letters of a word offer it; choosing fills the box.
  const escrow2 = shard(ceremony, 2, 2).mnemonic.split(' ');
  await r.id('word-input-1').fill(escrow2[0]!.slice(0, 3));
  await expect(r.id('completion-option').filter({ hasText: escrow2[0]! })).toBeVisible();
  await saveScreens(page, 'recovery-words-completion');
  await r.id('completion-option').filter({ hasText: escrow2[0]! }).click();
  await expect(r.id('word-input-1')).toHaveValue(escrow2[0]!);
  await expect(r.id('word-input-2')).toBeFocused();
  // Four letters and Space complete a word (SLIP-39 words are unique in their first four letters).
  await page.keyboard.type(`${escrow2[1]!.slice(0, 4)} `);
  await expect(r.id('word-input-2')).toHaveValue(escrow2[1]!);
  await expect(r.id('word-input-3')).toBeFocused();
  await r.id('word-input-3').fill(escrow2.slice(2).join(' '));
  await r.checkWords();
  await r.expectOutcome('accepted', 3);
  await expect(r.group(2)).toHaveText(/Group 2: complete \(2 of 2 in hand\)\./);
  await expect(r.id('group-2')).toHaveAttribute('data-complete', 'true');

  // Below the threshold: "Recover the key" says how many more are needed, and nothing is lost.
  await r.finish();
  await expect(r.id('finish-error')).toHaveAttribute('data-code', 'BELOW_THRESHOLD');
  await expect(r.id('finish-error-message')).toContainText('1 more group is needed');
  await expect(r.id('finish-error-todo')).toContainText('Add the shards still needed');
  await saveScreens(page, 'recovery-below-threshold');

  await r.typeWords(shard(ceremony, 3, 1).mnemonic.split(' '));
  await r.checkWords();
  await r.expectOutcome('accepted', 4);
  await expect(r.id('finish-error')).toHaveCount(0);
  await expect(r.group(3)).toHaveText(/Group 3: complete/);
  await expect(r.id('progress-panel')).toHaveAttribute('data-can-finish', 'true');
  await expect(r.id('outcome-next')).toContainText('Enough shards are in hand');
  await expect(r.held()).toHaveCount(3);
  await saveScreens(page, 'recovery-words-quorum');

  // Nothing of a share on screen (the boxes are empty; the lists name custodians and groups only).
  const body = await page.locator('body').innerText();
  for (const w of [right, escrow2[5]!, shard(ceremony, 3, 1).mnemonic.split(' ')[9]!]) expect(body.split(/\W+/)).not.toContain(w);

  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'match');
  await expect(r.id('recovered-fingerprint')).toHaveAttribute('data-hex', ceremony.fingerprint);
  await expect(r.id('recovered-fingerprint-display')).toHaveText(ceremony.display);
  await expect(r.id('expected-fingerprint-shown')).toHaveAttribute('data-hex', ceremony.fingerprint);
  await expect(r.id('verdict-text')).toContainText("in the ceremony's transcript");
  await expect(r.id('step-use')).toHaveAttribute('data-state', 'current');
  // Never the secret by default.
  await expect(page.locator('body')).not.toContainText(ceremony.secretHex.slice(0, 8).toUpperCase());
  await expect(r.id('secret-value')).toHaveCount(0);
  await saveScreens(page, 'recovery-match');

  // Shown only after an explicit choice and a confirmation, under the secret banner.
  await r.id('export-display').click();
  await expect(r.id('show-secret-confirm')).toBeVisible();
  await expect(r.id('secret-value')).toHaveCount(0);
  await saveScreens(page, 'recovery-show-secret-confirm');
  await r.id('show-secret').click();
  await expect(r.id('secret-banner')).toBeVisible();
  const shown = (await r.id('secret-value').innerText()).replace(/\s+/g, '').toLowerCase();
  expect(shown).toBe(ceremony.secretHex);
  await saveScreens(page, 'recovery-secret-shown');
  await r.id('hide-secret').click();
  await expect(r.id('secret-value')).toHaveCount(0);

  // Done: main wipes the key, and the start screen comes back.
  await r.id('recovery-done').click();
  await expect(page.getByTestId('start-recover')).toBeVisible();
  expect(app.ipcCalls.filter((c) => c === 'recovery:clear').length).toBeGreaterThanOrEqual(2);
  expect(app.ipcCalls).toContain('recovery:export');
  testInfo.annotations.push({ type: 'measure', description: `typed-words recovery: ${Date.now() - started} ms` });
  console.log(`[measure] typed-words recovery test body: ${Date.now() - started} ms`);
});
