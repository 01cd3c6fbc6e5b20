/**
 * A share set that asks for a lot of SLIP-39 key stretching (a high iteration exponent) must not freeze main: through
 * the real IPC handlers, while recovery:finish stretches the key, other calls answer at once, the round under way is
 * reported, recovery:cancel-finish stops it and leaves the shards in hand, recovery:clear wipes at once, and the event
 * loop is never blocked for more than a fraction of a second. Above keyshard's own exponent, finish first asks
 * (SLIP39_SLOW_KDF, with the time it takes here) and goes ahead only with the person's yes (allowSlowKdf).
 */
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, describe, it } from 'node:test';
import type { ChannelName } from '../../electron/ipc/channels';
import { KEYSHARD_ITERATION_EXPONENT } from '../../electron/services/kdf/index';
import { allZero, cleanTemps } from '../services/ceremony-harness';
import { slip39Backup, type Slip39Backup } from '../services/recovery-fixtures';
import { ipcRig, type IpcRig } from './ipc-harness';

after(cleanTemps);

/** 10,240,000 iterations: about half a second per round on one core here, far above keyshard's own 20,000. */
const HIGH = 10;
/**
 * Generous upper bounds: the machine has 2 cores shared with other work (load 16 seen while writing this), and a
 * blocked loop takes seconds, not these (PBKDF2 on main's thread held it 2.8 s here: all four rounds back to back).
 */
const PROMPT_MS = 750;
const MAX_LOOP_DELAY_MS = 1000;

let high: Slip39Backup | undefined;
const highBackup = (): Slip39Backup => (high ??= slip39Backup(1, [{ threshold: 2, count: 3 }], undefined, { iterationExponent: HIGH }));

async function collecting(rig: IpcRig, b: Slip39Backup): Promise<void> {
  await rig.call('recovery:start', { expectedFingerprint: b.fingerprint });
  for (const text of b.texts[0]!.slice(0, 2)) assert.equal((await rig.call('recovery:add-shard', { text })).outcome, 'accepted');
}

/** Calls a channel and returns how long main took to answer. */
async function timed(rig: IpcRig, channel: ChannelName): Promise<{ ms: number; value: unknown }> {
  const t0 = performance.now();
  const r = await rig.raw(channel);
  assert.ok(r.ok, `${channel}: ${r.ok ? '' : r.error.code}`);
  return { ms: performance.now() - t0, value: r.value };
}

type Status = Awaited<ReturnType<IpcRig['recovery']['status']>>;

/**
 * Polls recovery:status and app:info while `until` is pending; returns the rounds reported and the slowest answer.
 * Stops polling when `stopWhen` says so (e.g. to cancel at round 2).
 */
async function watch(rig: IpcRig, until: Promise<unknown>, stopWhen: (s: Status) => boolean = () => false): Promise<{ rounds: Set<number>; slowestMs: number; last: Status | null }> {
  let done = false;
  void until.finally(() => (done = true));
  const rounds = new Set<number>();
  let slowestMs = 0;
  let last: Status | null = null;
  while (!done) {
    const status = await timed(rig, 'recovery:status');
    const info = await timed(rig, 'app:info');
    slowestMs = Math.max(slowestMs, status.ms, info.ms);
    last = status.value as Status;
    if (last.stretching !== null) rounds.add(last.stretching.round);
    if (stopWhen(last)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return { rounds, slowestMs, last };
}

describe('recovery over IPC: key stretching off main\'s thread', () => {
  it(`asks before stretching above keyshard's own exponent (${KEYSHARD_ITERATION_EXPONENT}), saying how long it takes; the shards stay in hand`, async () => {
    const b = highBackup();
    const rig = ipcRig();
    await collecting(rig, b);
    const asked = await rig.raw('recovery:finish', {});
    assert.ok(!asked.ok);
    assert.equal(asked.error.code, 'SLIP39_SLOW_KDF');
    assert.match(asked.error.message, /10,240,000 PBKDF2 iterations/);
    assert.match(asked.error.message, /On this computer that takes (less than a second|about \d+ (second|seconds|minutes))/);
    assert.equal(asked.error.details?.['iterationExponent'], HIGH);
    assert.equal(asked.error.details?.['keyshardIterationExponent'], KEYSHARD_ITERATION_EXPONENT);
    assert.ok(typeof asked.error.details?.['estimatedSeconds'] === 'number');
    const status = await rig.call('recovery:status');
    assert.equal(status.phase, 'collecting');
    assert.equal(status.shards.length, 2);
    assert.equal(status.stretching, null);

    // With the person's yes it goes ahead, and recovers exactly the key the (sync) split was made from.
    const done = await rig.call('recovery:finish', { allowSlowKdf: true });
    assert.equal(done.recovered.fingerprint.hex, b.fingerprint);
    assert.notEqual(done.verdict, 'mismatch');
    const shown = await rig.call('recovery:export', { kind: 'display', reveal: true });
    assert.equal(shown.kind === 'display' ? shown.secretHex : '', b.secretHex);
  });

  it("does not ask at keyshard's own exponent", async () => {
    const b = slip39Backup(1, [{ threshold: 2, count: 3 }], undefined, { iterationExponent: KEYSHARD_ITERATION_EXPONENT });
    const rig = ipcRig();
    await collecting(rig, b);
    const done = await rig.call('recovery:finish', {});
    assert.equal(done.recovered.fingerprint.hex, b.fingerprint);
  });

  it('while finish stretches: status and app:info answer at once, each round is reported, the loop is never blocked; cancel keeps the shards', async () => {
    const b = highBackup();
    const rig = ipcRig();
    await collecting(rig, b);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    await new Promise((r) => setTimeout(r, 50)); // the monitor's first sample only starts its clock
    try {
      // Cancel once round 2 is under way.
      const first = rig.raw('recovery:finish', { allowSlowKdf: true });
      const watched = await watch(rig, first, (s) => (s.stretching?.round ?? 0) >= 2);
      assert.equal(watched.last?.stretching?.round, 2);
      assert.equal(watched.last?.stretching?.rounds, 4);
      assert.equal(watched.last?.stretching?.iterationExponent, HIGH);
      assert.match(watched.last?.message ?? '', /Stretching the passphrase key: round 2 of 4/);
      const t0 = performance.now();
      const cancel = await rig.call('recovery:cancel-finish');
      assert.equal(cancel.cancelled, true);
      const stopped = await first;
      assert.ok(performance.now() - t0 < PROMPT_MS, `finish answered ${(performance.now() - t0).toFixed(0)} ms after cancel`);
      assert.ok(!stopped.ok);
      assert.equal(stopped.error.code, 'KDF_CANCELLED');
      assert.match(stopped.error.message, /The 2 shards in hand are kept/);
      const after = await rig.call('recovery:status');
      assert.equal(after.phase, 'collecting');
      assert.equal(after.shards.length, 2);
      assert.equal(after.stretching, null);
      assert.equal((await rig.call('recovery:cancel-finish')).cancelled, false);

      // Again, to the end: every round reported, every answer prompt, and the same key.
      const second = rig.raw('recovery:finish', { allowSlowKdf: true });
      const full = await watch(rig, second);
      const done = await second;
      assert.ok(done.ok, done.ok ? '' : done.error.code);
      assert.equal((done.value as { recovered: { fingerprint: { hex: string } } }).recovered.fingerprint.hex, b.fingerprint);
      await new Promise((r) => setTimeout(r, 50)); // a block is recorded at the monitor's next sample
      const maxMs = delay.max / 1e6;
      assert.ok(maxMs < MAX_LOOP_DELAY_MS, `main's event loop was blocked for ${maxMs.toFixed(0)} ms`);
      const slowest = Math.max(watched.slowestMs, full.slowestMs);
      assert.ok(slowest < PROMPT_MS, `an IPC call took ${slowest.toFixed(0)} ms while the key was stretched`);
      assert.deepEqual([...full.rounds].sort(), [1, 2, 3, 4]);
    } finally {
      delay.disable();
    }
  });

  it('clear (and quit) during a stretch wipes at once, without waiting for it', async () => {
    const b = highBackup();
    const rig = ipcRig();
    await collecting(rig, b);
    const finishing = rig.raw('recovery:finish', { allowSlowKdf: true });
    await watch(rig, finishing, (s) => s.stretching !== null);
    const t0 = performance.now();
    const cleared = await rig.call('recovery:clear');
    assert.ok(performance.now() - t0 < PROMPT_MS, `clear took ${(performance.now() - t0).toFixed(0)} ms`);
    assert.ok(cleared.buffers >= 2);
    const stopped = await finishing;
    assert.ok(!stopped.ok && stopped.error.code === 'KDF_CANCELLED');
    assert.ok(rig.recoveryBuffers.length >= 2 && rig.recoveryBuffers.every((x) => allZero(x.bytes)), 'every recovery buffer zeroized');
    assert.equal((await rig.call('recovery:status')).phase, 'idle');

    // Quit (main's zeroize-on-quit calls shutdown) does not wait for a stretch either.
    await collecting(rig, b);
    const again = rig.raw('recovery:finish', { allowSlowKdf: true });
    await watch(rig, again, (s) => s.stretching !== null);
    const t1 = performance.now();
    await rig.recovery.shutdown();
    assert.ok(performance.now() - t1 < PROMPT_MS, `shutdown took ${(performance.now() - t1).toFixed(0)} ms`);
    const quit = await again;
    assert.ok(!quit.ok && quit.error.code === 'KDF_CANCELLED');
    assert.ok(rig.recoveryBuffers.every((x) => allZero(x.bytes)), 'every recovery buffer zeroized');
  });
});
