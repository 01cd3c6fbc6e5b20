/**
 * The key stretcher (electron/services/kdf): SLIP-39's PBKDF2 rounds on libuv's pool, not on the calling thread; the
 * same bytes as the sync cipher; progress per round; cancel answers at once, wipes the late round's output and lets
 * no further round start; shares above keyshard's own exponent are refused unless acknowledged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import { decryptMasterSecret, decryptMasterSecretAsync, type Pbkdf2Call } from '../../core/slip39/index';
import {
  KEYSHARD_ITERATION_EXPONENT,
  checkStretchAllowed,
  createKeyStretcher,
  durationText,
  iterationsFor,
  nodePoolPbkdf2,
} from '../../electron/services/kdf/index';
import { nodePbkdf2 } from './ceremony-harness';

const secret = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
const params = (iterationExponent: number) => ({ identifier: 4321, extendable: false, iterationExponent, passphrase: 'TREZOR' });

describe('key stretcher', () => {
  it('decrypts exactly as the sync cipher, without blocking the event loop, reporting each round', async () => {
    const e = 11; // 20,480,000 iterations: about 1 s per round, 4.4 s in all, on the sync path (bounds below: generous, busy machine)
    const stretcher = createKeyStretcher();
    // How many timer ticks ran within each round. No clock is read: on a busy machine the rounds only get longer.
    const ticksPerRound = new Map<number, number>();
    const poll = setInterval(() => {
      const p = stretcher.progress();
      if (p !== null) ticksPerRound.set(p.round, (ticksPerRound.get(p.round) ?? 0) + 1);
    }, 20);
    let got: Uint8Array;
    try {
      got = await stretcher.run(e, (pbkdf2) => decryptMasterSecretAsync(secret, { ...params(e), pbkdf2 }));
    } finally {
      clearInterval(poll);
    }
    assert.deepEqual([...ticksPerRound.keys()].sort(), [1, 2, 3, 4]);
    // With PBKDF2 on this thread a round holds the loop from start to end: at most a tick or two at its edges.
    const most = Math.max(...ticksPerRound.values());
    assert.ok(most >= 3, `the event loop ran at most ${most} timer ticks within one round: ${JSON.stringify([...ticksPerRound])}`);
    assert.deepEqual(got, decryptMasterSecret(secret, { ...params(e), pbkdf2: nodePbkdf2 }));
    assert.equal(stretcher.progress(), null);
  });

  it('cancel answers at once, wipes the round that was on the pool, starts no other round; the next run waits for it', async () => {
    let release: (() => void) | null = null;
    const handedOut: Uint8Array[] = [];
    const calls: Pbkdf2Call[] = [];
    // A round that ends only when the test says so: the pool job still running after cancel.
    const slow = (c: Pbkdf2Call): Promise<Uint8Array> => {
      calls.push(c);
      if (c.iterations === 100_000) return nodePoolPbkdf2(c); // the one-off speed measurement
      return new Promise((resolve) => {
        release = () => {
          const key = new Uint8Array(c.dkLen).fill(0xaa);
          handedOut.push(key);
          resolve(key);
        };
      });
    };
    const stretcher = createKeyStretcher({ pbkdf2: slow });
    const running = stretcher.run(3, (pbkdf2) => decryptMasterSecretAsync(secret, { ...params(3), pbkdf2 }));
    while (release === null) await new Promise((r) => setImmediate(r));
    assert.equal(stretcher.progress()?.round, 1);
    const t0 = performance.now();
    assert.equal(stretcher.cancel(), true);
    await assert.rejects(running, (e: unknown) => e instanceof KeyshardError && e.code === 'KDF_CANCELLED');
    assert.ok(performance.now() - t0 < 750, "cancel answered at once");
    assert.equal(stretcher.progress(), null);
    assert.equal(stretcher.cancel(), false);

    // The next run does not start a round while the cancelled one is still on the pool.
    const roundsBefore = calls.length;
    const releaseFirst = release as unknown as () => void;
    release = null;
    const next = stretcher.run(0, (pbkdf2) => decryptMasterSecretAsync(secret, { ...params(0), pbkdf2: (c) => pbkdf2(c) }));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(calls.length, roundsBefore, 'no round started before the cancelled one drained');
    releaseFirst();
    // Its late output is wiped: nobody took it.
    await new Promise((r) => setImmediate(r));
    assert.ok(handedOut[0]!.every((b) => b === 0), 'the cancelled round output is wiped');
    for (let i = 0; i < 4; i++) {
      while (release === null) await new Promise((r) => setImmediate(r));
      const go = release as unknown as () => void;
      release = null;
      go();
    }
    await next;
  });

  it('a cancel while the run is still measuring the speed stops it before any round', async () => {
    const rounds: number[] = [];
    const stretcher = createKeyStretcher({
      pbkdf2: (c) => {
        if (c.iterations !== 100_000) rounds.push(c.step);
        return nodePoolPbkdf2(c);
      },
    });
    const running = stretcher.run(2, (pbkdf2) => decryptMasterSecretAsync(secret, { ...params(2), pbkdf2 }));
    assert.equal(stretcher.cancel(), true);
    await assert.rejects(running, (e: unknown) => e instanceof KeyshardError && e.code === 'KDF_CANCELLED');
    assert.deepEqual(rounds, []);
  });

  it("refuses an exponent above keyshard's own unless acknowledged, saying how long it takes here", async () => {
    const stretcher = createKeyStretcher({ iterationsPerSecond: 1_000_000 });
    await checkStretchAllowed(stretcher, KEYSHARD_ITERATION_EXPONENT, false);
    await checkStretchAllowed(stretcher, 0, false);
    await checkStretchAllowed(stretcher, 15, true);
    await assert.rejects(checkStretchAllowed(stretcher, 15, false), (e: unknown) => {
      assert.ok(e instanceof KeyshardError);
      assert.equal(e.code, 'SLIP39_SLOW_KDF');
      assert.match(e.message, /327,680,000 PBKDF2 iterations/);
      assert.match(e.message, /about 5 minutes/);
      assert.deepEqual(e.details, { iterationExponent: 15, keyshardIterationExponent: 1, iterations: 327_680_000, estimatedSeconds: 328 });
      return true;
    });
    assert.equal(iterationsFor(1), 20_000);
    assert.equal(durationText(0.2), 'less than a second');
    assert.equal(durationText(12.2), 'about 13 seconds');
  });
});
