/**
 * Recovery from shard files and the ways it can go wrong, end to end through the real recovery service: a typed
 * fingerprint first; a plain shard file, the same shard again (duplicate), a shard of another ceremony (rejected), a
 * file that is no shard, age- and OpenPGP-protected files with their key files (a wrong key, a wrong passphrase); then
 * the key is recovered and saved encrypted to an age recipient - the file decrypts to the known secret. Also: a
 * tampered transcript refused in the first step, a key whose fingerprint is not the expected one (big red), and the
 * USB drive tab with no drive plugged in.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spokenText } from '../../core/read-aloud';
import { decryptWithAgeIdentity } from '../../electron/services/protection/age';
import { generateAgeIdentity } from '../../electron/services/protection/index';
import { expect, test } from './fixtures';
import {
  DEFAULT_GROUPS,
  makeCeremony,
  recoveryService,
  shard,
  writeAgeProtected,
  writeOpenPgpProtected,
  writeShardTextFile,
  type RecoveryCeremony,
} from './fixtures/recovery-ceremony';
import { saveScreens } from './harness';
import { RecoveryPage } from './pages/recovery-page';

let dir: string;
let ceremony: RecoveryCeremony;
let other: RecoveryCeremony;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-recovery-files-'));
  ceremony = await makeCeremony({ tag: 'keyshard e2e recovery files', label: 'Signing seed', groupThreshold: 2, groups: DEFAULT_GROUPS });
  other = await makeCeremony({ tag: 'keyshard e2e another ceremony', label: 'Another seed', groupThreshold: 2, groups: DEFAULT_GROUPS });
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The full fingerprint as a paper record prints it: groups of four, upper case. */
function paperForm(hex: string): string {
  return (hex.toUpperCase().match(/.{4}/g) ?? []).join(' ');
}

test('shard files: duplicate and other-ceremony shards refused; protected files open with their keys; saved encrypted', async ({ launch }) => {
  const app = await launch({ deps: { recovery: recoveryService() } });
  await app.open('recover');
  const { page } = app;
  const r = new RecoveryPage(page);

  // A fingerprint that is not one: said at once, locally.
  await r.typeFingerprint('2A44 35DB 6BCB');
  await expect(r.id('expect-error')).toHaveAttribute('data-code', 'INVALID_HEX');
  await expect(r.id('expect-error-message')).toContainText('has 12 characters; a fingerprint has 64');
  await saveScreens(page, 'recovery-expect-bad-fingerprint');
  await r.typeFingerprint(paperForm(ceremony.fingerprint));
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');
  await expect(r.id('expect-bar-source')).toContainText('typed from the paper record: verified');
  await expect(r.id('expect-bar-fingerprint-display')).toHaveText(ceremony.display);
  // Inside the sentence too, the fingerprint comes with its words to read aloud (issue 14.2).
  await expect(r.id('expect-bar-fingerprint-words')).toHaveAttribute('data-words', spokenText(ceremony.fingerprint));

  // A plain shard file.
  const alice = writeShardTextFile(dir, shard(ceremony, 1, 1));
  await r.openShardFile(alice);
  await r.expectOutcome('accepted', 1);
  await expect(r.outcome()).toContainText('Shard 1 accepted');
  await expect(r.outcome()).toContainText('Alice — Zurich vault');
  await expect(r.outcome()).toContainText('Group 1, member 1 · shard file');
  await expect(r.group(1)).toHaveText(/Group 1: 1 more needed \(1 of 2 in hand\)\./);
  await saveScreens(page, 'recovery-file-accepted');

  // The same shard again: already in hand, nothing changed.
  await r.id('shard-file').setInputFiles(alice);
  await r.expectOutcome('duplicate', 2);
  await expect(r.id('outcome-message')).toContainText('already in hand');
  await expect(r.outcome()).toContainText('Set this one aside');
  await expect(r.held()).toHaveCount(1);
  await saveScreens(page, 'recovery-duplicate');

  // A shard of another ceremony: refused, with what to do.
  const stranger = writeShardTextFile(dir, shard(other, 1, 2), 'stranger.txt');
  await r.id('shard-file').setInputFiles(stranger);
  await r.expectOutcome('rejected', 3);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'SHARES_MISMATCH');
  await expect(r.id('shard-error-message')).toContainText('belongs to another ceremony');
  await expect(r.id('shard-error-todo')).toContainText("Keep it apart from this ceremony's shards");
  await expect(r.held()).toHaveCount(1);
  await expect(r.group(1)).toHaveText(/1 of 2 in hand/);
  await saveScreens(page, 'recovery-wrong-ceremony');

  // A file that is no shard at all: said here, nothing sent.
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'Vault opening hours: 9 to 5.\n');
  const calls = app.ipcCalls.length;
  await r.id('shard-file').setInputFiles(notes);
  await expect(r.id('file-problem')).toHaveAttribute('data-code', 'ENVELOPE_FORMAT');
  await expect(r.id('file-problem-message')).toContainText('notes.txt is not a keyshard shard file');
  expect(app.ipcCalls.length).toBe(calls);
  await saveScreens(page, 'recovery-file-not-a-shard');

  // age: the wrong kind of key file first, then the custodian's identity.
  const bob = await writeAgeProtected(dir, shard(ceremony, 1, 2));
  const fatima = await writeOpenPgpProtected(dir, shard(ceremony, 3, 1), 'fatima passphrase 2025');
  await r.id('shard-file').setInputFiles(bob.shardPath);
  await expect(r.id('key-step')).toHaveAttribute('data-protection', 'age');
  await expect(r.id('open-shard-file')).toBeDisabled();
  await r.id('key-file').setInputFiles(fatima.keyPath);
  await expect(r.id('file-problem')).toContainText('is not an age identity');
  await saveScreens(page, 'recovery-key-file-wrong-kind');
  await r.id('key-file').setInputFiles(bob.keyPath);
  await expect(r.id('key-chosen')).toContainText('custodian-1-2.agekey');
  await saveScreens(page, 'recovery-protected-file');
  await r.id('open-shard-file').click();
  await r.expectOutcome('accepted', 4);
  await expect(r.outcome()).toContainText('Bob — Geneva vault');
  await expect(r.outcome()).toContainText('shard file (age)');
  await expect(r.group(1)).toHaveText(/Group 1: complete/);
  await expect(r.id('key-step')).toHaveCount(0);

  // OpenPGP: a wrong passphrase is refused (the key step stays for another try), then the right one.
  await r.openProtected(fatima.shardPath, fatima.keyPath, 'not the passphrase');
  await r.expectOutcome('rejected', 5);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'ENVELOPE_DECRYPT');
  await expect(r.id('shard-error-todo')).toContainText("Choose this custodian's own key file");
  await expect(r.id('key-step')).toBeVisible();
  await saveScreens(page, 'recovery-decrypt-failed');
  await r.id('key-file').setInputFiles(fatima.keyPath);
  await r.id('key-passphrase').fill(fatima.passphrase ?? '');
  await r.id('open-shard-file').click();
  await r.expectOutcome('accepted', 6);
  await expect(r.outcome()).toContainText('shard file (OpenPGP)');
  await expect(r.id('progress-panel')).toHaveAttribute('data-can-finish', 'true');
  await expect(r.held()).toHaveCount(3);

  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'verified');
  await expect(r.id('verdict-text')).toContainText('the fingerprint typed from the paper record');
  await expect(r.id('recovered-fingerprint')).toHaveAttribute('data-hex', ceremony.fingerprint);

  // Save it encrypted to an age recipient, on the "USB drive" (a temp folder here).
  const { identity, recipient } = await generateAgeIdentity();
  const out = join(dir, 'recovered-signing-seed.age');
  await r.id('export-file').click();
  await expect(r.id('export-file-form')).toBeVisible();
  await r.id('export-save').click();
  await expect(r.id('export-error')).toContainText('No age recipient yet');
  await r.id('export-age-recipient').fill(recipient);
  await r.id('export-save').click();
  await expect(r.id('export-error')).toContainText('No place to save the file yet');
  // No path to type: main's save dialog names the file (answered here), and the form shows its name.
  await expect(r.id('export-file-form').locator('input[type="text"]')).toHaveCount(1); // the age recipient only
  app.backend.answerDialog(out);
  await r.id('export-choose-path').click();
  await expect(r.id('export-path-chosen')).toHaveText('recovered-signing-seed.age');
  expect(app.backend.dialogPurposes).toEqual(['export-file']);
  await saveScreens(page, 'recovery-export-form');
  await r.id('export-save').click();
  await expect(r.id('export-saved')).toHaveAttribute('data-path', out);
  await expect(r.id('saved-fingerprint')).toHaveAttribute('data-hex', ceremony.fingerprint);
  await expect(r.id('saved-fingerprint-words')).toHaveAttribute('data-words', spokenText(ceremony.fingerprint));
  await saveScreens(page, 'recovery-export-saved');
  const opened = JSON.parse(await decryptWithAgeIdentity(readFileSync(out, 'utf8'), identity)) as Record<string, unknown>;
  expect(opened['secretHex']).toBe(ceremony.secretHex);
  expect(opened['fingerprint']).toBe(ceremony.fingerprint);
  expect(opened['ceremonyId']).toBe(ceremony.ceremonyId);
  // The secret never reached the screen.
  await expect(page.locator('body')).not.toContainText(ceremony.secretHex.slice(0, 12).toUpperCase());

  // Saving again to the same name is refused: keyshard never replaces a file.
  await r.id('export-display').click();
  await r.id('export-file').click();
  await r.id('export-age-recipient').fill(recipient);
  app.backend.answerDialog(out);
  await r.id('export-choose-path').click();
  await r.id('export-save').click();
  // "File exists" has its own code, in the support line only.
  await expect(r.id('export-error')).toHaveAttribute('data-code', 'FILE_EXISTS');
  await expect(r.id('export-error-message')).toContainText('already there');
  await expect(r.id('export-error-message')).not.toContainText('FILE_EXISTS');
  await saveScreens(page, 'recovery-export-exists');

  await r.id('recovery-done').click();
  await expect(page.getByTestId('start-recover')).toBeVisible();
  expect(app.ipcCalls.at(-1)).toBe('recovery:clear');
});

test('a tampered transcript is refused in the first step, naming the first broken entry', async ({ launch }) => {
  const tampered = join(dir, 'tampered-transcript.json');
  writeFileSync(tampered, ceremony.transcriptText.replace('"dice"', '"coin"'));
  const app = await launch({ deps: { recovery: recoveryService() } });
  await app.open('recover');
  const r = new RecoveryPage(app.page);
  await r.loadTranscript(tampered);
  await expect(r.id('expect-error')).toHaveAttribute('data-code', 'TRANSCRIPT_TAMPERED');
  await expect(r.id('expect-error-message')).toContainText('entry 3 (entropy) does not match its hash');
  await expect(r.id('expect-error-todo')).toContainText('Do not use this file');
  await expect(r.stage()).toHaveAttribute('data-stage', 'expect');
  await saveScreens(app.page, 'recovery-transcript-tampered');
  // The untouched file with a final hash that is not its own (another ceremony's paper record): refused.
  const good = join(dir, 'transcript.json');
  writeFileSync(good, ceremony.transcriptText);
  await r.loadTranscript(good, { finalHash: other.headHash });
  await expect(r.id('expect-error')).toHaveAttribute('data-code', 'FINAL_HASH_MISMATCH');
  await expect(r.id('expect-error-todo')).toContainText('Compare the final hash you typed with the paper record');
  await expect(r.stage()).toHaveAttribute('data-stage', 'expect');
  await saveScreens(app.page, 'recovery-final-hash-mismatch');
  // With its own final hash it works.
  await r.loadTranscript(good, { finalHash: ceremony.headHash });
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');
  await expect(r.id('expect-bar')).toContainText('Signing seed');
  await expect(r.id('expect-bar')).toHaveAttribute('data-trust', 'final-hash');
});

test('a key that is not the expected one: big red, wiped, start again', async ({ launch }) => {
  const app = await launch({ deps: { recovery: recoveryService() } });
  await app.open('recover');
  const { page } = app;
  const r = new RecoveryPage(page);
  // The fingerprint of another ceremony's key; typed paper copies carry no fingerprint, so main finds out at the end.
  await r.typeFingerprint(other.fingerprint);
  for (const [g, m] of [
    [1, 1],
    [1, 3],
    [3, 1],
  ] as const) {
    await r.typeWords(shard(ceremony, g, m).mnemonic.split(' '));
    await r.checkWords();
    await expect(r.held()).toHaveCount(g === 3 ? 3 : m === 1 ? 1 : 2);
  }
  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'mismatch');
  await expect(r.id('screen-title')).toContainText("This is NOT the ceremony's key");
  await expect(r.id('recovered-fingerprint')).toHaveAttribute('data-hex', ceremony.fingerprint);
  await expect(r.id('expected-fingerprint-shown')).toHaveAttribute('data-hex', other.fingerprint);
  await expect(r.id('verdict-text')).toContainText('Everything was zeroized');
  await expect(r.id('export-panel')).toHaveCount(0);
  await expect(r.id('step-recover')).toHaveAttribute('data-state', 'current');
  await saveScreens(page, 'recovery-mismatch');
  await r.id('mismatch-restart').click();
  await expect(r.stage()).toHaveAttribute('data-stage', 'expect');
});

test('the short fingerprint read aloud is checked by main too: a shard of a different key is refused at once', async ({ launch }) => {
  const recovery = recoveryService();
  const app = await launch({ deps: { recovery } });
  await app.open('recover');
  const r = new RecoveryPage(app.page);
  await r.typeFingerprint(other.display);
  await expect(r.id('expect-bar-fingerprint-display')).toHaveText(other.display);
  await expect(r.id('expect-bar')).toHaveAttribute('data-trust', 'fingerprint');
  // A shard file carries its key's fingerprint: main compares it with the typed short form when it is added.
  await r.openShardFile(writeShardTextFile(dir, shard(ceremony, 1, 2), 'short-1-2.txt'));
  await r.expectOutcome('rejected', 1);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'SHARES_MISMATCH');
  await expect(r.id('shard-error-message')).toContainText('is a shard of another key');
  await expect(r.held()).toHaveCount(0);
  expect((await recovery.status()).shards.length).toBe(0);
});

test('recovering before any shard says what to do; the USB drive tab with no drive plugged in says what to do', async ({ launch }) => {
  const app = await launch({ deps: { recovery: recoveryService() } });
  await app.open('recover');
  const r = new RecoveryPage(app.page);
  await r.skip();
  // "Recover the key" before any shard cannot work yet: disabled, with the reason beside it (issue 14.5).
  await expect(r.id('finish')).toBeDisabled();
  await expect(r.id('finish-reason')).toContainText('no shard has been added');
  await saveScreens(app.page, 'recovery-finish-no-shards');
  await r.method('usb');
  await expect(r.id('usb-no-drives')).toContainText('No USB drive is plugged in');
  await saveScreens(app.page, 'recovery-usb-no-drives');
});
