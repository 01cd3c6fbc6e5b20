import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { witnessPublicKeyProblem } from '../../core/policy/witness-key';

// witnessPublicKeyProblem keeps the keys it found usable (a ceremony asks about the same few keys at every step): the
// answers must be the same the second time, per algorithm, and a refused key is refused every time.
describe('witness public key check, asked again', () => {
  const good = bytesToHex(ed25519.getPublicKey(new Uint8Array(32).fill(3)));
  // A small-order point (order 4 on edwards25519): y = 0 is (±sqrt(-1), 0).
  const smallOrder = '00'.repeat(31) + '80';

  it('a usable key stays usable, for its own algorithm only', () => {
    assert.equal(witnessPublicKeyProblem('ed25519', good), null);
    assert.equal(witnessPublicKeyProblem('ed25519', good), null);
    assert.equal(witnessPublicKeyProblem('ecdsa-p256', good), 'a P-256 public key is 33 or 65 bytes (SEC1)');
  });

  it('a refused key is refused every time, with the same reason', () => {
    const first = witnessPublicKeyProblem('ed25519', smallOrder);
    assert.match(first ?? '', /small-order/);
    assert.equal(witnessPublicKeyProblem('ed25519', smallOrder), first);
    assert.equal(witnessPublicKeyProblem('ed25519', '00'.repeat(32)), 'it is all zeros, which is no key at all');
    assert.equal(witnessPublicKeyProblem('ed25519', 'AB'.repeat(32)), 'it is not lowercase hex');
  });

  it('past the kept keys it starts afresh and still answers the same', () => {
    const keys = Array.from({ length: 70 }, (_, i) => bytesToHex(ed25519.getPublicKey(new Uint8Array(32).fill(i + 10))));
    for (const k of keys) assert.equal(witnessPublicKeyProblem('ed25519', k), null);
    for (const k of keys) assert.equal(witnessPublicKeyProblem('ed25519', k), null);
    assert.match(witnessPublicKeyProblem('ed25519', smallOrder) ?? '', /small-order/);
  });
});
