import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { HDKey } from '@scure/bip32';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { fingerprintOf, keyIdentity, seedIdentity } from '../../core/fingerprint';
import { KeyshardError } from '../../core/errors';

// Official SLIP-39 vectors (trezor/python-shamir-mnemonic, see ../shared/slip39/README.md): the last field is the
// BIP-32 root xprv of the master secret, which pins our seed identity to what wallets derive.
const vectors = JSON.parse(readFileSync(new URL('../../../shared/slip39/vectors.json', import.meta.url), 'utf8')) as [string, string[], string, string][];

describe('public fingerprint', () => {
  const valid = vectors.filter((v) => v[2] !== '');

  it('derives the same BIP-32 root as the official vectors\' xprv for every valid vector', () => {
    assert.equal(valid.length, 15);
    for (const [name, , secretHex, xprv] of valid) {
      const id = seedIdentity(hexToBytes(secretHex));
      const fromVector = HDKey.fromExtendedKey(xprv);
      assert.equal(id.xpub, fromVector.publicExtendedKey, name);
      assert.equal(bytesToHex(id.bytes), bytesToHex(concatBytes(fromVector.publicKey!, fromVector.chainCode!)), name);
    }
  });

  it('is SHA-256 over the domain, kind and identity, displayed as its first 128 bits', () => {
    const pub = hexToBytes('15d21ccd7ee42959562fc8aa63224c8851fb3ec85a3faf66040d380fb9738673');
    const fp = fingerprintOf(keyIdentity('ed25519', pub));
    const expected = bytesToHex(sha256(concatBytes(utf8ToBytes('keyshard/fingerprint/v1'), new Uint8Array([0]), utf8ToBytes('ed25519'), new Uint8Array([0]), pub)));
    assert.equal(fp.hex, expected);
    assert.equal(fp.display.replace(/ /g, ''), expected.slice(0, 32).toUpperCase());
    assert.equal(fp.display.split(' ').length, 8);
  });

  it('separates kinds: the same bytes under another curve give another fingerprint', () => {
    const pub = new Uint8Array(33).fill(2);
    assert.notEqual(fingerprintOf(keyIdentity('secp256k1', pub)).hex, fingerprintOf(keyIdentity('p256', pub)).hex);
  });

  it('rejects wrong lengths with typed errors', () => {
    assert.throws(() => seedIdentity(new Uint8Array(15)), (e: unknown) => e instanceof KeyshardError && e.code === 'SECRET_LENGTH');
    assert.throws(() => keyIdentity('ed25519', new Uint8Array(33)), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT');
  });
});
