/**
 * A witness key file is unlocked (scrypt) once per ceremony: later sign-offs with the same passphrase use the key kept
 * since, still only with the passphrase (a wrong or missing one goes through the key file and fails there), each
 * sign-off gets its own copy zeroized at close, and forget zeroizes the kept key.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { keyFileCredential } from '../../electron/services/witness/credential';
import { MAX_SCRYPT_LOG_N, parseSealedWitnessKey, sealWitnessKey, sealWitnessKeySync, unsealWitnessKey } from '../../electron/services/witness/key-file';

const allZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

function watched(passphrase: string) {
  const secretKey = new Uint8Array(32).fill(9);
  const publicKey = ed25519.getPublicKey(secretKey);
  const sealed = parseSealedWitnessKey(sealWitnessKeySync('wendy', secretKey, passphrase));
  const unsealed: Uint8Array[] = [];
  const credential = keyFileCredential(sealed, async (...args) => {
    const key = await unsealWitnessKey(...args);
    unsealed.push(key);
    return key;
  });
  return { credential, unsealed, publicKey };
}

describe('witness key file: unlocked once per ceremony', () => {
  it('stretches the passphrase once for many sign-offs, and every signature verifies', async () => {
    const { credential, unsealed, publicKey } = watched('wendy passphrase');
    const hash = new Uint8Array(32).fill(3);
    for (let i = 0; i < 5; i++) {
      const opened = await credential.open({ passphrase: 'wendy passphrase' }, 'Wendy');
      const signature = await opened.signer.sign(hash);
      assert.ok(ed25519.verify(signature, hash, publicKey), `signature ${i + 1} does not verify`);
      await opened.close();
      await assert.rejects(opened.signer.sign(hash), { code: 'SECRET_DESTROYED' }, 'a closed sign-off still signs');
    }
    assert.equal(unsealed.length, 1, `the key file was unsealed ${unsealed.length} times for 5 sign-offs`);
    assert.ok(!allZero(unsealed[0]!), 'the key kept for the ceremony was wiped after a sign-off');
    credential.forget();
    assert.ok(allZero(unsealed[0]!), 'forget did not wipe the kept key');
    await assert.rejects(credential.open({ passphrase: 'wendy passphrase' }, 'Wendy'), { code: 'SECRET_DESTROYED' });
  });

  it('still needs the passphrase after the first unlock: a wrong or missing one fails as before', async () => {
    const { credential, unsealed } = watched('wendy passphrase');
    await (await credential.open({ passphrase: 'wendy passphrase' }, 'Wendy')).close();
    await assert.rejects(credential.open({ passphrase: 'wendy passphrasE' }, 'Wendy'), { code: 'WITNESS_PASSPHRASE' });
    await assert.rejects(credential.open({ passphrase: 'wendy passphrase ' }, 'Wendy'), { code: 'WITNESS_PASSPHRASE' });
    await assert.rejects(credential.open({}, 'Wendy'), { code: 'WITNESS_ACT_NEEDED' });
    assert.equal(unsealed.length, 1, 'a failed unlock handed out a key');
    // The right one still works, without another stretch.
    await (await credential.open({ passphrase: 'wendy passphrase' }, 'Wendy')).close();
    assert.equal(unsealed.length, 1);
    credential.forget();
  });

  it('a wrong first passphrase keeps nothing: the next right one unlocks', async () => {
    const { credential, unsealed } = watched('wendy passphrase');
    await assert.rejects(credential.open({ passphrase: 'not it at all' }, 'Wendy'), { code: 'WITNESS_PASSPHRASE' });
    await (await credential.open({ passphrase: 'wendy passphrase' }, 'Wendy')).close();
    await (await credential.open({ passphrase: 'wendy passphrase' }, 'Wendy')).close();
    assert.equal(unsealed.length, 1);
    credential.forget();
    assert.ok(allZero(unsealed[0]!));
  });

  it("native scrypt (thread pool) reads files sealed with noble's scrypt, and stretches the largest cost a file may ask for", async () => {
    // Sealed synchronously with @noble/hashes' scrypt, opened by unsealWitnessKey with node:crypto's: the AEAD only
    // opens when both derive the same key.
    const secretKey = new Uint8Array(32).fill(5);
    const noble = parseSealedWitnessKey(sealWitnessKeySync('victor', secretKey, 'victor passphrase', { logN: 15 }));
    assert.deepEqual(await unsealWitnessKey(noble, 'victor passphrase'), secretKey);
    // N = 2^17 (128 MiB): within the memory bound the native call is given.
    const largest = parseSealedWitnessKey(await sealWitnessKey('victor', secretKey, 'victor passphrase', { logN: MAX_SCRYPT_LOG_N }));
    assert.equal(largest.kdf.N, 2 ** MAX_SCRYPT_LOG_N);
    assert.deepEqual(await unsealWitnessKey(largest, 'victor passphrase'), secretKey);
    await assert.rejects(unsealWitnessKey(largest, 'victor passphrasE'), { code: 'WITNESS_PASSPHRASE' });
  });
});
