/**
 * The async Feistel (PBKDF2 run elsewhere, round by round) gives exactly the bytes of the sync one: on the official
 * vectors (passphrase "TREZOR", iteration exponents above 0 among them), on splits, and it wipes its state when the
 * PBKDF2 it was given fails half way (a cancelled run).
 */
import assert from 'node:assert/strict';
import { pbkdf2 } from 'node:crypto';
import { describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import {
  combineMnemonics,
  combineMnemonicsAsync,
  decodeShare,
  decryptMasterSecret,
  decryptMasterSecretAsync,
  encryptMasterSecret,
  encryptMasterSecretAsync,
  splitMasterSecret,
  splitMasterSecretAsync,
  type Pbkdf2Async,
  type Pbkdf2Call,
} from '../../core/slip39/index';
import { loadVectors, nodePbkdf2, seededRandom, toHex } from './slip39-helpers';

const asyncPbkdf2: Pbkdf2Async = (c) =>
  new Promise((resolve, reject) => pbkdf2(c.password, c.salt, c.iterations, c.dkLen, 'sha256', (e, key) => (e ? reject(e) : resolve(new Uint8Array(key)))));

const valid = loadVectors().filter((v) => v[2] !== '');

describe('SLIP-39 cipher, async variant', () => {
  it('the vectors include passphrase-encrypted sets with an iteration exponent above 0', () => {
    const exponents = valid.map((v) => decodeShare(v[1][0]!).iterationExponent);
    assert.ok(exponents.some((e) => e > 0), `exponents ${exponents.join(',')}`);
  });

  for (const [description, mnemonics, secretHex] of valid) {
    it(`${description}: the same secret as the sync path`, async () => {
      const steps: number[] = [];
      const got = await combineMnemonicsAsync(mnemonics, 'TREZOR', (c) => {
        steps.push(c.step);
        return asyncPbkdf2(c);
      });
      assert.equal(toHex(got), secretHex);
      assert.equal(toHex(combineMnemonics(mnemonics, 'TREZOR', nodePbkdf2)), secretHex);
      assert.deepEqual(steps, [1, 2, 3, 4]);
    });
  }

  it('encrypt/decrypt: the same bytes as the sync functions, for several exponents, both flags, with and without a passphrase', async () => {
    for (const iterationExponent of [0, 1, 3]) {
      for (const extendable of [false, true]) {
        for (const passphrase of ['', 'TREZOR']) {
          const secret = seededRandom(iterationExponent * 4 + Number(extendable))(32);
          const params = { identifier: 0x1234, extendable, iterationExponent, passphrase };
          const sync = encryptMasterSecret(secret, { ...params, pbkdf2: nodePbkdf2 });
          const viaPool = await encryptMasterSecretAsync(secret, { ...params, pbkdf2: asyncPbkdf2 });
          assert.equal(toHex(viaPool), toHex(sync));
          assert.equal(toHex(await decryptMasterSecretAsync(viaPool, { ...params, pbkdf2: asyncPbkdf2 })), toHex(secret));
          assert.equal(toHex(decryptMasterSecret(viaPool, { ...params, pbkdf2: nodePbkdf2 })), toHex(secret));
        }
      }
    }
  });

  it('split: the same mnemonics as the sync split from the same randomness', async () => {
    const secret = seededRandom(7)(16);
    const options = { groupThreshold: 2, groups: [{ threshold: 2, count: 3 }, { threshold: 1, count: 1 }], passphrase: 'TREZOR', iterationExponent: 2 };
    const sync = splitMasterSecret(secret, { ...options, random: seededRandom(99), pbkdf2: nodePbkdf2 });
    const viaPool = await splitMasterSecretAsync(secret, { ...options, random: seededRandom(99), pbkdf2: asyncPbkdf2 });
    assert.deepEqual(viaPool, sync);
  });

  it('beforeStretch sees the exponent and can refuse before any PBKDF2 runs', async () => {
    const [, mnemonics] = valid.find((v) => decodeShare(v[1][0]!).iterationExponent > 0)!;
    let calls = 0;
    let seen = -1;
    await assert.rejects(
      combineMnemonicsAsync(
        mnemonics,
        'TREZOR',
        async (c) => {
          calls += 1;
          return asyncPbkdf2(c);
        },
        (e) => {
          seen = e;
          throw new KeyshardError('INVALID_ARGUMENT', 'refused');
        },
      ),
      /refused/,
    );
    assert.equal(seen, decodeShare(mnemonics[0]!).iterationExponent);
    assert.equal(calls, 0);
  });

  it('a PBKDF2 that fails in round 2 (a cancelled run) rejects, and every buffer it was handed is wiped', async () => {
    const handed: Pbkdf2Call[] = [];
    const secret = seededRandom(3)(32);
    await assert.rejects(
      encryptMasterSecretAsync(secret, {
        identifier: 1,
        extendable: true,
        iterationExponent: 0,
        passphrase: 'TREZOR',
        pbkdf2: async (c) => {
          handed.push(c);
          if (c.step === 2) throw new KeyshardError('INVALID_ARGUMENT', 'stopped');
          return asyncPbkdf2(c);
        },
      }),
      /stopped/,
    );
    assert.equal(handed.length, 2);
    for (const c of handed) {
      assert.ok(c.password.every((b) => b === 0), 'password wiped');
      assert.ok(c.salt.every((b) => b === 0), 'salt (holds half of the secret) wiped');
    }
  });
});
