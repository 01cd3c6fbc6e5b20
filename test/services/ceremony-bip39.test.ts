/**
 * The import step takes a BIP-39 wallet's mnemonic word by word (issue 12.5, app part): the ceremony splits the
 * wallet's entropy, records the wallet's own fingerprint (its BIP-39 seed's BIP-32 root, what the wallet shows), the
 * test recovery checks against it, and neither the words nor the entropy reach the transcript or an error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateMnemonic, mnemonicToEntropy, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../core/errors';
import { fingerprintOf, seedIdentity } from '../../core/fingerprint';
import type { CeremonyPlan } from '../../core/policy';
import { verifyTranscriptText } from '../../core/transcript';
import { contract } from '../../electron/ipc/contract';
import { allZero, cleanTemps, responseFor, rig, unwitnessedPlan } from './ceremony-harness';

after(cleanTemps);

const seedImportPlan = (lengthBytes: number): CeremonyPlan => unwitnessedPlan({ type: 'import', kind: 'seed', lengthBytes }, 'slip39', 'ed25519', 'wallet');

/** What the wallet itself shows, computed without keyshard's BIP-39 code: BIP-39 seed -> BIP-32 root -> fingerprint. */
function walletFingerprint(mnemonic: string): string {
  return fingerprintOf(seedIdentity(Uint8Array.from(mnemonicToSeedSync(mnemonic)))).hex;
}

const isError = (code: string, check?: (e: KeyshardError) => void) => (e: unknown) => {
  assert.ok(e instanceof KeyshardError, String(e));
  assert.equal(e.code, code, e.message);
  check?.(e);
  return true;
};

describe('ceremony: import a BIP-39 wallet', () => {
  for (const strength of [128, 256] as const) {
    it(`${strength / 32 * 3} words: the wallet's entropy is split under the wallet's fingerprint, and the test recovery matches it`, async () => {
      const mnemonic = generateMnemonic(wordlist, strength);
      const entropyHex = bytesToHex(Uint8Array.from(mnemonicToEntropy(mnemonic, wordlist)));
      const p = seedImportPlan(strength / 8);
      const r = rig();
      const s = r.service;
      await s.start({ plan: p });
      await s.checkAirGap();
      await s.gatherEntropy();
      // Typed word by word, in any case with stray spaces, as the import step's fields send them.
      const made = await s.importSecret({ bip39Words: mnemonic.split(' ').map((w, i) => (i % 2 === 0 ? ` ${w.toUpperCase()}` : w)) });
      assert.equal(made.fingerprint.hex, walletFingerprint(mnemonic));
      const split = await s.split();
      assert.equal(split.fingerprint.hex, made.fingerprint.hex);
      for (const c of p.custodians) {
        const view = await s.handoff({ custodianId: c.id });
        await s.confirm({ custodianId: c.id, method: 'scan-qr', responses: responseFor(view, p) });
        await s.receipt({ custodianId: c.id });
      }
      const rec = await s.testRecovery({ custodianIds: ['ben', 'cat'] });
      assert.equal(rec.fingerprintMatch, true, 'the test recovery checks the wallet fingerprint the import recorded');
      await s.destroy({ confirmed: true });
      await s.seal();
      const text = readFileSync(join(r.dir, 'transcript.json'), 'utf8');
      assert.ok(verifyTranscriptText(text).ok);
      assert.ok(text.includes(walletFingerprint(mnemonic)));
      assert.ok(!text.includes(entropyHex.slice(0, 12)), 'the entropy is not recorded');
      assert.ok(!text.includes(mnemonic.split(' ').slice(0, 3).join(' ')), 'the words are not recorded');
      for (const b of r.buffers) assert.ok(allZero(b.bytes), `${b.label} is not zeroed`);
    });
  }

  it('a wrong word is named by its position, never repeated; the wrong count or a checksum that fails is refused; nothing is recorded', async () => {
    const mnemonic = generateMnemonic(wordlist, 128).split(' ');
    const r = rig();
    const s = r.service;
    await s.start({ plan: seedImportPlan(16) });
    await s.checkAirGap();
    await s.gatherEntropy();
    const typo = [...mnemonic];
    typo[4] = 'zebrax';
    await assert.rejects(s.importSecret({ bip39Words: typo }), isError('INVALID_ARGUMENT', (e) => {
      assert.match(e.message, /^Word 5 of the BIP-39 mnemonic is not on the BIP-39 English word list/);
      assert.ok(!e.message.includes('zebrax'));
      assert.deepEqual(e.details?.['positions'], [5]);
    }));
    // Two words swapped: a 12-word checksum is 4 bits, so 1 swap in 16 still checks out; take the first that does not.
    const swapped = [1, 2, 3, 5, 6, 7, 8, 9, 10, 11]
      .map((j) => mnemonic.map((w, i) => (i === 0 ? mnemonic[j]! : i === j ? mnemonic[0]! : w)))
      .find((m) => !validateMnemonic(m.join(' '), wordlist));
    assert.ok(swapped, 'some swap breaks the checksum');
    await assert.rejects(s.importSecret({ bip39Words: swapped }), (e: unknown) => e instanceof KeyshardError && (e.details?.['bip39'] === 'checksum' || e.code === 'SECRET_LENGTH'));
    await assert.rejects(s.importSecret({ bip39Words: generateMnemonic(wordlist, 256).split(' ') }), isError('SECRET_LENGTH', (e) => assert.match(e.message, /a 12-word BIP-39 mnemonic; 24 words were given/)));
    await assert.rejects(s.importSecret({ secretHex: '00'.repeat(16), bip39Words: mnemonic }), isError('INVALID_ARGUMENT'));
    // Still at the import step: the right words go in.
    const made = await s.importSecret({ bip39Words: mnemonic });
    assert.equal(made.fingerprint.hex, walletFingerprint(mnemonic.join(' ')));
  });

  it('the IPC contract takes hex or words, never both, 12 to 24 words', () => {
    const schema = contract['ceremony:import-secret'].request;
    assert.equal(schema.safeParse({ bip39Words: Array(12).fill('abandon') }).success, true);
    assert.equal(schema.safeParse({ secretHex: 'ab' }).success, true);
    assert.equal(schema.safeParse({ secretHex: 'ab', bip39Words: Array(12).fill('abandon') }).success, false);
    assert.equal(schema.safeParse({}).success, false);
    assert.equal(schema.safeParse({ bip39Words: Array(11).fill('abandon') }).success, false);
  });
});
