/**
 * Recovery from custodians' devices, end to end through the screens, the real recovery service and (for tokens) the
 * real PKCS#11 host on SoftHSM2 tokens made for each test (backend `hsm: true`). Each ceremony is made in the test's
 * set-up through the backend's ceremony host (no screens), and its transcript is loaded in the recovery's first step.
 *
 * 1. Tokens: a P-256 key split 2-of-3 with every shard on its custodian's token. On the "HSM token" tab: a token with
 *    no shard of the ceremony, a wrong PIN, a token pulled out before reading - each refused with what to do, nothing
 *    disturbed; Alice's and Bob's tokens with their PINs; the fingerprint matches; the key is imported into a vault
 *    token (a wrong PIN first), which reports it sensitive and not extractable. No PIN is in the page or in any answer
 *    main sent it (the envelopes the harness recorded).
 * 2. USB drives: a seed split 2-of-3, Bob's and Carol's shards written by the ceremony to their sticks, encrypted to
 *    their age keys. On the "USB drive" tab: both drives, the shard files on each with whose they are (and a stray
 *    temporary file and another ceremony's file, listed as such); a wrong key; a file changed on the stick (refused by
 *    its tag); the right keys; the fingerprint matches. A seed cannot go into a token: that choice says so.
 * 3. A token-sealed (.p11) shard file on a drive: an unprotected file added without a key, then the sealed one opened
 *    on the custodian's token (another token refused first).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { p256 } from '@noble/curves/nist.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { generateAgeIdentity, protectEnvelopeText } from '../../electron/services/protection/index';
import { shardFileName } from '../../electron/services/usb/shard-files';
import { given, shownShards } from '../services/ceremony-harness';
import { closeOpenedPorts, makeSoftHsm, openSoftHsmPort, type SoftHsm } from '../hsm/softhsm';
import { createCeremonyBackend, type CeremonyBackend } from './backend';
import { custodian, OFFLINE, plan, runCeremony } from './fixtures/device-ceremony';
import { makeCeremony } from './fixtures/recovery-ceremony';
import { expect, test } from './fixtures';
import { expectNoAnswerContains, saveScreens } from './harness';
import { RecoveryPage } from './pages/recovery-page';

/** PINs that cannot turn up by chance in the page. */
const PIN = 'Pin-7q!Kx';
const WRONG_PIN = 'Wrong-3z?Vv';

let env: SoftHsm | undefined;
let backend: CeremonyBackend | undefined;

test.afterEach(async () => {
  await backend?.shutdown();
  backend?.remove();
  backend = undefined;
  env?.cleanup();
  env = undefined;
});

test('recovers a token-held key from two tokens by the screens and imports it into a vault token', async ({ launch }) => {
  env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token', 'spare-token', 'vault-token'], { pin: PIN });
  backend = createCeremonyBackend({ hsm: true, airgap: OFFLINE });
  const tokenCustodian = (id: string, name: string, member: number) => custodian(id, name, member, { medium: 'pkcs11', protection: { type: 'pkcs11', tokenLabel: `${id}-token` } });
  const ceremony = await runCeremony(
    backend,
    plan('Payments signing key', { type: 'new-key', curve: 'p256' }, [tokenCustodian('alice', 'Alice', 0), tokenCustodian('bob', 'Bob', 1), tokenCustodian('carol', 'Carol', 2)]),
    () => ({ pin: PIN }),
    () => ({ method: 'read-back-pkcs11', pin: PIN }),
    { tokens: [{ custodianId: 'alice', pin: PIN }, { custodianId: 'carol', pin: PIN }] },
  );

  const app = await launch({ backend });
  const { page } = app;
  await app.open('recover');
  const r = new RecoveryPage(page);
  // With the final hash from the paper record: verified, so the key may go into a token.
  await r.loadTranscript(ceremony.transcriptPath, { finalHash: ceremony.headHash });
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');
  await expect(r.id('expect-bar')).toContainText('Payments signing key');
  await expect(r.id('expect-bar')).toHaveAttribute('data-trust', 'final-hash');

  // The "HSM token" tab: SoftHSM2 is found and used; every token is listed with what it can do.
  await r.method('token');
  await expect(r.id('module-info')).toContainText('SoftHSM');
  await expect(r.id('token-picker-alice-token')).toBeVisible();
  await expect(r.id('token-picker-alice-token-verdict')).toHaveAttribute('data-ok', 'true');
  await saveScreens(page, 'recovery-token-choose');

  // A token with no shard of this ceremony.
  await r.readToken('spare-token', PIN);
  await r.expectOutcome('rejected', 1);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'HSM_OBJECT_NOT_FOUND');
  await expect(r.id('shard-error-message')).toContainText('holds no shard of this ceremony');
  await expect(r.id('shard-error-todo')).toContainText("Plug in this custodian's own token");
  await expect(r.id('token-pin')).toHaveValue('');
  await saveScreens(page, 'recovery-token-no-shard');

  // Alice's token with a wrong PIN: refused, the PIN field empty and focused again.
  await r.chooseToken('alice-token');
  await r.typePinAndSubmit(WRONG_PIN);
  await r.expectOutcome('rejected', 2);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'HSM_PIN_INCORRECT');
  await expect(r.id('shard-error-todo')).toContainText('types the PIN again');
  await expect(r.id('token-pin')).toHaveValue('');
  await expect(r.id('token-pin')).toBeFocused();
  await expect(r.held()).toHaveCount(0);
  await saveScreens(page, 'recovery-token-wrong-pin');

  // The right PIN.
  await r.typePinAndSubmit(PIN);
  await r.expectOutcome('accepted', 3);
  await expect(r.outcome()).toContainText('Alice');
  await expect(r.outcome()).toContainText('from token alice-token');
  await expect(r.held()).toHaveCount(1);
  await expect(r.held().first()).toHaveAttribute('data-source', 'token');
  await saveScreens(page, 'recovery-token-accepted');

  // Carol's token, chosen and then pulled out before it is read.
  await r.chooseToken('carol-token');
  env.removeToken('carol-token');
  await r.typePinAndSubmit(PIN);
  await r.expectOutcome('rejected', 4);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'HSM_TOKEN_ABSENT');
  await expect(r.id('shard-error-todo')).toContainText('Plug the token in');
  await expect(r.held()).toHaveCount(1);
  await saveScreens(page, 'recovery-token-removed');

  // Bob's token: enough shards.
  await r.readToken('bob-token', PIN);
  await r.expectOutcome('accepted', 5);
  await expect(r.held()).toHaveCount(2);
  await expect(r.id('finish')).toBeEnabled();
  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'verified');
  await expect(r.id('recovered-fingerprint-display')).toHaveText(ceremony.display);
  await saveScreens(page, 'recovery-token-match');

  // Import into the vault token: a wrong PIN first, then the right one.
  await r.importToToken('vault-token', WRONG_PIN, 'payments-key');
  await expect(r.id('hsm-import-error')).toHaveAttribute('data-code', 'HSM_PIN_INCORRECT');
  await expect(r.id('hsm-import-pin')).toHaveValue('');
  await saveScreens(page, 'recovery-token-import-wrong-pin');
  await r.typePinAndSubmit(PIN, 'hsm-import');
  const imported = r.id('hsm-imported');
  await expect(imported).toBeVisible();
  await expect(imported).toHaveAttribute('data-token', 'vault-token');
  await expect(imported).toHaveAttribute('data-key-label', 'payments-key');
  await expect(imported).toHaveAttribute('data-sensitive', 'true');
  await expect(imported).toHaveAttribute('data-extractable', 'false');
  await expect(imported).toHaveAttribute('data-value-readable', 'false');
  await expect(r.id('hsm-imported-fingerprint-display')).toHaveText(ceremony.display);
  await saveScreens(page, 'recovery-token-imported');

  // The key on the token is the ceremony's key: the public key shown is the one the transcript's fingerprint names.
  const transcript = JSON.parse(readFileSync(ceremony.transcriptPath, 'utf8')) as { entries: { kind: string; data: { publicKey?: string } }[] };
  const publicKey = transcript.entries.find((e) => e.kind === 'generate')?.data.publicKey;
  expect(publicKey).toBeDefined();
  await expect(r.id('hsm-imported-public-key')).toContainText(bytesToHex(p256.Point.fromBytes(hexToBytes(publicKey!)).toBytes(false)));
  // No PIN anywhere in the page, nor in any answer main sent it (the envelopes the harness recorded).
  expect(await page.content()).not.toContain(PIN);
  expect(await page.content()).not.toContain(WRONG_PIN);
  expectNoAnswerContains(app, [PIN, WRONG_PIN], 10);
});

test('recovers a seed from the shard files on two custodians’ USB drives by the screens', async ({ launch }) => {
  backend = createCeremonyBackend({ airgap: OFFLINE });
  const b = backend;
  const bobKey = await generateAgeIdentity();
  const carolKey = await generateAgeIdentity();
  const keys = join(b.root, 'keys');
  mkdirSync(keys, { recursive: true });
  const bobStick = b.drive('BOB-STICK');
  const carolStick = b.drive('CAROL-STICK');
  writeFileSync(join(keys, 'bob.age-identity.txt'), `${bobKey.identity}\n`);
  writeFileSync(join(keys, 'carol.age-identity.txt'), `${carolKey.identity}\n`);
  const sticks: Record<string, { mountPoint: string; label: string }> = { bob: { mountPoint: bobStick, label: 'BOB-STICK' }, carol: { mountPoint: carolStick, label: 'CAROL-STICK' } };
  const ceremony = await runCeremony(
    b,
    plan('Treasury seed', { type: 'new-seed', bits: 256 }, [
      custodian('alice', 'Alice', 0, { medium: 'paper', protection: { type: 'none' } }),
      custodian('bob', 'Bob', 1, { medium: 'usb', protection: { type: 'age', recipient: bobKey.recipient } }),
      custodian('carol', 'Carol', 2, { medium: 'usb', protection: { type: 'age', recipient: carolKey.recipient } }),
    ]),
    (id) => (sticks[id] === undefined ? {} : { drive: sticks[id] }),
    (id, view) => (sticks[id] === undefined ? { method: 'type-back', responses: shownShards(view).map((s) => given({ words: (s.words ?? []).join(' ') })) } : { method: 'read-back-usb' }),
    { custodianIds: ['bob', 'carol'] },
  );
  const bobFile = join(bobStick, shardFileName(ceremony.ceremonyId, 1, '.age'));
  const carolFile = join(carolStick, shardFileName(ceremony.ceremonyId, 2, '.age'));
  const carolText = readFileSync(carolFile, 'utf8');
  // What else may be on a stick: a write cut short, and another ceremony's shard file.
  writeFileSync(join(bobStick, `.keyshard-${ceremony.ceremonyId}-c1.0123456789ab.tmp`), 'half a file');
  writeFileSync(join(bobStick, shardFileName('ab'.repeat(16), 0, '.age')), readFileSync(bobFile));

  const app = await launch({ backend: b });
  const { page } = app;
  await app.open('recover');
  const r = new RecoveryPage(page);
  await r.loadTranscript(ceremony.transcriptPath);
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');

  // Both drives are listed; nothing is chosen until someone chooses.
  await r.method('usb');
  await expect(r.drive('BOB-STICK')).toBeVisible();
  await expect(r.drive('CAROL-STICK')).toBeVisible();
  await expect(r.id('usb-files')).toHaveCount(0);
  await saveScreens(page, 'recovery-usb-drives');

  // Bob's stick: his file, named for him by the transcript; the other ceremony's file and the temporary file set aside.
  await r.chooseDrive('BOB-STICK');
  await expect(r.usbFile(1)).toHaveAttribute('data-ceremony', 'this');
  await expect(r.usbFile(1)).toContainText('bob · custodian #2');
  await expect(r.usbFile(1)).toContainText('encrypted with age');
  await expect(r.usbFile(0)).toHaveAttribute('data-ceremony', 'other');
  await expect(r.usbFile(0).getByTestId('usb-file-open')).toBeDisabled();
  await expect(r.id('usb-problem')).toHaveAttribute('data-code', 'USB_VERIFY');
  await saveScreens(page, 'recovery-usb-files');

  // Carol's key on Bob's file: refused; then Bob's key.
  await r.openUsbFile(1, join(keys, 'carol.age-identity.txt'));
  await r.expectOutcome('rejected', 1);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'ENVELOPE_DECRYPT');
  await expect(r.id('key-step')).toBeVisible();
  await saveScreens(page, 'recovery-usb-wrong-key');
  await r.id('key-file').setInputFiles(join(keys, 'bob.age-identity.txt'));
  await r.id('open-shard-file').click();
  await r.expectOutcome('accepted', 2);
  await expect(r.outcome()).toContainText('Bob');
  await expect(r.outcome()).toContainText('file on drive BOB-STICK (age)');
  await expect(r.usbFile(1)).toHaveAttribute('data-in-hand', 'true');
  await expect(r.held().first()).toHaveAttribute('data-source', 'usb');
  await saveScreens(page, 'recovery-usb-accepted');

  // Carol's stick, with her file changed since it was written: the tag refuses it.
  const lines = carolText.split('\n');
  lines[2] = `${lines[2]!.slice(0, 10)}${lines[2]![10] === 'Q' ? 'R' : 'Q'}${lines[2]!.slice(11)}`;
  writeFileSync(carolFile, lines.join('\n'));
  await r.chooseDrive('CAROL-STICK');
  await r.openUsbFile(2, join(keys, 'carol.age-identity.txt'));
  await r.expectOutcome('rejected', 3);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'ENVELOPE_DECRYPT');
  await expect(r.held()).toHaveCount(1);
  await saveScreens(page, 'recovery-usb-changed-file');
  // The intact file (another copy put back): accepted.
  writeFileSync(carolFile, carolText);
  await r.id('key-file').setInputFiles(join(keys, 'carol.age-identity.txt'));
  await r.id('open-shard-file').click();
  await r.expectOutcome('accepted', 4);
  await expect(r.held()).toHaveCount(2);

  await r.finish();
  // The transcript alone: unverified.
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'unverified');
  await expect(r.id('recovered-fingerprint-display')).toHaveText(ceremony.display);
  // A seed is not a key a token can hold: that choice says so.
  await expect(r.id('export-hsm')).toHaveAttribute('data-refused', 'true');
  await expect(r.id('export-hsm')).toContainText('A seed is not a key');
  await saveScreens(page, 'recovery-usb-match');
});

test('opens a token-sealed shard file from a drive on the custodian’s token', async ({ launch }) => {
  env = makeSoftHsm(['bob-token', 'carol-token'], { pin: PIN });
  // Carol's decryption key on her token (a set-up step, done with the token's own tools in real life).
  const port = await openSoftHsmPort();
  const session = await port.openSession({ label: 'carol-token' }, PIN);
  const carolKey = await session.ensureKeyPair('keyshard-seal', 'decrypt');
  await session.close();
  await closeOpenedPorts();

  backend = createCeremonyBackend({ hsm: true });
  const c = await makeCeremony({
    tag: 'keyshard e2e token-sealed file',
    label: 'Sealed seed',
    groupThreshold: 1,
    groups: [{ name: 'Board', threshold: 2, custodians: ['Alice', 'Bob', 'Carol'] }],
  });
  const transcriptPath = join(backend.root, 'transcript.json');
  writeFileSync(transcriptPath, c.transcriptText);
  const aliceStick = backend.drive('ALICE-STICK');
  const carolStick = backend.drive('CAROL-STICK');
  writeFileSync(join(aliceStick, shardFileName(c.ceremonyId, 0, '.txt')), `${c.shards[0]![0]!.text}\n`);
  writeFileSync(join(carolStick, shardFileName(c.ceremonyId, 2, '.p11')), (await protectEnvelopeText(c.shards[0]![2]!.text, { kind: 'pkcs11', publicKey: carolKey.publicKeyHex })).data);

  const app = await launch({ backend });
  const { page } = app;
  await app.open('recover');
  const r = new RecoveryPage(page);
  await r.loadTranscript(transcriptPath);
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');
  await r.method('usb');

  // Alice's unprotected file: added at once.
  await r.chooseDrive('ALICE-STICK');
  await expect(r.usbFile(0)).toContainText('not encrypted');
  await r.openUsbFile(0);
  await r.expectOutcome('accepted', 1);
  await expect(r.outcome()).toContainText('Alice');

  // Carol's sealed file: Bob's token cannot open it; hers can.
  await r.chooseDrive('CAROL-STICK');
  await expect(r.usbFile(2)).toHaveAttribute('data-protection', 'pkcs11');
  await r.openUsbFile(2);
  await expect(r.id('token-key-step')).toBeVisible();
  await r.chooseToken('bob-token', 'seal-token');
  // The shared token picker, for any token: each with its PIN state, no verdict (main says what it finds on it).
  await expect(r.id('seal-token-picker-module')).toContainText('tokens found');
  await expect(r.id('seal-token-picker-bob-token-pin')).toBeVisible();
  await expect(r.id('seal-token-picker-bob-token-verdict')).toHaveCount(0);
  await expect(r.id('seal-token-picker')).toHaveAttribute('data-chosen', 'bob-token');
  await saveScreens(page, 'recovery-usb-sealed-token');
  await r.typePinAndSubmit(PIN, 'seal-token');
  await r.expectOutcome('rejected', 2);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'ENVELOPE_DECRYPT');
  await expect(r.id('shard-error-todo')).toContainText('the one the file was sealed to');
  await saveScreens(page, 'recovery-usb-sealed-wrong-token');
  await r.chooseToken('carol-token', 'seal-token');
  await r.typePinAndSubmit(PIN, 'seal-token');
  await r.expectOutcome('accepted', 3);
  await expect(r.outcome()).toContainText('Carol');
  await expect(r.outcome()).toContainText('(token-sealed)');
  await expect(r.id('token-key-step')).toHaveCount(0);
  await expect(r.usbFile(2)).toHaveAttribute('data-in-hand', 'true');
  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'unverified');
  await expect(r.id('recovered-fingerprint-display')).toHaveText(c.display);
  expectNoAnswerContains(app, [PIN], 5);
});

test('two shard files on one stick: one primary "Add this shard" (the first not yet added), the other secondary', async ({ launch }) => {
  backend = createCeremonyBackend({});
  const c = await makeCeremony({
    tag: 'keyshard e2e two files on one stick',
    label: 'Courier stick',
    groupThreshold: 1,
    groups: [{ name: 'Board', threshold: 2, custodians: ['Alice', 'Bob', 'Carol'] }],
  });
  const transcriptPath = join(backend.root, 'transcript.json');
  writeFileSync(transcriptPath, c.transcriptText);
  // A courier carried Alice's and Bob's files on one stick.
  const stick = backend.drive('COURIER-STICK');
  writeFileSync(join(stick, shardFileName(c.ceremonyId, 0, '.txt')), `${c.shards[0]![0]!.text}\n`);
  writeFileSync(join(stick, shardFileName(c.ceremonyId, 1, '.txt')), `${c.shards[0]![1]!.text}\n`);

  const app = await launch({ backend });
  const { page } = app;
  await app.open('recover');
  const r = new RecoveryPage(page);
  await r.loadTranscript(transcriptPath);
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');
  await r.method('usb');
  await r.chooseDrive('COURIER-STICK');
  const add = (i: number) => r.usbFile(i).getByTestId('usb-file-open');
  await expect(add(0)).not.toHaveClass(/secondary/);
  await expect(add(1)).toHaveClass(/secondary/);
  // saveScreens fails on two primary buttons (test/e2e/screen-checks).
  await saveScreens(page, 'recovery-usb-two-files');
  await r.openUsbFile(0);
  await r.expectOutcome('accepted', 1);
  await expect(r.usbFile(0)).toHaveAttribute('data-in-hand', 'true');
  // Alice's is in hand: Bob's file is now the one primary.
  await expect(add(1)).not.toHaveClass(/secondary/);
  await saveScreens(page, 'recovery-usb-two-files-one-added');
  await r.openUsbFile(1);
  await r.expectOutcome('accepted', 2);
  await r.finish();
  await expect(r.id('recovered-fingerprint-display')).toHaveText(c.display);
});
