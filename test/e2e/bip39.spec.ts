/**
 * BIP-39 in the app (issue 12.5) and words to read aloud at a sign-off (14.2): a plan imports a 16-byte seed; the
 * holder types a wallet's 12 words in the import step's fields (a typo is marked at its position, the button waits),
 * the fingerprint read aloud is the wallet's own, and the witness signs it off by typing its words, not the hex. A
 * recovery of a BIP-39 wallet's shards shows the seed as the wallet's mnemonic once the person asks to see it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entropyToMnemonic, mnemonicToSeedSync } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { fingerprintOf, seedIdentity } from '../../core/fingerprint';
import { spokenText } from '../../core/read-aloud';
import { createCeremonyBackend } from './backend';
import { smallPlan, writePlanFile } from './ceremony-support';
import { expect, test } from './fixtures';
import { DEFAULT_GROUPS, makeCeremony, recoveryService, shard } from './fixtures/recovery-ceremony';
import { saveScreens } from './harness';
import { CeremonyPage } from './pages/ceremony-page';
import { RecoveryPage } from './pages/recovery-page';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyshard-e2e-bip39-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a BIP-39 wallet imported word by word: the wallet\'s fingerprint, read aloud and signed off in words', async ({ launch }) => {
  const backend = createCeremonyBackend();
  const app = await launch({ backend });
  const { page } = app;
  const c = new CeremonyPage(page, backend);
  const planFile = writePlanFile(dir, { ...smallPlan('Cold wallet 2025'), secret: { type: 'import', kind: 'seed', lengthBytes: 16 } });
  // Test data: a wallet made here. What the wallet shows is computed without keyshard's BIP-39 code.
  const mnemonic = entropyToMnemonic(hexToBytes('7f'.repeat(8) + '3c'.repeat(8)), wordlist).split(' ');
  const walletFingerprint = fingerprintOf(seedIdentity(Uint8Array.from(mnemonicToSeedSync(mnemonic.join(' '))))).hex;

  await app.open('plan');
  await page.getByTestId('plan-load').setInputFiles(planFile);
  await expect(page.getByTestId('plan-loaded')).toBeVisible();
  await page.getByTestId('plan-continue').click();
  await c.loadWitnessKeys();
  await c.start();
  await c.overrideAirgap('The built-in network card cannot be disabled; the cable is unplugged and Wi-Fi is off.');
  await c.signOff();
  await c.gatherEntropy('1 2 3 4 5 6 6 5 4 3 2 1');

  await page.getByTestId('import-form-bip39').check();
  await expect(page.getByTestId('bip39-input-12')).toBeVisible();
  const typo = [...mnemonic];
  typo[6] = `${typo[6]}x`;
  await page.getByTestId('bip39-input-1').fill(typo.join(' '));
  await expect(page.getByTestId('bip39-word-7')).toHaveAttribute('data-state', 'unknown');
  await expect(page.getByTestId('bip39-problem')).toHaveText(/^Word 7 is not on the BIP-39 English word list/);
  await expect(page.getByTestId('generate')).toBeDisabled();
  // The words are hidden like the hex field: none is on the screen as text.
  await expect(page.locator('body')).not.toContainText(mnemonic[0]!);
  await saveScreens(page, 'bip39-import-typo');
  await page.getByTestId('bip39-input-7').fill(mnemonic[6]!);
  await expect(page.getByTestId('bip39-word-7')).toHaveAttribute('data-state', 'ok');
  await page.getByTestId('generate').click();

  await c.expectStage('fingerprint');
  await expect(page.getByTestId('fingerprint')).toHaveAttribute('data-hex', walletFingerprint);
  await expect(page.getByTestId('fingerprint-words')).toHaveAttribute('data-words', spokenText(walletFingerprint));
  await expect(page.getByTestId('signoff-fingerprint-words')).toHaveAttribute('data-words', spokenText(walletFingerprint));
  // Wendy heard the words: she types them, not the hex.
  const form = page.getByTestId('sign-form-wendy');
  await c.fillSignForm('wendy');
  await form.getByTestId('sign-fingerprint-wendy').fill(spokenText(walletFingerprint));
  await saveScreens(page, 'bip39-fingerprint-words');
  await form.getByTestId('sign-wendy').click();
  await expect(page.getByTestId('signoff').getByTestId('signoff-done')).toBeVisible();
  await expect(page.getByTestId('signoff-wendy')).toHaveAttribute('data-signed', 'true');
});

test('a recovered BIP-39 wallet is shown as its mnemonic; another seed as one SLIP-39 share', async ({ launch }) => {
  const ceremony = await makeCeremony({ tag: 'keyshard e2e bip39 wallet', label: 'Cold wallet 2025', groupThreshold: 2, groups: DEFAULT_GROUPS, seedBytes: 16, bip39Wallet: true });
  const app = await launch({ deps: { recovery: recoveryService() } });
  await app.open('recover');
  const { page } = app;
  const r = new RecoveryPage(page);
  await r.typeFingerprint(spokenText(ceremony.fingerprint));
  for (const [g, m] of [[2, 1], [2, 2], [3, 1]] as const) {
    await r.typeWords(shard(ceremony, g, m).mnemonic.split(' '));
    await r.checkWords();
    await expect(r.outcome()).toHaveAttribute('data-outcome', 'accepted');
  }
  await r.finish();
  await expect(r.verdict()).toHaveAttribute('data-verdict', 'verified');
  await expect(r.id('recovered-fingerprint')).toHaveAttribute('data-hex', ceremony.fingerprint);
  await r.id('export-display').click();
  await r.id('show-secret').click();
  await expect(r.id('secret-words')).toHaveAttribute('data-list', 'bip39');
  const expected = entropyToMnemonic(hexToBytes(ceremony.secretHex), wordlist).split(' ');
  await expect(r.id('secret-word-list').locator('li')).toHaveCount(12);
  expect((await r.id('secret-word-list').locator('li').allInnerTexts()).map((t) => t.replace(/^\d+\s*/, '').trim())).toEqual(expected);
  await expect(r.id('secret-words-heading')).toContainText('of the wallet the ceremony split');
  await saveScreens(page, 'bip39-recovered-mnemonic');
  // Asked for, the same seed as one SLIP-39 share (20 words for 16 bytes).
  await r.id('secret-words-slip39').click();
  await expect(r.id('secret-words')).toHaveAttribute('data-list', 'slip39');
  await expect(r.id('secret-word-list').locator('li')).toHaveCount(20);
  await saveScreens(page, 'bip39-recovered-slip39-share');
  await r.id('hide-secret').click();
  await expect(r.id('secret-word-list')).toHaveCount(0);
});
