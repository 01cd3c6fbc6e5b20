// BIP-39 wallets (issue 12.5, CLI part): split a wallet by its entropy, recover the same mnemonic; the fingerprint is
// that of the wallet's BIP-39 seed, so it matches the wallet.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { HDKey } from '@scure/bip32';
import { entropyToMnemonic, generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { fingerprintOf, seedIdentity } from '../../core/fingerprint';
import { spokenText } from '../../core/read-aloud';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvelopeScheme, encodeEnvelope, encodeSlip39Payload } from '../../core/envelope';
import { recoverCommands } from '../../electron/cli/commands/recover';
import { slip39Commands } from '../../electron/cli/commands/slip39';
import { runCommands } from '../helpers/cli';
import { binPath, ensureCliBundle } from '../helpers/cli-bundle';
import { runInPty } from '../helpers/pty';

const cli = (argv: string[], stdin = '') => runCommands(slip39Commands, argv, stdin);

function wallet(mnemonic: string): { fingerprint: string; xpub: string } {
  const seed = mnemonicToSeedSync(mnemonic);
  return { fingerprint: fingerprintOf(seedIdentity(seed)).hex, xpub: HDKey.fromMasterSeed(seed).publicExtendedKey };
}

describe('BIP-39 through SLIP-39', () => {
  before(ensureCliBundle);

  for (const strength of [128, 256]) {
    it(`a ${strength}-bit wallet split with --from-bip39 comes back as the same mnemonic, with the wallet's fingerprint`, async () => {
      const mnemonic = generateMnemonic(wordlist, strength);
      const split = await cli(['slip39', 'split', '--from-bip39', '--group', '2/3', '--json'], `${mnemonic}\n`);
      assert.equal(split.code, 0, split.stderr);
      const out = JSON.parse(split.stdout) as { groups: { mnemonics: string[] }[]; fingerprint: string };
      assert.equal(out.fingerprint, wallet(mnemonic).fingerprint);
      assert.ok(!split.stdout.includes(mnemonic.split(' ').slice(0, 3).join(' ')));
      const back = await cli(['slip39', 'combine', '--as', 'bip39', '--json'], out.groups[0]!.mnemonics.slice(1).join('\n'));
      assert.equal(back.code, 0, back.stderr);
      assert.deepEqual(JSON.parse(back.stdout), { mnemonic, ...wallet(mnemonic) });
    });
  }

  it('a wrong mnemonic is refused by position, never by word', async () => {
    // A fixed wallet: a random one sometimes holds a word the messages use ("order", "word"), and 1 swap in 16 keeps
    // a 12-word checksum. This one's swap of words 4 and 8 breaks it.
    const mnemonic = entropyToMnemonic(Uint8Array.from({ length: 16 }, (_, i) => (i * 29 + 7) & 0xff), wordlist).split(' ');
    const swapped = [...mnemonic];
    [swapped[3], swapped[7]] = [swapped[7]!, swapped[3]!];
    assert.equal(validateMnemonic(swapped.join(' '), wordlist), false);
    const misspelt = [...mnemonic];
    misspelt[4] = `${misspelt[4]}qq`;
    for (const [words, pattern] of [[swapped, /checksum does not hold/], [misspelt, /Word 5 of the BIP-39 mnemonic is not/], [mnemonic.slice(1), /12, 15, 18, 21 or 24 words/]] as const) {
      const r = await cli(['slip39', 'split', '--from-bip39', '--group', '1/1', '--json'], words.join(' '));
      assert.equal(r.code, 1, r.stdout);
      const e = (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
      assert.equal(e.code, 'INVALID_ARGUMENT');
      assert.match(e.message, pattern);
      for (const w of mnemonic) assert.ok(!new RegExp(`\\b${w}\\b`).test(e.message), `"${w}" in the message`);
    }
    const notBip39 = await cli(['slip39', 'combine', '--as', 'bip39', '--json'], (JSON.parse((await cli(['slip39', 'split', '--secret-hex', '00'.repeat(18), '--group', '1/1', '--json'])).stdout) as { groups: { mnemonics: string[] }[] }).groups[0]!.mnemonics[0]!);
    assert.equal(JSON.parse(notBip39.stderr).error.code, 'SECRET_LENGTH');
  });

  it('asks for the mnemonic at a terminal without showing it', () => {
    const mnemonic = generateMnemonic(wordlist, 128);
    const r = runInPty([process.execPath, binPath, 'slip39', 'split', '--from-bip39', '--group', '1/1', '--json'], [['BIP-39 mnemonic \\(words not shown\\): ', `${mnemonic}\r`], ['Passphrase \\(not shown; Enter for none\\): ', '\r']]);
    assert.equal(r.code, 0, r.output);
    const json = r.output.split(/\r?\n/).find((l) => l.startsWith('{'))!;
    assert.equal((JSON.parse(json) as { fingerprint: string }).fingerprint, wallet(mnemonic).fingerprint);
    assert.ok(!r.output.includes(mnemonic.split(' ').slice(0, 2).join(' ')));
  });
});

describe('recover --as bip39', () => {
  it("gives back a wallet's mnemonic from its shard files, verified against the wallet's fingerprint", async () => {
    const mnemonic = generateMnemonic(wordlist, 128);
    const { fingerprint } = wallet(mnemonic);
    const split = JSON.parse((await cli(['slip39', 'split', '--from-bip39', '--group', '2/3', '--json'], mnemonic)).stdout) as { groups: { mnemonics: string[] }[] };
    const dir = mkdtempSync(join(tmpdir(), 'keyshard-bip39-'));
    try {
      const ceremonyId = new Uint8Array(16).fill(7);
      const files = split.groups[0]!.mnemonics.map((m, i) => {
        const f = join(dir, `c${i}.ks`);
        const env = encodeEnvelope({ scheme: EnvelopeScheme.slip39, ceremonyId, custodianIndex: i, custodianLabel: `C${i}`, groupFingerprint: Uint8Array.from(Buffer.from(fingerprint, 'hex')), payload: encodeSlip39Payload(m) });
        writeFileSync(f, env);
        return f;
      });
      const r = await runCommands(recoverCommands, ['recover', '--as', 'bip39', '--fingerprint', fingerprint, '--reveal', '--json', files[0]!, files[2]!]);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.deepEqual(out, { scheme: 'slip39', fingerprint, fingerprintWords: spokenText(fingerprint), verified: true, source: 'fingerprint', xpub: wallet(mnemonic).xpub, mnemonic });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
