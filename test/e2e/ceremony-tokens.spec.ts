/**
 * PKCS#11 tokens on the ceremony screens, in Chromium over the real IPC handlers, the real ceremony service and the
 * real PKCS#11 host on SoftHSM2 tokens made for each test (backend `hsm: true`).
 *
 * 1. A SLIP-39 2-of-3 ceremony where Alice, Bob and Carol keep their shards on their own tokens, driven only through
 *    the screens (the same sequence as test/hsm/devices-ipc.test.ts): the module chooser (a wrong path refused, then
 *    SoftHSM2), the token assignment preselected from the plan's labels, an entropy token, the device check; Tess
 *    loads the signing key on her token (a wrong PIN first); HSM entropy with its PIN; each handoff with the
 *    custodian's PIN (a wrong one first for Alice: she stays waiting, the right one works) and a read-back with it;
 *    the test recovery from Alice's and Carol's tokens; destroy; seal. The transcript verifies, carries Tess's token
 *    signatures and the token entries, and no PIN is in any answer of main (the envelopes the harness recorded), any
 *    file of the ceremony, or the page.
 * 2. Before start, the device check reports each token that cannot do its job in plain words: one write-protected
 *    (cannot keep a shard), one locked (CKF_USER_PIN_LOCKED), one absent; the ceremony cannot start.
 * 3. A plan without tokens starts as it always did (no token panel); at the entropy step a token can still be picked
 *    for its random generator, with its holder's PIN.
 */
import { copyFileSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CeremonyPlan } from '../../core/policy';
import { verifyTranscriptText } from '../../core/transcript';
import { CKF_TOKEN } from '../../electron/services/hsm/capabilities';
import { makeSoftHsm, SOFTHSM_MODULE, tokenHeldPlan, witnessKeyOnToken, type SoftHsm } from '../hsm/softhsm';
import { createCeremonyBackend, type CeremonyBackend } from './backend';
import { smallPlan, writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { expectNoAnswerContains, failedAnswers, saveScreens, SCREENS_DIR } from './harness';
import { CeremonyPage } from './pages/ceremony-page';

/** PINs that cannot turn up by chance in hex, base64 or JSON, so "the PIN is nowhere" means something. */
const PIN = 'Pin-7q!Kx';
const WRONG_PIN = 'Wrong-3z?Vv';
const WITNESS_KEY_LABEL = 'keyshard-witness';
const DICE = '3 1 4 1 5 2 6 5 3 5 6 2 4 1 3 3 6 5 2 1';
const OVERRIDE_REASON = 'The rehearsal machine keeps its loopback and one NIC; Tess checked that the cable is out.';

let env: SoftHsm | undefined;
let backend: CeremonyBackend | undefined;

test.afterEach(async () => {
  // The backend is the test's own (the harness closes only those it made): its shutdown ends Tess's token login
  // and releases the module, so the next test's tokens are the ones SoftHSM sees.
  await backend?.shutdown().catch(() => undefined);
  backend?.remove();
  backend = undefined;
  env?.cleanup();
  env = undefined;
});

function tokenPlan(labels: readonly [string, string, string]): CeremonyPlan {
  return tokenHeldPlan({
    label: 'Token-held seed 2025',
    tokenLabels: labels,
    names: ['Alice Meier', 'Bob Keller', 'Carol Rossi'],
    locations: ['Zurich', 'Geneva', 'Basel'],
    bits: 128,
    witnesses: [{ id: 'tess', name: 'Tess Notary', organisation: 'Notary Office', observes: 'all' }],
  });
}

const witnessKeyOn = (label: string): Promise<string> => witnessKeyOnToken(label, PIN, WITNESS_KEY_LABEL);

/** Every file under a folder, as text. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [readFileSync(p, 'latin1')];
  });
}

test('a 2-of-3 ceremony with every shard on its own token, driven only through the screens', async ({ launch }) => {
  env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token', 'tess-token'], { pin: PIN });
  const tessKey = await witnessKeyOn('tess-token');
  backend = createCeremonyBackend({ hsm: true });
  const app = await launch({ backend });
  const { page } = app;
  const c = new CeremonyPage(page, backend);
  const plan = tokenPlan(['alice-token', 'bob-token', 'carol-token']);
  const planFile = writePlanFile(backend.root, plan);
  const stickModule = join(backend.root, 'libtoken-pkcs11.so');
  copyFileSync(realpathSync(SOFTHSM_MODULE), stickModule);

  // ---- plan
  await app.open('plan');
  await page.getByTestId('plan-load').setInputFiles(planFile);
  await expect(page.getByTestId('plan-loaded')).toBeVisible();
  await page.getByTestId('plan-continue').click();

  // ---- the tokens: SoftHSM2 is found and used; a module outside the system folders is refused; SoftHSM2 chosen again
  await c.expectTokenSetup();
  await expect(page.getByTestId('module-info')).toContainText('SoftHSM');
  await expect(page.getByTestId('module-path')).toHaveText(SOFTHSM_MODULE);
  await expect(page.getByTestId('ceremony-start')).toBeDisabled();
  await expect(page.getByTestId('start-waiting-tokens')).toBeVisible();
  // Each custodian's token is preselected from the plan's label, and can keep a shard.
  for (const id of ['alice', 'bob', 'carol']) {
    await expect(page.getByTestId(`token-for-${id}`)).toHaveAttribute('data-chosen', `${id}-token`);
    await expect(page.getByTestId(`token-for-${id}-verdict`)).toHaveAttribute('data-ok', 'true');
    await expect(page.getByTestId(`token-for-${id}-verdict`)).toContainText("Can keep a custodian's shard");
  }
  // Every custodian has a token: "Check the tokens" is the next thing, brought into view at 1366x768 with the focus
  // (three custodians push it below a laptop's fold).
  expect(page.viewportSize()).toEqual({ width: 1366, height: 768 });
  await expect(page.getByTestId('tokens-check')).toBeFocused();
  await expect(page.getByTestId('tokens-check')).toBeInViewport({ ratio: 1 });
  // What the laptop shows at that moment (saveScreens below pictures the screen from its top).
  await page.screenshot({ path: join(SCREENS_DIR, 'tokens-check-in-view-1366x768.png'), animations: 'disabled', caret: 'hide' });
  await saveScreens(page, 'tokens-start-setup');
  await page.getByTestId('module-change').click();
  await expect(page.locator(`[data-testid^="module-option-"][data-path="${SOFTHSM_MODULE}"]`)).toBeVisible();
  await page.getByTestId('module-other').check();
  await expect(page.getByTestId('module-rule')).toContainText('never from a USB stick');
  // A root-owned copy of the real module outside the system library folders (as on a stick) is refused, saying why.
  backend.answerDialog(stickModule);
  await page.getByTestId('module-choose-file').click();
  await expect(page.getByTestId('module-chosen')).toContainText('libtoken-pkcs11.so');
  await page.getByTestId('module-use').click();
  await expect(page.getByTestId('module-error')).toHaveAttribute('data-code', 'HSM_MODULE');
  await expect(page.getByTestId('module-error-message')).toContainText('only from the system library folders');
  await saveScreens(page, 'tokens-module-error');
  await c.chooseModule(SOFTHSM_MODULE);
  await expect(page.getByTestId('module-error')).toHaveCount(0);
  // Choosing a module again clears the assignments; they are preselected again from the plan.
  for (const id of ['alice', 'bob', 'carol']) await expect(page.getByTestId(`token-for-${id}`)).toHaveAttribute('data-chosen', `${id}-token`);
  // Two custodians cannot share a token: Alice's token is not offered to Bob.
  const aliceSerial = await page.getByTestId('token-for-alice-select').inputValue();
  await expect(page.getByTestId('token-for-bob-select').locator(`option[value="${aliceSerial}"]`)).toBeDisabled();
  // An entropy token: Carol's (her generator adds to the OS one).
  await page.getByTestId('entropy-token-on').check();
  await expect(page.getByTestId('entropy-token-carol-token-verdict')).toContainText('Can add random numbers to the entropy');
  await page.getByTestId('entropy-token-carol-token').check();
  expect(await c.checkTokens()).toBe(true);
  for (const id of ['alice', 'bob', 'carol']) {
    await expect(page.getByTestId(`device-check-${id}`)).toHaveAttribute('data-ok', 'true');
    await expect(page.getByTestId(`device-check-${id}`)).toContainText(`${id}-token (serial`);
  }
  await expect(page.getByTestId('device-check-entropy')).toContainText('carol-token');
  await saveScreens(page, 'tokens-device-check-ok');
  // A change of choice asks for a new check.
  await page.getByTestId('entropy-token-on').uncheck();
  await expect(page.getByTestId('tokens-check-stale')).toBeVisible();
  await expect(page.getByTestId('ceremony-start')).toBeDisabled();
  await page.getByTestId('entropy-token-on').check();
  await page.getByTestId('entropy-token-carol-token').check();
  expect(await c.checkTokens()).toBe(true);
  // The tokens are ready: the witnesses' keys are the next thing, brought into view (at 1366x768) with the focus.
  await expect(page.getByTestId('key-load-tess')).toBeFocused();
  await expect(page.getByTestId('key-load-tess')).toBeInViewport({ ratio: 1 });

  // ---- Tess loads the key on her token: the tokens she could use, a wrong PIN refused, then her PIN
  await page.getByTestId('key-way-token-tess').check();
  await expect(page.getByTestId('key-token-tess-tess-token-verdict')).toContainText('Can sign as a witness');
  await expect(page.getByTestId('key-label-tess')).toHaveValue(WITNESS_KEY_LABEL);
  await page.getByTestId('key-token-tess-tess-token').check();
  await page.getByTestId('key-pin-tess').fill(WRONG_PIN);
  await saveScreens(page, 'tokens-witness-token');
  await page.getByTestId('key-token-load-tess').click();
  await expect(page.getByTestId('key-error-tess')).toHaveAttribute('data-code', 'HSM_PIN_INCORRECT');
  await expect(page.getByTestId('key-pin-tess')).toHaveValue('');
  await saveScreens(page, 'tokens-witness-wrong-pin');
  await page.getByTestId('key-pin-tess').fill(PIN);
  await page.getByTestId('key-token-load-tess').click();
  await expect(page.getByTestId('witness-key-tess')).toHaveAttribute('data-loaded', 'true');
  await expect(page.getByTestId('witness-key-tess')).toContainText(`ecdsa-p256, public key ${tessKey.slice(0, 16)}`);
  await expect(page.getByTestId('ceremony-start')).toBeFocused();
  await expect(page.getByTestId('ceremony-start')).toBeInViewport({ ratio: 1 });

  // ---- start; the air gap is overridden by Tess, who signs with her token key
  await c.start();
  // Tess's key is on her token: the override's exception is signed with its PIN (2a195b2).
  await c.overrideAirgap(OVERRIDE_REASON, { pin: PIN });
  await c.signOff(true, undefined, { pin: PIN });

  // ---- entropy: the token chosen at the start is on; its holder types the PIN. The window is reloaded first (it
  // forgets everything it chose): the token comes back from main's status, not from the page's memory.
  await c.expectStage('entropy');
  const carolSerial = (await backend.host.status()).tokens?.find((t) => t.custodianId === 'carol')?.tokenSerial;
  expect((await backend.host.status()).entropyToken).toEqual({ tokenLabel: 'carol-token', tokenSerial: carolSerial });
  await page.reload();
  await page.getByTestId('screen').waitFor();
  // The reloaded window shows the air-gap check's sign-off again with its Continue (it did not see it pressed).
  await c.expectStage('airgap');
  await expect(page.getByTestId('signoff-continue')).toBeFocused();
  await page.getByTestId('signoff-continue').click();
  await c.expectStage('entropy');
  await expect(page.getByTestId('entropy-token-pick')).toHaveCount(0);
  await expect(page.getByTestId('entropy-hsm')).toBeChecked();
  await expect(page.getByTestId('source-hsm')).toContainText('carol-token');
  await expect(page.getByTestId('entropy-gather')).toBeDisabled();
  await page.getByTestId('entropy-pin').fill(PIN);
  await page.getByTestId('entropy-dice').fill(DICE);
  await saveScreens(page, 'tokens-entropy-hsm');
  await page.getByTestId('entropy-gather').click();
  await c.expectStage('generate');
  await expect(page.getByTestId('entropy-summary')).toContainText('the HSM generator');
  await page.getByTestId('generate').click();
  await c.expectStage('fingerprint');
  const fpHex = (await page.getByTestId('fingerprint').getAttribute('data-hex'))!;
  // The reloaded window asked main which witness keys it holds (ceremony:witness-keys): Tess's token login is still
  // there, so her sign form is offered without loading her key again. It asks for her PIN (for this one signature)
  // and the fingerprint she heard; a wrong PIN signs nothing.
  expect(app.ipcCalls).toContain('ceremony:witness-keys');
  await expect(page.getByTestId('sign-form-tess')).toBeVisible();
  await expect(page.getByTestId('key-ways-tess')).toHaveCount(0);
  await expect(page.getByTestId('key-loader-tess')).toHaveCount(0);
  await expect(page.getByTestId('sign-tess')).toBeDisabled();
  await c.fillSignForm('tess', { pin: WRONG_PIN });
  await page.getByTestId('sign-tess').click();
  await expect(page.getByTestId('sign-error-tess')).toHaveAttribute('data-code', 'HSM_PIN_INCORRECT');
  await expect(page.getByTestId('sign-pin-tess')).toHaveValue('');
  await expect(page.getByTestId('signoff-tess')).toHaveAttribute('data-signed', 'false');
  await saveScreens(page, 'tokens-signoff-wrong-pin');
  await c.fillSignForm('tess', { pin: PIN });
  await expect(page.getByTestId('sign-tess')).toBeInViewport({ ratio: 1 });
  await saveScreens(page, 'tokens-signoff-pin');
  await page.getByTestId('sign-tess').click();
  await expect(page.getByTestId('signoff-done')).toBeVisible();
  await page.getByTestId('signoff-continue').click();
  await c.expectStage('split');
  await page.getByTestId('split').click();
  await c.signOff(true, undefined, { pin: PIN });

  // ---- handoffs: Alice types a wrong PIN first; nothing is handed over and she is still waiting
  await c.expectStage('handoff');
  await expect(page.getByTestId('handoff-row-alice')).toContainText('HSM token alice-token (serial');
  await saveScreens(page, 'tokens-handoff-choose');
  await c.chooseCustodian('Alice Meier');
  await expect(page.getByTestId('handoff-pin')).toBeFocused();
  await expect(page.getByTestId('handoff-token')).toBeDisabled();
  await page.getByTestId('handoff-pin').fill('12');
  await expect(page.getByTestId('handoff-pin-short')).toBeVisible();
  await expect(page.getByTestId('handoff-token')).toBeDisabled();
  await saveScreens(page, 'tokens-handoff-pin');
  await c.storeOnToken(WRONG_PIN);
  await expect(page.getByTestId('handoff-error')).toHaveAttribute('data-code', 'HSM_PIN_INCORRECT');
  await expect(page.getByTestId('handoff-error-message')).toContainText('alice-token');
  // SoftHSM2 flags "count low" after a wrong PIN: main's message says so (and the screen does not repeat it).
  await expect(page.getByTestId('handoff-error-message')).toContainText('few tries are left');
  await expect(page.getByTestId('handoff-error-note')).toHaveCount(0);
  await expect(page.getByTestId('handoff-error')).toContainText('Alice Meier is still waiting');
  await expect(page.getByTestId('handoff-pin')).toHaveValue('');
  await c.expectStage('handoff');
  await saveScreens(page, 'tokens-handoff-wrong-pin');
  await page.getByTestId('handoff-back').click();
  await expect(page.getByTestId('handoff-row-alice')).toHaveAttribute('data-state', 'waiting');
  expect((await backend.host.status()).handedOff).toEqual([]);

  for (const [id, name] of [
    ['alice', 'Alice Meier'],
    ['bob', 'Bob Keller'],
    ['carol', 'Carol Rossi'],
  ] as const) {
    await c.chooseCustodian(name);
    await c.storeOnToken(PIN);
    await c.expectStage('confirm');
    await expect(page.getByTestId('token-written')).toContainText(`Token ${id}-token (serial`);
    await expect(page.getByTestId('secret-banner')).toHaveCount(0);
    await expect(page.getByTestId('shard-words')).toHaveCount(0);
    if (id === 'alice') {
      await saveScreens(page, 'tokens-confirm-readback');
      // A wrong PIN at the read-back: refused, Alice is still to confirm.
      await c.readBackFromToken(WRONG_PIN);
      await expect(page.getByTestId('confirm-error')).toHaveAttribute('data-code', 'HSM_PIN_INCORRECT');
      await expect(page.getByTestId('confirm-pin')).toHaveValue('');
      await c.expectStage('confirm');
      await saveScreens(page, 'tokens-confirm-wrong-pin');
    }
    await c.readBackFromToken(PIN);
    await c.expectStage('confirmed');
    await c.signOff(true, undefined, { pin: PIN });
  }

  // ---- test recovery from Alice's and Carol's tokens, each with their PIN
  await c.expectStage('test-recovery');
  for (const [id, on] of [
    ['alice', true],
    ['bob', false],
    ['carol', true],
  ] as const) {
    if ((await page.getByTestId(`recovery-${id}`).isChecked()) !== on) await page.getByTestId(`recovery-${id}`).click();
  }
  await expect(page.getByTestId('recovery-quorum')).toHaveAttribute('data-quorum', 'true');
  await expect(page.getByTestId('recovery-cannot')).toHaveCount(0);
  await expect(page.getByTestId('token-giveback-bob')).toHaveCount(0);
  await page.getByTestId('recovery-pin-alice').fill(PIN);
  await page.getByTestId('recovery-pin-carol').fill(PIN);
  await saveScreens(page, 'tokens-test-recovery');
  await page.getByTestId('recovery-run').click();
  await expect(page.getByTestId('recovery-match')).toBeVisible();
  await expect(page.getByTestId('recovered-fingerprint')).toHaveAttribute('data-hex', fpHex);
  await c.signOff(true, undefined, { pin: PIN });

  // ---- destroy, seal
  await c.destroy();
  await c.signOff(true, undefined, { pin: PIN });
  await c.expectStage('seal');
  await page.getByTestId('seal').click();
  await c.signOff(false, undefined, { pin: PIN });
  await c.expectStage('sealed');
  await saveScreens(page, 'tokens-sealed');

  // ---- the transcript verifies; Tess signed with her token key; the token steps are recorded
  const status = await backend.host.status();
  expect(status.phase).toBe('sealed');
  const text = readFileSync(status.transcript.path, 'utf8');
  const v = verifyTranscriptText(text);
  expect(v.ok, v.ok ? '' : v.reason).toBe(true);
  if (!v.ok) return;
  expect(v.headHash).toBe(status.transcript.headHash);
  expect(v.witnessesPinned).toBe(true);
  expect(v.signoffs.length).toBeGreaterThanOrEqual(9);
  for (const s of v.signoffs) for (const w of s.witnesses) expect([w.id, w.algorithm]).toEqual(['tess', 'ecdsa-p256']);
  const kinds = v.entries.map((e) => e.kind);
  for (const k of ['token-check', 'token-random', 'token-store', 'token-read-back', 'test-recovery', 'seal']) expect(kinds).toContain(k);
  expect(kinds.filter((k) => k === 'token-store')).toHaveLength(3);
  expect(text).toContain('pkcs11-rng');
  expect(text).toContain(tessKey);

  // ---- no PIN in any answer of main (the envelopes the page received, values and errors), in any file of the
  // ceremony, or in the page's storage
  expect(failedAnswers(app)).toEqual([
    'hsm:select-module HSM_MODULE',
    'ceremony:load-witness-token HSM_PIN_INCORRECT',
    'ceremony:sign-off HSM_PIN_INCORRECT',
    'ceremony:handoff HSM_PIN_INCORRECT',
    'ceremony:confirm HSM_PIN_INCORRECT',
  ]);
  expectNoAnswerContains(app, [PIN, WRONG_PIN], 30);
  const files = backend.ceremonyDirs().flatMap(filesUnder);
  expect(files.length).toBeGreaterThanOrEqual(2);
  for (const f of files) for (const p of [PIN, WRONG_PIN]) expect(f.includes(p), 'a PIN was written to a ceremony file').toBe(false);
  const stored = await page.evaluate(() => {
    const g = globalThis as unknown as { sessionStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null }; localStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null }; location: { href: string } };
    const dump = (s: typeof g.sessionStorage) => Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i) ?? '')}`).join('\n');
    return `${dump(g.sessionStorage)}\n${dump(g.localStorage)}\n${g.location.href}`;
  });
  for (const p of [PIN, WRONG_PIN]) expect(stored.includes(p)).toBe(false);
  for (const ch of ['hsm:suggested-modules', 'hsm:select-module', 'hsm:list-tokens', 'ceremony:check-devices', 'ceremony:load-witness-token', 'ceremony:start', 'ceremony:handoff', 'ceremony:confirm', 'ceremony:test-recovery']) {
    expect(app.ipcCalls).toContain(ch);
  }
});

test('before the start, the device check names each token that cannot do its job', async ({ launch }) => {
  env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token'], { pin: PIN });
  // Before the module is first loaded: Alice's token is write-protected (it cannot keep a shard), Bob's is locked.
  env.setTokenFlags('alice-token', CKF_TOKEN.WRITE_PROTECTED);
  env.setTokenFlags('bob-token', CKF_TOKEN.USER_PIN_LOCKED);
  backend = createCeremonyBackend({ hsm: true });
  const app = await launch({ backend });
  const { page } = app;
  const c = new CeremonyPage(page, backend);
  // Carol's plan names a token that is not plugged in.
  const planFile = writePlanFile(backend.root, tokenPlan(['alice-token', 'bob-token', 'dave-token']));
  await app.open('plan');
  await page.getByTestId('plan-load').setInputFiles(planFile);
  await expect(page.getByTestId('plan-loaded')).toBeVisible();
  await page.getByTestId('plan-continue').click();

  await c.expectTokenSetup();
  await expect(page.getByTestId('token-for-alice')).toHaveAttribute('data-chosen', 'alice-token');
  await expect(page.getByTestId('token-for-alice-verdict')).toHaveAttribute('data-ok', 'false');
  await expect(page.getByTestId('token-for-alice-verdict')).toContainText('write-protected');
  await expect(page.getByTestId('token-for-bob-verdict')).toHaveAttribute('data-ok', 'false');
  await expect(page.getByTestId('token-for-bob-verdict')).toContainText('its PIN is locked');
  await expect(page.getByTestId('token-for-carol')).toHaveAttribute('data-chosen', '');
  await expect(page.getByTestId('token-for-carol-not-found')).toContainText('No token labelled “dave-token” is plugged in');
  expect(await c.checkTokens()).toBe(false);
  await expect(page.getByTestId('device-check-alice')).toHaveAttribute('data-code', 'HSM_MECHANISM');
  await expect(page.getByTestId('device-check-alice')).toContainText('write-protected');
  await expect(page.getByTestId('device-check-bob')).toHaveAttribute('data-code', 'HSM_PIN_LOCKED');
  await expect(page.getByTestId('device-check-bob')).toContainText('locked after too many wrong PINs');
  await expect(page.getByTestId('device-check-carol')).toHaveAttribute('data-code', 'HSM_TOKEN_ABSENT');
  await expect(page.getByTestId('device-check-carol')).toContainText('dave-token');
  await expect(page.getByTestId('device-check')).toContainText('3 tokens are not ready');
  await expect(page.getByTestId('ceremony-start')).toBeDisabled();
  await saveScreens(page, 'tokens-device-check-problems');

  // The token pickers say the same, token by token (the witness's picker lists them all, with PIN states).
  await page.getByTestId('key-way-token-tess').check();
  await expect(page.getByTestId('key-token-tess-bob-token-pin')).toHaveAttribute('data-state', 'locked');
  await expect(page.getByTestId('key-token-tess-bob-token-verdict')).toHaveAttribute('data-ok', 'false');
  await expect(page.getByTestId('key-token-tess-carol-token-verdict')).toHaveAttribute('data-ok', 'true');
  await saveScreens(page, 'tokens-picker-states');

  // Nothing was started or recorded.
  expect((await backend.host.status()).phase).toBe('not-started');
  expect(app.ipcCalls).not.toContain('ceremony:start');
  expect(backend.ceremonyDirs()).toEqual([]);
});

test('a plan without tokens: no token panel at the start; the entropy step offers a token and its PIN', async ({ launch }) => {
  env = makeSoftHsm(['dice-token'], { pin: PIN });
  backend = createCeremonyBackend({ hsm: true });
  const app = await launch({ backend });
  const { page } = app;
  const c = new CeremonyPage(page, backend);
  await app.open('plan');
  await page.getByTestId('plan-load').setInputFiles(writePlanFile(backend.root, smallPlan('Paper seed with a token die')));
  await expect(page.getByTestId('plan-loaded')).toBeVisible();
  await page.getByTestId('plan-continue').click();
  await c.expectStage('airgap');
  await expect(page.getByTestId('token-setup')).toHaveCount(0);
  await c.loadWitnessKeys();
  await c.start();
  await c.overrideAirgap(OVERRIDE_REASON);
  await c.signOff(true, undefined, { pin: PIN });

  await c.expectStage('entropy');
  await expect(page.getByTestId('entropy-hsm')).not.toBeChecked();
  await page.getByTestId('entropy-hsm').check();
  await expect(page.getByTestId('entropy-token-pick-dice-token-verdict')).toContainText('Can add random numbers to the entropy');
  await expect(page.getByTestId('entropy-gather')).toBeDisabled();
  await page.getByTestId('entropy-token-pick-dice-token').check();
  // A wrong PIN: refused with the token's words, the PIN field emptied, nothing gathered.
  await page.getByTestId('entropy-pin').fill(WRONG_PIN);
  await page.getByTestId('entropy-gather').click();
  await expect(page.getByTestId('entropy-error')).toHaveAttribute('data-code', 'HSM_PIN_INCORRECT');
  await expect(page.getByTestId('entropy-pin')).toHaveValue('');
  await c.expectStage('entropy');
  await saveScreens(page, 'tokens-entropy-pick-wrong-pin');
  await c.gatherEntropyWithHsm(DICE, PIN);
  await c.expectStage('generate');
  await expect(page.getByTestId('entropy-summary')).toContainText('the HSM generator');
  const text = readFileSync((await backend.host.status()).transcript.path, 'utf8');
  expect(text).toContain('pkcs11-rng');
  expect(text).toContain('dice-token');
  for (const p of [PIN, WRONG_PIN]) expect(text.includes(p)).toBe(false);
  expect(failedAnswers(app)).toEqual(['ceremony:gather-entropy HSM_PIN_INCORRECT']);
  expectNoAnswerContains(app, [PIN, WRONG_PIN], 5);
});
