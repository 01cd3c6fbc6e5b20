/**
 * The custody check with the shard read by main off the custodian's USB stick or PKCS#11 token (issue 17): the screen
 * offers the refresh/repair screen's choice (components/ShardSource), main reads the stick's file (with its age key)
 * or the token's shard (with the PIN), holds it, and the witness's check takes and wipes it. A wrong age key keeps the
 * key step open; a wrong PIN empties and focuses the PIN field; nothing is held after either; another ceremony's file
 * is read and then refused by the check (CUSTODY_OTHER_CEREMONY), which wipes it. A quorum drill takes one shard off a
 * stick and one off a token (a wrong PIN first) and rebuilds the recorded key. The signing host is
 * wired as main wires it (the backend's drive lister and hsm host). No answer carries the shard or the PIN.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { serializeTranscript } from '../../core/transcript';
import { createSigningHost } from '../../electron/ipc/handlers-signing';
import { ageIdentityFile, generateAgeIdentity, protectEnvelopeText } from '../../electron/services/protection/index';
import { shardFileName } from '../../electron/services/usb/shard-files';
import { custodyCeremony } from '../helpers/custody-fixture';
import { makeSoftHsm, storeShardsOnToken, type SoftHsm } from '../hsm/softhsm';
import { createCeremonyBackend, witnessPassphrase, type CeremonyBackend } from './backend';
import { expect, test } from './fixtures';
import { expectNoAnswerContains, saveScreens } from './harness';
import { RecoveryPage } from './pages/recovery-page';

const PIN = 'Pin-7q!Kx';
const WRONG_PIN = 'Wrong-3z?Vv';
const kc = custodyCeremony('ed25519', 91);
const other = custodyCeremony('ed25519', 92);
const shards = kc.shards.map((b) => envelopeToText(decodeEnvelope(b)));
const by = (page: Page, id: string) => page.getByTestId(id);
const paper = (hex: string): string => (hex.toUpperCase().match(/.{4}/g) ?? []).join(' ');

let env: SoftHsm | undefined;
let backend: CeremonyBackend | undefined;
test.afterEach(async () => {
  await backend?.shutdown();
  backend?.remove();
  backend = undefined;
  env?.cleanup();
  env = undefined;
});

/** The signing host as main builds it: shards read off the drives listed now and the tokens of the chosen module. */
function signingHostOf(b: CeremonyBackend) {
  return createSigningHost({
    clock: () => new Date(),
    random: (n) => new Uint8Array(randomBytes(n)),
    devices: { listDrives: b.deps.listDrives, ...(b.hsm === undefined ? {} : { hsm: b.hsm.ceremonyHsm }) },
  });
}

/** The key ceremony's transcript and its paper hash on the custody screen. */
async function loadRecord(page: Page, root: string): Promise<void> {
  const path = join(root, 'key-ceremony.json');
  writeFileSync(path, serializeTranscript(kc.file));
  await by(page, 'custody-source').setInputFiles(path);
  await by(page, 'custody-final-hash').fill(paper(kc.transcript.headHash));
}

/** The witness signs the receipt: the check takes the shard main holds. */
async function witnessChecks(page: Page, b: CeremonyBackend): Promise<void> {
  b.answerDialog(b.witnessKeyFile('wendy'));
  await by(page, 'custody-witness-key-file').click();
  await expect(by(page, 'custody-witness-key-file-name')).toBeVisible();
  await by(page, 'custody-witness-passphrase').fill(witnessPassphrase('wendy'));
  await by(page, 'custody-witness-sign').click();
}

test("custody check of Bob's shard read off his USB stick (age): a wrong key is refused first", async ({ launch }) => {
  backend = createCeremonyBackend();
  const stick = backend.drive('BOB');
  const bob = await generateAgeIdentity();
  const stranger = await generateAgeIdentity();
  writeFileSync(join(stick, shardFileName(kc.ceremonyId, 1, '.age')), (await protectEnvelopeText(shards[1]!, { kind: 'age', recipient: bob.recipient })).data as string);
  // A file of another ceremony on the same stick: read, then refused by the check against this record.
  writeFileSync(join(stick, shardFileName(other.ceremonyId, 0, '.txt')), envelopeToText(decodeEnvelope(other.shards[0]!)));
  const bobKey = join(backend.root, 'bob.age.txt');
  const strangerKey = join(backend.root, 'stranger.age.txt');
  writeFileSync(bobKey, ageIdentityFile(bob.identity, bob.recipient));
  writeFileSync(strangerKey, ageIdentityFile(stranger.identity, stranger.recipient));
  const app = await launch({ backend, deps: { signing: signingHostOf(backend) } });
  const { page } = app;
  const r = new RecoveryPage(page);
  await app.open('custody');
  await loadRecord(page, backend.root);
  await by(page, 'custody-usb-toggle').click();
  await expect(by(page, 'usb-input')).toBeVisible();
  await expect(by(page, 'custody-shard-text')).toHaveCount(0);
  await expect(by(page, 'custody-token-toggle')).toHaveCount(0);
  await r.chooseDrive('BOB');
  // Nothing held yet: the witness cannot check.
  await expect(by(page, 'custody-witness-sign')).toBeDisabled();

  // Another ceremony's file: main reads and holds it; the check refuses it and wipes it, so nothing is held after.
  await r.openUsbFile(0);
  await expect(by(page, 'custody-held')).toContainText('alice');
  await witnessChecks(page, backend);
  await expect(by(page, 'custody-error')).toContainText('CUSTODY_OTHER_CEREMONY');
  await expect(by(page, 'custody-held')).toHaveCount(0);
  await expect(by(page, 'custody-witness-sign')).toBeDisabled();

  // Another age identity: refused by main, the key step stays open for the right one, nothing is held.
  await r.openUsbFile(1, strangerKey);
  await expect(by(page, 'custody-error')).toContainText('ENVELOPE_DECRYPT');
  // Not a PIN problem: the error panel takes the focus, as other refusals do.
  await expect(by(page, 'custody-error')).toBeFocused();
  await expect(by(page, 'key-step')).toBeVisible();
  await expect(by(page, 'custody-held')).toHaveCount(0);

  await by(page, 'key-file').setInputFiles(bobKey);
  await expect(by(page, 'key-chosen')).toBeVisible();
  await by(page, 'open-shard-file').click();
  await expect(by(page, 'custody-held')).toContainText('bob');
  await expect(by(page, 'custody-error')).toHaveCount(0);
  // The witness's check is ready (its key chosen above, the passphrase typed): it is now the screen's one primary
  // action, and no stick file beside it is drawn as one (the screen checks count enabled primaries).
  await by(page, 'custody-witness-passphrase').fill(witnessPassphrase('wendy'));
  await expect(by(page, 'custody-witness-sign')).toBeEnabled();
  await saveScreens(page, 'custody-check-usb');

  await by(page, 'custody-witness-sign').click();
  await expect(by(page, 'custody-result')).toHaveAttribute('data-result', 'verified');
  await expect(by(page, 'custody-verdict')).toContainText('bob');
  await expect(by(page, 'custody-signed')).toContainText('wendy');
  await saveScreens(page, 'custody-check-usb-receipt');
  // The shard went from the stick to main and was wiped there: no answer carried it.
  expectNoAnswerContains(app, [shards[1]!.replace(/\s+/g, ' ').slice(0, 60), bob.identity]);
});

test("custody check of Carol's shard read off her PKCS#11 token: a wrong PIN empties and focuses the PIN field", async ({ launch }) => {
  env = makeSoftHsm(['carol-token'], { pin: PIN });
  await storeShardsOnToken('carol-token', PIN, [decodeEnvelope(kc.shards[2]!)]);
  backend = createCeremonyBackend({ hsm: true });
  const app = await launch({ backend, deps: { signing: signingHostOf(backend) } });
  const { page } = app;
  const r = new RecoveryPage(page);
  await app.open('custody');
  await loadRecord(page, backend.root);
  await by(page, 'custody-token-toggle').click();
  await expect(by(page, 'token-input')).toBeVisible();
  await expect(by(page, 'custody-usb-toggle')).toHaveCount(0);

  await r.chooseToken('carol-token');
  await r.typePinAndSubmit(WRONG_PIN);
  await expect(by(page, 'custody-error')).toContainText('HSM_PIN_INCORRECT');
  await expect(by(page, 'token-pin')).toHaveValue('');
  await expect(by(page, 'token-pin')).toBeFocused();
  await expect(by(page, 'custody-error')).not.toBeFocused();
  await expect(by(page, 'custody-held')).toHaveCount(0);
  await saveScreens(page, 'custody-check-token-wrong-pin');

  await r.typePinAndSubmit(PIN);
  await expect(by(page, 'custody-held')).toContainText('carol');
  await saveScreens(page, 'custody-check-token');
  await witnessChecks(page, backend);
  await expect(by(page, 'custody-result')).toHaveAttribute('data-result', 'verified');
  await expect(by(page, 'custody-verdict')).toContainText('carol');
  expectNoAnswerContains(app, [PIN, WRONG_PIN]);
});

test("a quorum drill with Alice's shard read off her stick and Carol's off her token: the key rebuilt in main is the recorded one", async ({ launch }) => {
  env = makeSoftHsm(['carol-token'], { pin: PIN });
  await storeShardsOnToken('carol-token', PIN, [decodeEnvelope(kc.shards[2]!)]);
  backend = createCeremonyBackend({ hsm: true });
  const stick = backend.drive('ALICE');
  writeFileSync(join(stick, shardFileName(kc.ceremonyId, 0, '.txt')), shards[0]!);
  const app = await launch({ backend, deps: { signing: signingHostOf(backend) } });
  const { page } = app;
  const r = new RecoveryPage(page);
  await app.open('drill');
  const path = join(backend.root, 'key-ceremony.json');
  writeFileSync(path, serializeTranscript(kc.file));
  await by(page, 'drill-source').setInputFiles(path);
  await by(page, 'drill-final-hash').fill(paper(kc.transcript.headHash));
  await by(page, 'drill-start').click();

  await by(page, 'drill-usb-toggle').click();
  await r.chooseDrive('ALICE');
  await r.openUsbFile(0);
  await expect(by(page, 'drill-taken')).toContainText('alice');
  await by(page, 'drill-usb-toggle').click();
  await by(page, 'drill-token-toggle').click();
  await r.chooseToken('carol-token');
  await r.typePinAndSubmit(WRONG_PIN);
  await expect(by(page, 'drill-error')).toContainText('HSM_PIN_INCORRECT');
  await expect(by(page, 'token-pin')).toBeFocused();
  await r.typePinAndSubmit(PIN);
  await expect(by(page, 'drill-taken')).toContainText('carol');
  await saveScreens(page, 'drill-quorum-devices');

  backend.answerDialog(backend.witnessKeyFile('wendy'));
  await by(page, 'drill-witness-key-file').click();
  await expect(by(page, 'drill-witness-key-file-name')).toBeVisible();
  await by(page, 'drill-witness-passphrase').fill(witnessPassphrase('wendy'));
  await by(page, 'drill-witness-sign').click();
  await expect(by(page, 'drill-result')).toHaveAttribute('data-result', 'verified');
  await expect(by(page, 'drill-signed')).toContainText('alice, carol');
  expectNoAnswerContains(app, [PIN, WRONG_PIN, shards[0]!.replace(/\s+/g, ' ').slice(0, 60)]);
});

test("a signer's laptop reads Bob's share off his stick: a pulled stick is refused and the error panel takes the focus", async ({ launch }) => {
  backend = createCeremonyBackend();
  const stick = backend.drive('BOB');
  writeFileSync(join(stick, shardFileName(kc.ceremonyId, 1, '.txt')), shards[1]!);
  const app = await launch({ backend, deps: { signing: signingHostOf(backend) } });
  const { page } = app;
  const r = new RecoveryPage(page);
  await app.open('signer');
  await expect(by(page, 'signer-load')).toBeVisible();
  await by(page, 'signer-usb-toggle').click();
  await expect(by(page, 'signer-shard-text')).toHaveCount(0);
  await r.chooseDrive('BOB');
  await expect(by(page, 'usb-file-open')).toBeEnabled();

  // Pulled after the listing: main refuses the read (not a PIN problem), an error panel saying so takes the focus.
  backend.unplug('BOB');
  await by(page, 'usb-file-open').click();
  await expect(by(page, 'signer-error')).toHaveAttribute('data-code', 'USB_REMOVED');
  await expect(page.locator('.error-panel:focus')).toHaveAttribute('data-code', 'USB_REMOVED');
  await expect(by(page, 'signer-loaded')).toHaveCount(0);

  backend.drive('BOB');
  await by(page, 'usb-drives-again').click();
  await r.chooseDrive('BOB');
  await r.openUsbFile(1);
  await expect(by(page, 'signer-loaded')).toContainText('bob');
  await expect(by(page, 'signer-error')).toHaveCount(0);
  await saveScreens(page, 'signer-loaded-usb');
  await by(page, 'signer-commit').click();
  await expect(by(page, 'signer-committed')).toBeVisible();
  expectNoAnswerContains(app, [shards[1]!.replace(/\s+/g, ' ').slice(0, 60)]);
});
