/**
 * Shares that ask for far more SLIP-39 key stretching than keyshard's own (iteration exponent 13 against 1), end to
 * end with the real recovery service: "Recover the key" first asks, with the time it takes on this computer; Cancel
 * keeps the shards; Continue shows the round under way with a bar and a Cancel button while main stretches off its
 * thread; Cancel stops it and says the shards are still in hand.
 */
import { randomBytes } from 'node:crypto';
import { splitEncryptedMasterSecret } from '../../core/slip39/index';
import { expect, test } from './fixtures';
import { recoveryService } from './fixtures/recovery-ceremony';
import { saveScreens } from './harness';
import { RecoveryPage } from './pages/recovery-page';

/** 81,920,000 iterations: tens of seconds here, so the run is still going while the screen is looked at. */
const EXPONENT = 13;

/** A 2-of-3 SLIP-39 set at EXPONENT, from a random encrypted master secret (so making it costs no PBKDF2). */
function slowShares(): string[] {
  const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
  const [group] = splitEncryptedMasterSecret(random(16), {
    identifier: 0x1234,
    extendable: true,
    iterationExponent: EXPONENT,
    groupThreshold: 1,
    groups: [{ threshold: 2, count: 3 }],
    random,
  });
  return group!;
}

test('shares asking for slow key stretching: asked first, then a bar with the round and Cancel; cancel keeps the shards', async ({ launch }) => {
  const app = await launch({ deps: { recovery: recoveryService() } });
  await app.open('recover');
  const { page } = app;
  const r = new RecoveryPage(page);
  await r.skip();
  const shares = slowShares();
  for (const [i, words] of shares.slice(0, 2).entries()) {
    await r.typeWords(words.split(' '));
    await r.checkWords();
    await r.expectOutcome('accepted', i + 1);
  }

  // The question, with the work asked for and the time it takes here.
  await r.finish();
  const question = r.id('slow-kdf-question');
  await expect(question).toBeVisible();
  await expect(question).toBeFocused();
  await expect(question).toContainText('These shares ask for 2^13 × 10,000 PBKDF2 iterations');
  await expect(r.id('slow-kdf-message')).toContainText('81,920,000 PBKDF2 iterations');
  await expect(r.id('slow-kdf-message')).toContainText("keyshard's own ceremonies write exponent 1");
  await expect(r.id('slow-kdf-continue')).toContainText(/Continue \((less than a second|about \d+ (seconds|minutes))\)/);
  await saveScreens(page, 'recovery-slow-kdf-question');

  // Cancel the question: nothing happens, the shards stay.
  await r.id('slow-kdf-cancel').click();
  await expect(question).toHaveCount(0);
  await expect(r.held()).toHaveCount(2);

  // Ask again, continue: the round under way, a bar, and Cancel.
  await r.finish();
  await r.id('slow-kdf-continue').click();
  const running = r.id('key-stretching');
  await expect(running).toBeVisible();
  await expect(running).toContainText(/Stretching the passphrase key: round [1-4] of 4/);
  await expect(r.id('key-stretching-bar')).toBeVisible();
  await expect(r.id('finish')).toBeDisabled();
  // No shard is sent while main stretches (it would only wait behind the stretch).
  await expect(r.id('words-submit')).toBeDisabled();
  await saveScreens(page, 'recovery-slow-kdf-running');

  await r.id('key-stretching-cancel').click();
  const cancelled = r.id('key-stretching-cancelled');
  await expect(cancelled).toBeVisible();
  await expect(cancelled).toContainText('Recovery cancelled.');
  await expect(cancelled).toContainText('The 2 shards in hand are kept');
  await expect(r.held()).toHaveCount(2);
  await expect(r.id('finish')).toBeEnabled();
  await expect(r.id('words-submit')).toBeEnabled();
  await expect(r.stage()).toHaveAttribute('data-stage', 'collect');
  await saveScreens(page, 'recovery-slow-kdf-cancelled');
});
