/**
 * ceremony:transcript: the current ceremony's transcript file and plan file, read from its folder, with the head hash
 * the ceremony service holds, so the sealed screen can check the file against it and export it without a file picker,
 * and a new window can take the plan without asking for plan.json.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parsePlan, planToJson } from '../../core/policy';
import { verifyTranscriptText } from '../../core/transcript';
import { isChannelName } from '../../electron/ipc/channels';
import { contract, SECRET_BEARING_CHANNELS } from '../../electron/ipc/contract';
import { createKeyshardBridge } from '../../electron/preload/bridge';
import { cleanTemps, custodianKeys, slip39Plan, type Keys } from '../services/ceremony-harness';
import { ipcRig, signPending, witnessPassphrase } from './ipc-harness';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

const REASON = 'The lab machine has a built-in network card; Wendy checked that the cable is unplugged.';

describe('ceremony:transcript', () => {
  it('is a contract channel the preload forwards, takes no request, and is not a secret-bearing channel', async () => {
    assert.ok(isChannelName('ceremony:transcript'));
    assert.ok(Object.hasOwn(contract, 'ceremony:transcript'));
    assert.ok(!SECRET_BEARING_CHANNELS.includes('ceremony:transcript'));
    const forwarded: string[] = [];
    const bridge = createKeyshardBridge({
      invoke: async (channel) => {
        forwarded.push(channel);
        return { ok: true, value: null };
      },
    });
    await bridge.invoke('ceremony:transcript');
    assert.deepEqual(forwarded, ['ceremony:transcript']);

    const rig = ipcRig();
    const bad = await rig.raw('ceremony:transcript', { path: '/etc/passwd' });
    assert.equal(!bad.ok && bad.error.code, 'INVALID_ARGUMENT');
    assert.ok(!JSON.stringify(bad).includes('/etc/passwd'), 'the request is not echoed');
    await rig.host.shutdown();
  });

  it('answers null before a ceremony, then the saved files with the head hash main holds, step after step', async () => {
    const rig = ipcRig();
    assert.equal(await rig.call('ceremony:transcript'), null, 'no ceremony, no transcript');
    assert.equal((await rig.call('ceremony:status')).phase, 'not-started');
    assert.equal(await rig.call('ceremony:transcript'), null, 'an idle service has written nothing');

    const plan = slip39Plan(k);
    await rig.call('ceremony:load-witness-key', { path: rig.witnessKeyFile('wendy') });
    const started = await rig.call('ceremony:start', { plan });
    const first = await rig.call('ceremony:transcript');
    assert.ok(first !== null, 'first !== null');
    assert.equal(first.path, started.transcript.path);
    assert.equal(first.text, readFileSync(started.transcript.path, 'utf8'));
    assert.equal(first.headHash, started.transcript.headHash);
    assert.equal(first.entries, started.transcript.entries);
    const v1 = verifyTranscriptText(first.text, { expectedHeadHash: first.headHash! });
    assert.ok(v1.ok, v1.ok ? '' : v1.reason);
    assert.equal(v1.ceremonyId, started.ceremonyId);
    // The plan the ceremony runs under, from plan.json beside the transcript.
    assert.ok(first.plan !== null, 'first.plan !== null');
    assert.equal(first.plan.path, join(dirname(first.path), 'plan.json'));
    assert.equal(planToJson(parsePlan(first.plan.text)), planToJson(plan));

    // A step and its sign-off later, the answer follows the ceremony.
    await rig.call('ceremony:check-airgap', { override: { witnessId: 'wendy', reason: REASON, passphrase: witnessPassphrase('wendy') } });
    await signPending(rig);
    const second = await rig.call('ceremony:transcript');
    assert.ok(second !== null, 'second !== null');
    assert.notEqual(second.headHash, first.headHash);
    assert.ok(second.entries > first.entries, `${second.entries} > ${first.entries}`);
    assert.equal(second.headHash, (await rig.call('ceremony:status')).transcript.headHash);
    const v2 = verifyTranscriptText(second.text, { expectedHeadHash: second.headHash! });
    assert.ok(v2.ok, v2.ok ? '' : v2.reason);
    assert.ok(second.text.includes(REASON));

    // The file changed on disk after keyshard wrote it: main passes it on as it is, and the window's check against
    // the head hash main holds catches it.
    writeFileSync(second.path, second.text.replace(REASON, REASON.replace('unplugged', 'plugged in')));
    const tampered = await rig.call('ceremony:transcript');
    assert.ok(tampered !== null, 'tampered !== null');
    assert.equal(tampered.headHash, second.headHash);
    const v3 = verifyTranscriptText(tampered.text, { expectedHeadHash: tampered.headHash! });
    assert.equal(v3.ok, false);
    writeFileSync(second.path, second.text);

    // No plan file: the answer says so (null); no transcript file: an error saying what to check.
    rmSync(second.plan!.path);
    const noPlan = await rig.call('ceremony:transcript');
    assert.equal(noPlan?.plan, null);
    assert.equal(noPlan?.text, second.text);
    rmSync(second.path);
    const gone = await rig.raw('ceremony:transcript');
    assert.equal(!gone.ok && gone.error.code, 'TRANSCRIPT_READ');
    assert.match(!gone.ok ? gone.error.message : '', /is gone\. Check that the ceremony's disk is present/);
    assert.ok(!gone.ok && gone.error.message.includes(second.path), 'the message names the file');
    await rig.host.shutdown();
  });

  it('after a restart, the ceremony reopened in the new app (aborted here) is the one answered for', async () => {
    const rig = ipcRig();
    const plan = slip39Plan(k);
    await rig.call('ceremony:load-witness-key', { path: rig.witnessKeyFile('wendy') });
    const started = await rig.call('ceremony:start', { plan });
    await rig.call('ceremony:abort', { reason: 'Stopped for the test.', witnessId: 'wendy' });
    const before = await rig.call('ceremony:transcript');
    await rig.host.shutdown();
    // A new host (the app started again) knows no ceremony until one is resumed.
    const again = ipcRig();
    assert.equal(await again.call('ceremony:transcript'), null);
    // Its folder is not the new app's own (another temp root here): the person picks it in main's folder dialog.
    again.willPick(dirname(started.transcript.path));
    await again.call('ceremony:choose-folder');
    const resumed = await again.call('ceremony:resume', { dir: dirname(started.transcript.path) });
    assert.equal(resumed.phase, 'aborted');
    const after = await again.call('ceremony:transcript');
    assert.ok(after !== null && before !== null, 'after !== null');
    assert.equal(after.text, before.text);
    assert.equal(after.headHash, before.headHash);
    assert.ok(verifyTranscriptText(after.text, { expectedHeadHash: after.headHash! }).ok);
    await again.host.shutdown();
  });
});
