/**
 * Recovery from custodians' PKCS#11 tokens through the recovery:* channels (createIpcHandlers, with the recovery
 * service given the hsm host's module opener as main wires it), on real SoftHSM2 tokens:
 *
 * - a SLIP-39 2-of-3 ceremony made by the real ceremony service, every shard on its custodian's token, recovered from
 *   two tokens with the transcript's fingerprint matching; a wrong PIN, a locked token, a pulled token, a token with
 *   no shard of this ceremony (empty, or another ceremony's) are each refused with their own code while the shards in
 *   hand stay as they were; no PIN in any answer;
 * - a token holding shards of two ceremonies when none is expected: the answer lists them, the chosen one is read;
 * - HSM import of a recovered P-256 key: sensitive, non-extractable, its value unreadable, and it signs for the group
 *   key; seeds and Ed25519 keys are refused;
 * - a token-sealed (.p11) shard file on a drive opened on the custodian's token.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import * as graphene from 'graphene-pk11';
import type { Envelope } from '../../core/envelope';
import type { CeremonyPlan } from '../../core/policy';
import { verifyTranscriptText } from '../../core/transcript';
import type { ChannelName } from '../../electron/ipc/channels';
import type { RequestOf, ResponseOf } from '../../electron/ipc/contract';
import { createIpcHandlers, type IpcHandlers } from '../../electron/ipc/handlers';
import { createHsmHost, type HsmHost } from '../../electron/ipc/hsm-host';
import type { IpcResult } from '../../electron/ipc/result';
import { createCameraGate } from '../../electron/main/permissions';
import { CKF_TOKEN, openHsm, type HsmPort, type HsmSession, type KeyProtectionReport } from '../../electron/services/hsm/index';
import { KeyshardError } from '../../core/errors';
import { importRecoveredKey } from '../../electron/services/recovery/hsm-import';
import type { RecoveryHsm } from '../../electron/services/recovery/types';
import { protectEnvelopeText } from '../../electron/services/protection/index';
import { createRecoveryService } from '../../electron/services/recovery/index';
import { shardFileName } from '../../electron/services/usb/shard-files';
import type { RemovableDrive } from '../../electron/services/usb/types';
import { allZero, cleanTemps, rig as ceremonyRig, tempDir, trackingStore } from '../services/ceremony-harness';
import { slip39Backup, vssBackup } from '../services/recovery-fixtures';
import { groupFingerprint } from '../../core/vss/index';
import { dealEnvelopes } from './fixtures';
import { closeOpenedPorts, makeSoftHsm, openSoftHsmPort, SOFTHSM_MODULE, storeShardsOnToken, tokenHeldPlan, type SoftHsm } from './softhsm';
import { rejectsWithCode as rejects } from '../helpers/rejects-code';

/** PINs that cannot turn up by chance in hex, base64 or JSON, so "the PIN is nowhere" means something. */
const PIN = 'Pin-7q!Kx';
const WRONG_PIN = 'Wrong-3z?Vv';

let env: SoftHsm | undefined;
afterEach(async () => {
  await closeOpenedPorts();
  env?.cleanup();
  env = undefined;
  cleanTemps();
});

function hsmHost(): HsmHost {
  return createHsmHost({ open: (path) => openHsm(path), known: [{ name: 'SoftHSM2', path: SOFTHSM_MODULE, note: 'tests' }] });
}

interface Rig {
  readonly handlers: IpcHandlers;
  readonly calls: { channel: ChannelName; json: string }[];
  readonly buffers: { label: string; bytes: Uint8Array }[];
  readonly drives: RemovableDrive[];
  raw(channel: ChannelName, request?: unknown): Promise<IpcResult<unknown>>;
  call<K extends ChannelName>(channel: K, request?: RequestOf<K>): Promise<ResponseOf<K>>;
  /** The add-shard answer that must be a rejection with this code; returns its error. */
  rejected(request: RequestOf<'recovery:add-shard'>, code: string): Promise<{ code: string; message: string; details?: Record<string, unknown> }>;
}

/** The IPC handlers as main builds them: the recovery service with the hsm host's module opener and a drive lister. */
function recoveryRig(hsm: HsmHost): Rig {
  const { store, buffers } = trackingStore();
  const drives: RemovableDrive[] = [];
  const recovery = createRecoveryService({ secrets: store, hsm: hsm.ceremonyHsm, listDrives: async () => drives });
  const handlers = createIpcHandlers({
    appInfo: () => ({ name: 'keyshard', version: '0.0.0-test', platform: process.platform, arch: process.arch, production: true }),
    checkAirGap: async () => assert.fail('no air-gap check in a recovery'),
    camera: createCameraGate(),
    recovery,
    hsm,
    listDrives: async () => drives,
  });
  const calls: { channel: ChannelName; json: string }[] = [];
  const raw = async (channel: ChannelName, request?: unknown): Promise<IpcResult<unknown>> => {
    const result = await (handlers[channel] as (r: unknown) => Promise<IpcResult<unknown>>)(request);
    calls.push({ channel, json: JSON.stringify(result) });
    return result;
  };
  const call = async <K extends ChannelName>(channel: K, request?: RequestOf<K>): Promise<ResponseOf<K>> => {
    const r = await raw(channel, request);
    assert.ok(r.ok, `${channel}: ${r.ok ? '' : `${r.error.code} ${r.error.message}`}`);
    return r.value as ResponseOf<K>;
  };
  return {
    handlers,
    calls,
    buffers,
    drives,
    raw,
    call,
    async rejected(request, code) {
      const r = await call('recovery:add-shard', request);
      assert.equal(r.outcome, 'rejected', `expected ${code}, got ${r.outcome}`);
      const error = (r as Extract<typeof r, { outcome: 'rejected' }>).error;
      assert.equal(error.code, code, error.message);
      return error as { code: string; message: string; details?: Record<string, unknown> };
    },
  };
}

function accepted(r: ResponseOf<'recovery:add-shard'>): Extract<ResponseOf<'recovery:add-shard'>, { outcome: 'accepted' }> {
  assert.equal(r.outcome, 'accepted', r.outcome === 'rejected' ? `${r.error.code}: ${r.error.message}` : r.outcome);
  return r as Extract<ResponseOf<'recovery:add-shard'>, { outcome: 'accepted' }>;
}

function noPinIn(rig: Rig): void {
  assert.ok(rig.calls.length > 3);
  for (const c of rig.calls) for (const p of [PIN, WRONG_PIN]) assert.ok(!c.json.includes(p), `${c.channel} answered with a PIN`);
}

/** A SLIP-39 2-of-3 seed whose three custodians keep their shards on their own tokens. */
function tokenPlan(): CeremonyPlan {
  return tokenHeldPlan({ noWitnessReason: 'integration test of recovery from tokens' });
}

/** Runs a whole ceremony with the real ceremony service, each shard stored on (and read back from) its token. */
async function tokenCeremony(hsm: HsmHost): Promise<{ transcriptText: string; fingerprint: string; ceremonyId: string }> {
  const r = ceremonyRig({ overrides: { hsm: hsm.ceremonyHsm } });
  const s = r.service;
  const plan = tokenPlan();
  try {
    await s.start({ plan });
    await s.checkAirGap();
    await s.gatherEntropy({ diceRolls: '3 1 4 1 5 2 6 5 3 5' });
    const gen = await s.generate();
    await s.split();
    for (const c of plan.custodians) {
      await s.handoff({ custodianId: c.id, pin: PIN });
      await s.confirm({ custodianId: c.id, method: 'read-back-pkcs11', pin: PIN });
      await s.receipt({ custodianId: c.id });
    }
    assert.equal((await s.testRecovery({ tokens: [{ custodianId: 'alice', pin: PIN }, { custodianId: 'bob', pin: PIN }] })).fingerprintMatch, true);
    await s.destroy({ confirmed: true });
    await s.seal();
    const status = await s.status();
    assert.equal(status.phase, 'sealed');
    return { transcriptText: readFileSync(join(r.dir, 'transcript.json'), 'utf8'), fingerprint: gen.fingerprint.hex, ceremonyId: status.ceremonyId! };
  } finally {
    await s.shutdown();
  }
}

/** Stores envelopes on a token through its own login (a set-up step, as another ceremony would have done). */
const storeOn = (label: string, envelopes: readonly Envelope[]): Promise<void> => storeShardsOnToken(label, PIN, envelopes);

type SessionFaults = {
  keyProtection?: (real: HsmSession, label: string) => Promise<KeyProtectionReport>;
  destroyKey?: (real: HsmSession, key: { label: string; id: string }) => Promise<number>;
};

/** The module as the recovery service gets it, with sessions whose listed methods are replaced (fault injection). */
function faultyHsm(inner: RecoveryHsm, faults: SessionFaults): RecoveryHsm {
  const wrapSession = (session: HsmSession): HsmSession =>
    new Proxy(session, {
      get(target, prop) {
        const fault = (faults as Record<string | symbol, ((real: HsmSession, ...a: unknown[]) => unknown) | undefined>)[prop];
        if (fault !== undefined) return (...a: unknown[]) => fault(target, ...a);
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  return {
    modulePath: inner.modulePath,
    open: async (path) => {
      const port = await inner.open(path);
      return new Proxy(port, {
        get(target, prop) {
          if (prop === 'openSession') return async (...a: Parameters<HsmPort['openSession']>) => wrapSession(await target.openSession(...a));
          const v = Reflect.get(target, prop, target) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    },
  };
}

/** Runs `fn` on a raw graphene session logged in to the token (the token's own view, not keyshard's). */
function onToken<T>(tokenLabel: string, fn: (session: graphene.Session) => T): T {
  const module = graphene.Module.load(SOFTHSM_MODULE, 'SoftHSM');
  module.initialize();
  try {
    const slots = module.getSlots(true);
    let slot: graphene.Slot | undefined;
    for (let i = 0; i < slots.length; i++) if (slots.items(i).getToken().label.trim() === tokenLabel) slot = slots.items(i);
    assert.ok(slot !== undefined, `token ${tokenLabel}`);
    const raw = slot.open(graphene.SessionFlag.SERIAL_SESSION | graphene.SessionFlag.RW_SESSION);
    raw.login(PIN, graphene.UserType.USER);
    try {
      return fn(raw);
    } finally {
      raw.logout();
      raw.close();
    }
  } finally {
    module.finalize();
  }
}

/** How many objects with this label the token holds. */
async function objectsLabelled(tokenLabel: string, label: string): Promise<number> {
  await closeOpenedPorts();
  return onToken(tokenLabel, (raw) => raw.find({ label }).length);
}

async function cleanUp(tokenLabel: string, label: string): Promise<void> {
  await closeOpenedPorts();
  onToken(tokenLabel, (raw) => {
    const found = raw.find({ label });
    for (let i = 0; i < found.length; i++) raw.destroy(found.items(i));
  });
}

describe('recovery from PKCS#11 tokens over IPC', () => {
  it('recovers a token-held ceremony from 2 of 3 tokens with the fingerprint matching; wrong PIN, locked, pulled and wrong tokens are refused and disturb nothing', async () => {
    env = makeSoftHsm(['alice-token', 'bob-token', 'carol-token', 'spare-token', 'other-token', 'locked-token'], { pin: PIN });
    const hsm = hsmHost();
    const ceremony = await tokenCeremony(hsm);
    const foreign = dealEnvelopes(2, 3);
    await storeOn('other-token', [foreign.envelopes[0]!]);
    env.setTokenFlags('locked-token', CKF_TOKEN.USER_PIN_LOCKED);

    const rig = recoveryRig(hsm);
    // The transcript with the final hash from the paper record: a verified source.
    const head = verifyTranscriptText(ceremony.transcriptText);
    const started = await rig.call('recovery:start', { transcriptText: ceremony.transcriptText, finalHash: head.ok ? head.headHash : '0' });
    assert.equal(started.ceremonyId, ceremony.ceremonyId);

    const alice = accepted(await rig.call('recovery:add-shard', { token: { label: 'alice-token' }, pin: PIN }));
    assert.equal(alice.shard.source, 'token');
    assert.equal(alice.shard.custodianLabel, 'Alice');
    assert.equal(alice.shard.custodianIndex, 0);
    assert.deepEqual([alice.shard.group, alice.shard.member], [1, 1]);
    assert.equal(alice.progress.canFinish, false);

    // Each failure is its own code with what to do; the shard in hand stays.
    const wrong = await rig.rejected({ token: { label: 'bob-token' }, pin: WRONG_PIN }, 'HSM_PIN_INCORRECT');
    assert.match(wrong.message, /PIN for token "bob-token".*is wrong.*try again/);
    const locked = await rig.rejected({ token: { label: 'locked-token' }, pin: PIN }, 'HSM_PIN_LOCKED');
    assert.match(locked.message, /security officer must unblock it/);
    const empty = await rig.rejected({ token: { label: 'spare-token' }, pin: PIN }, 'HSM_OBJECT_NOT_FOUND');
    assert.equal(empty.details?.['reason'], 'no-shard-of-ceremony');
    assert.match(empty.message, /holds no shard of this ceremony.*no keyshard shard at all.*plug in this custodian's token/);
    const other = await rig.rejected({ token: { label: 'other-token' }, pin: PIN }, 'HSM_OBJECT_NOT_FOUND');
    assert.deepEqual(other.details?.['otherCeremonies'], [bytesToHex(foreign.ceremonyId)]);
    assert.match(other.message, /another ceremony/);
    // Another ceremony's shard asked for by id is read, and refused as not of this recovery.
    const mismatch = await rig.rejected({ token: { label: 'other-token' }, pin: PIN, ceremonyId: bytesToHex(foreign.ceremonyId) }, 'SHARES_MISMATCH');
    assert.match(mismatch.message, /another ceremony/);
    env.removeToken('carol-token');
    const pulled = await rig.rejected({ token: { label: 'carol-token' }, pin: PIN }, 'HSM_TOKEN_ABSENT');
    assert.match(pulled.message, /Token "carol-token" is not plugged in.*Plug it in/);
    assert.ok(!pulled.message.includes('bob-token'), 'the other tokens are not listed');
    const absentSerial = await rig.rejected({ token: { serial: 'ffffffffffffffff' }, pin: PIN }, 'HSM_TOKEN_ABSENT');
    assert.ok(absentSerial.message.length > 20);
    assert.equal((await rig.call('recovery:add-shard', { token: { label: 'alice-token' }, pin: PIN })).outcome, 'duplicate');
    const status = await rig.call('recovery:status');
    assert.deepEqual(status.shards.map((x) => x.custodianLabel), ['Alice'], 'the failures disturbed nothing');

    const bob = accepted(await rig.call('recovery:add-shard', { token: { label: 'bob-token' }, pin: PIN }));
    assert.equal(bob.shard.custodianLabel, 'Bob');
    assert.equal(bob.progress.canFinish, true);
    const done = await rig.call('recovery:finish');
    assert.equal(done.verdict, 'verified');
    assert.equal(done.expected?.source, 'final-hash');
    assert.equal(done.recovered.fingerprint.hex, ceremony.fingerprint);
    assert.equal(done.recovered.kind, 'seed');

    // A seed is not a key: no HSM import.
    const seedImport = await rig.raw('recovery:export', { kind: 'hsm-import', token: { label: 'spare-token' }, pin: PIN, keyLabel: 'recovered' });
    assert.equal(!seedImport.ok && seedImport.error.code, 'INVALID_ARGUMENT');
    assert.equal(!seedImport.ok && seedImport.error.details?.['reason'], 'seed');
    assert.match(JSON.stringify(seedImport), /seed, not a key/);
    await rig.call('recovery:clear');
    for (const b of rig.buffers) assert.ok(allZero(b.bytes), `${b.label} is not zeroed`);
    noPinIn(rig);
  });

  it('asks which ceremony when a token holds two and no ceremony is known; imports the recovered P-256 key (verified against the typed fingerprint) sensitive and non-extractable; it signs for the group key', async () => {
    env = makeSoftHsm(['t1', 't2', 'vault'], { pin: PIN });
    const a = dealEnvelopes(2, 3);
    const b = dealEnvelopes(2, 3);
    await storeOn('t1', [a.envelopes[0]!, b.envelopes[0]!]);
    await storeOn('t2', [a.envelopes[1]!]);
    const rig = recoveryRig(hsmHost());
    // The fingerprint typed from the paper record: a verified source, which a token import needs.
    await rig.call('recovery:start', { expectedFingerprint: groupFingerprint('p256', a.deal.groupPublicKey).hex });

    const choose = await rig.rejected({ token: { label: 't1' }, pin: PIN }, 'HSM_SHARD_EXISTS');
    assert.equal(choose.details?.['reason'], 'choose-ceremony');
    const listed = choose.details?.['ceremonies'] as { ceremonyId: string; custodianIndex: number; custodianLabel: string }[];
    assert.deepEqual(listed.map((c) => c.ceremonyId).sort(), [bytesToHex(a.ceremonyId), bytesToHex(b.ceremonyId)].sort());
    assert.deepEqual(listed.map((c) => c.custodianLabel), ['Alice', 'Alice']);
    assert.equal((await rig.call('recovery:status')).shards.length, 0);

    accepted(await rig.call('recovery:add-shard', { token: { label: 't1' }, pin: PIN, ceremonyId: bytesToHex(a.ceremonyId).toUpperCase() }));
    // Now the ceremony is known: the next token is read for it without asking.
    accepted(await rig.call('recovery:add-shard', { token: { label: 't2' }, pin: PIN }));
    const done = await rig.call('recovery:finish');
    assert.equal(done.verdict, 'verified');
    assert.equal(done.recovered.kind, 'p256');
    const groupKey = p256.Point.fromBytes(a.deal.groupPublicKey).toBytes(false);

    // Import: wrong PIN first (nothing written), then the right one.
    const wrong = await rig.raw('recovery:export', { kind: 'hsm-import', token: { label: 'vault' }, pin: WRONG_PIN, keyLabel: 'treasury-key' });
    assert.equal(!wrong.ok && wrong.error.code, 'HSM_PIN_INCORRECT');
    const imported = await rig.call('recovery:export', { kind: 'hsm-import', token: { label: 'vault' }, pin: PIN, keyLabel: 'treasury-key' });
    assert.equal(imported.kind, 'hsm-import');
    assert.ok(imported.kind === 'hsm-import');
    assert.deepEqual(imported.token.label, 'vault');
    assert.equal(imported.keyLabel, 'treasury-key');
    assert.equal(imported.curve, 'p256');
    assert.equal(imported.publicKey, bytesToHex(groupKey));
    assert.equal(imported.fingerprint.hex, done.recovered.fingerprint.hex);
    assert.deepEqual([imported.protection.sensitive, imported.protection.extractable, imported.protection.valueReadable], [true, false, false]);
    assert.ok(!JSON.stringify(imported).includes('secret'), 'no secret field in the answer');
    // The same label again: refused, nothing replaced.
    const again = await rig.raw('recovery:export', { kind: 'hsm-import', token: { label: 'vault' }, pin: PIN, keyLabel: 'treasury-key' });
    assert.equal(!again.ok && again.error.code, 'INVALID_ARGUMENT');

    // Seen through the token's own login: the value cannot be read (CKR_ATTRIBUTE_SENSITIVE), and the key signs for
    // the recovered group key.
    const port = await openSoftHsmPort();
    const session = await port.openSession({ label: 'vault' }, PIN);
    const protection = await session.keyProtection('treasury-key');
    assert.deepEqual([protection.sensitive, protection.extractable, protection.valueReadable], [true, false, false]);
    const signer = await session.witnessSigner('check', 'treasury-key');
    const digest = sha256(utf8ToBytes('keyshard recovery import check'));
    assert.ok(p256.verify(await signer.sign(digest), digest, groupKey, { prehash: false, lowS: false }), 'the imported key signs for the group key');
    await session.close();
    await closeOpenedPorts();
    const module = graphene.Module.load(SOFTHSM_MODULE, 'SoftHSM');
    module.initialize();
    try {
      const slots = module.getSlots(true);
      let slot: graphene.Slot | undefined;
      for (let i = 0; i < slots.length; i++) if (slots.items(i).getToken().label.trim() === 'vault') slot = slots.items(i);
      assert.ok(slot !== undefined, 'the vault token');
      const raw = slot.open(graphene.SessionFlag.SERIAL_SESSION | graphene.SessionFlag.RW_SESSION);
      raw.login(PIN, graphene.UserType.USER);
      const key = raw.find({ class: graphene.ObjectClass.PRIVATE_KEY, label: 'treasury-key' }).items(0);
      assert.throws(() => key.getAttribute('value'), /CKR_ATTRIBUTE_SENSITIVE/);
      assert.equal(key.getAttribute('extractable'), false);
      raw.logout();
      raw.close();
    } finally {
      module.finalize();
    }
    await rig.call('recovery:clear');
    noPinIn(rig);
  });

  it('refuses HSM import of an Ed25519 key before touching a token', async () => {
    env = makeSoftHsm(['vault'], { pin: PIN });
    const v = vssBackup(2, 3);
    const rig = recoveryRig(hsmHost());
    await rig.call('recovery:start', { expectedFingerprint: v.fingerprint });
    for (const t of v.texts.slice(0, 2)) accepted(await rig.call('recovery:add-shard', { text: t }));
    assert.equal((await rig.call('recovery:finish')).verdict, 'verified');
    const r = await rig.raw('recovery:export', { kind: 'hsm-import', token: { label: 'not-plugged-in' }, pin: PIN, keyLabel: 'k' });
    assert.equal(!r.ok && r.error.code, 'INVALID_ARGUMENT');
    assert.equal(!r.ok && r.error.details?.['reason'], 'curve');
    assert.equal(!r.ok && r.error.details?.['curve'], 'ed25519');
  });

  it('opens a token-sealed (.p11) shard file from a listed drive on the custodian token; another token, a wrong PIN or no token are refused', async () => {
    env = makeSoftHsm(['carol-token', 'bob-token'], { pin: PIN });
    const port = await openSoftHsmPort();
    const session = await port.openSession({ label: 'carol-token' }, PIN);
    const key = await session.ensureKeyPair('keyshard-seal', 'decrypt');
    await session.close();
    await closeOpenedPorts();

    const backup = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    const stick = tempDir('recovery-p11');
    const sealedName = shardFileName(backup.ceremonyId, 2, '.p11');
    writeFileSync(join(stick, shardFileName(backup.ceremonyId, 0, '.txt')), backup.texts[0]![0]!);
    writeFileSync(join(stick, sealedName), (await protectEnvelopeText(backup.texts[0]![2]!, { kind: 'pkcs11', publicKey: key.publicKeyHex })).data);
    const rig = recoveryRig(hsmHost());
    rig.drives.push({ device: 'sdc1', label: 'CAROL', mountPoint: stick, sizeBytes: null, freeBytes: null, readOnly: false, fsType: 'vfat', transport: 'usb' });
    await rig.call('recovery:start', { expectedFingerprint: backup.fingerprint });
    const listing = await rig.call('recovery:drive-shards', { mountPoint: stick });
    assert.deepEqual(listing.files.map((f) => [f.file, f.protection]).sort(), [[shardFileName(backup.ceremonyId, 0, '.txt'), 'none'], [sealedName, 'pkcs11']].sort());
    accepted(await rig.call('recovery:add-shard', { driveFile: { mountPoint: stick, file: shardFileName(backup.ceremonyId, 0, '.txt') } }));

    const file = { mountPoint: stick, file: sealedName };
    assert.equal((await rig.rejected({ driveFile: file }, 'ENVELOPE_DECRYPT')).details?.['reason'], 'needs-key');
    await rig.rejected({ driveFile: file, openingKey: { kind: 'age', identity: 'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ' } }, 'ENVELOPE_DECRYPT');
    assert.equal((await rig.rejected({ driveFile: file, openingKey: { kind: 'pkcs11', token: { label: 'bob-token' }, pin: PIN } }, 'ENVELOPE_DECRYPT')).details?.['reason'], 'wrong-key');
    await rig.rejected({ driveFile: file, openingKey: { kind: 'pkcs11', token: { label: 'carol-token' }, pin: WRONG_PIN } }, 'HSM_PIN_INCORRECT');
    const carol = accepted(await rig.call('recovery:add-shard', { driveFile: file, openingKey: { kind: 'pkcs11', token: { label: 'carol-token' }, pin: PIN } }));
    assert.equal(carol.shard.custodianIndex, 2);
    assert.equal(carol.shard.source, 'protected-file');
    assert.equal((await rig.call('recovery:finish')).verdict, 'verified');
    assert.equal((await rig.call('recovery:drive-shards', { mountPoint: stick })).files.find((f) => f.file === sealedName)?.inHand, true);
    await rig.call('recovery:clear');
    noPinIn(rig);
  });
  it('an HSM import whose token then reports the key unprotected, or whose check throws, takes the imported key off the token again', async () => {
    env = makeSoftHsm(['vault'], { pin: PIN });
    const host = hsmHost();
    const secret = p256.utils.randomSecretKey();
    const publicKey = p256.getPublicKey(secret, false);
    const identity = { kind: 'p256' as const, scheme: 'vss' as const, fingerprint: { hex: 'ab'.repeat(32), display: 'ABAB ABAB ABAB ABAB ABAB ABAB ABAB ABAB' }, publicKey: bytesToHex(publicKey) };
    const request = { token: { label: 'vault' }, pin: PIN, keyLabel: 'recovered-key' };

    // The token's report is faked (a real token would have refused at importPrivateKey already): HSM_VERIFY.
    const unprotected = faultyHsm(host.ceremonyHsm, { keyProtection: async (real, label) => ({ ...(await real.keyProtection(label)), extractable: true }) });
    const verify = await rejects(importRecoveredKey(unprotected, request, secret, identity), 'HSM_VERIFY');
    assert.match(verify.message, /was taken off token "vault" again/);
    assert.equal(verify.details?.['keyRemoved'], true);
    assert.deepEqual(await objectsLabelled('vault', 'recovered-key'), 0, 'no key object left after HSM_VERIFY');

    // The check itself fails (the token answers an error) after the key went in.
    const throwing = faultyHsm(host.ceremonyHsm, {
      keyProtection: async () => {
        throw new KeyshardError('HSM_MODULE', 'Token "vault" answered an error while its key was checked (injected). Try again.');
      },
    });
    const failed = await rejects(importRecoveredKey(throwing, request, secret, identity), 'HSM_MODULE');
    assert.match(failed.message, /taken off token "vault" again/);
    assert.deepEqual(await objectsLabelled('vault', 'recovered-key'), 0, 'no key object left after a failing check');

    // When the key cannot be removed either, the message says where it is and what to do.
    const stuck = faultyHsm(host.ceremonyHsm, {
      keyProtection: async () => {
        throw new KeyshardError('HSM_MODULE', 'Token "vault" answered an error (injected).');
      },
      destroyKey: async () => {
        throw new KeyshardError('HSM_TOKEN_ABSENT', 'gone (injected)');
      },
    });
    const left = await rejects(importRecoveredKey(stuck, request, secret, identity), 'HSM_MODULE');
    assert.match(left.message, /"recovered-key" may still be on token "vault": delete it with the token's own tool/);
    assert.equal(left.details?.['keyRemoved'], false);
    assert.equal(await objectsLabelled('vault', 'recovered-key'), 2, 'the injected fault really left the pair');
    await cleanUp('vault', 'recovered-key');

    // Nothing left behind blocks the label: the honest import goes through.
    const ok = await importRecoveredKey(host.ceremonyHsm, request, secret, identity);
    assert.equal(ok.publicKey, bytesToHex(publicKey));
    assert.equal(await objectsLabelled('vault', 'recovered-key'), 2, 'the private and public key');
    assert.ok(secret.some((b) => b !== 0), 'the caller keeps its secret (wiped by the recovery service)');
    secret.fill(0);
  });

  it('refuses HSM import after a recovery that was not checked against a fingerprint, or did not match, without touching a token', async () => {
    env = makeSoftHsm(['vault'], { pin: PIN });
    const host = hsmHost();
    let opened = 0;
    const counting: RecoveryHsm = { modulePath: host.ceremonyHsm.modulePath, open: async (path) => (opened++, host.ceremonyHsm.open(path)) };
    // A plain P-256 key split with SLIP-39; the typed words carry no fingerprint.
    let key = p256.utils.randomSecretKey();
    const backup = slip39Backup(1, [{ threshold: 2, count: 3 }], key);
    key.fill(0);
    const words = backup.mnemonics[0]!;
    for (const expectedFingerprint of [undefined, 'cd'.repeat(32)]) {
      const { store } = trackingStore();
      const recovery = createRecoveryService({ secrets: store, hsm: counting, listDrives: async () => [] });
      await recovery.start({ secretKind: 'p256', ...(expectedFingerprint === undefined ? {} : { expectedFingerprint }) });
      for (const w of words.slice(0, 2)) assert.equal((await recovery.addShard({ text: w })).outcome, 'accepted');
      const done = await recovery.finish();
      assert.equal(done.verdict, expectedFingerprint === undefined ? 'unverified' : 'mismatch');
      assert.equal(done.recovered.kind, 'p256');
      const err = await rejects(recovery.export({ kind: 'hsm-import', token: { label: 'vault' }, pin: PIN, keyLabel: 'unchecked-key' }), expectedFingerprint === undefined ? 'RECOVERY_UNVERIFIED' : 'RECOVERY_STATE');
      assert.ok(err.message.length > 20);
      await recovery.shutdown();
    }
    assert.equal(opened, 0, 'the token module was never opened');
    assert.equal(await objectsLabelled('vault', 'unchecked-key'), 0);
    key = new Uint8Array(0);
  });
});
