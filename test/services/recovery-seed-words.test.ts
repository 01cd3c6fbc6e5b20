/**
 * A recovered seed shown as words (issue 14.2): the BIP-39 mnemonic when the shards hold a BIP-39 wallet's entropy
 * (the fingerprint the ceremony recorded is the wallet's), else one SLIP-39 share that alone gives the seed back; a key
 * has none. The words travel only in the display answer the person asked for.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateMnemonic, mnemonicToEntropy } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../core/errors';
import { combineMnemonics } from '../../core/slip39/index';
import { createRecoveryService } from '../../electron/services/recovery/index';
import { nodePbkdf2, slip39Backup, vssBackup } from './recovery-fixtures';

const isError = (code: string) => (e: unknown) => e instanceof KeyshardError && e.code === code;

async function recovered(b: ReturnType<typeof slip39Backup>, expected: string | null) {
  const service = createRecoveryService();
  await service.start(expected === null ? {} : { expectedFingerprint: expected });
  for (const t of b.texts[0]!.slice(0, 2)) assert.equal((await service.addShard({ text: t })).outcome, 'accepted');
  return { service, done: await service.finish() };
}

describe('recovery: a seed shown as words', () => {
  it('a BIP-39 wallet split by its entropy comes back as the same mnemonic, its fingerprint the wallet\'s', async () => {
    for (const strength of [128, 256]) {
      const mnemonic = generateMnemonic(wordlist, strength);
      const entropy = Uint8Array.from(mnemonicToEntropy(mnemonic, wordlist));
      const b = slip39Backup(1, [{ threshold: 2, count: 3 }], entropy, { bip39Wallet: true });
      // Typed from the paper record, and with nothing but the shards: either way the wallet is recognised.
      for (const expected of [b.fingerprint, null]) {
        const { service, done } = await recovered(b, expected);
        assert.equal(done.verdict, expected === null ? 'unverified' : 'verified');
        assert.equal(done.recovered.wallet, 'bip39');
        assert.equal(done.recovered.fingerprint.hex, b.fingerprint);
        const shown = await service.export({ kind: 'display', reveal: true });
        assert.ok(shown.kind === 'display');
        assert.deepEqual(shown.words, { list: 'bip39', words: mnemonic.split(' '), walletChecked: true });
        assert.equal(shown.secretHex, bytesToHex(entropy));
        // Asked for, the SLIP-39 words of the same entropy.
        const slip = await service.export({ kind: 'display', reveal: true, words: 'slip39' });
        assert.ok(slip.kind === 'display' && slip.words?.list === 'slip39');
        assert.equal(bytesToHex(combineMnemonics([slip.words.words.join(' ')], '', nodePbkdf2)), bytesToHex(entropy));
        await service.clear();
      }
    }
  });

  it('any other seed: one SLIP-39 share (20 or 33 words) that alone recovers it; BIP-39 only when asked and the length fits', async () => {
    for (const bytes of [16, 32]) {
      const b = slip39Backup(1, [{ threshold: 2, count: 3 }], Uint8Array.from({ length: bytes }, (_, i) => (i * 29 + 3) & 0xff));
      const { service, done } = await recovered(b, b.fingerprint);
      assert.equal(done.verdict, 'verified');
      assert.equal(done.recovered.wallet, undefined);
      const shown = await service.export({ kind: 'display', reveal: true });
      assert.ok(shown.kind === 'display' && shown.words !== undefined);
      assert.equal(shown.words.list, 'slip39');
      assert.equal(shown.words.words.length, bytes === 16 ? 20 : 33);
      assert.equal(bytesToHex(combineMnemonics([shown.words.words.join(' ')], '', nodePbkdf2)), b.secretHex);
      // Asked for BIP-39: the mnemonic of these bytes, marked as not the wallet the ceremony recorded.
      const asked = await service.export({ kind: 'display', reveal: true, words: 'bip39' });
      assert.ok(asked.kind === 'display' && asked.words?.list === 'bip39');
      assert.equal(asked.words.walletChecked, false);
      assert.equal(bytesToHex(Uint8Array.from(mnemonicToEntropy(asked.words.words.join(' '), wordlist))), b.secretHex);
      const hexOnly = await service.export({ kind: 'display', reveal: true, words: 'none' });
      assert.ok(hexOnly.kind === 'display' && hexOnly.words === undefined);
      await service.clear();
    }
    // A seed no BIP-39 mnemonic holds (18 bytes): asked for BIP-39, refused with the reason.
    const odd = slip39Backup(1, [{ threshold: 2, count: 3 }], Uint8Array.from({ length: 18 }, (_, i) => i + 1));
    const { service } = await recovered(odd, odd.fingerprint);
    await assert.rejects(service.export({ kind: 'display', reveal: true, words: 'bip39' }), isError('SECRET_LENGTH'));
  });

  it('a signer share has no words', async () => {
    const v = vssBackup(2, 3);
    const service = createRecoveryService();
    await service.start({ expectedFingerprint: v.fingerprint });
    for (const t of v.texts.slice(0, 2)) assert.equal((await service.addShard({ text: t })).outcome, 'accepted');
    await service.finish();
    const shown = await service.export({ kind: 'display', reveal: true });
    assert.ok(shown.kind === 'display' && shown.words === undefined);
    await assert.rejects(service.export({ kind: 'display', reveal: true, words: 'slip39' }), isError('INVALID_ARGUMENT'));
  });
});
