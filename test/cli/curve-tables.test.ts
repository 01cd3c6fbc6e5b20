import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { fingerprintOf, seedIdentity } from '../../core/fingerprint';
import { useOneShotCurveTables } from '../../electron/cli/curve-tables';

// The CLI's table-less secp256k1 (electron/cli/curve-tables.ts) changes how fast, never what is computed.
describe('one-shot curve tables', () => {
  const seed = hexToBytes('000102030405060708090a0b0c0d0e0f');
  // Before the switch, with the library's own tables: what the same inputs must give afterwards.
  const before = { seedFingerprint: fingerprintOf(seedIdentity(seed)).hex, secp3: bytesToHex(secp256k1.getPublicKey(hexToBytes('03'.padStart(64, '0')))) };

  it('gives RFC 8032 test 1, the same seed identity and the same secp256k1 keys as the default tables', () => {
    useOneShotCurveTables();
    useOneShotCurveTables(); // idempotent
    const sk = hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    assert.equal(bytesToHex(ed25519.getPublicKey(sk)), 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const sig = ed25519.sign(new Uint8Array(0), sk);
    assert.equal(
      bytesToHex(sig),
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    assert.equal(ed25519.verify(sig, new Uint8Array(0), ed25519.getPublicKey(sk), { zip215: false }), true);
    assert.equal(ed25519.verify(sig, new Uint8Array(1), ed25519.getPublicKey(sk), { zip215: false }), false);
    // secp256k1: 1*G and 3*G are known points; the BIP-32 identity of a seed is unchanged.
    assert.equal(bytesToHex(secp256k1.getPublicKey(hexToBytes('01'.padStart(64, '0')))), '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
    assert.equal(bytesToHex(secp256k1.getPublicKey(hexToBytes('03'.padStart(64, '0')))), before.secp3);
    assert.equal(before.secp3, '02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9');
    assert.equal(fingerprintOf(seedIdentity(seed)).hex, before.seedFingerprint);
  });
});
