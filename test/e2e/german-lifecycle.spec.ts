/**
 * Share maintenance, custody check and verify in German (issue 14.8): Deutsch chosen on the start screen, a repair
 * (setup, the lost share itself refused, the handoff, the seal), a custodian's shard checked against the record with a
 * witness's receipt, and the repair's sealed transcript on the verify screen, whole and then with one entry changed.
 * Every screen is saved (screen checks run on it in German) and shows none of the catalogue's English strings; the
 * step lists name their steps in German.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { decodeEnvelope, envelopeToText } from '../../core/envelope';
import { serializeTranscript } from '../../core/transcript';
import { createSigningHost } from '../../electron/ipc/handlers-signing';
import { createExtendService } from '../../electron/services/extend/index';
import { createLifecycleService } from '../../electron/services/lifecycle/index';
import { de } from '../../renderer/i18n/de';
import { custodyCeremony } from '../helpers/custody-fixture';
import { nodeRandom, shardText, vssKeyCeremony } from '../helpers/lifecycle-fixture';
import { witnessPassphrase } from './backend';
import { expect, test } from './fixtures';
import { chooseGerman, englishOnScreen, go } from './german';
import { saveScreens } from './harness';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-german-lifecycle-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quiet = { check: async () => ({ ok: true, interfaces: [{ name: 'lo', up: true, kind: 'loopback' }] }) };
const by = (page: Page, id: string) => page.getByTestId(id);
const paper = (hex: string): string => (hex.toUpperCase().match(/.{4}/g) ?? []).join(' ');

async function germanScreen(page: Page, name: string): Promise<void> {
  await saveScreens(page, name);
  expect(await englishOnScreen(page), name).toEqual([]);
}

test('a repair, a custody check and the verify screen in German, without English', async ({ launch }) => {
  const kc = vssKeyCeremony('secp256k1', 2, 3);
  const source = join(dir, 'key-ceremony-repair.json');
  writeFileSync(source, kc.text);
  const lifecycle = createLifecycleService({ clock: () => new Date(), random: nodeRandom, transcriptDir: join(dir, 'repair'), airgap: quiet });
  const signing = createSigningHost({ clock: () => new Date(), random: (n) => new Uint8Array(randomBytes(n)) });
  const app = await launch({ deps: { lifecycle, signing } });
  const { page } = app;
  await app.open('');
  await chooseGerman(page);

  // Repair: setup, the lost share itself refused, the handoff, the seal.
  await go(page, 'repair');
  await by(page, 'lifecycle-source').setInputFiles(source);
  await by(page, 'lifecycle-curve').selectOption('secp256k1');
  await by(page, 'lifecycle-lost').fill('3');
  await by(page, 'lifecycle-lost-name').fill('Carol');
  await expect(by(page, 'step-list')).toContainText(de['step.repair.repair']);
  await germanScreen(page, 'lifecycle-repair-setup-de');
  await by(page, 'lifecycle-start').click();
  await by(page, 'lifecycle-check-airgap').click();
  await by(page, 'lifecycle-shard-text').fill(shardText(kc.deal, 2));
  await by(page, 'lifecycle-add-share').click();
  await expect(by(page, 'lifecycle-error')).toBeVisible();
  await germanScreen(page, 'lifecycle-repair-refused-de');
  for (const i of [0, 1]) {
    await by(page, 'lifecycle-shard-text').fill(shardText(kc.deal, i));
    await by(page, 'lifecycle-add-share').click();
    if (i === 0) await expect(by(page, 'lifecycle-notice')).toBeVisible();
  }
  await by(page, 'lifecycle-make-button').click();
  await by(page, 'lifecycle-show-custodian-3').click();
  const text = (await by(page, 'lifecycle-paper-text').textContent()) ?? '';
  await germanScreen(page, 'lifecycle-repair-handoff-de');
  await by(page, 'lifecycle-type-back').fill(text);
  await by(page, 'lifecycle-confirm').click();
  await by(page, 'lifecycle-destroy-button').click();
  await by(page, 'lifecycle-seal-button').click();
  await expect(by(page, 'lifecycle-sealed')).toBeVisible();
  await germanScreen(page, 'lifecycle-repair-sealed-de');
  const repaired = (await lifecycle.status()).transcriptPath;
  await by(page, 'lifecycle-done').click();

  // Custody check: one shard against the record, a witness signs the receipt.
  const custody = custodyCeremony('ed25519', 17);
  const custodyPath = join(dir, 'custody-source.json');
  writeFileSync(custodyPath, serializeTranscript(custody.file));
  await go(page, 'custody');
  await by(page, 'custody-source').setInputFiles(custodyPath);
  await by(page, 'custody-final-hash').fill(paper(custody.transcript.headHash));
  await by(page, 'custody-shard-text').fill(envelopeToText(decodeEnvelope(custody.shards[1]!)));
  app.backend.answerDialog(app.backend.witnessKeyFile('wendy'));
  await by(page, 'custody-witness-key-file').click();
  await expect(by(page, 'custody-witness-key-file-name')).toBeVisible();
  await by(page, 'custody-witness-passphrase').fill(witnessPassphrase('wendy'));
  await germanScreen(page, 'custody-check-de');
  await by(page, 'custody-witness-sign').click();
  await expect(by(page, 'custody-result')).toHaveAttribute('data-result', 'verified');
  await germanScreen(page, 'custody-receipt-de');

  // Verify: the repair's sealed transcript, then the same with one entry changed.
  await go(page, 'verify');
  await by(page, 'transcript-file').setInputFiles(repaired);
  await expect(by(page, 'transcript-ok')).toBeVisible();
  await germanScreen(page, 'verify-repair-de');
  const whole = readFileSync(repaired, 'utf8');
  const tampered = join(dir, 'tampered.json');
  writeFileSync(tampered, whole.replace('"Carol"', '"Mallory"'));
  expect(readFileSync(tampered, 'utf8')).not.toBe(whole);
  await by(page, 'transcript-file').setInputFiles(tampered);
  await expect(by(page, 'transcript-error')).toHaveAttribute('data-code', 'TRANSCRIPT_TAMPERED');
  await germanScreen(page, 'verify-tampered-de');
});

test('the first screens of refresh, extend, signing, signer and drill in German, without English', async ({ launch }) => {
  const lifecycle = createLifecycleService({ clock: () => new Date(), random: nodeRandom, transcriptDir: join(dir, 'first-refresh'), airgap: quiet });
  const extend = createExtendService({ clock: () => new Date(), random: nodeRandom, transcriptDir: join(dir, 'first-extend'), airgap: quiet });
  const signing = createSigningHost({ clock: () => new Date(), random: (n) => new Uint8Array(randomBytes(n)) });
  const app = await launch({ deps: { lifecycle, extend, signing } });
  const { page } = app;
  await app.open('');
  await chooseGerman(page);
  for (const [route, ready, step] of [
    // The setup forms: 'Beginnen' in the first view at 1366x768 (the screen check), as in English.
    ['refresh', 'lifecycle-setup', de['step.refresh.refresh']],
    ['extend', 'lifecycle-setup', de['step.extend.extend']],
    ['sign', 'signing-steps', de['step.signing.commit']],
    ['signer', 'signer-steps', de['step.signing.request']],
    ['drill', 'drill-steps', de['step.quorum-drill.drill']],
  ] as const) {
    await go(page, route);
    await expect(by(page, ready)).toBeVisible();
    await expect(page.locator('body')).toContainText(step);
    await germanScreen(page, `${route}-first-de`);
  }
});
