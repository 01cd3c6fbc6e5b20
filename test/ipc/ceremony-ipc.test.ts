/**
 * Full ceremonies driven only through the IPC handlers (createIpcHandlers, the functions main registers and the e2e
 * harness exposes), over real services in temp folders: from ceremony:start to the sealed transcript, every answer an
 * ok envelope, the transcript verifying, every secret buffer zeroized at the end, and no secret material in any answer
 * but the handoff's display of the current custodian's shard.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { CeremonyRecord } from '../../core/ceremony';
import { decodeVssPayload, envelopeFromText, wipeEnvelope } from '../../core/envelope';
import type { KeyshardError } from '../../core/errors';
import { analyzeCoalitions, parsePlan, type CeremonyPlan, type PolicyProblem } from '../../core/policy';
import { combineMnemonics } from '../../core/slip39/index';
import { verifyTranscriptText } from '../../core/transcript';
import { combineShares } from '../../core/vss/index';
import { createCeremonyHost, type CeremonyHost } from '../../electron/ipc/ceremony-host';
import { CHANNELS, type ChannelName } from '../../electron/ipc/channels';
import { SECRET_BEARING_CHANNELS, type ResponseOf } from '../../electron/ipc/contract';
import { createIpcHandlers } from '../../electron/ipc/handlers';
import { createCameraGate } from '../../electron/main/permissions';
import { createCeremonyService } from '../../electron/services/ceremony/index';
import { createRecoveryService, type RecoveryService } from '../../electron/services/recovery/index';
import { assertCompleteCeremony } from '../core/ceremony-driver';
import { allZero, cleanTemps, custodianKeys, given, nodePbkdf2, shown, shownShards, slip39Plan, tempDir, vssPlan, type Keys } from '../services/ceremony-harness';
import { ipcRig, NETWORK_UP, signPending, witnessPassphrase, type IpcRig } from './ipc-harness';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

const DICE = '3 1 4 1 5 2 6 5 3 5 6 2 4 1 3 3 6 5 2 1';
const OVERRIDE = { witnessId: 'wendy', reason: 'The lab machine has an internal NIC that cannot be disabled; Wendy checked the cable is unplugged.' };

type View = ResponseOf<'ceremony:handoff'>;

function methodFor(medium: string): 'scan-qr' | 'type-back' | 'read-back-usb' {
  return medium === 'screen-qr' ? 'scan-qr' : medium === 'paper' ? 'type-back' : 'read-back-usb';
}

/** What a custodian gives back to confirm, by medium: the QR frames, the typed words or text, or nothing (USB). */
function responsesFor(view: View, plan: CeremonyPlan) {
  return shownShards(view).map((s) => {
    if (view.medium === 'screen-qr') return given({ qrTexts: [...s.qr.frames] });
    return given(plan.scheme.type === 'slip39' ? { words: (s.words ?? []).join(' ') } : { text: s.paperText });
  });
}

function recordsOf(text: string): CeremonyRecord[] {
  const parsed = JSON.parse(text) as { entries: { kind: string; at: string; data: Record<string, unknown> }[] };
  return parsed.entries.filter((e) => e.kind !== 'signoff').map((e) => ({ step: e.kind, at: e.at, data: e.data }) as unknown as CeremonyRecord);
}

/** Pieces of secret text worth searching for: long enough never to occur by chance. */
function secretNeedles(views: Iterable<View>, extra: readonly string[]): string[] {
  const needles: string[] = [...extra];
  for (const v of views) {
    for (const s of shownShards(v)) {
      const body = s.envelopeText.slice(3);
      for (let i = 0; i + 20 <= body.length; i += 20) needles.push(body.slice(i, i + 20));
      for (const f of s.qr.frames) {
        const payload = f.slice(f.lastIndexOf('/') + 1);
        for (let i = 0; i + 24 <= payload.length; i += 24) needles.push(payload.slice(i, i + 24).toLowerCase());
      }
      const w = s.words ?? [];
      for (let i = 0; i + 3 <= w.length; i++) {
        needles.push(w.slice(i, i + 3).join(' '));
        needles.push(w.slice(i, i + 3).join('","'));
      }
    }
  }
  return needles;
}

/** Searches every answer of every channel except the handoff display for the needles. */
function assertNoSecretIn(rig: IpcRig, needles: readonly string[]): void {
  const allowed = new Set<string>(SECRET_BEARING_CHANNELS);
  const checked = rig.calls.filter((c) => !allowed.has(c.channel));
  assert.ok(checked.length > 20, `only ${checked.length} answers checked`);
  for (const c of checked) {
    const json = c.json.toLowerCase();
    for (const n of needles) assert.ok(!json.includes(n.toLowerCase()), `${c.channel} answered with secret material`);
  }
}

interface Run {
  views: Map<string, View>;
  fingerprint: string;
  status: ResponseOf<'ceremony:status'>;
  transcriptText: string;
}

/** The whole ceremony through the handlers; for paper custodians first a confirmation with a wrong word. */
async function runOverIpc(rig: IpcRig, plan: CeremonyPlan, quorum: string[]): Promise<Run> {
  for (const w of plan.witnesses) {
    const key = await rig.call('ceremony:load-witness-key', { path: rig.witnessKeyFile(w.id) });
    assert.equal(key.id, w.id);
    assert.match(key.publicKey, /^[0-9a-f]{64}$/);
  }
  const started = await rig.call('ceremony:start', { plan });
  assert.equal(started.phase, 'active');
  assert.ok(started.transcript.path.startsWith(join(rig.root, 'ceremonies')), started.transcript.path);

  const air = await rig.call('ceremony:check-airgap', { override: { ...OVERRIDE, passphrase: witnessPassphrase('wendy') } });
  assert.deepEqual([air.passed, air.overridden, air.interfacesUp], [false, true, ['eth0']]);
  assert.equal(air.status.airgap, 'overridden');
  await signPending(rig);

  const entropy = await rig.call('ceremony:gather-entropy', { diceRolls: DICE });
  assert.equal(entropy.diceRolls, 20);
  await signPending(rig);
  const gen = await rig.call('ceremony:generate');
  await signPending(rig);
  const split = await rig.call('ceremony:split');
  assert.equal(split.fingerprint.hex, gen.fingerprint.hex);
  await signPending(rig);

  const views = new Map<string, View>();
  for (const c of plan.custodians) {
    const view = await rig.call('ceremony:handoff', { custodianId: c.id, ...(c.medium === 'usb' ? { drive: { mountPoint: rig.drive(c.id), label: `${c.name}'s stick` } } : {}) });
    views.set(c.id, view);
    assert.equal(view.custodianId, c.id);
    assert.equal((await rig.call('ceremony:current-handoff'))?.custodianId, c.id);
    if (c.medium === 'usb') {
      assert.equal(view.shards.length, 0, 'a USB custodian is shown nothing');
      assert.equal(view.files.length, 1);
      assert.ok(view.files[0]!.location.startsWith(rig.drive(c.id)), 'view.files[0]!.location.startsWith(rig.drive(c.id))');
    }
    await rig.call('ceremony:confirm', {
      custodianId: c.id,
      method: methodFor(c.medium),
      ...(c.medium === 'usb' ? {} : { responses: responsesFor(view, plan) }),
    });
    assert.equal(await rig.call('ceremony:current-handoff'), null, 'the display is dropped once confirmed');
    await signPending(rig);
    await rig.call('ceremony:receipt', { custodianId: c.id });
  }

  const rec = await rig.call('ceremony:test-recovery', {
    responses: quorum.map((id) => ({ custodianId: id, shards: shownShards(views.get(id)!).map((s) => given({ text: s.envelopeText }, 'read')) })),
  });
  assert.equal(rec.fingerprintMatch, true);
  assert.equal(rec.recovered.hex, gen.fingerprint.hex);
  await signPending(rig);
  const destroyed = await rig.call('ceremony:destroy', { confirmed: true });
  assert.ok(destroyed.buffers >= 3, `destroyed ${destroyed.buffers} buffers`);
  await signPending(rig);
  await rig.call('ceremony:seal');
  await signPending(rig);
  const status = await rig.call('ceremony:status');
  assert.equal(status.phase, 'sealed');
  const transcriptText = readFileSync(status.transcript.path, 'utf8');
  // The sealed screen's export: the same file, with the head hash main holds (its answer is searched for secrets below).
  const files = await rig.call('ceremony:transcript');
  assert.equal(files?.text, transcriptText);
  assert.equal(files?.headHash, status.transcript.headHash);
  assert.ok(files?.plan !== null && files?.plan.text.includes(plan.label), 'the plan comes along');
  return { views, fingerprint: gen.fingerprint.hex, status, transcriptText };
}

function assertSealedTranscript(rig: IpcRig, run: Run, plan: CeremonyPlan): void {
  const v = verifyTranscriptText(run.transcriptText);
  assert.ok(v.ok, v.ok ? '' : v.reason);
  assert.equal(v.headHash, run.status.transcript.headHash);
  assert.equal(v.witnessesPinned, true);
  assertCompleteCeremony(plan, recordsOf(run.transcriptText));
  assert.match(run.transcriptText, /"override"/, 'the witness override is recorded');
  assert.ok(!run.transcriptText.includes(DICE.slice(0, 9)), 'dice rolls in the transcript');
  // Every buffer any ceremony service put in its secret store ends zeroed.
  assert.ok(rig.ceremonyBuffers.length >= 5, `buffers: ${rig.ceremonyBuffers.map((b) => b.label).join(', ')}`);
  for (const b of rig.ceremonyBuffers) assert.ok(allZero(b.bytes), `${b.label} is not zeroed`);
  // Every answer was an ok envelope, except the deliberate failures (checked where they were made).
  for (const c of rig.calls) if (!c.json.startsWith('{"ok":true')) assert.match(c.json, /"code":"CONFIRM_MISMATCH"/, `${c.channel} failed: ${c.json.slice(0, 200)}`);
}

describe('ceremony over IPC: SLIP-39 2-of-3', () => {
  it('runs from ceremony:start to a sealed, verifying transcript; secrets zeroized; no secret in any other answer; the shards recover through recovery:*', async () => {
    const plan = slip39Plan(k);
    const rig = ipcRig();

    // Alice (paper) first types back a wrong word: refused with its position only; then the ceremony goes on.
    const realHandoff = rig.host.handoff.bind(rig.host);
    let mismatchChecked = false;
    rig.host.handoff = async (request) => {
      const view = await realHandoff(request);
      if (request.custodianId === 'alice' && !mismatchChecked) {
        mismatchChecked = true;
        const words = [...shown(view.shards[0]!).words!];
        const wrong = words.map((w, i) => (i === 6 ? (w === 'academic' ? 'acid' : 'academic') : w));
        const r = await rig.raw('ceremony:confirm', { custodianId: 'alice', method: 'type-back', responses: [given({ words: wrong.join(' ') })] });
        assert.equal(r.ok, false);
        assert.ok(!r.ok, '!r.ok');
        assert.equal(r.error.code, 'CONFIRM_MISMATCH');
        assert.deepEqual(r.error.details?.['words'], [7]);
        assert.match(r.error.message, /word 7 differs/);
        const json = JSON.stringify(r);
        for (const w of new Set([...words, 'academic', 'acid'])) assert.ok(!json.includes(`"${w}"`), 'the answer names a word');
        assert.ok(!json.includes(words.slice(5, 8).join(' ')));
        assert.equal((await rig.call('ceremony:status')).awaitingConfirmation, 'alice');
        // The mismatch is an exception: Wendy signs it (with her passphrase) before Alice tries again.
        assert.equal((await rig.call('ceremony:status')).exceptionNeeded?.deviation, 'confirmation-failed');
        const after = await rig.call('ceremony:record-exception', { reason: 'Alice misread word 7.', witnessId: 'wendy', passphrase: witnessPassphrase('wendy') });
        assert.equal(after.exceptionNeeded, null);
      }
      return view;
    };

    const run = await runOverIpc(rig, plan, ['alice', 'carol']);
    assert.ok(mismatchChecked, 'mismatchChecked');
    assertSealedTranscript(rig, run, plan);
    assert.deepEqual(await rig.call('ceremony:witness-keys'), []);
    const next = await rig.raw('ceremony:start', { plan });
    assert.equal(next.ok ? 'started' : next.error.code, 'WITNESS_KEY');

    const summary = await rig.call('transcript:verify', { text: run.transcriptText });
    assert.ok(summary.valid, 'summary.valid');
    assert.equal(summary.valid && summary.sealed, true);
    assert.equal(summary.valid && summary.fingerprint, run.fingerprint);
    assert.equal(summary.valid && summary.headHash, run.status.transcript.headHash);
    assert.deepEqual(summary.valid && summary.steps.find((s) => s.kind === 'seal')?.witnessIds, ['wendy']);
    const tampered = await rig.call('transcript:verify', { text: run.transcriptText.replace('"Treasury seed 2025"', '"Treasury seed 2026"') });
    assert.equal(tampered.valid, false);

    // The custodians' shards recover the seed through the recovery channels: Alice's words, Bob's age file.
    const alice = shown(run.views.get('alice')!.shards[0]!).words!.join(' ');
    // With the final hash from the paper record, the transcript is a verified source.
    const started = await rig.call('recovery:start', { transcriptText: run.transcriptText, finalHash: summary.valid ? summary.headHash : '' });
    assert.equal(started.expected?.source, 'final-hash');
    assert.equal(started.ceremonyId, run.status.ceremonyId);
    const a = await rig.call('recovery:add-shard', { text: alice });
    assert.equal(a.outcome, 'accepted');
    assert.equal(a.progress.sentences[0], 'Shares: 1 more needed (1 of 2 in hand).');
    const bobFile = readFileSync(run.views.get('bob')!.files[0]!.location, 'utf8');
    const b = await rig.call('recovery:add-shard', { file: { text: bobFile }, openingKey: { kind: 'age', identity: k.age.identity } });
    assert.equal(b.outcome, 'accepted');
    const done = await rig.call('recovery:finish');
    assert.equal(done.verdict, 'verified');
    assert.equal(done.recovered.fingerprint.hex, run.fingerprint);
    const seedHex = bytesToHex(combineMnemonics([alice, shown(run.views.get('carol')!.shards[0]!).words!.join(' ')], '', nodePbkdf2));
    await rig.call('recovery:clear');
    for (const x of rig.recoveryBuffers) assert.ok(allZero(x.bytes), `${x.label} is not zeroed`);

    // Not one answer outside the handoff display holds a shard, a word sequence, the seed or the dice rolls.
    assertNoSecretIn(rig, secretNeedles(run.views.values(), [seedHex, DICE]));

    // The sealed ceremony is listed and can be resumed (read-only: it accepts no more steps).
    const saved = await rig.call('ceremony:list-saved');
    assert.equal(saved.length, 1);
    assert.deepEqual([saved[0]!.ceremonyId, saved[0]!.label, saved[0]!.state], [run.status.ceremonyId, 'Treasury seed 2025', 'sealed']);
    const resumed = await rig.call('ceremony:resume', { dir: saved[0]!.dir });
    assert.equal(resumed.phase, 'sealed');
    await rig.host.shutdown();
  });
});

describe('ceremony over IPC: VSS (FROST ed25519) 3-of-5 with two witnesses', () => {
  it('runs from ceremony:start to a sealed, verifying transcript; secrets zeroized; no secret in any other answer', async () => {
    const plan = vssPlan(k);
    const rig = ipcRig();
    const run = await runOverIpc(rig, plan, ['alice', 'carol', 'erin']);
    assertSealedTranscript(rig, run, plan);

    // Victor observes only Dan and Erin: their confirmations carry his signature or Wendy's.
    const v = verifyTranscriptText(run.transcriptText);
    assert.ok(v.ok, 'v.ok');
    const signers = new Set(v.signoffs.flatMap((s) => s.witnesses.map((w) => w.id)));
    assert.ok(signers.has('wendy'), 'signers.has(\'wendy\')');

    // Secret material: every shard's signing share and the group secret, recombined independently.
    const shares = [...run.views.values()].flatMap((view) =>
      shownShards(view).map((s) => {
        const env = envelopeFromText(s.envelopeText);
        const p = decodeVssPayload(env.scheme, env.payload);
        const share = { identifier: Uint8Array.from(p.identifier), signingShare: Uint8Array.from(p.signingShare), commitments: p.commitments.map((c) => Uint8Array.from(c)) };
        wipeEnvelope(env);
        return share;
      }),
    );
    assert.equal(shares.length, 4, 'four custodians were shown their shard (Bob got a file)');
    const { secret, groupPublicKey } = combineShares({ ciphersuite: 'ed25519', threshold: 3, shares: shares.slice(0, 3), commitments: shares[0]!.commitments });
    const split = (await rig.call('transcript:verify', { text: run.transcriptText }));
    assert.ok(split.valid, 'split.valid');
    assert.equal(bytesToHex(groupPublicKey), JSON.parse(run.transcriptText).entries.find((e: { kind: string }) => e.kind === 'split').data.commitments[0]);
    assertNoSecretIn(rig, secretNeedles(run.views.values(), [bytesToHex(secret), DICE, ...shares.map((s) => bytesToHex(s.signingShare))]));
    secret.fill(0);
    await rig.host.shutdown();
  });
});

describe('ceremony over IPC: requests are checked before any service runs', () => {
  /** Wraps an object so every method call is recorded. */
  function counting<T extends object>(target: T, calls: string[]): T {
    return new Proxy(target, {
      get(t, p, receiver) {
        const v = Reflect.get(t, p, receiver) as unknown;
        return typeof v === 'function'
          ? (...args: unknown[]) => {
              calls.push(String(p));
              return (v as (...a: unknown[]) => unknown).apply(t, args);
            }
          : v;
      },
    });
  }

  it('refuses malformed, oversized and unexpected payloads with INVALID_ARGUMENT, calls nothing, echoes nothing', async () => {
    const calls: string[] = [];
    const root = tempDir('ipc-bad');
    const host: CeremonyHost = counting(
      createCeremonyHost({
        listDrives: async () => [],
        ceremoniesRoot: () => join(root, 'c'),
        createService: (dir, ports) => createCeremonyService({ clock: () => new Date(), random: () => new Uint8Array(16), airgap: { check: async () => NETWORK_UP }, transcriptDir: dir, usb: ports.usb }),
        random: () => new Uint8Array(4),
        clock: () => new Date(),
      }),
      calls,
    );
    const recovery: RecoveryService = counting(createRecoveryService(), calls);
    const handlers = createIpcHandlers({ appInfo: () => assert.fail('no'), checkAirGap: async () => NETWORK_UP, camera: createCameraGate(), ceremony: host, recovery });
    const plan = slip39Plan(k);
    const MARK = 'zebra-quokka-7731';
    const bad: [ChannelName, unknown][] = [
      ['ceremony:start', { plan, extra: MARK }],
      ['ceremony:start', { plan: 42 }],
      ['ceremony:start', {}],
      ['ceremony:start', { plan: MARK.repeat(100_000) }],
      ['ceremony:start', { plan: { label: MARK.repeat(70_000) } }],
      ['ceremony:start', { plan, witnessKeys: [{ id: 'wendy', algorithm: 'rsa', publicKey: '00'.repeat(32) }] }],
      ['ceremony:start', { plan, signOffs: { [MARK]: 'one' } }],
      ['ceremony:start', { plan, signOffs: { seal: 'some' } }],
      // The page does not choose which checkpoints need a witness, not even with a well-formed policy.
      ['ceremony:start', { plan, signOffs: { seal: 'all' } }],
      ['ceremony:start', { plan, signOffs: {} }],
      ['ceremony:start', { plan, dir: '' }],
      ['ceremony:start', { plan, entropyToken: { label: MARK, pin: MARK } }],
      ['ceremony:check-devices', { plan, tokens: [{ custodianId: 'alice', label: MARK.repeat(3) }] }],
      ['ceremony:check-devices', { plan, extra: MARK }],
      ['ceremony:load-witness-token', { witnessId: 'wendy', token: { label: 'w' }, keyLabel: 'k', pin: 'zq1' }],
      ['ceremony:load-witness-token', { witnessId: 'wendy', token: { label: 'w' }, keyLabel: 'k', pin: MARK.repeat(5) }],
      ['ceremony:status', { x: MARK }],
      ['ceremony:transcript', { x: MARK }],
      ['ceremony:check-airgap', { override: { witnessId: 'wendy' } }],
      ['ceremony:check-airgap', { override: { witnessId: 'wendy', reason: MARK.repeat(100) } }],
      ['ceremony:gather-entropy', { diceRolls: 123456 }],
      ['ceremony:gather-entropy', { diceRolls: '1'.repeat(10_001) }],
      ['ceremony:generate', { useHsm: 'yes' }],
      ['ceremony:import-secret', { secretHex: 'ab'.repeat(101) }],
      ['ceremony:import-secret', {}],
      ['ceremony:handoff', { custodianId: `../${MARK}` }],
      ['ceremony:handoff', { custodianId: 'bob', drive: { mountPoint: '' } }],
      ['ceremony:handoff', { custodianId: 'bob', drive: '/media/stick' }],
      ['ceremony:confirm', { custodianId: 'alice', method: MARK }],
      ['ceremony:confirm', { custodianId: 'alice', method: 'type-back', responses: Array.from({ length: 65 }, () => ({ words: MARK })) }],
      ['ceremony:confirm', { custodianId: 'alice', method: 'type-back', responses: [{ words: MARK, text: MARK }] }],
      ['ceremony:confirm', { custodianId: 'alice', method: 'type-back', responses: [{ words: MARK.repeat(200) }] }],
      ['ceremony:confirm', { custodianId: 'bob', method: 'read-back-usb', openingKeys: [{ kind: 'age', identity: MARK }] }],
      ['ceremony:receipt', { custodianId: 'alice', bagSerial: MARK.repeat(20) }],
      ['ceremony:receipt', { custodianId: 'alice', bagSerial: '' }],
      ['ceremony:receipt', { custodianId: 'alice', extra: MARK }],
      ['ceremony:print-paper', { custodianId: 'alice', copies: MARK }],
      ['ceremony:print-paper', { custodianId: `../${MARK}` }],
      ['ceremony:test-recovery', { responses: [{ custodianId: 'alice', shards: [{ qrTexts: [] }] }] }],
      ['ceremony:test-recovery', { custodianIds: Array.from({ length: 257 }, (_, i) => `c${i}`) }],
      ['ceremony:destroy', undefined],
      ['ceremony:destroy', { confirmed: false }],
      ['ceremony:destroy', { confirmed: true, extra: MARK }],
      ['ceremony:sign-off', { witnessId: '' }],
      ['ceremony:sign-off', undefined],
      ['ceremony:sign-off', { witnessId: 'wendy' }],
      ['ceremony:sign-off', { witnessId: 'wendy', passphrase: MARK }],
      ['ceremony:sign-off', { witnessId: 'wendy', fingerprint: MARK, passphrase: MARK.repeat(100) }],
      ['ceremony:sign-off', { witnessId: 'wendy', fingerprint: MARK, pin: MARK.repeat(5) }],
      ['ceremony:load-witness-key', { path: MARK.repeat(300) }],
      ['ceremony:witness-keys', { x: MARK }],
      ['ceremony:abort', {}],
      ['ceremony:record-exception', { reason: '' }],
      ['ceremony:record-exception', { reason: MARK.repeat(100) }],
      ['ceremony:record-exception', { reason: 'ok', witnessId: 'wendy', stepId: MARK }],
      ['ceremony:mark-absent', { reason: 'ok', witnessId: 'wendy' }],
      ['ceremony:mark-absent', { custodianId: 'alice', reason: '' }],
      ['ceremony:mark-absent', { custodianId: 'alice', reason: MARK.repeat(100) }],
      ['ceremony:mark-absent', { custodianId: 'alice', reason: 'ok', witnessId: 'wendy', deviation: MARK }],
      ['ceremony:abort', { reason: '' }],
      ['ceremony:resume', { dir: 42 }],
      ['ceremony:list-saved', {}],
      ['ceremony:choose-folder', { dir: MARK }],
      ['recovery:start', { expectedFingerprint: MARK }],
      ['recovery:start', { transcriptText: '' }],
      ['recovery:add-shard', { text: MARK.repeat(2000) }],
      ['recovery:add-shard', { urParts: [] }],
      ['recovery:add-shard', { text: MARK, bagSerial: MARK.repeat(20) }],
      ['recovery:add-shard', { text: MARK, urParts: [MARK] }],
      ['recovery:add-shard', { file: { text: MARK }, openingKey: { kind: 'pkcs11' } }],
      ['recovery:add-shard', { file: { text: MARK } }],
      ['recovery:drive-shards', { mountPoint: '' }],
      ['recovery:export', { kind: 'display' }],
      ['recovery:export', { kind: 'display', reveal: false }],
      ['recovery:export', { kind: 'encrypted-file', path: '/tmp/x.age' }],
      ['recovery:export', { kind: 'encrypted-file', path: '/tmp/x.age', recipient: { kind: 'age', recipient: MARK.repeat(20) } }],
      ['recovery:finish', { passphrase: 7 }],
      ['recovery:finish', { allowSlowKdf: 'yes' }],
      ['recovery:cancel-finish', { now: true }],
      ['recovery:clear', { now: true }],
      ['transcript:verify', {}],
      ['plan:analyze', { plan: 5 }],
    ];
    for (const [channel, request] of bad) {
      const r = await handlers[channel](request);
      assert.equal(r.ok, false, `${channel} ${String(JSON.stringify(request)).slice(0, 80)}`);
      assert.equal(!r.ok && r.error.code, 'INVALID_ARGUMENT', `${channel}: ${JSON.stringify(r).slice(0, 200)}`);
      assert.ok(!JSON.stringify(r).includes(MARK), `${channel} echoed the payload`);
    }
    assert.deepEqual(calls, [], 'no service method ran');
    // Every ceremony and recovery channel is covered by at least one bad payload above.
    const covered = new Set(bad.map(([c]) => c));
    for (const name of CHANNELS) if (/^(ceremony|recovery):/.test(name) && !['ceremony:split', 'ceremony:current-handoff', 'ceremony:seal', 'recovery:status'].includes(name)) assert.ok(covered.has(name), name);
  });

  it('plan:analyze reports field problems of a bad plan and the coalitions of a good one', async () => {
    const rig = ipcRig();
    const good = await rig.call('plan:analyze', { plan: slip39Plan(k) });
    assert.equal(good.valid, true);
    assert.equal(good.coalitions?.minimumSize, 2);
    assert.equal(good.coalitions?.coalitions.length, 3);
    const broken = { ...slip39Plan(k), scheme: { type: 'slip39', groupThreshold: 2, groups: [{ memberThreshold: 2, memberCount: 3 }] } };
    const bad = await rig.call('plan:analyze', { plan: JSON.stringify(broken) });
    assert.equal(bad.valid, false);
    assert.ok(bad.problems.some((p) => p.field.startsWith('scheme')), JSON.stringify(bad.problems));
    assert.equal(bad.coalitions, null);
    // The problems' codes and data and the summary's facts cross the contract, for a screen to say them in its own
    // language (issue 14.8): the same as core gives.
    let coreProblems: readonly PolicyProblem[] = [];
    try {
      parsePlan(JSON.stringify(broken));
    } catch (e) {
      coreProblems = (e as KeyshardError).details?.['problems'] as PolicyProblem[];
    }
    assert.ok(coreProblems.length > 0 && coreProblems.every((p) => typeof p.code === 'string'));
    assert.deepEqual(bad.problems, coreProblems);
    assert.deepEqual(good.coalitions?.summaryFacts, analyzeCoalitions(parsePlan(slip39Plan(k)), { limit: 200 /* main's limit */ }).summaryFacts);
    assert.equal(good.coalitions?.summaryFacts.minimumSize, 2);
    // A file that is not JSON has a code too.
    const notJson = await rig.call('plan:analyze', { plan: '{ not json' });
    assert.deepEqual(notJson.problems.map((p) => [p.field, p.code]), [['', 'parse.notJson']]);
  });
});
