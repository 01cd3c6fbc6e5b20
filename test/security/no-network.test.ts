/**
 * No network, proven in Node: whole ceremonies (SLIP-39 with paper, age-on-USB and screen-QR custodians; FROST with an
 * OpenPGP-on-USB custodian), an aborted ceremony, and recoveries from words, QR parts, age and OpenPGP files, all
 * driven through the real IPC handlers (test/ipc/ipc-harness.ts), plus the real air-gap check and drive lister, while
 * every network API of Node is trapped (network-trap.ts). Zero uses may be recorded. A control case shows the trap
 * catches each kind of use, including through an ESM named import, so a silent pass cannot come from a broken trap.
 *
 * The Chromium side is covered elsewhere: test/e2e/harness.ts records every request the page and its workers make and
 * test/e2e/fixtures.ts fails any e2e test after which a request other than file:, data: or blob: was seen.
 */
// The trap first: installed before any app module below is evaluated.
import { NetworkTrapped, networkUses, takeNetworkUses } from './network-trap';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lookup as namedLookup } from 'node:dns';
import { request as namedHttpRequest } from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import https from 'node:https';
import dgram from 'node:dgram';
import dns from 'node:dns';
import { after, before, describe, it } from 'node:test';
import type { CeremonyPlan } from '../../core/policy';
import type { ResponseOf } from '../../electron/ipc/contract';
import { checkAirGap } from '../../electron/services/airgap/index';
import { defaultDriveLister } from '../../electron/services/usb/index';
import { ipcRig, signPending, witnessPassphrase, type IpcRig } from '../ipc/ipc-harness';
import { cleanTemps, custodianKeys, given, methodFor, responseFor, shown, shownShards, slip39Plan, vssPlan, type Keys } from '../services/ceremony-harness';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

type View = ResponseOf<'ceremony:handoff'>;
const DICE = '6 2 3 5 1 4 4 2 6 1 3 5 5 2 1 6 4 3 2 2';
// Wendy signs the override's exception with her own act, as at every sign-off.
const OVERRIDE = { witnessId: 'wendy', reason: 'The test machine has a network card; the trap in this test refuses every use of it.', passphrase: witnessPassphrase('wendy') };

function assertNoNetworkUse(where: string): void {
  const used = takeNetworkUses();
  assert.deepEqual(
    used.map((u) => u.api),
    [],
    `${where} used the network:\n${used.map((u) => u.stack).join('\n---\n')}`,
  );
}

/** A whole ceremony through the handlers, from loading witness keys to the sealed transcript. */
async function ceremony(rig: IpcRig, plan: CeremonyPlan): Promise<{ views: Map<string, View>; transcript: string; fingerprint: string }> {
  for (const w of plan.witnesses) await rig.call('ceremony:load-witness-key', { path: rig.witnessKeyFile(w.id) });
  assert.equal((await rig.call('plan:analyze', { plan })).valid, true);
  await rig.call('ceremony:start', { plan });
  await rig.call('ceremony:check-airgap', { override: OVERRIDE });
  await signPending(rig);
  await rig.call('ceremony:gather-entropy', { diceRolls: DICE });
  await signPending(rig);
  const gen = await rig.call('ceremony:generate');
  await signPending(rig);
  await rig.call('ceremony:split');
  await signPending(rig);
  const views = new Map<string, View>();
  for (const c of plan.custodians) {
    const view = await rig.call('ceremony:handoff', { custodianId: c.id, ...(c.medium === 'usb' ? { drive: { mountPoint: rig.drive(c.id), label: c.id } } : {}) });
    views.set(c.id, view);
    await rig.call('ceremony:confirm', {
      custodianId: c.id,
      method: methodFor(c.medium),
      ...(c.medium === 'usb' ? {} : { responses: responseFor(view as never, plan) }),
    });
    await signPending(rig);
    await rig.call('ceremony:receipt', { custodianId: c.id });
  }
  const quorum = plan.custodians.filter((c) => c.medium !== 'usb').map((c) => c.id);
  const rec = await rig.call('ceremony:test-recovery', {
    responses: quorum.map((id) => ({ custodianId: id, shards: shownShards(views.get(id)!).map((s) => given({ text: s.envelopeText }, 'read')) })),
  });
  assert.equal(rec.fingerprintMatch, true);
  await signPending(rig);
  await rig.call('ceremony:destroy', { confirmed: true });
  await signPending(rig);
  await rig.call('ceremony:seal');
  await signPending(rig);
  const status = await rig.call('ceremony:status');
  assert.equal(status.phase, 'sealed');
  const transcript = readFileSync(status.transcript.path, 'utf8');
  assert.equal((await rig.call('transcript:verify', { text: transcript })).valid, true);
  await rig.call('ceremony:transcript');
  return { views, transcript, fingerprint: gen.fingerprint.hex };
}

async function expectRecovered(rig: IpcRig, fingerprint: string): Promise<void> {
  const done = await rig.call('recovery:finish');
  assert.equal(done.recovered.fingerprint.hex, fingerprint);
  await rig.call('recovery:export', { kind: 'display', reveal: true });
  await rig.call('recovery:clear');
}

describe('no network: the trap itself', () => {
  it('catches every kind of network use (control case), including through ESM named imports and swallowed errors', async () => {
    takeNetworkUses();
    const attempts: [string, () => unknown][] = [
      ['net.connect', () => net.connect(9, '127.0.0.1')],
      ['net.createConnection', () => net.createConnection({ port: 9, host: '127.0.0.1' })],
      ['net.Socket.prototype.connect', () => new net.Socket().connect(9, '127.0.0.1')],
      ['net.Server.prototype.listen', () => net.createServer().listen(0)],
      ['tls.connect', () => tls.connect(443, 'example.invalid')],
      ['http.request', () => namedHttpRequest('http://example.invalid/')],
      ['https.get', () => https.get('https://example.invalid/')],
      ['dns.lookup', () => namedLookup('example.invalid', () => undefined)],
      ['dns.promises.resolve4', () => dns.promises.resolve4('example.invalid')],
      ['dns.Resolver.prototype.resolveTxt', () => new dns.Resolver().resolveTxt('example.invalid', () => undefined)],
      ['dgram.createSocket', () => dgram.createSocket('udp4')],
      ['globalThis.fetch', () => fetch('https://example.invalid/')],
      ['globalThis.WebSocket', () => new (globalThis as unknown as { WebSocket: new (u: string) => unknown }).WebSocket('wss://example.invalid/')],
    ];
    for (const [api, attempt] of attempts) {
      assert.throws(attempt, (e: unknown) => e instanceof NetworkTrapped && e.api === api, api);
    }
    // A caller that swallows the error is still on the record.
    try {
      await fetch('https://example.invalid/');
    } catch {
      // swallowed on purpose
    }
    assert.deepEqual(
      networkUses().map((u) => u.api),
      [...attempts.map(([api]) => api), 'globalThis.fetch'],
    );
    assert.throws(() => assertNoNetworkUse('the control case'), /the control case used the network/);
    assert.deepEqual(networkUses(), []);
  });
});

describe('no network: ceremonies and recoveries through the IPC handlers', () => {
  it('SLIP-39 2-of-3 (paper, age on USB, screen QR), then recoveries from words + age file and from QR parts: zero network uses', async () => {
    takeNetworkUses();
    const plan = slip39Plan(k);
    const rig = ipcRig();
    await rig.call('app:info');
    await rig.call('usb:list-drives');
    const report = await checkAirGap();
    assert.equal(typeof report.ok, 'boolean');
    await defaultDriveLister().list().catch(() => []);
    const run = await ceremony(rig, plan);
    assertNoNetworkUse('the SLIP-39 ceremony');

    await rig.call('recovery:start', { transcriptText: run.transcript });
    const alice = shown(run.views.get('alice')!.shards[0]!).words!.join(' ');
    assert.equal((await rig.call('recovery:add-shard', { text: alice })).outcome, 'accepted');
    const bobFile = readFileSync(run.views.get('bob')!.files[0]!.location, 'utf8');
    assert.equal((await rig.call('recovery:add-shard', { file: { text: bobFile }, openingKey: { kind: 'age', identity: k.age.identity } })).outcome, 'accepted');
    await expectRecovered(rig, run.fingerprint);

    await rig.call('recovery:start', { expectedFingerprint: run.fingerprint });
    assert.equal((await rig.call('recovery:add-shard', { urParts: [...shown(run.views.get('carol')!.shards[0]!).qr.frames] })).outcome, 'accepted');
    assert.equal((await rig.call('recovery:add-shard', { text: alice })).outcome, 'accepted');
    await rig.call('recovery:status');
    await expectRecovered(rig, run.fingerprint);
    await rig.host.shutdown();
    assertNoNetworkUse('the SLIP-39 recoveries');
    assert.ok(rig.calls.length > 40, `only ${rig.calls.length} IPC calls`);
  });

  it('FROST 3-of-5 with an OpenPGP-on-USB custodian, then a recovery with the OpenPGP file; and an aborted ceremony: zero network uses', async () => {
    takeNetworkUses();
    const plan = vssPlan(k);
    const rig = ipcRig();
    const run = await ceremony(rig, plan);
    assertNoNetworkUse('the FROST ceremony');

    await rig.call('recovery:start', { transcriptText: run.transcript });
    const bobFile = readFileSync(run.views.get('bob')!.files[0]!.location, 'utf8');
    const opened = await rig.call('recovery:add-shard', { file: { text: bobFile }, openingKey: { kind: 'openpgp', privateKeyArmored: k.pgp.privateKeyArmored } });
    assert.equal(opened.outcome, 'accepted');
    for (const id of ['alice', 'carol']) {
      assert.equal((await rig.call('recovery:add-shard', { text: shown(run.views.get(id)!.shards[0]!).envelopeText })).outcome, 'accepted');
    }
    await expectRecovered(rig, run.fingerprint);
    await rig.host.shutdown();
    assertNoNetworkUse('the FROST recovery');

    const other = ipcRig();
    for (const w of plan.witnesses) await other.call('ceremony:load-witness-key', { path: other.witnessKeyFile(w.id) });
    await other.call('ceremony:start', { plan: slip39Plan(k) });
    await other.call('ceremony:check-airgap', { override: OVERRIDE });
    await signPending(other);
    await other.call('ceremony:gather-entropy', { diceRolls: DICE });
    await signPending(other);
    await other.call('ceremony:generate');
    await other.call('ceremony:abort', { reason: 'Test: the room was interrupted.' });
    await other.call('ceremony:list-saved');
    await other.host.shutdown();
    assertNoNetworkUse('the aborted ceremony');
  });
});
