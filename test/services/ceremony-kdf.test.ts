/**
 * The ceremony's SLIP-39 key stretching (split, test recovery) goes through the key stretcher (libuv's pool, off
 * main's thread), and is bounded by the exponent the ceremony's own split wrote: shards announcing another (a hostile
 * set asking for 2^15) are refused before a single PBKDF2 round runs.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { encodeEnvelope, encodeSlip39Payload, EnvelopeScheme } from '../../core/envelope';
import { KeyshardError } from '../../core/errors';
import { DEFAULT_ITERATION_EXPONENT, splitEncryptedMasterSecret } from '../../core/slip39/index';
import { recoverFromShards } from '../../electron/services/ceremony/shards';
import { createKeyStretcher, nodePoolPbkdf2 } from '../../electron/services/kdf/index';
import { cleanTemps, custodianKeys, rig, runCeremony, slip39Plan, type Keys } from './ceremony-harness';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

/** A stretcher on the pool that records the iterations of every round it runs (not the one-off speed measurement). */
function countingStretcher(): { kdf: ReturnType<typeof createKeyStretcher>; rounds: number[] } {
  const rounds: number[] = [];
  const kdf = createKeyStretcher({
    pbkdf2: (c) => {
      if (c.iterations !== 100_000) rounds.push(c.iterations);
      return nodePoolPbkdf2(c);
    },
  });
  return { kdf, rounds };
}

describe('ceremony key stretching', () => {
  it('split and test recovery stretch through the stretcher, at keyshard\'s own exponent', async () => {
    const { kdf, rounds } = countingStretcher();
    const r = rig({ overrides: { kdf } });
    const run = await runCeremony(r, slip39Plan(k), k);
    assert.equal(run.recoveredFingerprint, run.generatedFingerprint);
    const perRound = (10_000 << DEFAULT_ITERATION_EXPONENT) / 4;
    // Four rounds to encrypt at the split, four to decrypt at the test recovery.
    assert.deepEqual(rounds, Array(8).fill(perRound));
  });

  it('shards announcing another exponent than the split wrote are refused before any PBKDF2 round', async () => {
    const plan = slip39Plan(k);
    const ceremonyId = randomBytes(16);
    const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
    // What a hostile custodian could type back: a set with this plan's layout, asking for 2^15 x 10,000 iterations.
    const [group] = splitEncryptedMasterSecret(random(32), {
      identifier: 77,
      extendable: true,
      iterationExponent: 15,
      groupThreshold: 1,
      groups: [{ threshold: 2, count: 3 }],
      random,
    });
    const binaries = [0, 2].map((member) =>
      encodeEnvelope({
        scheme: EnvelopeScheme.slip39,
        ceremonyId,
        custodianIndex: member,
        custodianLabel: plan.custodians[member]!.name,
        groupFingerprint: new Uint8Array(32),
        payload: encodeSlip39Payload(group![member]!),
      }),
    );
    const { kdf, rounds } = countingStretcher();
    // Refused at once, or (without the check) still stretching 2^15 x 10,000 iterations after a generous 2 s.
    const outcome = await Promise.race([
      recoverFromShards(plan, Buffer.from(ceremonyId).toString('hex'), binaries, { kdf }).then(
        () => 'recovered',
        (e: unknown) => e,
      ),
      new Promise((resolve) => setTimeout(() => resolve('still stretching after 2 s'), 2000)),
    ]);
    kdf.cancel();
    assert.ok(outcome instanceof KeyshardError, String(outcome));
    assert.equal(outcome.code, 'SHARES_MISMATCH');
    assert.match(outcome.message, /iteration exponent 15, but this ceremony's split wrote 1/);
    assert.deepEqual(rounds, []);
  });
});
