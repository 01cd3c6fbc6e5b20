/**
 * The page does not choose where main writes: ceremony:start and ceremony:resume take a folder only when it lies
 * directly in main's own ceremonies folder or was picked in main's folder dialog (ceremony:choose-folder), and main
 * never creates parent folders.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appendEntry, createTranscript } from '../../core/transcript';
import { createTranscriptStore } from '../../electron/services/transcript-store/index';
import { cleanTemps, custodianKeys, slip39Plan, tempDir, type Keys } from '../services/ceremony-harness';
import { ipcRig, type IpcRig } from './ipc-harness';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

async function withWitness(): Promise<IpcRig> {
  const rig = ipcRig();
  await rig.call('ceremony:load-witness-key', { path: rig.witnessKeyFile('wendy') });
  return rig;
}

describe('ceremony folders', () => {
  it('a folder the page names outside the ceremonies folder is refused (FOLDER_REFUSED), and nothing is created', async () => {
    const rig = await withWitness();
    const outside = tempDir('outside');
    for (const dir of [join(outside, 'x', 'y', 'z'), outside, join(rig.root, 'ceremonies', 'a', 'b'), join(rig.root, 'ceremonies', 'a', '..', '..', 'escaped'), rig.root]) {
      const r = await rig.raw('ceremony:start', { plan: slip39Plan(k), dir });
      assert.equal(!r.ok && r.error.code, 'FOLDER_REFUSED', dir);
      assert.match(!r.ok ? r.error.message : '', /only in its own ceremonies folder.*Nothing was written/);
      const resumed = await rig.raw('ceremony:resume', { dir });
      assert.equal(!resumed.ok && resumed.error.code, 'FOLDER_REFUSED', dir);
    }
    assert.deepEqual(readdirSync(outside), [], 'no folder was made outside');
    assert.equal(existsSync(join(rig.root, 'escaped')), false);
    assert.equal((await rig.call('ceremony:status')).phase, 'not-started');
    await rig.host.shutdown();
  });

  it('a folder inside the ceremonies folder is taken', async () => {
    const rig = await withWitness();
    const dir = join(rig.root, 'ceremonies', 'vault-2025');
    const started = await rig.call('ceremony:start', { plan: slip39Plan(k), dir });
    assert.equal(started.transcript.path, join(dir, 'transcript.json'));
    assert.ok(existsSync(started.transcript.path));
    await rig.call('ceremony:abort', { reason: 'Test over.', witnessId: 'wendy' });
    const resumed = await rig.call('ceremony:resume', { dir });
    assert.equal(resumed.ceremonyId, started.ceremonyId);
    await rig.host.shutdown();
  });

  it('a folder picked in main\'s dialog is taken for start and resume; a cancelled dialog picks nothing', async () => {
    const rig = await withWitness();
    const picked = tempDir('picked');
    rig.willPick(null);
    assert.equal(await rig.call('ceremony:choose-folder'), null);
    assert.equal((await rig.raw('ceremony:start', { plan: slip39Plan(k), dir: picked })).ok, false, 'not picked yet');
    rig.willPick(picked);
    assert.deepEqual(await rig.call('ceremony:choose-folder'), { dir: picked });
    const started = await rig.call('ceremony:start', { plan: slip39Plan(k), dir: picked });
    assert.equal(started.transcript.path, join(picked, 'transcript.json'));
    await rig.call('ceremony:abort', { reason: 'Test over.', witnessId: 'wendy' });
    await rig.host.shutdown();

    // The app started again: that folder is not its own, so it is resumed only once picked again.
    const again = ipcRig();
    const refused = await again.raw('ceremony:resume', { dir: picked });
    assert.equal(!refused.ok && refused.error.code, 'FOLDER_REFUSED');
    again.willPick(picked);
    await again.call('ceremony:choose-folder');
    assert.equal((await again.call('ceremony:resume', { dir: picked })).ceremonyId, started.ceremonyId);
    await again.host.shutdown();
  });

  it('parent folders are never created: not for a picked folder that went away, not for the ceremonies folder, not by the store', async () => {
    // A picked folder removed before the ceremony starts: its parent is not re-made.
    const rig = await withWitness();
    const gone = join(tempDir('gone'), 'parent', 'picked');
    rig.willPick(gone);
    await rig.call('ceremony:choose-folder');
    const r = await rig.raw('ceremony:start', { plan: slip39Plan(k), dir: gone });
    assert.equal(!r.ok && r.error.code, 'TRANSCRIPT_WRITE');
    assert.equal(existsSync(dirname(gone)), false, 'the missing parent was not created');
    await rig.host.shutdown();

    // The store makes the ceremony's own folder only.
    const base = tempDir('store');
    const store = createTranscriptStore(join(base, 'a', 'b'));
    const t = appendEntry(createTranscript('folders-2025', () => new Date('2025-03-01T09:00:00.000Z')), 'plan', { label: 'x' });
    await assert.rejects(store.saveTranscript(t), (e: unknown) => (e as { code?: string }).code === 'TRANSCRIPT_WRITE');
    assert.deepEqual(readdirSync(base), []);
    mkdirSync(join(base, 'a'));
    await createTranscriptStore(join(base, 'a', 'b')).saveTranscript(t);
    assert.ok(existsSync(join(base, 'a', 'b', 'transcript.json')), 'with its parent there, the folder is made');
  });
});
