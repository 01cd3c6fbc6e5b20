/**
 * Threshold signing and the custody check on the screens (issue 17.1, 17.5): three laptops in one test, each a
 * window with its own main (the coordinator, two signers), exchanging only the codes' texts typed from one screen into
 * the other. The signature verifies with plain ed25519.verify, a second signature with the same nonces is refused on
 * the signer's screen, and the coordinator's transcript, saved to a file through main's save dialog, verifies as a
 * signing with `keyshard transcript verify` (a second save to the same name is refused: FILE_EXISTS). An aborted
 * signing's transcript is saved and verifies too. Then one custodian's shard is checked against the key ceremony's
 * record alone, a witness signs the receipt, and its transcript is saved and verified. Witness key files are chosen in
 * main's own dialog (answered by the test). Screens saved and checked (fold, axe).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import type { Page } from '@playwright/test';
import { checkKindSteps } from '../../core/ceremony-kinds/transcript-steps';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { spokenText } from '../../core/read-aloud';
import { checkSigningTranscript } from '../../core/signing/index';
import { serializeTranscript, verifyTranscriptText, type VerifyOk } from '../../core/transcript';
import { transcriptCommands } from '../../electron/cli/commands/transcript';
import { runCli } from '../../electron/cli/main';
import { createSigningHost, type SigningHost } from '../../electron/ipc/handlers-signing';
import { custodyCeremony } from '../helpers/custody-fixture';
import { witnessPassphrase } from './backend';
import { expect, test } from './fixtures';
import { saveScreens } from './harness';

const kc = custodyCeremony('ed25519', 17);
const shards = kc.shards.map((b) => envelopeToText(decodeEnvelope(b)));
let dir: string;
let transcriptPath: string;

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-signing-'));
  transcriptPath = join(dir, 'key-ceremony.json');
  writeFileSync(transcriptPath, serializeTranscript(kc.file));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const host = (): SigningHost => createSigningHost({ clock: () => new Date(), random: (n) => new Uint8Array(randomBytes(n)) });
const paper = (hex: string): string => (hex.toUpperCase().match(/.{4}/g) ?? []).join(' ');
const by = (page: Page, id: string) => page.getByTestId(id);
/** The text of a code a screen shows beside it (what a person types on the other laptop). */
const codeText = async (page: Page, id: string): Promise<string> => (await by(page, id).locator('p').textContent()) ?? '';
/** `keyshard transcript verify FILE [--final-hash H] --json` through the CLI's entry point: its exit code and report. */
async function cliVerify(file: string, flags: readonly string[] = []): Promise<{ code: number; report: { ceremonyKind: string; sealed: boolean } }> {
  let out = '';
  const io = { readStdin: async () => '', stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t) };
  const code = await runCli(['transcript', 'verify', file, ...flags, '--json'], io, transcriptCommands);
  return { code, report: JSON.parse(out) as { ceremonyKind: string; sealed: boolean } };
}

test('a coordinator and two signers sign by typed codes; the signature verifies; nonce reuse is refused', async ({ launch }) => {
  const coordinatorHost = host();
  const coordinatorApp = await launch({ deps: { signing: coordinatorHost } });
  const wendyKey = coordinatorApp.backend.witnessKeyFile('wendy');
  /** Wendy signs off the checkpoint the coordinator's screen waits at: her key file and her passphrase. */
  const signOff = async (checkpoint: string, screen?: string): Promise<void> => {
    await expect(by(coordinator, 'signing-signoff')).toHaveAttribute('data-checkpoint', checkpoint);
    coordinatorApp.backend.answerDialog(wendyKey);
    await by(coordinator, 'signing-witness-key-file').click();
    await expect(by(coordinator, 'signing-witness-key-file-name')).toContainText('wendy');
    await by(coordinator, 'signing-witness-passphrase').fill(witnessPassphrase('wendy'));
    if (screen !== undefined) await saveScreens(coordinator, screen);
    await by(coordinator, 'signing-witness-sign').click();
    await expect(by(coordinator, 'signing-signoff')).toHaveCount(0);
  };
  await coordinatorApp.open('');
  const coordinator = coordinatorApp.page;
  const signers: Page[] = [];
  for (let i = 0; i < 2; i++) {
    const app = await launch({ deps: { signing: host() } });
    await app.open('signer');
    signers.push(app.page);
  }

  // The start screen offers the three new ceremonies.
  await expect(by(coordinator, 'start-sign')).toBeVisible();
  await expect(by(coordinator, 'start-signer')).toBeVisible();
  await expect(by(coordinator, 'start-custody')).toBeVisible();
  await by(coordinator, 'start-sign').click();
  await expect(by(coordinator, 'signing-setup')).toBeVisible();
  await by(coordinator, 'signing-source').setInputFiles(transcriptPath);
  await expect(by(coordinator, 'signing-source-loaded')).toContainText('key-ceremony.json');
  await by(coordinator, 'signing-final-hash').fill(paper(kc.transcript.headHash));
  await by(coordinator, 'signing-label').fill('Release 2.0 tag');
  await by(coordinator, 'signing-message').fill('keyshard');
  coordinatorApp.backend.answerDialog(wendyKey);
  await by(coordinator, 'signing-witness-file').click();
  await expect(by(coordinator, 'signing-witnesses-loaded')).toContainText('wendy');
  await saveScreens(coordinator, 'signing-setup');
  await by(coordinator, 'signing-start').click();
  // The message is a checkpoint: the witness signs it off before any signer commits.
  await signOff('plan', 'signing-signoff-message');
  await expect(by(coordinator, 'signing-commitments')).toBeVisible();
  await expect(by(coordinator, 'signing-message-shown')).toHaveText('keyshard');
  await expect(by(coordinator, 'signing-steps-witness-keys')).toBeVisible();
  const hash = (await by(coordinator, 'signing-message-hash').textContent()) ?? '';
  // The key's fingerprint and the message hash, each with its words to read aloud (issue 14.2).
  const status = coordinatorHost.coordinator.status()!;
  await expect(by(coordinator, 'signing-fingerprint-words')).toHaveAttribute('data-words', spokenText(status.groupFingerprint));
  await expect(by(coordinator, 'signing-message-hash-words')).toHaveAttribute('data-words', spokenText(status.messageHash));
  await saveScreens(coordinator, 'signing-commitments');

  // Each signer loads their shard (typed from paper) and shows a commitment; the coordinator takes it.
  for (const [i, page] of signers.entries()) {
    await expect(by(page, 'signer-load')).toBeVisible();
    await by(page, 'signer-shard-text').fill(shards[i]!);
    if (i === 0) await saveScreens(page, 'signer-load');
    await by(page, 'signer-load-shard').click();
    await expect(by(page, 'signer-loaded')).toBeVisible();
    await by(page, 'signer-commit').click();
    await expect(by(page, 'signer-committed')).toBeVisible();
    if (i === 0) await saveScreens(page, 'signer-commitment');
    await by(coordinator, 'signing-commitment-text').fill(await codeText(page, 'signer-commitment-text'));
    await by(coordinator, 'signing-commitment-add').click();
    await expect(by(coordinator, 'signing-commit-progress')).toContainText(`${i + 1} of 2`);
  }
  await by(coordinator, 'signing-make-request').click();
  await expect(by(coordinator, 'signing-request')).toBeVisible();
  // The hash the signers' laptops compare aloud, with its words, beside the request code.
  await expect(by(coordinator, 'signing-message-hash-words')).toHaveAttribute('data-words', spokenText(status.messageHash));
  await saveScreens(coordinator, 'signing-request');
  const request = await codeText(coordinator, 'signing-request-text');

  // Each signer reads the request: the same message and hash as the coordinator's screen; signs once.
  for (const [i, page] of signers.entries()) {
    await by(page, 'signer-request-text').fill(request);
    await by(page, 'signer-request-add').click();
    await expect(by(page, 'signer-message')).toHaveText('keyshard');
    await expect(by(page, 'signer-message-hash')).toHaveText(hash);
    await expect(by(page, 'signer-message-hash-words')).toHaveAttribute('data-words', spokenText(status.messageHash));
    if (i === 0) await saveScreens(page, 'signer-request');
    await by(page, 'signer-sign').click();
    await expect(by(page, 'signer-signed')).toBeVisible();
    if (i === 0) {
      await saveScreens(page, 'signer-share');
      // A second signature with the same nonce state is refused, with what to do.
      await by(page, 'signer-sign-again').click();
      await expect(by(page, 'signer-error')).toHaveAttribute('data-code', 'FROST_NONCE_USED');
      await expect(by(page, 'signer-error-message')).toContainText('never used twice');
      await saveScreens(page, 'signer-nonce-used');
    }
    await by(coordinator, 'signing-share-text').fill(await codeText(page, 'signer-share-text'));
    await by(coordinator, 'signing-share-add').click();
    await expect(by(coordinator, 'signing-shares-progress')).toContainText(`${i + 1} of 2`);
  }
  await by(coordinator, 'signing-aggregate').click();
  await signOff('signature', 'signing-signoff-signature');
  await expect(by(coordinator, 'signing-signature-step')).toBeVisible();
  await saveScreens(coordinator, 'signing-signature');
  await by(coordinator, 'signing-seal').click();
  await signOff('seal');
  await expect(by(coordinator, 'signing-sealed')).toBeVisible();
  await saveScreens(coordinator, 'signing-sealed');

  // What main recorded: the signature verifies with plain Ed25519 under the group key; the transcript is a signing.
  const s = coordinatorHost.coordinator.status()!;
  expect(ed25519.verify(hexToBytes(s.signature!), new TextEncoder().encode('keyshard'), hexToBytes(s.verifyingKey!))).toBe(true);
  const v = verifyTranscriptText(coordinatorHost.coordinator.transcriptText(), { expectedHeadHash: s.finalHash! });
  expect(v.ok).toBe(true);
  expect(checkKindSteps((v as VerifyOk).entries).ok).toBe(true);
  expect(checkSigningTranscript(v as VerifyOk)?.keyCeremony.finalHash).toBe(kc.transcript.headHash);
  await expect(by(coordinator, 'signing-final-hash-shown')).toContainText(s.finalHash!.slice(0, 4));

  // "Save the transcript": a new file named in main's save dialog; the CLI accepts it as this sealed signing.
  const saved = join(dir, 'signing-transcript.json');
  coordinatorApp.backend.answerDialog(saved);
  await by(coordinator, 'signing-save-choose').click();
  await expect(by(coordinator, 'signing-save-saved')).toContainText('signing-transcript.json');
  expect(coordinatorApp.backend.dialogPurposes.filter((x) => x === 'transcript-file')).toHaveLength(1);
  expect(readFileSync(saved, 'utf8')).toBe(coordinatorHost.coordinator.transcriptText());
  const cli = await cliVerify(saved, ['--final-hash', paper(s.finalHash!)]);
  expect(cli.code).toBe(0);
  expect([cli.report.ceremonyKind, cli.report.sealed]).toEqual(['signing', true]);
  await saveScreens(coordinator, 'signing-saved');
  // The same name again: main never writes over a file; the screen says so and the file is unchanged.
  coordinatorApp.backend.answerDialog(saved);
  await by(coordinator, 'signing-save-choose').click();
  await expect(by(coordinator, 'signing-error')).toHaveAttribute('data-code', 'FILE_EXISTS');
  expect(readFileSync(saved, 'utf8')).toBe(coordinatorHost.coordinator.transcriptText());
});

test('a signing aborted on the coordinator\'s screen: the abort is recorded and the saved transcript verifies', async ({ launch }) => {
  const h = host();
  const app = await launch({ deps: { signing: h } });
  await app.open('sign');
  const page = app.page;
  await by(page, 'signing-source').setInputFiles(transcriptPath);
  await by(page, 'signing-message').fill('never signed');
  // The final hash typed as its 20 words to read aloud (issue 14.2): a word not on the list is named by position...
  const words = spokenText(kc.transcript.headHash).split(' ');
  await by(page, 'signing-final-hash').fill([...words.slice(0, 2), 'abcd', ...words.slice(3)].join(' '));
  await by(page, 'signing-start').click();
  await expect(by(page, 'signing-error')).toHaveAttribute('data-code', 'READ_ALOUD_WORD');
  await expect(by(page, 'signing-error-message')).toContainText('Word 3 is');
  // ...and the right words start the signing against this transcript.
  await by(page, 'signing-final-hash').fill(words.join(' '));
  await by(page, 'signing-start').click();
  await expect(by(page, 'signing-commitments')).toBeVisible();
  await by(page, 'signing-abort').click();
  await expect(by(page, 'signing-aborted')).toBeVisible();
  await saveScreens(page, 'signing-aborted');
  const saved = join(dir, 'aborted-signing.json');
  app.backend.answerDialog(saved);
  await by(page, 'signing-save-choose').click();
  await expect(by(page, 'signing-save-saved')).toBeVisible();
  // An aborted record is not a sealed one: the CLI refuses it as such, and lists it with --allow-unsealed.
  expect((await cliVerify(saved)).code).not.toBe(0);
  const cli = await cliVerify(saved, ['--allow-unsealed']);
  expect(cli.code).toBe(0);
  expect([cli.report.ceremonyKind, cli.report.sealed]).toEqual(['signing', false]);
  const v = verifyTranscriptText(readFileSync(saved, 'utf8')) as VerifyOk;
  expect(v.entries.at(-1)?.kind).toBe('abort');
});

test("a custodian's shard checked against the record alone; a witness signs the receipt", async ({ launch }) => {
  const session = await launch({ deps: { signing: host() } });
  await session.open('custody');
  const page = session.page;
  await by(page, 'custody-source').setInputFiles(transcriptPath);
  await by(page, 'custody-final-hash').fill(paper(kc.transcript.headHash));
  await by(page, 'custody-shard-text').fill(shards[1]!);
  session.backend.answerDialog(session.backend.witnessKeyFile('wendy'));
  await by(page, 'custody-witness-key-file').click();
  await expect(by(page, 'custody-witness-key-file-name')).toBeVisible();
  await by(page, 'custody-witness-passphrase').fill(witnessPassphrase('wendy'));
  await saveScreens(page, 'custody-check');
  await by(page, 'custody-witness-sign').click();
  await expect(by(page, 'custody-result')).toHaveAttribute('data-result', 'verified');
  await expect(by(page, 'custody-verdict')).toContainText('bob');
  // The shard's fingerprint with its words: they stand for the 32 digits shown beside them.
  const shardHex = ((await by(page, 'custody-result').locator('p', { has: by(page, 'custody-shard-fingerprint-words') }).locator('span.mono').first().textContent()) ?? '').replace(/\s/g, '');
  await expect(by(page, 'custody-shard-fingerprint-words')).toHaveAttribute('data-words', spokenText(shardHex));
  await expect(by(page, 'custody-signed')).toContainText('wendy');
  await saveScreens(page, 'custody-receipt');
  const saved = join(dir, 'custody-transcript.json');
  session.backend.answerDialog(saved);
  await by(page, 'custody-save-choose').click();
  await expect(by(page, 'custody-save-saved')).toContainText('custody-transcript.json');
  const cli = await cliVerify(saved, ['--final-hash', (await by(page, 'custody-final-hash-shown').textContent()) ?? '']);
  expect(cli.code).toBe(0);
  expect([cli.report.ceremonyKind, cli.report.sealed]).toEqual(['custody-check', true]);
});
