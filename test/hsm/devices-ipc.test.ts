/**
 * PKCS#11 tokens through the IPC handlers (createIpcHandlers, as main wires them: the hsm host with openHsm and no PIN
 * supplier, so every PIN comes with the request that uses it) over real services and real SoftHSM2 tokens: the
 * module and token lists, the device check, a token witness, and a SLIP-39 2-of-3 ceremony whose three custodians keep
 * their shards on their own tokens, driven only through ceremony:* channels - wrong PINs refused without the ceremony
 * moving, the transcript sealed and verifying - with no PIN in any answer, error or the transcript.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import type { CeremonyPlan } from '../../core/policy';
import { verifyTranscriptText } from '../../core/transcript';
import { createHsmHost, type HsmHost } from '../../electron/ipc/hsm-host';
import { COMMON_MODULE_PATHS, openHsm } from '../../electron/services/hsm/index';
import { cleanTemps } from '../services/ceremony-harness';
import { ipcRig, signPending, type IpcRig } from '../ipc/ipc-harness';
import { makeSoftHsm, SOFTHSM_MODULE, tokenHeldPlan, witnessKeyOnToken, type SoftHsm } from './softhsm';

/** PINs that cannot turn up by chance in hex, base64 or JSON, so "the PIN is nowhere" means something. */
const PIN = 'Pin-7q!Kx';
const WRONG_PIN = 'Wrong-3z?Vv';
const WITNESS_KEY_LABEL = 'keyshard-witness';
const OVERRIDE = { witnessId: 'tess', reason: 'The rehearsal machine keeps its loopback and one NIC; Tess checked the cable is out.', pin: PIN };

let env: SoftHsm | undefined;
let rig: IpcRig | undefined;

afterEach(async () => {
  await rig?.host.shutdown();
  rig = undefined;
  env?.cleanup();
  env = undefined;
  cleanTemps();
});

function host(): HsmHost {
  return createHsmHost({ open: (path) => openHsm(path), known: COMMON_MODULE_PATHS });
}

function tokenPlan(labels: readonly string[] = ['alice-token', 'bob-token', 'carol-token']): CeremonyPlan {
  return tokenHeldPlan({ label: 'Token-held seed over IPC', tokenLabels: labels, witnesses: [{ id: 'tess', name: 'Tess (token)', organisation: 'Notary Office', observes: 'all' }] });
}

const witnessKey = (label: string): Promise<string> => witnessKeyOnToken(label, PIN, WITNESS_KEY_LABEL);

async function expectError(r: IpcRig, channel: Parameters<IpcRig['raw']>[0], request: unknown, code: string): Promise<void> {
  const result = await r.raw(channel, request);
  assert.equal(result.ok, false, `${channel} succeeded`);
  assert.equal(!result.ok && result.error.code, code, `${channel}: ${JSON.stringify(result)}`);
}

function assertNoPin(r: IpcRig, extra: readonly string[] = []): void {
  assert.ok(r.calls.length > 20, `only ${r.calls.length} answers`);
  for (const c of r.calls) for (const p of [PIN, WRONG_PIN]) assert.ok(!c.json.includes(p), `${c.channel} answered with a PIN`);
  for (const text of extra) for (const p of [PIN, WRONG_PIN]) assert.ok(!text.includes(p), 'a PIN was written down');
}

describe('PKCS#11 tokens over IPC (SoftHSM2)', () => {
  it('lists the modules and tokens with their capabilities, and checks a plan\'s tokens before start', async () => {
    env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token'], { pin: PIN });
    rig = ipcRig({ hsm: host() });

    const suggested = await rig.call('hsm:suggested-modules');
    assert.ok(suggested.modules.some((m) => m.path === SOFTHSM_MODULE && m.name === 'SoftHSM2'));
    assert.equal(suggested.selected, SOFTHSM_MODULE, 'SoftHSM2 is the default when it is installed');

    const listed = await rig.call('hsm:list-tokens');
    assert.equal(listed.module.path, SOFTHSM_MODULE);
    assert.match(listed.module.manufacturer, /SoftHSM/i);
    const tokens = listed.slots.flatMap((s) => (s.token === null || !s.token.initialized ? [] : [s.token]));
    assert.deepEqual(tokens.map((t) => t.label).sort(), ['alice-token', 'bob-token', 'carol-token']);
    assert.equal(new Set(tokens.map((t) => t.serial)).size, 3);
    for (const t of tokens) {
      assert.equal(t.loginRequired, true);
      assert.equal(t.pinLocked, false);
      assert.match(t.manufacturer, /SoftHSM/i);
      assert.deepEqual([...t.has].sort(), ['aes-gcm', 'data-objects', 'ec-p256-keygen', 'ecdh-derive', 'ecdsa', 'random']);
      assert.deepEqual(t.lacks, []);
      assert.equal(t.capabilities.length, 6);
      assert.deepEqual(t.usableFor, { custodian: true, entropy: true, witness: true });
    }
    // The same through an explicit module path; a path that is no library is refused before anything is loaded.
    assert.equal((await rig.call('hsm:list-tokens', { modulePath: SOFTHSM_MODULE })).slots.length, listed.slots.length);
    await expectError(rig, 'hsm:list-tokens', { modulePath: '/etc/passwd' }, 'HSM_MODULE');
    await expectError(rig, 'hsm:list-tokens', { modulePath: 'libsofthsm2.so' }, 'HSM_MODULE');
    assert.equal((await rig.call('hsm:select-module', { modulePath: SOFTHSM_MODULE })).module.path, SOFTHSM_MODULE);

    // A module is native code run in main: a copy of the very same library in a system library folder that other
    // users could replace (group or world writable), or that root does not own, is refused before it is loaded; so is
    // a root-owned copy outside the system library folders (a temp folder, like a stick's); and listing a path that
    // was never chosen is refused too (listing loads it). A root-owned copy in a system folder on this disk loads.
    // (A library on a mounted stick image: test/hsm/module-trust-mount.test.ts.)
    const copies = mkdtempSync('/usr/local/lib/keyshard-test-module-');
    const outside = mkdtempSync(join(tmpdir(), 'keyshard-module-'));
    try {
      const copy = (dir: string, name: string, mode: number): string => {
        const path = join(dir, name);
        copyFileSync(realpathSync(SOFTHSM_MODULE), path);
        chmodSync(path, mode);
        return path;
      };
      const writable = copy(copies, 'writable-pkcs11.so', 0o666);
      const groupWritable = copy(copies, 'group-writable-pkcs11.so', 0o664);
      const foreign = copy(copies, 'foreign-pkcs11.so', 0o644);
      chownSync(foreign, 1000, 1000);
      const trusted = copy(copies, 'trusted-pkcs11.so', 0o644);
      const elsewhere = copy(outside, 'root-owned-pkcs11.so', 0o644);
      const reasons: Array<[string, string]> = [
        [writable, 'untrusted'],
        [groupWritable, 'untrusted'],
        [foreign, 'untrusted'],
        [elsewhere, 'outside-system-folders'],
      ];
      for (const [path, reason] of reasons) {
        const r = await rig.raw('hsm:select-module', { modulePath: await rig.choose('pkcs11-module', path) });
        assert.equal(!r.ok && r.error.code, 'HSM_MODULE', path);
        assert.equal(!r.ok && r.error.details?.['reason'], reason, path);
      }
      const unchosen = await rig.raw('hsm:list-tokens', { modulePath: trusted });
      assert.equal(!unchosen.ok && unchosen.error.details?.['reason'], 'not-chosen');
      assert.equal((await rig.call('hsm:select-module', { modulePath: await rig.choose('pkcs11-module', trusted) })).selected, trusted);
      assert.equal((await rig.call('hsm:select-module', { modulePath: SOFTHSM_MODULE })).selected, SOFTHSM_MODULE);
    } finally {
      rmSync(copies, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }

    const ok = await rig.call('ceremony:check-devices', { plan: tokenPlan(), entropyToken: { label: 'carol-token' } });
    assert.equal(ok.ok, true, JSON.stringify(ok.problems));
    assert.deepEqual(ok.tokens.map((t) => [t.custodianId, t.present, t.tokenLabel]), [
      ['alice', true, 'alice-token'],
      ['bob', true, 'bob-token'],
      ['carol', true, 'carol-token'],
    ]);
    assert.equal(ok.entropyToken?.tokenLabel, 'carol-token');

    const missing = await rig.call('ceremony:check-devices', { plan: tokenPlan(['alice-token', 'bob-token', 'dave-token']) });
    assert.equal(missing.ok, false);
    assert.equal(missing.tokens.find((t) => t.custodianId === 'carol')?.present, false);
    assert.ok(missing.problems.some((p) => p.custodianId === 'carol'), JSON.stringify(missing.problems));
    // Nothing was started by either check.
    assert.equal((await rig.call('ceremony:status')).phase, 'not-started');
  });

  it('runs a 2-of-3 ceremony with every shard on its own token, only through IPC; wrong PINs do not advance it; no PIN in any answer', async () => {
    env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token', 'witness-token'], { pin: PIN });
    const tessKey = await witnessKey('witness-token');
    const r = (rig = ipcRig({ hsm: host() }));
    const plan = tokenPlan();

    // Tess signs with the key on her token: a wrong PIN is refused, the right one registers her.
    await expectError(r, 'ceremony:load-witness-token', { witnessId: 'tess', token: { label: 'witness-token' }, keyLabel: WITNESS_KEY_LABEL, pin: WRONG_PIN }, 'HSM_PIN_INCORRECT');
    const tess = await r.call('ceremony:load-witness-token', { witnessId: 'tess', token: { label: 'witness-token' }, keyLabel: WITNESS_KEY_LABEL, pin: PIN });
    assert.deepEqual(tess, { id: 'tess', algorithm: 'ecdsa-p256', publicKey: tessKey, unlock: 'pin', tokenLabel: 'witness-token' });
    // Tess types her PIN at every sign-off.
    const acts = { tess: { pin: PIN } };

    const started = await r.call('ceremony:start', { plan, entropyToken: { label: 'carol-token' } });
    assert.equal(started.phase, 'active');
    const serials = new Map((started.tokens ?? []).map((t) => [t.custodianId, t] as const));
    assert.deepEqual([...serials.keys()], ['alice', 'bob', 'carol']);
    for (const [id, t] of serials) assert.equal(t.tokenLabel, `${id}-token`);

    await r.call('ceremony:check-airgap', { override: OVERRIDE });
    await signPending(r, acts);
    const entropy = await r.call('ceremony:gather-entropy', { diceRolls: '3 1 4 1 5 2 6 5 3 5', useHsm: true, hsmToken: { pin: PIN } });
    assert.deepEqual(entropy.sources, ['os-csprng', 'pkcs11-rng', 'dice-10-rolls']);
    await signPending(r, acts);
    const gen = await r.call('ceremony:generate');
    await signPending(r, acts);
    await r.call('ceremony:split');
    await signPending(r, acts);

    for (const c of plan.custodians) {
      if (c.id === 'alice') {
        // A wrong PIN at the handoff: refused, nothing handed over.
        await expectError(r, 'ceremony:handoff', { custodianId: 'alice', pin: WRONG_PIN }, 'HSM_PIN_INCORRECT');
        const after = await r.call('ceremony:status');
        assert.deepEqual([after.handedOff, after.awaitingConfirmation], [[], null]);
      }
      const view = await r.call('ceremony:handoff', { custodianId: c.id, pin: PIN });
      assert.deepEqual(view.shards, [], 'a token handoff shows nothing on screen');
      assert.deepEqual(view.files, []);
      assert.equal(view.token?.tokenLabel, `${c.id}-token`);
      assert.equal(view.token?.tokenSerial, serials.get(c.id)?.tokenSerial);
      assert.equal(view.token?.method, 'data-object');
      assert.equal(view.token?.alreadyStored, false);
      if (c.id === 'alice') {
        // A wrong PIN at the read-back: refused, Alice is still awaited and not confirmed.
        await expectError(r, 'ceremony:confirm', { custodianId: 'alice', method: 'read-back-pkcs11', pin: WRONG_PIN }, 'HSM_PIN_INCORRECT');
        const after = await r.call('ceremony:status');
        assert.deepEqual([after.awaitingConfirmation, after.confirmed], ['alice', []]);
        assert.equal((await r.call('ceremony:current-handoff'))?.token?.tokenLabel, 'alice-token');
      }
      const confirmed = await r.call('ceremony:confirm', { custodianId: c.id, method: 'read-back-pkcs11', pin: PIN });
      assert.equal(confirmed.status.confirmed.at(-1), c.id);
      await signPending(r, acts);
      await r.call('ceremony:receipt', { custodianId: c.id });
    }

    const rec = await r.call('ceremony:test-recovery', { tokens: [{ custodianId: 'alice', pin: PIN }, { custodianId: 'carol', pin: PIN }] });
    assert.equal(rec.fingerprintMatch, true);
    assert.equal(rec.recovered.hex, gen.fingerprint.hex);
    assert.deepEqual([...rec.custodianIds].sort(), ['alice', 'carol']);
    await signPending(r, acts);
    await r.call('ceremony:destroy', { confirmed: true });
    await signPending(r, acts);
    await r.call('ceremony:seal');
    await signPending(r, acts);
    const final = await r.call('ceremony:status');
    assert.equal(final.phase, 'sealed');

    const text = readFileSync(final.transcript.path, 'utf8');
    const v = verifyTranscriptText(text);
    assert.ok(v.ok, v.ok ? '' : v.reason);
    assert.equal(v.headHash, final.transcript.headHash);
    assert.equal(v.witnessesPinned, true);
    assert.ok(v.signoffs.length > 0 && v.signoffs.every((s) => s.witnesses.every((w) => w.id === 'tess' && w.algorithm === 'ecdsa-p256')));

    // Exactly the deliberate failures failed; no PIN in any answer (ok or error) nor in the transcript.
    const failed = r.calls.filter((c) => !c.json.startsWith('{"ok":true'));
    assert.deepEqual(failed.map((c) => c.channel), ['ceremony:load-witness-token', 'ceremony:handoff', 'ceremony:confirm']);
    for (const f of failed) assert.match(f.json, /"code":"HSM_PIN_INCORRECT"/);
    assertNoPin(r, [text]);
  });
});
