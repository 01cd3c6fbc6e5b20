/**
 * The ceremony host behind the ceremony:* channels: a folder per ceremony, witness keys that outlive one service,
 * the drive chosen per USB custodian, and the checks it makes before switching ceremonies.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import { nodeUsbFs } from '../../electron/services/usb/fs';
import { createChosenDrivePort } from '../../electron/ipc/shard-file-port';
import { cleanTemps, custodianKeys, given, shown, slip39Plan, tempDir, type Keys } from '../services/ceremony-harness';
import { ipcRig, signAs, witnessPassphrase } from './ipc-harness';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

function isError(code: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof KeyshardError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  };
}

describe('ceremony host', () => {
  it('makes a folder per ceremony only when one starts; refuses a bad plan before switching; one running ceremony at a time', async () => {
    const rig = ipcRig();
    const root = join(rig.root, 'ceremonies');
    const idle = await rig.call('ceremony:status');
    assert.equal(idle.phase, 'not-started');
    assert.equal(existsSync(root), false, 'nothing is written before a ceremony starts');

    const bad = await rig.raw('ceremony:start', { plan: { ...slip39Plan(k), scheme: { type: 'slip39', groupThreshold: 5, groups: [] } } });
    assert.equal(!bad.ok && bad.error.code, 'POLICY_INVALID');
    assert.ok(!bad.ok && Array.isArray(bad.error.details?.['problems']), 'problems listed');
    assert.equal(existsSync(root), false);

    await rig.call('ceremony:load-witness-key', { path: rig.witnessKeyFile('wendy') });
    const started = await rig.call('ceremony:start', { plan: slip39Plan(k) });
    assert.equal(readdirSync(root).length, 1);
    assert.equal(started.transcript.path, join(root, readdirSync(root)[0]!, 'transcript.json'));
    assert.ok(existsSync(started.transcript.path), 'the plan step is saved');

    const second = await rig.raw('ceremony:start', { plan: slip39Plan(k), dir: join(root, 'other') });
    assert.equal(!second.ok && second.error.code, 'CEREMONY_TRANSITION');
    const resumeOther = await rig.raw('ceremony:resume', { dir: join(root, 'other2') });
    assert.equal(!resumeOther.ok && resumeOther.error.code, 'CEREMONY_TRANSITION');
    assert.equal((await rig.call('ceremony:status')).ceremonyId, started.ceremonyId);

    // Aborted, it makes room for the next ceremony, in the folder the person chose; the witness loads their key again
    // (keys are dropped when a ceremony ends).
    const aborted = await rig.call('ceremony:abort', { reason: 'wrong plan', witnessId: 'wendy' });
    assert.equal(aborted.phase, 'aborted');
    await rig.call('ceremony:load-witness-key', { path: rig.witnessKeyFile('wendy') });
    const chosen = tempDir('chosen');
    rig.willPick(chosen); // in main's folder dialog
    assert.deepEqual(await rig.call('ceremony:choose-folder'), { dir: chosen });
    const next = await rig.call('ceremony:start', { plan: slip39Plan(k), dir: chosen });
    assert.equal(next.transcript.path, join(chosen, 'transcript.json'));
    assert.notEqual(next.ceremonyId, started.ceremonyId);
    const saved = await rig.call('ceremony:list-saved');
    assert.deepEqual(
      saved.map((s) => s.state),
      ['aborted'],
      'only folders under the root are listed',
    );

    // Resuming the aborted one is refused while the new one runs; after abort it reopens, read-only.
    await rig.call('ceremony:abort', { reason: 'test over' });
    const back = await rig.call('ceremony:resume', { dir: saved[0]!.dir });
    assert.equal(back.phase, 'aborted');
    assert.equal(back.ceremonyId, started.ceremonyId);
    await rig.host.shutdown();
  });

  it('refuses a start before the witness keys are loaded, and zeroizes them on shutdown', async () => {
    const rig = ipcRig();
    const wrong = join(rig.root, 'not-a-key.json');
    writeFileSync(wrong, '{"hello": 1}');
    const refused = await rig.raw('ceremony:load-witness-key', { path: await rig.choose('witness-key', wrong), witnessId: 'wendy' });
    assert.equal(!refused.ok && refused.error.code, 'WITNESS_KEY');
    const missing = await rig.raw('ceremony:start', { plan: slip39Plan(k) });
    assert.equal(!missing.ok && missing.error.code, 'WITNESS_KEY');

    await rig.call('ceremony:load-witness-key', { path: rig.witnessKeyFile('wendy') });
    await rig.call('ceremony:start', { plan: slip39Plan(k) });
    await rig.call('ceremony:check-airgap', { override: { witnessId: 'wendy', reason: 'test', passphrase: witnessPassphrase('wendy') } });
    await rig.host.shutdown();
    // After shutdown the loaded key is gone (zeroized): a new ceremony cannot start without loading it again.
    const after = await rig.raw('ceremony:start', { plan: slip39Plan(k), dir: join(rig.root, 'ceremonies', 'after') });
    assert.equal(!after.ok && after.error.code, 'WITNESS_KEY');
  });

  it('writes a USB custodian\'s file only to the drive chosen for them, atomically, under its shard file name, and reads it back', async () => {
    const port = createChosenDrivePort();
    const drive = tempDir('drive');
    const ceremony = 'ab'.repeat(16);
    const bobFile = `keyshard-${ceremony}-c1.age`;
    const data = new TextEncoder().encode('-----BEGIN AGE ENCRYPTED FILE-----\nabc\n');
    await assert.rejects(port.write({ custodianId: 'bob', fileName: bobFile, data }), isError('USB_REMOVED'));
    port.choose('bob', { mountPoint: join(drive, 'unplugged') });
    await assert.rejects(port.write({ custodianId: 'bob', fileName: bobFile, data }), isError('USB_REMOVED'));
    port.choose('bob', { mountPoint: drive, label: 'BOB' });
    await assert.rejects(port.write({ custodianId: 'bob', fileName: `../${bobFile}`, data }), isError('INVALID_ARGUMENT'));
    await assert.rejects(port.write({ custodianId: 'bob', fileName: 'bob.age', data }), isError('INVALID_ARGUMENT'));
    const { location } = await port.write({ custodianId: 'bob', fileName: bobFile, data });
    assert.equal(location, join(drive, bobFile));
    assert.deepEqual(new Uint8Array(readFileSync(location)), data);
    assert.deepEqual(await port.read({ location }), data);
    assert.deepEqual(readdirSync(drive), [bobFile], 'no temporary file is left');
    // Carol's shard of the same ceremony on Bob's stick: refused, the stick unchanged (one lost stick, one shard).
    port.choose('carol', { mountPoint: drive, label: 'BOB' });
    await assert.rejects(port.write({ custodianId: 'carol', fileName: `keyshard-${ceremony}-c2.age`, data }), isError('USB_FOREIGN_SHARD'));
    assert.deepEqual(readdirSync(drive), [bobFile]);
    await assert.rejects(port.write({ custodianId: 'alice', fileName: `keyshard-${ceremony}-c0.age`, data }), isError('USB_REMOVED'));
    await assert.rejects(port.read({ location: join(drive, 'gone.age') }), isError('USB_REMOVED'));
  });

  it('a custodian with two shares gets two files on their stick, numbered, and a write failing midway leaves nothing', async () => {
    const drive = tempDir('drive-two');
    const ceremony = 'cd'.repeat(16);
    const data = new TextEncoder().encode('-----BEGIN AGE ENCRYPTED FILE-----\nxyz\n');
    const port = createChosenDrivePort();
    port.choose('ann', { mountPoint: drive });
    await port.write({ custodianId: 'ann', fileName: `keyshard-${ceremony}-c0-s1.age`, data });
    await port.write({ custodianId: 'ann', fileName: `keyshard-${ceremony}-c0-s2.age`, data });
    assert.deepEqual(readdirSync(drive).sort(), [`keyshard-${ceremony}-c0-s1.age`, `keyshard-${ceremony}-c0-s2.age`]);
    const full = createChosenDrivePort({ ...nodeUsbFs, statfs: async () => ({ freeBytes: 10, totalBytes: 1000 }) });
    full.choose('bea', { mountPoint: drive });
    await assert.rejects(full.write({ custodianId: 'bea', fileName: `keyshard-${'ef'.repeat(16)}-c1.age`, data }), isError('USB_NO_SPACE'));
    assert.equal(readdirSync(drive).length, 2, 'nothing was added');
  });

  it('a USB handoff without a chosen drive fails and records nothing; with the drive, the file is written and then the handoff recorded', async () => {
    const rig = ipcRig();
    await rig.call('ceremony:load-witness-key', { path: rig.witnessKeyFile('wendy') });
    const plan = slip39Plan(k);
    await rig.call('ceremony:start', { plan });
    await rig.call('ceremony:check-airgap', { override: { witnessId: 'wendy', reason: 'test', passphrase: witnessPassphrase('wendy') } });
    await signAs(rig, 'wendy');
    await rig.call('ceremony:gather-entropy');
    await rig.call('ceremony:generate');
    await signAs(rig, 'wendy');
    await rig.call('ceremony:split');
    await signAs(rig, 'wendy');
    const alice = await rig.call('ceremony:handoff', { custodianId: 'alice' });
    await rig.call('ceremony:confirm', { custodianId: 'alice', method: 'type-back', responses: [given({ text: shown(alice.shards[0]!).paperText })] });
    await signAs(rig, 'wendy');
    await rig.call('ceremony:receipt', { custodianId: 'alice' });
    const before = await rig.call('ceremony:status');
    const r = await rig.raw('ceremony:handoff', { custodianId: 'bob' });
    assert.equal(!r.ok && r.error.code, 'USB_REMOVED');
    assert.match(!r.ok ? r.error.message : '', /The ceremony has not moved on\./);
    // A file that could not be written does not mark the handoff done: the ceremony is exactly where it was.
    assert.deepEqual(await rig.call('ceremony:status'), before);
    const bob = await rig.call('ceremony:handoff', { custodianId: 'bob', drive: { mountPoint: rig.drive('bob') } });
    assert.equal(bob.files.length, 1);
    const after = await rig.call('ceremony:status');
    assert.equal(after.awaitingConfirmation, 'bob');
    assert.equal(after.transcript.entries, before.transcript.entries + 1, 'one handoff entry, after the file was written');
    await rig.call('ceremony:confirm', { custodianId: 'bob', method: 'read-back-usb' });
    await rig.call('ceremony:abort', { reason: 'test over' });
    await rig.host.shutdown();
  });
});
