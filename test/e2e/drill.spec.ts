/**
 * The quorum drill on the screens (issue 17.1): from the start screen's "Check custody" card to the drill, the key
 * ceremony's SLIP-39 transcript loaded with its final hash from paper, a wrong shard typed and named in the error
 * panel, the quorum's shards taken in one by one, the key rebuilt in main and only its fingerprint shown, the witness's
 * key file chosen in main's dialog; the drill's transcript saved through main's save dialog verifies with `keyshard
 * transcript verify` (runCli) as a sealed quorum-drill, and neither the page nor the file holds a share's text.
 * Screens saved and checked (fold, axe).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { spokenText } from '../../core/read-aloud';
import { serializeTranscript } from '../../core/transcript';
import { transcriptCommands } from '../../electron/cli/commands/transcript';
import { runCli } from '../../electron/cli/main';
import { createSigningHost } from '../../electron/ipc/handlers-signing';
import { custodyCeremony } from '../helpers/custody-fixture';
import { witnessPassphrase } from './backend';
import { expect, test } from './fixtures';
import { chooseGerman, go } from './german';
import { saveScreens } from './harness';

const kc = custodyCeremony('slip39', 171);
const other = custodyCeremony('slip39', 172);
const shards = kc.shards.map((b) => envelopeToText(decodeEnvelope(b)));
let dir: string;
let transcriptPath: string;

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-drill-'));
  transcriptPath = join(dir, 'key-ceremony.json');
  writeFileSync(transcriptPath, serializeTranscript(kc.file));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const paper = (hex: string): string => (hex.toUpperCase().match(/.{4}/g) ?? []).join(' ');
const by = (page: Page, id: string) => page.getByTestId(id);

test('a quorum drill: a wrong shard named, the key rebuilt in main, only the fingerprint shown, the transcript verifies', async ({ launch }) => {
  const session = await launch({ deps: { signing: createSigningHost({ clock: () => new Date(), random: (n) => new Uint8Array(randomBytes(n)) }) } });
  await session.open('');
  const page = session.page;
  // One start card for custody; the drill is the other way from the custody check.
  await expect(by(page, 'start-custody')).toContainText('Check custody');
  await by(page, 'start-custody').click();
  await expect(by(page, 'custody-setup')).toBeVisible();
  await saveScreens(page, 'custody-check-choice');
  await by(page, 'custody-to-drill').click();
  await expect(by(page, 'drill-setup')).toBeVisible();
  await by(page, 'drill-source').setInputFiles(transcriptPath);
  await expect(by(page, 'drill-source-loaded')).toBeVisible();
  // The final hash typed as its 20 words to read aloud (issue 14.2); the fingerprints are shown with theirs.
  await by(page, 'drill-final-hash').fill(spokenText(kc.transcript.headHash));
  await saveScreens(page, 'drill-setup');
  await by(page, 'drill-start').click();
  await expect(by(page, 'drill-expected')).toHaveText(paper(kc.fingerprint.slice(0, 32)));
  await expect(by(page, 'drill-expected-words')).toHaveAttribute('data-words', spokenText(kc.fingerprint));

  // Another backup's share in bob's wrapping: refused by the record and named, nothing combined.
  const wrong = envelopeToText({ ...decodeEnvelope(kc.shards[1]!), payload: decodeEnvelope(other.shards[1]!).payload });
  await by(page, 'drill-shard-text').fill(wrong);
  await by(page, 'drill-add').click();
  await expect(by(page, 'drill-error')).toContainText('CUSTODY_MISMATCH');
  await expect(by(page, 'drill-error')).toContainText('Shard 1 given (labelled bob)');
  await expect(by(page, 'drill-shard-text')).toHaveValue('');
  await saveScreens(page, 'drill-wrong-shard');

  for (const i of [0, 2]) {
    await by(page, 'drill-shard-text').fill(shards[i]!);
    await by(page, 'drill-add').click();
    await expect(by(page, 'drill-quorum')).toHaveAttribute('data-shards', String(i === 0 ? 1 : 2));
  }
  await expect(by(page, 'drill-taken')).toContainText('alice');
  await expect(by(page, 'drill-taken')).toContainText('carol');
  session.backend.answerDialog(session.backend.witnessKeyFile('wendy'));
  await by(page, 'drill-witness-key-file').click();
  await expect(by(page, 'drill-witness-key-file-name')).toBeVisible();
  await by(page, 'drill-witness-passphrase').fill(witnessPassphrase('wendy'));
  await saveScreens(page, 'drill-quorum');
  await by(page, 'drill-witness-sign').click();

  await expect(by(page, 'drill-result')).toHaveAttribute('data-result', 'verified');
  await expect(by(page, 'drill-fingerprint')).toHaveText(paper(kc.fingerprint.slice(0, 32)));
  await expect(by(page, 'drill-fingerprint-words')).toHaveAttribute('data-words', spokenText(kc.fingerprint));
  await expect(by(page, 'drill-signed')).toContainText('alice, carol');
  await expect(by(page, 'drill-signed')).toContainText('wendy');
  await saveScreens(page, 'drill-result');
  const body = (await page.locator('body').textContent()) ?? '';
  for (const s of [...shards, wrong]) expect(body.includes(s.slice(10, 40))).toBe(false);

  const saved = join(dir, 'drill-transcript.json');
  session.backend.answerDialog(saved);
  await by(page, 'drill-save-choose').click();
  await expect(by(page, 'drill-save-saved')).toContainText('drill-transcript.json');
  let out = '';
  const io = { readStdin: async () => '', stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t) };
  const finalHash = (await by(page, 'drill-final-hash-shown').textContent()) ?? '';
  expect(await runCli(['transcript', 'verify', saved, '--final-hash', finalHash, '--json'], io, transcriptCommands)).toBe(0);
  const report = JSON.parse(out) as { ceremonyKind: string; sealed: boolean };
  expect([report.ceremonyKind, report.sealed]).toEqual(['quorum-drill', true]);
  const file = readFileSync(saved, 'utf8');
  for (const s of shards) expect(file.includes(s.slice(10, 40))).toBe(false);
  await saveScreens(page, 'drill-saved');
});

test('the drill in German: its words on the setup and quorum screens, none of its English ones', async ({ launch }) => {
  const session = await launch({ deps: { signing: createSigningHost({ clock: () => new Date(), random: (n) => new Uint8Array(randomBytes(n)) }) } });
  await session.open('');
  const page = session.page;
  await chooseGerman(page);
  await go(page, 'drill');
  // renderer/signing/words.ts's drill words (not imported: it would pull the renderer's DOM types into this program).
  const englishWords = ['Load the record and start', 'Check one shard instead', 'Fingerprint the key ceremony recorded', 'Shards taken in', 'Take this shard in', 'The SLIP-39 passphrase', 'A witness signs the result', 'Rebuild and compare'];
  const english = async (): Promise<string[]> => {
    // The screen itself: the step list beside it shows the core catalogue's step names, in English on every custody
    // and signing screen (a known gap, see the report).
    const shown = (await by(page, 'screen').innerText()).replace(/\s+/g, ' ');
    return englishWords.filter((t) => shown.includes(t));
  };
  await expect(by(page, 'drill-setup')).toContainText('Ein Quorum von Verwahrern gibt seine Anteile');
  expect(await english()).toEqual([]);
  await by(page, 'drill-source').setInputFiles(transcriptPath);
  await expect(by(page, 'drill-source-loaded')).toBeVisible();
  await by(page, 'drill-start').click();
  await by(page, 'drill-shard-text').fill(shards[0]!);
  await by(page, 'drill-add').click();
  await expect(by(page, 'drill-quorum')).toHaveAttribute('data-shards', '1');
  await expect(by(page, 'drill-quorum')).toContainText('Wiederherstellen und vergleichen');
  expect(await english()).toEqual([]);
  await saveScreens(page, 'drill-quorum-de');
});
