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
import { DEFAULT_GROUPS, makeCeremony, recoveryService, shard, writeShardTextFile, type RecoveryCeremony } from './fixtures/recovery-ceremony';
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

/** A hash as a paper record prints it: groups of four, upper case. */
function paperForm(hex: string): string {
  return (hex.toUpperCase().match(/.{4}/g) ?? []).join(' ');
}

test('typed words with one wrong word: flagged with the suggestion, fixed, accepted; the key matches', async ({ launch }, testInfo) => {
  const started = Date.now();
  const app = await launch({ deps: { recovery: recoveryService() } });
  await app.open('recover');
  const { page } = app;
  const r = new RecoveryPage(page);
  await expect(r.stage()).toHaveAttribute('data-stage', 'expect');
  await expect(r.id('step-expect')).toHaveAttribute('data-state', 'current');
  await saveScreens(page, 'recovery-expect');

  // Step 1: the transcript says which key, ceremony and scheme; its final hash from the paper record verifies it.
  await r.loadTranscript(transcriptPath, { finalHash: paperForm(ceremony.headHash) });
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');
  await expect(r.id('expect-bar')).toHaveAttribute('data-source', 'transcript');
  await expect(r.id('expect-bar')).toHaveAttribute('data-trust', 'final-hash');
  await expect(r.id('expect-bar-source')).toContainText('final hash typed from the paper record: verified');
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

  // Below the threshold: "Recover the key" is disabled and says beside it how many more are needed.
  await expect(r.id('finish')).toBeDisabled();
  await expect(r.id('finish-reason')).toContainText('1 more group needed');
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
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'verified');
  await expect(r.id('screen-title')).toContainText("Verified: this is the ceremony's key");
  await expect(r.id('recovered-fingerprint')).toHaveAttribute('data-hex', ceremony.fingerprint);
  await expect(r.id('recovered-fingerprint-display')).toHaveText(ceremony.display);
  await expect(r.id('expected-fingerprint-shown')).toHaveAttribute('data-hex', ceremony.fingerprint);
  await expect(r.id('verdict-source')).toHaveAttribute('data-source', 'final-hash');
  await expect(r.id('verdict-text')).toContainText('whose final hash matches the one typed from the paper record');
  await expect(r.id('step-use')).toHaveAttribute('data-state', 'current');
  // Never the secret by default.
  await expect(page.locator('body')).not.toContainText(ceremony.secretHex.slice(0, 8).toUpperCase());
  await expect(r.id('secret-value')).toHaveCount(0);
  await saveScreens(page, 'recovery-verified');

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

/** Adds the quorum Board 1, Board 2, Founder as shard files (quicker than typing the words). */
async function addQuorumFiles(r: RecoveryPage, tag: string): Promise<void> {
  for (const [g, m] of [
    [1, 1],
    [1, 2],
    [3, 1],
  ] as const) {
    await r.openShardFile(writeShardTextFile(dir, shard(ceremony, g, m), `${tag}-${g}-${m}.txt`));
    await expect(r.held()).toHaveCount(g === 3 ? 3 : m);
  }
}

test('the transcript alone: the key is recovered but unverified (amber), says what it does not prove and what to do', async ({ launch }) => {
  const app = await launch({ deps: { recovery: recoveryService() } });
  await app.open('recover');
  const { page } = app;
  const r = new RecoveryPage(page);
  await r.loadTranscript(transcriptPath);
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');
  await expect(r.id('expect-bar')).toHaveAttribute('data-trust', 'transcript-unsigned');
  await expect(r.id('expect-bar-source')).toContainText('unverified until checked against the paper record');
  await addQuorumFiles(r, 'unsigned');
  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'unverified');
  await expect(r.id('screen-title')).toContainText('Unverified');
  await expect(r.id('screen-title')).not.toContainText("this is the ceremony's key");
  await expect(r.id('verdict-source')).toHaveAttribute('data-source', 'transcript-unsigned');
  await expect(r.id('verdict-text')).toContainText("The shards agree with each other and with the transcript's fingerprint. That proves they belong together, not that they are the ceremony's");
  await expect(r.id('verdict-text')).toContainText('type the fingerprint or the transcript');
  await expect(r.id('recovered-fingerprint')).toHaveAttribute('data-hex', ceremony.fingerprint);
  await expect(r.id('export-hsm')).toHaveAttribute('data-refused', 'true');
  await saveScreens(page, 'recovery-unverified');
  // "Start again with the paper record" goes back to the first step, with nothing kept.
  await r.id('unverified-restart').click();
  await expect(r.stage()).toHaveAttribute('data-stage', 'expect');
});

test('no transcript, no fingerprint: checked only against the shards themselves, unverified', async ({ launch }) => {
  const app = await launch({ deps: { recovery: recoveryService() } });
  await app.open('recover');
  const { page } = app;
  const r = new RecoveryPage(page);
  await r.skip();
  await addQuorumFiles(r, 'skip');
  await expect(r.id('expect-bar')).toHaveAttribute('data-trust', 'none');
  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'unverified');
  await expect(r.id('verdict-source')).toHaveAttribute('data-source', 'shards');
  await expect(r.id('verdict-text')).toContainText('The shards agree with each other and with the fingerprint they carry');
  await saveScreens(page, 'recovery-unverified-shards');
});

test('review M1/L3: a pinned witness key verifies, and the verdict names the ceremony (id, label, seal date) to compare with the paper record', async ({ launch }) => {
  const app = await launch({ deps: { recovery: recoveryService() } });
  await app.open('recover');
  const { page } = app;
  const r = new RecoveryPage(page);
  // A mistyped fingerprint is to be typed again from the paper record only: copied from the transcript, it would
  // turn an unsigned file into a "verified" source.
  await r.typeFingerprint('97B4 7ECB 0B15');
  await expect(page.getByTestId('expect-error-todo')).toContainText('Type it again from the paper record, group by group');
  await expect(page.getByTestId('expect-error-todo')).not.toContainText('transcript');
  await saveScreens(page, 'recovery-expect-typo');
  await r.loadTranscript(transcriptPath, { witnessKeys: [ceremony.witnessKeyFingerprint] });
  await expect(r.id('expect-bar')).toHaveAttribute('data-trust', 'witness-keys');
  await addQuorumFiles(r, 'pinned');
  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'verified');
  await expect(r.id('verdict-source')).toHaveAttribute('data-source', 'witness-keys');
  await expect(r.id('verdict-ceremony')).toHaveAttribute('data-ceremony-id', ceremony.ceremonyId);
  await expect(r.id('verdict-ceremony')).toContainText('Treasury seed 2025');
  await expect(r.id('verdict-ceremony')).toContainText(`id ${ceremony.ceremonyId}`);
  await expect(r.id('verdict-ceremony')).toContainText(/sealed \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  await expect(r.id('verdict-text')).toContainText('Signed off by pinned witness wanda in the ceremony "Treasury seed 2025"');
  await expect(r.id('verdict-text')).toContainText('Compare the ceremony id, label and date above with the paper record');
  await saveScreens(page, 'recovery-verified-witness-keys');
});
