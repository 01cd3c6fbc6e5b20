/**
 * Repair on the screens with one helper's share read from their PKCS#11 token (issue 17): the lifecycle screen's
 * token choice (756b4b6) lists SoftHSM2 tokens made for the test through the real hsm host (backend `hsm: true`), and
 * main reads the share of the set being repaired from the token (5d7a8d7). A token with no share and a wrong PIN are
 * refused with what to do (the PIN field emptied and focused), taking nothing in; Alice's token with her PIN is taken
 * in, Bob's share typed; the repaired share is Carol's lost one, the sealed transcript verifies, and no answer of main
 * carries the PIN.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { checkKindSteps } from '../../core/ceremony-kinds/transcript-steps';
import { envelopeFromText } from '../../core/envelope';
import { checkKindContent } from '../../core/kind-content';
import { verifyTranscriptText } from '../../core/transcript';
import { transcriptEnd } from '../../core/transcript-status';
import { createLifecycleService } from '../../electron/services/lifecycle/index';
import { nodeRandom, shardText, shareOfText, vssKeyCeremony } from '../helpers/lifecycle-fixture';
import { makeSoftHsm, storeShardsOnToken, type SoftHsm } from '../hsm/softhsm';
import { createCeremonyBackend, type CeremonyBackend } from './backend';
import { expect, test } from './fixtures';
import { expectNoAnswerContains, saveScreens } from './harness';
import { RecoveryPage } from './pages/recovery-page';

/** PINs that cannot turn up by chance in the page. */
const PIN = 'Pin-7q!Kx';
const WRONG_PIN = 'Wrong-3z?Vv';
const quiet = { check: async () => ({ ok: true, interfaces: [{ name: 'lo', up: true, kind: 'loopback' }] }) };

let env: SoftHsm | undefined;
let backend: CeremonyBackend | undefined;
test.afterEach(async () => {
  await backend?.shutdown();
  backend?.remove();
  backend = undefined;
  env?.cleanup();
  env = undefined;
});

test("repair with Alice's share read from her token (an empty token and a wrong PIN refused first) and Bob's typed: the repaired share is Carol's", async ({ launch }) => {
  env = makeSoftHsm(['alice-token', 'spare-token'], { pin: PIN });
  // The token is asked for the share set of the key ceremony being repaired: its envelopes carry the transcript's id.
  const id = '5a'.repeat(16);
  const kc = vssKeyCeremony('ed25519', 2, 3, id);
  await storeShardsOnToken('alice-token', PIN, [envelopeFromText(shardText(kc.deal, 0, hexToBytes(id)))]);
  backend = createCeremonyBackend({ hsm: true });
  const dir = join(backend.root, 'repair');
  mkdirSync(dir, { recursive: true });
  const source = join(backend.root, 'key-ceremony.json');
  writeFileSync(source, kc.text);
  // As main wires it: the lifecycle service reads tokens through the hsm host's module.
  const lifecycle = createLifecycleService({ clock: () => new Date(), random: nodeRandom, transcriptDir: dir, airgap: quiet, hsm: backend.hsm!.ceremonyHsm });
  const app = await launch({ backend, deps: { lifecycle } });
  const { page } = app;
  const r = new RecoveryPage(page);
  await app.open('');
  await page.getByTestId('start-repair').click();
  await page.getByTestId('lifecycle-source').setInputFiles(source);
  await page.getByTestId('lifecycle-final-hash').fill(kc.verified.headHash);
  await page.getByTestId('lifecycle-lost').fill('3');
  await page.getByTestId('lifecycle-lost-name').fill('Carol');
  await page.getByTestId('lifecycle-start').click();
  await page.getByTestId('lifecycle-check-airgap').click();
  await expect(page.getByTestId('lifecycle-quorum')).toBeVisible();
  await page.getByTestId('lifecycle-token-toggle').click();
  await expect(page.getByTestId('token-input')).toBeVisible();

  // A token with no share of this set: refused, nothing taken in.
  await r.readToken('spare-token', PIN);
  await expect(page.getByTestId('lifecycle-error')).toContainText('HSM_OBJECT_NOT_FOUND');
  await expect(page.getByTestId('token-pin')).toHaveValue('');
  await expect(page.getByTestId('lifecycle-quorum-progress')).toContainText('0 of 2');
  await saveScreens(page, 'lifecycle-repair-token-empty');

  // Alice's token with a wrong PIN: refused, the PIN field empty and focused again.
  await r.chooseToken('alice-token');
  await r.typePinAndSubmit(WRONG_PIN);
  await expect(page.getByTestId('lifecycle-error')).toContainText('HSM_PIN_INCORRECT');
  await expect(page.getByTestId('token-pin')).toHaveValue('');
  await expect(page.getByTestId('token-pin')).toBeFocused();
  await expect(page.getByTestId('lifecycle-quorum-progress')).toContainText('0 of 2');
  await saveScreens(page, 'lifecycle-repair-token-wrong-pin');

  // Her PIN: main reads her share off the token.
  await r.typePinAndSubmit(PIN);
  await expect(page.getByTestId('lifecycle-quorum-progress')).toContainText('1 of 2');
  await expect(page.getByTestId('lifecycle-error')).toHaveCount(0);
  await expect(page.getByTestId('lifecycle-notice')).toBeVisible();
  await saveScreens(page, 'lifecycle-repair-token-taken');
  expect((await lifecycle.status()).quorum).toHaveLength(1);

  // Bob types his.
  await page.getByTestId('lifecycle-token-toggle').click();
  await page.getByTestId('lifecycle-shard-text').fill(shardText(kc.deal, 1, hexToBytes(id)));
  await page.getByTestId('lifecycle-add-share').click();
  await page.getByTestId('lifecycle-make-button').click();
  await page.getByTestId('lifecycle-show-custodian-3').click();
  const text = (await page.getByTestId('lifecycle-paper-text').textContent()) ?? '';
  expect(bytesToHex(shareOfText(text).signingShare)).toBe(bytesToHex(kc.deal.shares[2]!.signingShare));
  await page.getByTestId('lifecycle-type-back').fill(text);
  await page.getByTestId('lifecycle-confirm').click();
  await page.getByTestId('lifecycle-destroy-button').click();
  await page.getByTestId('lifecycle-seal-button').click();
  await expect(page.getByTestId('lifecycle-sealed')).toBeVisible();

  const v = verifyTranscriptText(readFileSync((await lifecycle.status()).transcriptPath, 'utf8'));
  if (!v.ok) throw new Error(v.reason);
  expect(checkKindSteps(v.entries).kind?.id).toBe('repair');
  expect(checkKindContent('repair', v)).toEqual({ ok: true });
  expect(transcriptEnd(v).status).toBe('sealed');
  expect(JSON.stringify(v.entries).includes(PIN)).toBe(false);
  expectNoAnswerContains(app, [PIN, WRONG_PIN]);
});
