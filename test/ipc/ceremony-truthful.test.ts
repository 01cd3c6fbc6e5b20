/**
 * Truthful ceremony steps over IPC (issue 11 point 13): main refuses ceremony:destroy without the confirmation the
 * Destroy screen asks for, so a page cannot skip it; the transcript's confirm entries say what each confirmation shows
 * (a custodian's own act proves possession, a USB read-back only the write); a test recovery says whose shards it used.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { CeremonyPlan } from '../../core/policy';
import { verifyTranscriptText } from '../../core/transcript';
import type { ResponseOf } from '../../electron/ipc/contract';
import { allZero, cleanTemps, custodianKeys, given, methodFor, shownShards, slip39Plan, type Keys } from '../services/ceremony-harness';
import { ipcRig, signPending, witnessPassphrase, type IpcRig } from './ipc-harness';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

type Entry = { kind: string; data: Record<string, unknown> };

type View = ResponseOf<'ceremony:handoff'>;

function entries(path: string): Entry[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { entries: Entry[] }).entries;
}

/** What a custodian gives back to confirm: the QR frames (screen), the typed words (paper), nothing (USB). */
function responsesFor(view: View) {
  return shownShards(view).map((s) => given(view.medium === 'screen-qr' ? { qrTexts: [...s.qr.frames] } : { words: (s.words ?? []).join(' ') }));
}

/** From ceremony:start to the open destroy step, every checkpoint signed; returns the handoff views. */
async function runToDestroy(rig: IpcRig, plan: CeremonyPlan, recovery: 'custodians' | 'copies'): Promise<Map<string, View>> {
  for (const w of plan.witnesses) await rig.call('ceremony:load-witness-key', { path: rig.witnessKeyFile(w.id) });
  await rig.call('ceremony:start', { plan });
  await rig.call('ceremony:check-airgap', { override: { witnessId: 'wendy', reason: 'The test machine has a network card that cannot be disabled here.', passphrase: witnessPassphrase('wendy') } });
  await signPending(rig);
  await rig.call('ceremony:gather-entropy', { diceRolls: '3 1 4 1 5 2 6 5 3 5 6 2 4 1 3 3 6 5 2 1' });
  await signPending(rig);
  await rig.call('ceremony:generate');
  await signPending(rig);
  await rig.call('ceremony:split');
  await signPending(rig);
  const views = new Map<string, View>();
  for (const c of plan.custodians) {
    const view = await rig.call('ceremony:handoff', { custodianId: c.id, ...(c.medium === 'usb' ? { drive: { mountPoint: rig.drive(c.id), label: c.id } } : {}) });
    views.set(c.id, view);
    const confirmed = await rig.call('ceremony:confirm', { custodianId: c.id, method: methodFor(c.medium), ...(c.medium === 'usb' ? {} : { responses: responsesFor(view) }) });
    assert.equal(confirmed.proves, c.medium === 'usb' ? 'write' : 'possession', `${c.id}'s confirmation answer`);
    await signPending(rig);
    await rig.call('ceremony:receipt', { custodianId: c.id });
  }
  const quorum = ['alice', 'carol'];
  const rec =
    recovery === 'custodians'
      ? await rig.call('ceremony:test-recovery', { responses: quorum.map((id) => ({ custodianId: id, shards: shownShards(views.get(id)!).map((s) => given({ text: s.envelopeText }, 'read')) })) })
      : await rig.call('ceremony:test-recovery', { custodianIds: quorum });
  assert.equal(rec.fingerprintMatch, true);
  assert.equal(rec.shardsFrom, recovery === 'custodians' ? 'custodians' : 'keyshard-copies');
  await signPending(rig);
  return views;
}

describe('truthful ceremony steps over IPC', () => {
  it('main refuses ceremony:destroy without the explicit confirmation, and wipes nothing until it comes', async () => {
    const plan = slip39Plan(k);
    const rig = ipcRig();
    await runToDestroy(rig, plan, 'custodians');
    for (const request of [undefined, {}, { confirmed: false }, { confirmed: 'yes' }, { confirmed: 1 }]) {
      const r = await rig.raw('ceremony:destroy', request);
      assert.equal(r.ok, false, `destroy with ${JSON.stringify(request)} was accepted`);
      assert.ok(!r.ok && r.error.code === 'INVALID_ARGUMENT', JSON.stringify(r));
    }
    // The service itself refuses too (a caller inside main that forgot the confirmation).
    await assert.rejects(rig.host.destroy({} as never), (e: Error & { code?: string }) => e.code === 'INVALID_ARGUMENT' && /explicit confirmation/.test(e.message));
    const status = await rig.call('ceremony:status');
    assert.equal(status.lastStep, 'test-recovery', 'nothing was destroyed');
    assert.ok(
      rig.ceremonyBuffers.some((b) => !allZero(b.bytes)),
      'the secret is still in memory',
    );
    const destroyed = await rig.call('ceremony:destroy', { confirmed: true });
    assert.equal(destroyed.status.lastStep, 'destroy');
    await rig.host.shutdown();
  });

  it("the transcript's confirm entries say what each confirmation proves; the test recovery says whose shards it used", async () => {
    const plan = slip39Plan(k);
    const rig = ipcRig();
    await runToDestroy(rig, plan, 'custodians');
    const path = (await rig.call('ceremony:status')).transcript.path;
    const confirms = entries(path).filter((e) => e.kind === 'confirm');
    const by = new Map(confirms.map((e) => [e.data['custodianId'], e.data]));
    // Alice typed her words back, Carol scanned her code: their own act proves they hold the shard.
    assert.deepEqual([by.get('alice')?.['method'], by.get('alice')?.['proves']], ['type-back', 'possession']);
    assert.deepEqual([by.get('carol')?.['method'], by.get('carol')?.['proves']], ['scan-qr', 'possession']);
    // Bob's file was read back from the stick keyshard wrote it to: that checks the write, nothing about Bob.
    assert.deepEqual([by.get('bob')?.['method'], by.get('bob')?.['proves']], ['read-back-usb', 'write']);
    const rec = entries(path).find((e) => e.kind === 'test-recovery');
    assert.equal(rec?.data['shardsFrom'], 'custodians');
    await rig.call('ceremony:destroy', { confirmed: true });
    await signPending(rig);
    await rig.call('ceremony:seal');
    await signPending(rig);
    const v = verifyTranscriptText(readFileSync(path, 'utf8'));
    assert.ok(v.ok, v.ok ? '' : v.reason);
    await rig.host.shutdown();
  });

  it("a test recovery from keyshard's own copies is recorded as such", async () => {
    const plan = slip39Plan(k);
    const rig = ipcRig();
    await runToDestroy(rig, plan, 'copies');
    const path = (await rig.call('ceremony:status')).transcript.path;
    const rec = entries(path).find((e) => e.kind === 'test-recovery');
    assert.equal(rec?.data['shardsFrom'], 'keyshard-copies');
    await rig.host.shutdown();
  });
});
