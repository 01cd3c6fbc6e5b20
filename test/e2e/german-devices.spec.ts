/**
 * Devices in German (issue 14.8): Deutsch chosen on the start screen, then the screens that use tokens and USB drives,
 * each saved (screen checks run on it in German) and showing none of the catalogue's English strings.
 *
 * 1. Recovery from tokens (SoftHSM2, the ceremony made through the backend as in recovery-devices.spec): the token
 *    tab, a wrong PIN, the shard read, the verdict, the import into a vault token (a wrong PIN first) and its report.
 * 2. Recovery from USB drives: the drives, the shard files on one, the age key step, the file opened.
 * 3. The key ceremony's token setup: the module, the tokens preselected from the plan, the device check, and a witness
 *    loading the key on their token (a wrong PIN first).
 * 4. The key ceremony's handoffs to devices: Bob's shard file written to his USB stick and read back, Carol's shard
 *    stored on her token and read back with her PIN (the ceremony run to the handoffs as CeremonyPage does, in German).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { generateAgeIdentity } from '../../electron/services/protection/index';
import { de } from '../../renderer/i18n/de';
import { given, shownShards } from '../services/ceremony-harness';
import { makeSoftHsm, tokenHeldPlan, witnessKeyOnToken, type SoftHsm } from '../hsm/softhsm';
import { createCeremonyBackend, type CeremonyBackend } from './backend';
import { smallPlan, writePlanFile } from './ceremony-support';
import { custodian, OFFLINE, plan, runCeremony } from './fixtures/device-ceremony';
import { expect, test } from './fixtures';
import { chooseGerman, englishOnScreen, go } from './german';
import { saveScreens } from './harness';
import { CeremonyPage } from './pages/ceremony-page';
import { RecoveryPage } from './pages/recovery-page';

const PIN = 'Pin-7q!Kx';
const WRONG_PIN = 'Wrong-3z?Vv';

let env: SoftHsm | undefined;
let backend: CeremonyBackend | undefined;

test.afterEach(async () => {
  await backend?.shutdown().catch(() => undefined);
  backend?.remove();
  backend = undefined;
  env?.cleanup();
  env = undefined;
});

async function germanScreen(page: Page, name: string): Promise<void> {
  await saveScreens(page, name);
  expect(await englishOnScreen(page), name).toEqual([]);
}

test('recovery from tokens and the import into a token, in German', async ({ launch }) => {
  env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token', 'vault-token'], { pin: PIN });
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
  await app.open('');
  await chooseGerman(page);
  await go(page, 'recover');
  const r = new RecoveryPage(page);
  await r.loadTranscript(ceremony.transcriptPath, { finalHash: ceremony.headHash });
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');

  await r.method('token');
  await expect(r.id('module-info')).toContainText('PKCS#11-Modul');
  await expect(r.id('token-picker-alice-token')).toBeVisible();
  await germanScreen(page, 'recovery-token-choose-de');

  // Alice's token, a wrong PIN: refused in German with the tries the token reports.
  await r.chooseToken('alice-token');
  await r.typePinAndSubmit(WRONG_PIN);
  await r.expectOutcome('rejected', 1);
  await expect(r.id('shard-error')).toHaveAttribute('data-code', 'HSM_PIN_INCORRECT');
  await expect(r.id('shard-error-message')).toContainText('Die PIN ist falsch.');
  await germanScreen(page, 'recovery-token-wrong-pin-de');
  await r.typePinAndSubmit(PIN);
  await r.expectOutcome('accepted', 2);
  await germanScreen(page, 'recovery-token-accepted-de');
  await r.readToken('bob-token', PIN);
  await r.expectOutcome('accepted', 3);
  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'verified');
  await germanScreen(page, 'recovery-token-match-de');

  // The import: the form, a wrong PIN, then the token's report.
  await r.importToToken('vault-token', WRONG_PIN, 'payments-key');
  await expect(r.id('hsm-import-error')).toHaveAttribute('data-code', 'HSM_PIN_INCORRECT');
  await expect(r.id('hsm-import-form')).toContainText(de['hsmImport.label']);
  await germanScreen(page, 'recovery-token-import-wrong-pin-de');
  await r.typePinAndSubmit(PIN, 'hsm-import');
  await expect(r.id('hsm-imported')).toHaveAttribute('data-extractable', 'false');
  await expect(r.id('hsm-imported')).toContainText(de['hsmImport.notExtractable']);
  await germanScreen(page, 'recovery-token-imported-de');
});

test('recovery from shard files on USB drives, in German', async ({ launch }) => {
  backend = createCeremonyBackend({ airgap: OFFLINE });
  const b = backend;
  const bobKey = await generateAgeIdentity();
  const carolKey = await generateAgeIdentity();
  const keys = join(b.root, 'keys');
  mkdirSync(keys, { recursive: true });
  writeFileSync(join(keys, 'bob.age-identity.txt'), `${bobKey.identity}\n`);
  writeFileSync(join(keys, 'carol.age-identity.txt'), `${carolKey.identity}\n`);
  const sticks: Record<string, { mountPoint: string; label: string }> = {
    bob: { mountPoint: b.drive('BOB-STICK'), label: 'BOB-STICK' },
    carol: { mountPoint: b.drive('CAROL-STICK'), label: 'CAROL-STICK' },
  };
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
  const app = await launch({ backend: b });
  const { page } = app;
  await app.open('');
  await chooseGerman(page);
  await go(page, 'recover');
  const r = new RecoveryPage(page);
  await r.loadTranscript(ceremony.transcriptPath);
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');

  await r.method('usb');
  await expect(r.drive('BOB-STICK')).toBeVisible();
  await expect(r.id('usb-input')).toContainText(de['usbIn.drives']);
  await germanScreen(page, 'recovery-usb-drives-de');
  await r.chooseDrive('BOB-STICK');
  await expect(r.usbFile(1)).toContainText('bob · Verwahrer Nr. 2');
  await expect(r.usbFile(1)).toContainText(de['usbIn.protection.age']);
  await germanScreen(page, 'recovery-usb-files-de');
  await r.usbFile(1).getByTestId('usb-file-open').click();
  await expect(r.id('key-step')).toBeVisible();
  await r.id('key-file').setInputFiles(join(keys, 'bob.age-identity.txt'));
  await expect(r.id('key-chosen')).toBeVisible();
  await germanScreen(page, 'recovery-usb-key-step-de');
  await r.id('open-shard-file').click();
  await r.expectOutcome('accepted', 1);
  await expect(r.usbFile(1)).toHaveAttribute('data-in-hand', 'true');
  await expect(r.usbFile(1)).toContainText(de['usbIn.inHand']);
  await germanScreen(page, 'recovery-usb-accepted-de');
});

test('the key ceremony’s token setup and a witness key on a token, in German', async ({ launch }) => {
  env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token', 'tess-token'], { pin: PIN });
  await witnessKeyOnToken('tess-token', PIN, 'keyshard-witness');
  backend = createCeremonyBackend({ hsm: true });
  const app = await launch({ backend });
  const { page } = app;
  const planFile = writePlanFile(
    backend.root,
    tokenHeldPlan({
      label: 'Token-held seed 2025',
      tokenLabels: ['alice-token', 'bob-token', 'carol-token'],
      names: ['Alice Meier', 'Bob Keller', 'Carol Rossi'],
      locations: ['Zurich', 'Geneva', 'Basel'],
      bits: 128,
      witnesses: [{ id: 'tess', name: 'Tess Notary', organisation: 'Notary Office', observes: 'all' }],
    }),
  );
  await app.open('');
  await chooseGerman(page);
  await go(page, 'plan');
  await page.getByTestId('plan-load').setInputFiles(planFile);
  await expect(page.getByTestId('plan-loaded')).toBeVisible();
  await page.getByTestId('plan-continue').click();

  // The tokens preselected from the plan, each able to keep a shard (said in German); then the device check.
  await expect(page.getByTestId('token-setup')).toBeVisible();
  for (const id of ['alice', 'bob', 'carol']) {
    await expect(page.getByTestId(`token-for-${id}`)).toHaveAttribute('data-chosen', `${id}-token`);
    await expect(page.getByTestId(`token-for-${id}-verdict`)).toContainText(`Kann ${de['device.role.custodian']}`);
  }
  await expect(page.getByTestId('tokens-check')).toBeFocused();
  await germanScreen(page, 'tokens-start-setup-de');
  await page.getByTestId('tokens-check').click();
  await expect(page.getByTestId('device-check')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('device-check')).toContainText(de['tokens.allReady']);
  await germanScreen(page, 'tokens-device-check-ok-de');

  // Tess loads her key from her token: a wrong PIN, then hers.
  await page.getByTestId('key-way-token-tess').check();
  await expect(page.getByTestId('key-token-tess-tess-token-verdict')).toContainText(`Kann ${de['device.role.witness']}`);
  await page.getByTestId('key-token-tess-tess-token').check();
  await page.getByTestId('key-pin-tess').fill(WRONG_PIN);
  await germanScreen(page, 'tokens-witness-token-de');
  await page.getByTestId('key-token-load-tess').click();
  await expect(page.getByTestId('key-error-tess')).toHaveAttribute('data-code', 'HSM_PIN_INCORRECT');
  await germanScreen(page, 'tokens-witness-wrong-pin-de');
  await page.getByTestId('key-pin-tess').fill(PIN);
  await page.getByTestId('key-token-load-tess').click();
  await expect(page.getByTestId('witness-key-tess')).toHaveAttribute('data-loaded', 'true');
  await expect(page.getByTestId('ceremony-start')).toBeFocused();
  await germanScreen(page, 'tokens-ready-to-start-de');
});

test('the key ceremony’s handoffs to a USB stick and to a token, read back, in German', async ({ launch }) => {
  env = makeSoftHsm(['carol-token'], { pin: PIN });
  backend = createCeremonyBackend({ hsm: true });
  backend.drive('BOB-KEY');
  const { recipient } = await generateAgeIdentity();
  const base = smallPlan('Tresor 2025');
  const devicePlan = {
    ...base,
    custodians: base.custodians.map((c) =>
      c.id === 'bob'
        ? { ...c, medium: 'usb' as const, protection: { type: 'age' as const, recipient } }
        : c.id === 'carol'
          ? { ...c, medium: 'pkcs11' as const, protection: { type: 'pkcs11' as const, tokenLabel: 'carol-token' } }
          : c,
    ),
  };
  const app = await launch({ backend });
  const { page } = app;
  await app.open('');
  await chooseGerman(page);
  const c = new CeremonyPage(page, backend);
  await c.runToHandoffs(writePlanFile(backend.root, devicePlan), (route) => go(page, route), { tokens: true });
  await germanScreen(page, 'ceremony-handoff-devices-de');

  // Bob: his stick chosen, the file written, then read back.
  await page.getByTestId('handoff-choose-bob').click();
  await expect(page.getByTestId('drive-list')).toContainText(de['drives.legend'].replace('{name}', 'Bob Keller'));
  await germanScreen(page, 'ceremony-handoff-usb-de');
  await c.writeToDrive('BOB-KEY');
  await c.expectStage('confirm');
  await germanScreen(page, 'ceremony-confirm-usb-de');
  await page.getByTestId('confirm-readback').click();
  await c.expectStage('confirmed');
  await germanScreen(page, 'ceremony-confirmed-usb-de');
  await c.signOff();

  // Carol: her token and PIN, then the read-back with it.
  await page.getByTestId('handoff-choose-carol').click();
  await expect(page.getByTestId('handoff-pin')).toBeVisible();
  await germanScreen(page, 'ceremony-handoff-token-de');
  await c.storeOnToken(PIN);
  await c.expectStage('confirm');
  // Screen checks only: ConfirmStage's token read-back words are still English (its German is brief E's work).
  await saveScreens(page, 'ceremony-confirm-token-de');
  await c.readBackFromToken(PIN);
  await c.expectStage('confirmed');
  await saveScreens(page, 'ceremony-confirmed-token-de');
});
