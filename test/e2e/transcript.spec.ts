/**
 * Verify transcript: a transcript made here with core/transcript and a software Ed25519 witness, loaded through the
 * file picker; then the same file tampered with. Also the resume screen, which starts from a transcript.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { appendEntry, createTranscript, serializeTranscript, signEntry, softwareEd25519Signer, type Transcript } from '../../core/transcript';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';

let dir: string;
let good: { path: string; text: string; transcript: Transcript };

function clock(): () => Date {
  let n = 0;
  return () => new Date(Date.UTC(2025, 2, 1, 9, 0, 0) + 60_000 * n++);
}

async function makeTranscript(): Promise<Transcript> {
  const alice = softwareEd25519Signer('alice', sha256(utf8ToBytes('e2e witness alice')));
  let t = createTranscript('acme-root-2025', clock());
  t = appendEntry(t, 'plan', {
    label: 'ACME root signing key',
    witnessKeys: [{ id: 'alice', algorithm: 'ed25519', publicKey: bytesToHex(alice.publicKey) }],
  });
  t = appendEntry(t, 'airgap-check', { passed: true, interfacesUp: [] });
  t = appendEntry(t, 'entropy', { sources: ['os', 'dice'] });
  t = appendEntry(t, 'generate', { fingerprint: 'c0ffee1234' });
  t = await signEntry(t, 4, alice);
  t = appendEntry(t, 'split', { fingerprint: 'c0ffee1234', shards: 3 });
  t = appendEntry(t, 'seal', { shardsHandedOut: 3 });
  t = await signEntry(t, 7, alice);
  return t;
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-transcript-'));
  const transcript = await makeTranscript();
  const text = serializeTranscript(transcript);
  const path = join(dir, 'transcript.json');
  writeFileSync(path, text);
  good = { path, text, transcript };
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a valid transcript shows every entry with a check mark and who signed it', async ({ app }) => {
  await app.open('verify');
  const { page } = app;
  await saveScreens(page, 'verify-empty');
  await page.getByTestId('transcript-file').setInputFiles(good.path);
  await expect(page.getByTestId('transcript-ok')).toBeVisible();
  await expect(page.getByTestId('transcript-ceremony')).toHaveText('acme-root-2025');
  const head = good.transcript.entries[good.transcript.entries.length - 1]?.hash ?? '';
  await expect(page.getByTestId('transcript-head')).toHaveAttribute('data-hash', head);
  // Shown in groups of four for comparing with the paper record.
  await expect(page.getByTestId('transcript-head')).toHaveText(head.match(/.{4}/g)?.join(' ') ?? '');
  const count = good.transcript.entries.length;
  for (let seq = 1; seq <= count; seq++) {
    const row = page.getByTestId(`entry-${seq}`);
    await expect(row).toHaveAttribute('data-state', 'ok');
    await expect(row.locator('td.check')).toHaveText('✓');
  }
  // Steps in plain words, not as the transcript's kinds.
  await expect(page.getByTestId('entry-4')).toContainText('Secret generated');
  await expect(page.getByTestId('entry-2')).toContainText('Air-gap check');
  await expect(page.getByTestId('entry-2')).not.toContainText('airgap-check');
  await expect(page.getByTestId('entry-5')).toContainText('Witness signature');
  await expect(page.getByTestId('entry-4')).toContainText('alice');
  await expect(page.getByTestId('entry-5')).toContainText('Signs entry 4 (Secret generated) as alice');
  await expect(page.getByTestId('entry-1')).toContainText('2025-03-01 09:00:00 UTC');
  await saveScreens(page, 'verify-ok');

  // The final hash from the paper record: the right one keeps it green, another one turns it red.
  await page.getByTestId('expected-head').fill(head);
  await expect(page.getByTestId('transcript-ok')).toBeVisible();
  const earlier = good.transcript.entries[5]?.hash ?? '';
  await page.getByTestId('expected-head').fill(earlier);
  await expect(page.getByTestId('transcript-error')).toHaveAttribute('data-code', 'TRANSCRIPT_TAMPERED');
  await expect(page.getByTestId('transcript-error-message')).toContainText('paper record ends at entry 6');
});

test('a tampered transcript shows the first broken entry in red, with what it means and what to do', async ({ app }) => {
  // Change one recorded fact in entry 3 ("dice" -> "coin") without touching the layout.
  const tampered = good.text.replace('"dice"', '"coin"');
  expect(tampered).not.toBe(good.text);
  const path = join(dir, 'tampered.json');
  writeFileSync(path, tampered);
  await app.open('verify');
  const { page } = app;
  await page.getByTestId('transcript-file').setInputFiles(path);
  const panel = page.getByTestId('transcript-error');
  await expect(panel).toBeVisible();
  await expect(panel).toHaveAttribute('data-code', 'TRANSCRIPT_TAMPERED');
  await expect(page.getByTestId('transcript-error-message')).toContainText('Entry 3 is the first broken link');
  await expect(page.getByTestId('transcript-error-todo')).toContainText("original transcript from the ceremony's USB stick");
  await expect(panel).toContainText('What this means:');
  await expect(page.getByTestId('entry-1')).toHaveAttribute('data-state', 'ok');
  await expect(page.getByTestId('entry-2')).toHaveAttribute('data-state', 'ok');
  const bad = page.getByTestId('entry-3');
  await expect(bad).toHaveAttribute('data-state', 'bad');
  await expect(bad.locator('td.check')).toHaveText('✗');
  const color = await bad.locator('td').first().evaluate(
    (el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color,
  );
  expect(color).toBe('rgb(177, 14, 30)'); // the danger red
  await expect(page.getByTestId('entry-bad-detail')).toContainText('First broken entry');
  for (let seq = 4; seq <= good.transcript.entries.length; seq++) await expect(page.getByTestId(`entry-${seq}`)).toHaveAttribute('data-state', 'unchecked');
  await saveScreens(page, 'verify-tampered');
});

test('a file that is not a transcript says so', async ({ app }) => {
  const path = join(dir, 'notes.json');
  writeFileSync(path, 'this is not JSON {');
  await app.open('verify');
  await app.page.getByTestId('transcript-file').setInputFiles(path);
  await expect(app.page.getByTestId('transcript-error')).toHaveAttribute('data-code', 'TRANSCRIPT_FORMAT');
  await expect(app.page.getByTestId('transcript-error-message')).toContainText('not valid JSON');
  await expect(app.page.getByTestId('transcript-entries')).toHaveCount(0);
  await saveScreens(app.page, 'verify-not-json');
});

test('resume: a transcript is checked and the last recorded step is shown', async ({ app }) => {
  await app.open('resume');
  const { page } = app;
  await expect(page.getByTestId('step-plan')).toHaveAttribute('data-state', 'current');
  // Nothing saved here: the screen says so and what to do instead.
  await expect(page.getByTestId('saved-none')).toContainText('nothing to continue here');
  await expect(page.getByTestId('saved-none-plan')).toHaveAttribute('href', '#/plan');
  await saveScreens(page, 'resume-empty');
  await page.getByTestId('resume-file').setInputFiles(good.path);
  await expect(page.getByTestId('transcript-ok')).toBeVisible();
  await expect(page.getByTestId('resume-last-step')).toHaveText('Transcript sealed');
  await expect(page.getByTestId('resume-last-step')).toHaveAttribute('data-kind', 'seal');
  // The step list follows the checked transcript: a sealed ceremony has every step done.
  await expect(page.getByTestId('step-seal')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('step-plan')).toHaveAttribute('data-state', 'done');
  // Not kept on this machine: it cannot be continued here, and the screen says what can be done instead.
  await expect(page.getByTestId('resume-not-saved')).toContainText('cannot be continued here');
  await expect(page.getByTestId('resume-verify')).toHaveAttribute('href', '#/verify');
  await saveScreens(page, 'resume-loaded');
});
