/**
 * A share set that asks for a lot of SLIP-39 key stretching (a high iteration exponent) must not freeze main: through
 * the real IPC handlers, while recovery:finish stretches the key, other calls answer at once, the round under way is
 * reported, recovery:cancel-finish stops it and leaves the shards in hand, recovery:clear wipes without waiting for it.
 * Above keyshard's own exponent, finish first asks (SLIP39_SLOW_KDF, with the time it takes here) and goes ahead only
 * with the person's yes (allowSlowKdf).
 *
 * No assertion here reads a clock: the machine may be busy. That main stays free is shown by states instead: main
 * answers status many times within one round (a round stretched on main's own thread would let at most one answer
 * through between rounds), and a cancel or clear ends the stretch early (KDF_CANCELLED, never the recovered key).
 */
import assert from 'node:assert/strict';
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
 * Answers to status within a single round that show main was free during it. Polling waits 25 ms between calls and a
 * round takes hundreds of ms or more, so a free main answers many times; a main busy with the round answers at most
 * once or twice around each round's edge.
 */
const ANSWERS_WITHIN_ONE_ROUND = 3;

let high: Slip39Backup | undefined;
const highBackup = (): Slip39Backup => (high ??= slip39Backup(1, [{ threshold: 2, count: 3 }], undefined, { iterationExponent: HIGH }));

async function collecting(rig: IpcRig, b: Slip39Backup): Promise<void> {
  await rig.call('recovery:start', { expectedFingerprint: b.fingerprint });
  for (const text of b.texts[0]!.slice(0, 2)) assert.equal((await rig.call('recovery:add-shard', { text })).outcome, 'accepted');
}

/** Calls a channel; it must answer ok. */
async function answer(rig: IpcRig, channel: ChannelName): Promise<unknown> {
  const r = await rig.raw(channel);
  assert.ok(r.ok, `${channel}: ${r.ok ? '' : r.error.code}`);
  return r.value;
}

type Status = Awaited<ReturnType<IpcRig['recovery']['status']>>;

/**
 * Polls recovery:status and app:info while `until` is pending; returns the rounds reported and how many status
 * answers each round got. Stops polling when `stopWhen` says so (e.g. to cancel at round 2).
 */
async function watch(rig: IpcRig, until: Promise<unknown>, stopWhen: (s: Status) => boolean = () => false): Promise<{ rounds: Set<number>; answersPerRound: Map<number, number>; last: Status | null }> {
  let done = false;
  void until.finally(() => (done = true));
  const answersPerRound = new Map<number, number>();
  let last: Status | null = null;
  while (!done) {
    last = (await answer(rig, 'recovery:status')) as Status;
    await answer(rig, 'app:info');
    const round = last.stretching?.round;
    if (round !== undefined) answersPerRound.set(round, (answersPerRound.get(round) ?? 0) + 1);
    if (stopWhen(last)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return { rounds: new Set(answersPerRound.keys()), answersPerRound, last };
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
    {
      // Cancel once round 2 is under way.
      const first = rig.raw('recovery:finish', { allowSlowKdf: true });
      const watched = await watch(rig, first, (s) => (s.stretching?.round ?? 0) >= 2);
      assert.equal(watched.last?.stretching?.round, 2);
      assert.equal(watched.last?.stretching?.rounds, 4);
      assert.equal(watched.last?.stretching?.iterationExponent, HIGH);
      assert.match(watched.last?.message ?? '', /Stretching the passphrase key: round 2 of 4/);
      const cancel = await rig.call('recovery:cancel-finish');
      assert.equal(cancel.cancelled, true);
      // The stretch stops where it is: finish answers KDF_CANCELLED, not the key after the remaining rounds.
      const stopped = await first;
      assert.ok(!stopped.ok);
      assert.equal(stopped.error.code, 'KDF_CANCELLED');
      assert.match(stopped.error.message, /The 2 shards in hand are kept/);
      const after = await rig.call('recovery:status');
      assert.equal(after.phase, 'collecting');
      assert.equal(after.shards.length, 2);
      assert.equal(after.stretching, null);
      assert.equal((await rig.call('recovery:cancel-finish')).cancelled, false);

      // Again, to the end: every round reported, main answering many times within a round, and the same key.
      const second = rig.raw('recovery:finish', { allowSlowKdf: true });
      const full = await watch(rig, second);
      const done = await second;
      assert.ok(done.ok, done.ok ? '' : done.error.code);
      assert.equal((done.value as { recovered: { fingerprint: { hex: string } } }).recovered.fingerprint.hex, b.fingerprint);
      assert.deepEqual([...full.rounds].sort(), [1, 2, 3, 4]);
      const most = Math.max(...full.answersPerRound.values());
      assert.ok(most >= ANSWERS_WITHIN_ONE_ROUND, `main answered status at most ${most} times within one round (${JSON.stringify([...full.answersPerRound])})`);
    }
  });

  it('clear (and quit) during a stretch wipes at once, without waiting for it', async () => {
    const b = highBackup();
    const rig = ipcRig();
    await collecting(rig, b);
    const finishing = rig.raw('recovery:finish', { allowSlowKdf: true });
    await watch(rig, finishing, (s) => s.stretching !== null);
    const cleared = await rig.call('recovery:clear');
    assert.ok(cleared.buffers >= 2);
    // Clear cut the stretch short: finish never got to the key.
    const stopped = await finishing;
    assert.ok(!stopped.ok && stopped.error.code === 'KDF_CANCELLED');
    assert.ok(rig.recoveryBuffers.length >= 2 && rig.recoveryBuffers.every((x) => allZero(x.bytes)), 'every recovery buffer zeroized');
    assert.equal((await rig.call('recovery:status')).phase, 'idle');

    // Quit (main's zeroize-on-quit calls shutdown) does not wait for a stretch either.
    await collecting(rig, b);
    const again = rig.raw('recovery:finish', { allowSlowKdf: true });
    await watch(rig, again, (s) => s.stretching !== null);
    await rig.recovery.shutdown();
    const quit = await again;
    assert.ok(!quit.ok && quit.error.code === 'KDF_CANCELLED');
    assert.ok(rig.recoveryBuffers.every((x) => allZero(x.bytes)), 'every recovery buffer zeroized');
  });
});
