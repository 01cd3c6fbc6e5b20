/**
 * Recovery in German (issue 14.8), end to end through the real recovery service (harness deps): Deutsch chosen on the
 * start screen, then the transcript with its final hash, a custodian's words typed with one wrong word (flagged, the
 * suggestion taken), a plain shard file, a file that is no shard, an age-protected file with its key, the verdict,
 * showing the secret and the encrypted-file form. Every screen is saved (screen checks run on it in German) and shows
 * none of the catalogue's English strings.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { generateAgeIdentity } from '../../electron/services/protection/index';
import { de } from '../../renderer/i18n/de';
import { expect, test } from './fixtures';
import { DEFAULT_GROUPS, makeCeremony, recoveryService, shard, writeAgeProtected, writeShardTextFile, type RecoveryCeremony } from './fixtures/recovery-ceremony';
import { chooseGerman, englishOnScreen, go } from './german';
import { saveScreens } from './harness';
import { RecoveryPage } from './pages/recovery-page';

let dir: string;
let ceremony: RecoveryCeremony;
let transcriptPath: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-german-recovery-'));
  ceremony = await makeCeremony({ tag: 'keyshard e2e german recovery', label: 'Treasury seed 2025', groupThreshold: 2, groups: DEFAULT_GROUPS });
  transcriptPath = join(dir, 'transcript.json');
  writeFileSync(transcriptPath, ceremony.transcriptText);
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const paperForm = (hex: string): string => (hex.toUpperCase().match(/.{4}/g) ?? []).join(' ');

/** Saves the screen (checks run in German) and finds no English catalogue string on it. */
async function germanScreen(page: Page, name: string): Promise<void> {
  await saveScreens(page, name);
  expect(await englishOnScreen(page), name).toEqual([]);
}

test('recovery in German: words, files, the verdict, the secret and the export form, without English', async ({ launch }) => {
  const app = await launch({ deps: { recovery: recoveryService() } });
  await app.open('');
  const { page } = app;
  await chooseGerman(page);
  await go(page, 'recover');
  const r = new RecoveryPage(page);
  await r.loadTranscript(transcriptPath, { finalHash: paperForm(ceremony.headHash) });
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');

  // Typed words, word 7 misspelt: flagged with main's suggestion, in German.
  await r.method('words');
  const words = shard(ceremony, 2, 1).mnemonic.split(' ');
  const right = words[6]!;
  await r.typeWords([...words.slice(0, 6), `${right}q`, ...words.slice(7)]);
  await expect(r.id('word-7')).toHaveAttribute('data-state', 'unknown-local');
  await expect(r.id('words-input')).toContainText(de['typed.lead']);
  await r.checkWords();
  await r.expectOutcome('rejected', 1);
  await expect(r.id('word-flag')).toContainText('Wort 7 ist kein SLIP-39-Wort.');
  await expect(r.id('use-suggestion')).toHaveText(`„${right}“ als Wort 7 übernehmen`);
  await germanScreen(page, 'recovery-words-wrong-word-de');
  await r.id('use-suggestion').click();
  await r.checkWords();
  await r.expectOutcome('accepted', 2);
  await germanScreen(page, 'recovery-words-accepted-de');

  // A plain shard file, then a file that is no shard (said here, in German, nothing sent).
  await r.openShardFile(writeShardTextFile(dir, shard(ceremony, 2, 2)));
  await r.expectOutcome('accepted', 3);
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'Vault opening hours: 9 to 5.\n');
  await r.id('shard-file').setInputFiles(notes);
  await expect(r.id('file-problem')).toHaveAttribute('data-code', 'ENVELOPE_FORMAT');
  await expect(r.id('file-problem-message')).toContainText('notes.txt ist keine keyshard-Anteilsdatei');
  await germanScreen(page, 'recovery-file-not-a-shard-de');

  // An age-protected file: its key step, then opened.
  const bob = await writeAgeProtected(dir, shard(ceremony, 1, 2));
  await r.id('shard-file').setInputFiles(bob.shardPath);
  await expect(r.id('key-step')).toHaveAttribute('data-protection', 'age');
  await r.id('key-file').setInputFiles(bob.keyPath);
  await expect(r.id('key-chosen')).toContainText('Schlüssel:');
  await germanScreen(page, 'recovery-protected-file-de');
  await r.id('open-shard-file').click();
  await r.expectOutcome('accepted', 4);
  await r.openShardFile(writeShardTextFile(dir, shard(ceremony, 1, 1)));
  await r.expectOutcome('accepted', 5);
  await expect(r.id('progress-panel')).toHaveAttribute('data-can-finish', 'true');

  // The verdict, in German.
  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'verified');
  await expect(r.id('screen-title')).toContainText(de['result.verified']);
  await expect(r.id('verdict-text')).toContainText('End-Hash');
  await germanScreen(page, 'recovery-verified-de');

  // The secret only after the German warning; then hidden again.
  await r.id('export-display').click();
  await expect(r.id('show-secret-confirm')).toContainText(de['export.beforeShow']);
  await germanScreen(page, 'recovery-show-secret-confirm-de');
  await r.id('show-secret').click();
  await expect(r.id('secret-banner')).toContainText(de['export.onScreen']);
  await germanScreen(page, 'recovery-secret-shown-de');
  await r.id('hide-secret').click();

  // The encrypted-file form: a missing recipient said in German, then the form with a recipient and a place.
  await r.id('export-file').click();
  await r.id('export-save').click();
  await expect(r.id('export-error')).toContainText(de['export.noAge']);
  const { recipient } = await generateAgeIdentity();
  await r.id('export-age-recipient').fill(recipient);
  app.backend.answerDialog(join(dir, 'recovered.age'));
  await r.id('export-choose-path').click();
  await expect(r.id('export-path-chosen')).toHaveText('recovered.age');
  await r.id('export-save').click();
  await expect(r.id('export-saved')).toContainText(de['export.saved']);
  await germanScreen(page, 'recovery-export-saved-de');
  await r.id('recovery-done').click();
  await expect(page.getByTestId('start-recover')).toBeVisible();
});
