/**
 * Refresh and repair from the start screen (issue 17): a sealed key ceremony's transcript is chosen, the quorum's
 * shards typed in, the new (or repaired) shares handed over one custodian at a time and typed back, the shares wiped
 * and the transcript sealed; the sealed transcript verifies as its ceremony kind. The refresh is witnessed: the witness's
 * key file is chosen in main's dialog at the start and each catalogue sign-off checkpoint waits for their passphrase.
 * Screens saved through saveScreens.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex } from '@noble/hashes/utils.js';
import { checkKindSteps } from '../../core/ceremony-kinds/transcript-steps';
import { checkKindContent } from '../../core/kind-content';
import { spokenText } from '../../core/read-aloud';
import { verifyTranscriptText } from '../../core/transcript';
import { transcriptEnd } from '../../core/transcript-status';
import { transcriptCommands } from '../../electron/cli/commands/transcript';
import { runCli } from '../../electron/cli/main';
import { createLifecycleService } from '../../electron/services/lifecycle/index';
import { generateAgeIdentity } from '../../electron/services/protection/age';
import { protectShardText } from '../../electron/services/protection/index';
import type { RemovableDrive } from '../../electron/services/usb/types';
import { nodeRandom, shareOfText, shardText, vssKeyCeremony } from '../helpers/lifecycle-fixture';
import { expect, test } from './fixtures';
import { witnessPassphrase } from './backend';
import { saveScreens } from './harness';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-lifecycle-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quiet = { check: async () => ({ ok: true, interfaces: [{ name: 'lo', up: true, kind: 'loopback' }] }) };

function verified(path: string, kind: string) {
  const v = verifyTranscriptText(readFileSync(path, 'utf8'));
  expect(v.ok).toBe(true);
  if (!v.ok) throw new Error(v.reason);
  const steps = checkKindSteps(v.entries);
  expect(steps.ok && steps.kind.id).toBe(kind);
  expect(checkKindContent(kind, v)).toEqual({ ok: true });
  expect(transcriptEnd(v).status).toBe('sealed');
  return v;
}

test('refresh shares with a witness: three custodians get new shares of the same key; Wendy signs off each checkpoint; the sealed transcript verifies', async ({ launch }) => {
  const kc = vssKeyCeremony('ed25519', 2, 3);
  const source = join(dir, 'key-ceremony-refresh.json');
  writeFileSync(source, kc.text);
  const lifecycle = createLifecycleService({ clock: () => new Date(), random: nodeRandom, transcriptDir: join(dir, 'refresh'), airgap: quiet });
  const app = await launch({ deps: { lifecycle } });
  const { page } = app;
  await app.open('');
  await page.getByTestId('start-refresh').click();
  await expect(page.getByTestId('lifecycle-setup')).toBeVisible();
  await page.getByTestId('lifecycle-source').setInputFiles(source);
  await expect(page.getByTestId('lifecycle-source-loaded')).toBeVisible();
  // The final hash typed as its 20 words to read aloud (issue 14.2): main takes them as the hash's first 128 bits.
  await page.getByTestId('lifecycle-final-hash').fill(spokenText(kc.verified.headHash));
  await page.getByTestId('lifecycle-custodians').fill('1 Alice\n2 Bob\n3 Carol');
  // The witness's key file, chosen in main's dialog (answered here); main reads it and answers her id.
  app.backend.answerDialog(app.backend.witnessKeyFile('wendy'));
  await page.getByTestId('lifecycle-witness-file').click();
  await expect(page.getByTestId('lifecycle-witnesses-loaded')).toContainText('wendy');
  expect(app.backend.dialogPurposes).toContain('witness-key');
  await saveScreens(page, 'lifecycle-refresh-setup');
  await page.getByTestId('lifecycle-start').click();
  await expect(page.getByTestId('lifecycle-airgap')).toBeVisible();
  await expect(page.getByTestId('lifecycle-fingerprint')).toBeVisible();
  await expect(page.getByTestId('lifecycle-fingerprint-words')).toHaveAttribute('data-words', spokenText((await lifecycle.status()).groupFingerprint!.hex));
  await saveScreens(page, 'lifecycle-refresh-airgap');
  await page.getByTestId('lifecycle-check-airgap').click();
  // Each catalogue checkpoint with a sign-off waits for the witness: a wrong passphrase is refused and nothing moves.
  const signOff = async (checkpoint: string, screen?: string): Promise<void> => {
    await expect(page.getByTestId('lifecycle-signoff')).toHaveAttribute('data-checkpoint', checkpoint);
    if (screen !== undefined) await saveScreens(page, screen);
    await page.getByTestId('lifecycle-signoff-passphrase').fill(witnessPassphrase('wendy'));
    await page.getByTestId('lifecycle-signoff-sign').click();
    await expect(page.getByTestId('lifecycle-signoff')).toHaveCount(0);
  };
  await expect(page.getByTestId('lifecycle-signoff')).toHaveAttribute('data-checkpoint', 'airgap-check');
  await page.getByTestId('lifecycle-signoff-passphrase').fill('not-her-passphrase');
  await page.getByTestId('lifecycle-signoff-sign').click();
  await expect(page.getByTestId('lifecycle-error')).toBeVisible();
  await saveScreens(page, 'lifecycle-refresh-signoff-refused');
  await signOff('airgap-check');
  await expect(page.getByTestId('lifecycle-quorum')).toBeVisible();
  for (let i = 0; i < 3; i++) {
    await page.getByTestId('lifecycle-shard-text').fill(shardText(kc.deal, i));
    await page.getByTestId('lifecycle-add-share').click();
    if (i < 2) await expect(page.getByTestId('lifecycle-quorum-progress')).toContainText(`${i + 1}`);
    if (i === 0) {
      await saveScreens(page, 'lifecycle-refresh-quorum');
      // The third input choice: a custodian's token, read by the recovery screen's token chooser and PIN field; back to typing.
      await page.getByTestId('lifecycle-token-toggle').click();
      await expect(page.getByTestId('token-input')).toBeVisible();
      await expect(page.getByTestId('lifecycle-shard-text')).toHaveCount(0);
      await expect(page.getByTestId('lifecycle-usb-toggle')).toHaveCount(0);
      await expect(page.getByTestId('lifecycle-token-toggle')).toHaveText('Type the shard text instead');
      await saveScreens(page, 'lifecycle-refresh-quorum-token');
      await page.getByTestId('lifecycle-token-toggle').click();
      await expect(page.getByTestId('lifecycle-shard-text')).toBeVisible();
    }
  }
  await expect(page.getByTestId('lifecycle-make')).toBeVisible();
  await saveScreens(page, 'lifecycle-refresh-make');
  await page.getByTestId('lifecycle-make-button').click();
  await signOff('refresh', 'lifecycle-refresh-signoff');
  await expect(page.getByTestId('lifecycle-handoffs')).toBeVisible();
  const fresh = [];
  for (const [i, id] of ['custodian-1', 'custodian-2', 'custodian-3'].entries()) {
    await page.getByTestId(`lifecycle-show-${id}`).click();
    await expect(page.getByTestId('lifecycle-handoff')).toBeVisible();
    const text = (await page.getByTestId('lifecycle-paper-text').textContent()) ?? '';
    if (i === 0) await saveScreens(page, 'lifecycle-refresh-handoff');
    fresh.push(shareOfText(text));
    await page.getByTestId('lifecycle-type-back').fill(text);
    await page.getByTestId('lifecycle-confirm').click();
    await signOff('confirm');
    await expect(page.getByTestId(`lifecycle-confirmed-${id}`).or(page.getByTestId('lifecycle-destroy'))).toBeVisible();
  }
  await expect(page.getByTestId('lifecycle-destroy')).toBeVisible();
  await saveScreens(page, 'lifecycle-refresh-destroy');
  await page.getByTestId('lifecycle-destroy-button').click();
  await signOff('destroy');
  await page.getByTestId('lifecycle-seal-button').click();
  await signOff('seal');
  await expect(page.getByTestId('lifecycle-sealed')).toBeVisible();
  await saveScreens(page, 'lifecycle-refresh-sealed');
  const status = await lifecycle.status();
  const v = verified(status.transcriptPath, 'refresh');
  // Wendy's key is pinned in the plan and her signature is on every catalogue sign-off checkpoint; the CLI's
  // `keyshard transcript verify` accepts the file as a sealed refresh with those signatures.
  expect(v.witnessesPinned && v.witnesses.map((x) => x.id)).toEqual(['wendy']);
  const signedKinds = ['airgap-check', 'refresh', 'confirm', 'confirm', 'confirm', 'destroy', 'seal'];
  expect(v.signoffs.filter((x) => x.witnesses.length > 0).map((x) => x.kind)).toEqual(signedKinds);
  let out = '';
  const io = { readStdin: async () => '', stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t) };
  expect(await runCli(['transcript', 'verify', status.transcriptPath, '--final-hash', v.headHash, '--json'], io, transcriptCommands)).toBe(0);
  const cli = JSON.parse(out) as { ceremonyKind: string; sealed: boolean; signoffs: { kind: string; witnesses: unknown[] }[] };
  expect(cli.ceremonyKind).toBe('refresh');
  expect(cli.sealed).toBe(true);
  expect(cli.signoffs.filter((x) => x.witnesses.length > 0).map((x) => x.kind)).toEqual(signedKinds);
  await expect(page.getByTestId('lifecycle-final-hash-shown')).toHaveAttribute('data-hash', v.headHash);
  await expect(page.getByTestId('lifecycle-final-hash-words')).toHaveAttribute('data-words', spokenText(v.headHash));
  // New shares are not the old ones, and no answer but the handoff carried a share.
  for (const [i, s] of fresh.entries()) expect(bytesToHex(s.signingShare)).not.toBe(bytesToHex(kc.deal.shares[i]!.signingShare));
  const secrets = [...kc.deal.shares, ...fresh].map((s) => bytesToHex(s.signingShare));
  for (const a of app.answers.filter((x) => x.channel !== 'lifecycle:handoff')) for (const s of secrets) expect(a.json.includes(s)).toBe(false);
});

test('repair a lost share: two helpers rebuild share 3, equal to the lost one; the sealed transcript verifies', async ({ launch }) => {
  const kc = vssKeyCeremony('secp256k1', 2, 3);
  const source = join(dir, 'key-ceremony-repair.json');
  writeFileSync(source, kc.text);
  const lifecycle = createLifecycleService({ clock: () => new Date(), random: nodeRandom, transcriptDir: join(dir, 'repair'), airgap: quiet });
  const app = await launch({ deps: { lifecycle } });
  const { page } = app;
  await app.open('');
  await page.getByTestId('start-repair').click();
  await page.getByTestId('lifecycle-source').setInputFiles(source);
  await page.getByTestId('lifecycle-curve').selectOption('secp256k1');
  await page.getByTestId('lifecycle-lost').fill('3');
  await page.getByTestId('lifecycle-lost-name').fill('Carol');
  await saveScreens(page, 'lifecycle-repair-setup');
  await page.getByTestId('lifecycle-start').click();
  await page.getByTestId('lifecycle-check-airgap').click();
  // The lost share itself is refused: its custodian has it after all.
  await page.getByTestId('lifecycle-shard-text').fill(shardText(kc.deal, 2));
  await page.getByTestId('lifecycle-add-share').click();
  await expect(page.getByTestId('lifecycle-error')).toBeVisible();
  await saveScreens(page, 'lifecycle-repair-refused');
  for (const i of [0, 1]) {
    await page.getByTestId('lifecycle-shard-text').fill(shardText(kc.deal, i));
    await page.getByTestId('lifecycle-add-share').click();
    if (i === 0) await expect(page.getByTestId('lifecycle-notice')).toBeVisible();
  }
  await page.getByTestId('lifecycle-make-button').click();
  await page.getByTestId('lifecycle-show-custodian-3').click();
  const text = (await page.getByTestId('lifecycle-paper-text').textContent()) ?? '';
  expect(bytesToHex(shareOfText(text).signingShare)).toBe(bytesToHex(kc.deal.shares[2]!.signingShare));
  await saveScreens(page, 'lifecycle-repair-handoff');
  await page.getByTestId('lifecycle-type-back').fill(text);
  await page.getByTestId('lifecycle-confirm').click();
  await page.getByTestId('lifecycle-destroy-button').click();
  await page.getByTestId('lifecycle-seal-button').click();
  await expect(page.getByTestId('lifecycle-sealed')).toBeVisible();
  await saveScreens(page, 'lifecycle-repair-sealed');
  verified((await lifecycle.status()).transcriptPath, 'repair');
  await page.getByTestId('lifecycle-done').click();
  await expect(page.getByTestId('start-repair')).toBeVisible();
});

test('repair with two witnesses: each checkpoint signed off (Walter chosen for the repair itself); the saved transcript verifies in the CLI', async ({ launch }) => {
  const kc = vssKeyCeremony('ed25519', 2, 3);
  const source = join(dir, 'key-ceremony-witnessed-repair.json');
  writeFileSync(source, kc.text);
  const lifecycle = createLifecycleService({ clock: () => new Date(), random: nodeRandom, transcriptDir: join(dir, 'witnessed-repair'), airgap: quiet });
  const app = await launch({ deps: { lifecycle } });
  const { page } = app;
  await app.open('');
  await page.getByTestId('start-repair').click();
  await page.getByTestId('lifecycle-source').setInputFiles(source);
  await page.getByTestId('lifecycle-final-hash').fill(kc.verified.headHash);
  await page.getByTestId('lifecycle-lost').fill('2');
  await page.getByTestId('lifecycle-lost-name').fill('Bob');
  for (const id of ['wendy', 'walter']) {
    app.backend.answerDialog(app.backend.witnessKeyFile(id));
    await page.getByTestId('lifecycle-witness-file').click();
    await expect(page.getByTestId('lifecycle-witnesses-loaded')).toContainText(id);
  }
  await expect(page.getByTestId('lifecycle-witnesses-loaded')).toHaveAttribute('data-count', '2');
  await saveScreens(page, 'lifecycle-repair-witnessed-setup');
  await page.getByTestId('lifecycle-start').click();
  await page.getByTestId('lifecycle-check-airgap').click();
  // Who signs each checkpoint: Wendy by default (the first loaded), Walter chosen in the sign-off's witness list.
  const signed: { checkpoint: string; by: string }[] = [];
  const signOff = async (checkpoint: string, by: 'wendy' | 'walter', screen?: string): Promise<void> => {
    const panel = page.getByTestId('lifecycle-signoff');
    await expect(panel).toHaveAttribute('data-checkpoint', checkpoint);
    await page.getByTestId('lifecycle-signoff-witness').selectOption(by);
    await expect(page.getByTestId('lifecycle-signoff-sign')).toContainText(by);
    await page.getByTestId('lifecycle-signoff-passphrase').fill(witnessPassphrase(by));
    if (screen !== undefined) await saveScreens(page, screen);
    await page.getByTestId('lifecycle-signoff-sign').click();
    await expect(panel).toHaveCount(0);
    signed.push({ checkpoint, by });
  };
  await signOff('airgap-check', 'wendy');
  for (const i of [0, 2]) {
    await page.getByTestId('lifecycle-shard-text').fill(shardText(kc.deal, i));
    await page.getByTestId('lifecycle-add-share').click();
    if (i === 0) await expect(page.getByTestId('lifecycle-notice')).toBeVisible();
  }
  await page.getByTestId('lifecycle-make-button').click();
  // Walter's passphrase does not open Wendy's key: refused, nothing recorded, the checkpoint still waits.
  await expect(page.getByTestId('lifecycle-signoff')).toHaveAttribute('data-checkpoint', 'repair');
  await page.getByTestId('lifecycle-signoff-witness').selectOption('wendy');
  await page.getByTestId('lifecycle-signoff-passphrase').fill(witnessPassphrase('walter'));
  await page.getByTestId('lifecycle-signoff-sign').click();
  await expect(page.getByTestId('lifecycle-error')).toBeVisible();
  await expect(page.getByTestId('lifecycle-signoff')).toHaveAttribute('data-checkpoint', 'repair');
  // Walter steps in: Wendy's refusal is not about him, so it goes (it stayed up before).
  await page.getByTestId('lifecycle-signoff-witness').selectOption('walter');
  await expect(page.getByTestId('lifecycle-error')).toHaveCount(0);
  await signOff('repair', 'walter', 'lifecycle-repair-witnessed-signoff');
  await page.getByTestId('lifecycle-show-custodian-2').click();
  const text = (await page.getByTestId('lifecycle-paper-text').textContent()) ?? '';
  expect(bytesToHex(shareOfText(text).signingShare)).toBe(bytesToHex(kc.deal.shares[1]!.signingShare));
  await page.getByTestId('lifecycle-type-back').fill(text);
  await page.getByTestId('lifecycle-confirm').click();
  await signOff('confirm', 'wendy');
  await page.getByTestId('lifecycle-destroy-button').click();
  await signOff('destroy', 'wendy');
  await page.getByTestId('lifecycle-seal-button').click();
  await signOff('seal', 'walter');
  await expect(page.getByTestId('lifecycle-sealed')).toBeVisible();
  await saveScreens(page, 'lifecycle-repair-witnessed-sealed');

  // The transcript main saved: both keys pinned, each catalogue checkpoint signed by the witness who signed it on
  // screen, and `keyshard transcript verify` accepts it as a sealed repair with the final hash the screen shows.
  const status = await lifecycle.status();
  const v = verified(status.transcriptPath, 'repair');
  expect(v.witnessesPinned && v.witnesses.map((x) => x.id).sort()).toEqual(['walter', 'wendy']);
  const bySignoff = v.signoffs.filter((x) => x.witnesses.length > 0).map((x) => ({ checkpoint: x.kind, by: x.witnesses.map((w) => w.id).join(',') }));
  expect(bySignoff).toEqual(signed);
  await expect(page.getByTestId('lifecycle-final-hash-shown')).toHaveAttribute('data-hash', v.headHash);
  let out = '';
  const io = { readStdin: async () => '', stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t) };
  expect(await runCli(['transcript', 'verify', status.transcriptPath, '--final-hash', v.headHash, '--json'], io, transcriptCommands)).toBe(0);
  const cli = JSON.parse(out) as { ceremonyKind: string; sealed: boolean; signoffs: { kind: string; witnesses: unknown[] }[] };
  expect(cli.ceremonyKind).toBe('repair');
  expect(cli.sealed).toBe(true);
  expect(cli.signoffs.filter((x) => x.witnesses.length > 0).map((x) => x.kind)).toEqual(signed.map((x) => x.checkpoint));
  // One character changed in the saved file: verify refuses it (exit not 0).
  const tampered = join(dir, 'witnessed-repair-tampered.json');
  const saved = readFileSync(status.transcriptPath, 'utf8');
  expect(saved).toContain('"Bob"');
  writeFileSync(tampered, saved.replace('"Bob"', '"Bib"'));
  expect(await runCli(['transcript', 'verify', tampered, '--final-hash', v.headHash, '--json'], io, transcriptCommands)).not.toBe(0);
});

test("repair with helpers' shard files read from a USB stick (plain, then age with a wrong key first): main reads the listed drive's files; the repaired share is the lost one", async ({ launch }) => {
  const kc = vssKeyCeremony('secp256k1', 2, 3);
  const source = join(dir, 'key-ceremony-usb-repair.json');
  writeFileSync(source, kc.text);
  // The service lists the drives the test's main lists (the backend's sticks), when a share is added.
  let listDrives: () => Promise<readonly RemovableDrive[]> = async () => [];
  const lifecycle = createLifecycleService({ clock: () => new Date(), random: nodeRandom, transcriptDir: join(dir, 'usb-repair'), airgap: quiet, listDrives: () => listDrives() });
  const app = await launch({ deps: { lifecycle } });
  listDrives = async () => (await app.backend.deps.listDrives?.()) ?? [];
  const stick = app.backend.drive('ALICE-STICK');
  const file = `keyshard-${'01'.repeat(16)}-c0.txt`; // the fixture's ceremony id; custodian 1's shard
  writeFileSync(join(stick, file), shardText(kc.deal, 0));
  const keys = join(dir, 'usb-repair-keys');
  mkdirSync(keys, { recursive: true });
  const [bob, carol] = [await generateAgeIdentity(), await generateAgeIdentity()];
  writeFileSync(join(keys, 'bob.age-identity.txt'), `${bob.identity}\n`);
  writeFileSync(join(keys, 'carol.age-identity.txt'), `${carol.identity}\n`);
  const bobName = `keyshard-${'01'.repeat(16)}-c1.age`;
  const bobStick = app.backend.drive('BOB-STICK');
  writeFileSync(join(bobStick, bobName), (await protectShardText(new TextEncoder().encode(shardText(kc.deal, 1)), { kind: 'age', recipient: bob.recipient })).data);
  const { page } = app;
  await app.open('');
  await page.getByTestId('start-repair').click();
  await page.getByTestId('lifecycle-source').setInputFiles(source);
  await page.getByTestId('lifecycle-curve').selectOption('secp256k1');
  await page.getByTestId('lifecycle-lost').fill('3');
  await page.getByTestId('lifecycle-lost-name').fill('Carol');
  await page.getByTestId('lifecycle-start').click();
  await page.getByTestId('lifecycle-check-airgap').click();
  await page.getByTestId('lifecycle-usb-toggle').click();
  // Each helper's stick: Alice's is chosen and its shard file listed; opening it sends main the drive and file name only.
  await expect(page.getByTestId('usb-drive')).toHaveCount(2);
  await page.locator('[data-testid="usb-drive"][data-label="ALICE-STICK"]').click();
  const listed = page.getByTestId('usb-file');
  await expect(listed).toHaveAttribute('data-file', file);
  await saveScreens(page, 'lifecycle-repair-usb');
  await listed.getByTestId('usb-file-open').click();
  await expect(page.getByTestId('lifecycle-quorum-progress')).toContainText('1');
  await expect(page.getByTestId('lifecycle-notice')).toBeVisible();
  expect(app.ipcCalls).toContain('recovery:drive-shards');
  // Main's answers to the page name the file at most, never the share it holds.
  for (const a of app.answers) expect(a.json.includes(bytesToHex(kc.deal.shares[0]!.signingShare))).toBe(false);
  // Bob's file on his stick is sealed with age: Carol's key is refused and the key step stays open; his opens it.
  await page.locator('[data-testid="usb-drive"][data-label="BOB-STICK"]').click();
  await expect(page.getByTestId('usb-file')).toHaveAttribute('data-file', bobName);
  await page.getByTestId('usb-file-open').click();
  await expect(page.getByTestId('key-step')).toBeVisible();
  await page.getByTestId('key-file').setInputFiles(join(keys, 'carol.age-identity.txt'));
  await page.getByTestId('open-shard-file').click();
  await expect(page.getByTestId('lifecycle-error')).toHaveAttribute('data-code', 'ENVELOPE_DECRYPT');
  await expect(page.getByTestId('key-step')).toBeVisible();
  await expect(page.getByTestId('lifecycle-quorum-progress')).toContainText('1 of 2');
  await saveScreens(page, 'lifecycle-repair-usb-wrong-key');
  await page.getByTestId('key-file').setInputFiles(join(keys, 'bob.age-identity.txt'));
  await page.getByTestId('open-shard-file').click();
  await page.getByTestId('lifecycle-make-button').click();
  await page.getByTestId('lifecycle-show-custodian-3').click();
  const text = (await page.getByTestId('lifecycle-paper-text').textContent()) ?? '';
  expect(bytesToHex(shareOfText(text).signingShare)).toBe(bytesToHex(kc.deal.shares[2]!.signingShare));
  await page.getByTestId('lifecycle-type-back').fill(text);
  await page.getByTestId('lifecycle-confirm').click();
  await page.getByTestId('lifecycle-destroy-button').click();
  await page.getByTestId('lifecycle-seal-button').click();
  await expect(page.getByTestId('lifecycle-sealed')).toBeVisible();
  verified((await lifecycle.status()).transcriptPath, 'repair');
});
