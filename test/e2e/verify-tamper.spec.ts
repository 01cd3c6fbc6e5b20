/**
 * Verify transcript with the transcript of a whole ceremony (plan, air-gap, entropy, generate, split, seal, each signed
 * by the plan's witness): the key fingerprint a recovery must match is shown with the verdict; and three kinds of
 * tampering - an entry removed, the recorded fingerprint changed, a witness signature forged with the chain re-hashed
 * to hide it - each show the first broken entry, what it means and what to do. (transcript.spec.ts covers a changed
 * fact in an early entry and a final hash that differs from the paper record.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeEntryHash, serializeTranscript, type Transcript, type TranscriptEntry } from '../../core/transcript';
import { expect, test } from './fixtures';
import { DEFAULT_GROUPS, makeCeremony, type RecoveryCeremony } from './fixtures/recovery-ceremony';
import { saveScreens } from './harness';

let dir: string;
let ceremony: RecoveryCeremony;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-verify-'));
  ceremony = await makeCeremony({ tag: 'keyshard e2e verify', label: 'Root of trust 2025', groupThreshold: 2, groups: DEFAULT_GROUPS });
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Re-links the chain from `from` (1-based) on, as a forger would after changing an entry: every hash recomputed. */
function rehashFrom(entries: TranscriptEntry[], from: number): TranscriptEntry[] {
  const out = entries.slice();
  for (let i = from - 1; i < out.length; i++) {
    const e = out[i]!;
    const prevHash = i === 0 ? e.prevHash : out[i - 1]!.hash;
    const unhashed = { seq: e.seq, prevHash, at: e.at, kind: e.kind, data: e.data };
    out[i] = { ...unhashed, hash: computeEntryHash(unhashed) };
  }
  return out;
}

const kinds = (t: Transcript): string => t.entries.map((e) => `${e.seq}:${e.kind}`).join(' ');

test('a whole ceremony transcript checks out and shows the key fingerprint a recovery must match', async ({ app }) => {
  expect(kinds(ceremony.transcript)).toBe('1:plan 2:airgap-check 3:entropy 4:generate 5:signoff 6:split 7:signoff 8:seal 9:signoff');
  await app.open('verify');
  const { page } = app;
  await page.getByTestId('transcript-file').setInputFiles(write('transcript.json', ceremony.transcriptText));
  await expect(page.getByTestId('transcript-ok')).toBeVisible();
  await expect(page.getByTestId('transcript-fingerprint')).toHaveAttribute('data-hex', ceremony.fingerprint);
  await expect(page.getByTestId('transcript-fingerprint')).toContainText(ceremony.display);
  await expect(page.getByTestId('transcript-count')).toContainText('9 entries, 3 of 6 steps signed by a witness');
  await expect(page.getByTestId('entry-6')).toContainText('wanda');
  await expect(page.getByTestId('transcript-ok')).toContainText('sealed at entry 8');
  // The file alone proves nothing; the key of the witness who signed is listed by its fingerprint.
  await expect(page.getByTestId('transcript-fingerprint-trust')).toHaveAttribute('data-verified', 'false');
  await expect(page.getByTestId('witness-key-wanda')).toContainText(ceremony.witnessKeyFingerprint.slice(0, 4));
  await saveScreens(page, 'verify-ceremony-ok');
  // The witness key fingerprint the team recorded pins wanda's sign-offs: verified.
  await page.locator('summary', { hasText: 'Witness key fingerprints the team recorded' }).click();
  await page.getByTestId('verify-witness-keys').fill(ceremony.witnessKeyFingerprint);
  await expect(page.getByTestId('transcript-fingerprint-trust')).toHaveAttribute('data-source', 'witness-keys');
  await expect(page.getByTestId('witness-key-wanda')).toHaveAttribute('data-pinned', 'true');
  await page.getByTestId('verify-witness-keys').fill('');
  // The final hash from the paper record (typed in groups): verified.
  await page.getByTestId('expected-head').fill((ceremony.headHash.match(/.{4}/g) ?? []).join(' '));
  await expect(page.getByTestId('transcript-fingerprint-trust')).toHaveAttribute('data-source', 'final-hash');
  await saveScreens(page, 'verify-ceremony-verified');
});

test('a transcript cut short before its seal: links, but is shown as not sealed, never as all checked out', async ({ app }) => {
  await app.open('verify');
  const { page } = app;
  const cut = serializeTranscript({ ...ceremony.transcript, entries: ceremony.transcript.entries.slice(0, 7) });
  await page.getByTestId('transcript-file').setInputFiles(write('cut.json', cut));
  await expect(page.getByTestId('transcript-unsealed')).toBeVisible();
  await expect(page.getByTestId('transcript-ok')).toHaveCount(0);
  await expect(page.getByTestId('transcript-unsealed')).toContainText('Not sealed: the ceremony did not finish, or the file was cut short');
  await expect(page.getByTestId('transcript-unsealed-text')).toContainText('it ends at entry 7 (signoff), before its seal');
  await expect(page.getByTestId('transcript-unsealed')).not.toContainText('Every entry checks out');
  await saveScreens(page, 'verify-unsealed');
  // Review M3: cut right after the seal entry, without the seal's sign-off: not sealed either.
  const atSeal = serializeTranscript({ ...ceremony.transcript, entries: ceremony.transcript.entries.slice(0, 8) });
  await page.getByTestId('transcript-file').setInputFiles(write('cut-at-seal.json', atSeal));
  await expect(page.getByTestId('transcript-unsealed-text')).toContainText('The seal (entry 8 (seal)) has 0 of the 1 witness sign-off the plan requires');
  await expect(page.getByTestId('transcript-ok')).toHaveCount(0);
  await saveScreens(page, 'verify-unsealed-at-seal');
});

test('an entry removed: the first broken entry is where the gap is, the rest unchecked', async ({ app }) => {
  const t = ceremony.transcript;
  const removed = serializeTranscript({ ...t, entries: t.entries.filter((e) => e.seq !== 3) });
  await app.open('verify');
  const { page } = app;
  await page.getByTestId('transcript-file').setInputFiles(write('removed.json', removed));
  await expect(page.getByTestId('transcript-error')).toHaveAttribute('data-code', 'TRANSCRIPT_TAMPERED');
  await expect(page.getByTestId('transcript-error-message')).toContainText('Entry 3 is the first broken link');
  await expect(page.getByTestId('transcript-error-message')).toContainText('entries were removed, inserted or reordered');
  await expect(page.getByTestId('transcript-error-todo')).toContainText("original transcript from the ceremony's USB stick");
  for (const seq of [1, 2]) await expect(page.getByTestId(`entry-${seq}`)).toHaveAttribute('data-state', 'ok');
  await expect(page.getByTestId('entry-3')).toHaveAttribute('data-state', 'bad');
  await expect(page.getByTestId('entry-3')).toContainText('Secret generated');
  for (let seq = 4; seq <= 8; seq++) await expect(page.getByTestId(`entry-${seq}`)).toHaveAttribute('data-state', 'unchecked');
  await expect(page.getByTestId('transcript-fingerprint')).toHaveCount(0);
  await saveScreens(page, 'verify-entry-removed');
});

test('the recorded key fingerprint changed: the split entry is the first broken one', async ({ app }) => {
  const text = ceremony.transcriptText;
  // The fingerprint's last occurrence is in the split entry; one digit changed, nothing else.
  const at = text.lastIndexOf(ceremony.fingerprint);
  const swapped = `${text.slice(0, at)}${ceremony.fingerprint[0] === 'f' ? 'e' : 'f'}${text.slice(at + 1)}`;
  await app.open('verify');
  const { page } = app;
  await page.getByTestId('transcript-file').setInputFiles(write('fingerprint-changed.json', swapped));
  await expect(page.getByTestId('transcript-error')).toHaveAttribute('data-code', 'TRANSCRIPT_TAMPERED');
  await expect(page.getByTestId('transcript-error-message')).toContainText('Entry 6 is the first broken link');
  await expect(page.getByTestId('transcript-error-message')).toContainText('entry 6 (split) does not match its hash');
  await expect(page.getByTestId('entry-5')).toHaveAttribute('data-state', 'ok');
  await expect(page.getByTestId('entry-6')).toHaveAttribute('data-state', 'bad');
  await expect(page.getByTestId('entry-bad-detail')).toContainText('First broken entry');
  await saveScreens(page, 'verify-fingerprint-changed');
});

test('a forged witness signature, chain re-hashed to hide it: the sign-off is the first broken entry', async ({ app }) => {
  const entries = ceremony.transcript.entries.slice();
  const signoff = entries[6]!; // entry 7: wanda signs the split
  const data = signoff.data as { signature: string };
  // Another 64-byte value where the signature was: well formed, wrong.
  const forged = { ...(signoff.data as object), signature: `${data.signature.slice(2)}${data.signature.slice(0, 2)}` };
  entries[6] = { ...signoff, data: forged as TranscriptEntry['data'] };
  const text = serializeTranscript({ ...ceremony.transcript, entries: rehashFrom(entries, 7) });
  await app.open('verify');
  const { page } = app;
  await page.getByTestId('transcript-file').setInputFiles(write('forged-signature.json', text));
  await expect(page.getByTestId('transcript-error')).toHaveAttribute('data-code', 'TRANSCRIPT_SIGNATURE');
  await expect(page.getByTestId('transcript-error-message')).toContainText('Entry 7 is the first broken link');
  await expect(page.getByTestId('transcript-error-message')).toContainText('does not verify');
  await expect(page.getByTestId('transcript-error')).toContainText('A witness sign-off does not hold');
  await expect(page.getByTestId('transcript-error-todo')).toContainText('Ask the witnesses');
  await expect(page.getByTestId('entry-6')).toHaveAttribute('data-state', 'ok');
  await expect(page.getByTestId('entry-7')).toHaveAttribute('data-state', 'bad');
  await expect(page.getByTestId('entry-7')).toContainText('Signs entry 6 (Secret split into shards) as wanda');
  await saveScreens(page, 'verify-signature-forged');
});
