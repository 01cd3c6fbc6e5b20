/**
 * Words to read aloud (issue 14.2): every fingerprint and final hash is shown also as its 20 Bytewords
 * (core/read-aloud), and the words are accepted where one is typed: the final hash on the verify screen, the
 * fingerprint at the start of a recovery. A wrong word is refused by its position before anything is compared.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spokenText, spokenWords } from '../../core/read-aloud';
import { expect, test } from './fixtures';
import { DEFAULT_GROUPS, makeCeremony, recoveryService, shard, type RecoveryCeremony } from './fixtures/recovery-ceremony';
import { saveScreens } from './harness';
import { RecoveryPage } from './pages/recovery-page';

let dir: string;
let ceremony: RecoveryCeremony;
let transcriptPath: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-read-aloud-'));
  ceremony = await makeCeremony({ tag: 'keyshard e2e read aloud', label: 'Treasury seed 2025', groupThreshold: 2, groups: DEFAULT_GROUPS, seedBytes: 16 });
  transcriptPath = join(dir, 'transcript.json');
  writeFileSync(transcriptPath, ceremony.transcriptText);
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One word changed for another word of the list: the checksum catches it. */
function oneWordWrong(hex: string, position: number): string {
  const words = spokenWords(hex);
  words[position - 1] = words[position - 1] === 'able' ? 'acid' : 'able';
  return words.join(' ');
}

test('verify screen: the final hash and fingerprint in words; the final hash typed as words verifies, a wrong word is named', async ({ app }) => {
  await app.open('verify');
  const { page } = app;
  await page.getByTestId('transcript-file').setInputFiles(transcriptPath);
  await expect(page.getByTestId('transcript-ok')).toBeVisible();
  await expect(page.getByTestId('transcript-head-words')).toHaveAttribute('data-words', spokenText(ceremony.headHash));
  await expect(page.getByTestId('transcript-fingerprint-words')).toHaveAttribute('data-words', spokenText(ceremony.fingerprint));
  // The hex stays as it was beside them.
  await expect(page.getByTestId('transcript-head')).toHaveText((ceremony.headHash.match(/.{4}/g) ?? []).join(' '));

  await page.getByTestId('expected-head').fill(spokenText(ceremony.headHash).toUpperCase());
  await expect(page.getByTestId('transcript-ok')).toBeVisible();
  await expect(page.getByTestId('transcript-fingerprint-trust')).toHaveAttribute('data-source', 'final-hash');
  await expect(page.getByTestId('expected-head-problem')).toHaveCount(0);
  await saveScreens(page, 'words-verify-final-hash-typed');

  await page.getByTestId('expected-head').fill(oneWordWrong(ceremony.headHash, 5));
  await expect(page.getByTestId('expected-head-problem')).toContainText('do not match the others');
  await expect(page.getByTestId('transcript-fingerprint-trust')).not.toHaveAttribute('data-source', 'final-hash');
  const unknown = spokenWords(ceremony.headHash);
  unknown[6] = 'qqqq';
  await page.getByTestId('expected-head').fill(unknown.join(' '));
  await expect(page.getByTestId('expected-head-problem')).toContainText('Word 7 is not on the read-aloud word list');
  await expect(page.getByTestId('expected-head-problem')).not.toContainText('qqqq');
  await saveScreens(page, 'words-verify-wrong-word');
});

test('recovery: the fingerprint typed as words; a wrong word refused by position; the result shows the words', async ({ launch }) => {
  const app = await launch({ deps: { recovery: recoveryService() } });
  await app.open('recover');
  const { page } = app;
  const r = new RecoveryPage(page);
  await expect(r.stage()).toHaveAttribute('data-stage', 'expect');

  const typo = spokenWords(ceremony.fingerprint);
  typo[11] = 'zzzz';
  await r.typeFingerprint(typo.join(' '));
  await expect(r.id('expect-error')).toHaveAttribute('data-code', 'READ_ALOUD_WORD');
  await expect(r.id('expect-error')).toContainText('Word 12 is not on the read-aloud word list');
  await saveScreens(page, 'words-recovery-expect-wrong-word');
  await r.typeFingerprint(oneWordWrong(ceremony.fingerprint, 18));
  await expect(r.id('expect-error')).toHaveAttribute('data-code', 'READ_ALOUD_CHECKSUM');

  await r.typeFingerprint(spokenText(ceremony.fingerprint));
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');
  await expect(r.id('expect-bar')).toHaveAttribute('data-source', 'typed');

  for (const [g, m] of [[2, 1], [2, 2], [3, 1]] as const) {
    await r.typeWords(shard(ceremony, g, m).mnemonic.split(' '));
    await r.checkWords();
    await expect(r.outcome()).toHaveAttribute('data-outcome', 'accepted');
  }
  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'verified');
  await expect(r.id('recovered-fingerprint-words')).toHaveAttribute('data-words', spokenText(ceremony.fingerprint));
  await saveScreens(page, 'words-recovery-verified');
});
