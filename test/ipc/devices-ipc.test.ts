/**
 * The device channels through the IPC handlers without a real token (those are in test/hsm/devices-ipc.test.ts): the
 * hsm host over a fake PKCS#11 port (module choice, token list with its capability report), the device check of a
 * plan without tokens and without a module, and the strict request schemas of every channel that carries a PIN or a
 * token choice - PINs bounded to 4..64 characters, unknown keys refused, and no PIN in any answer or error.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import type { ChannelName } from '../../electron/ipc/channels';
import { contract } from '../../electron/ipc/contract';
import { createHsmHost, type HsmHostDeps } from '../../electron/ipc/hsm-host';
import { capabilityReport, CKF_MECH, CKF_TOKEN, CKM } from '../../electron/services/hsm/capabilities';
import type { TrustedModule } from '../../electron/services/hsm/module-trust';
import type { HsmPort, HsmSlotInfo, HsmTokenInfo } from '../../electron/services/hsm/types';
import { cleanTemps, custodianKeys, slip39Plan } from '../services/ceremony-harness';
import { ipcRig, type IpcRig } from './ipc-harness';

after(cleanTemps);

const SOFT = '/usr/lib/softhsm/libsofthsm2.so';
const OPENSC = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const KNOWN = [
  { name: 'SoftHSM2', path: SOFT, note: 'software' },
  { name: 'OpenSC', path: OPENSC, note: 'smart cards' },
  { name: 'Nitrokey HSM', path: OPENSC, note: 'through OpenSC' },
  { name: 'YubiHSM 2', path: 'yubihsm_pkcs11.so', note: 'SDK' },
];
const PIN = 'Pin-7q!Kx';

const ALL_FLAGS = CKF_TOKEN.RNG | CKF_TOKEN.LOGIN_REQUIRED | CKF_TOKEN.USER_PIN_INITIALIZED | CKF_TOKEN.TOKEN_INITIALIZED;
const EC = CKF_MECH.EC_F_P | CKF_MECH.EC_NAMEDCURVE | CKF_MECH.EC_UNCOMPRESS;
const MECHANISMS = [
  { type: CKM.EC_KEY_PAIR_GEN, flags: CKF_MECH.GENERATE_KEY_PAIR | EC, minKeySize: 256, maxKeySize: 521 },
  { type: CKM.ECDH1_DERIVE, flags: CKF_MECH.DERIVE | EC, minKeySize: 256, maxKeySize: 521 },
  { type: CKM.AES_GCM, flags: CKF_MECH.ENCRYPT | CKF_MECH.DECRYPT, minKeySize: 16, maxKeySize: 32 },
  { type: CKM.ECDSA, flags: CKF_MECH.SIGN | EC, minKeySize: 256, maxKeySize: 521 },
];

function token(label: string, serial: string, flags: number, mechanisms = MECHANISMS): HsmTokenInfo {
  return {
    slotId: serial,
    label,
    serial,
    manufacturer: 'Test Maker',
    model: 'Model T',
    loginRequired: (flags & CKF_TOKEN.LOGIN_REQUIRED) !== 0,
    initialized: true,
    userPinInitialized: true,
    writeProtected: false,
    pinCountLow: false,
    pinFinalTry: false,
    pinLocked: (flags & CKF_TOKEN.USER_PIN_LOCKED) !== 0,
    minPinLength: 4,
    maxPinLength: 64,
    memory: { freePrivate: null, totalPrivate: null, freePublic: null, totalPublic: null },
    capabilities: capabilityReport(flags, mechanisms),
  };
}

function slot(t: HsmTokenInfo | null, extra: Partial<HsmSlotInfo> = {}): HsmSlotInfo {
  return { slotId: t?.slotId ?? '9', description: 'Test slot', manufacturer: 'Test Maker', tokenPresent: t !== null, removableDevice: true, hardwareSlot: true, token: t, ...extra };
}

const SLOTS: HsmSlotInfo[] = [
  slot(token('full', '1001', ALL_FLAGS)),
  // No random generator, no ECDSA: fine for a custodian's shard, not for entropy or a witness.
  slot(token('plain', '1002', ALL_FLAGS & ~CKF_TOKEN.RNG, MECHANISMS.filter((m) => m.type !== CKM.ECDSA))),
  slot(token('locked', '1003', ALL_FLAGS | CKF_TOKEN.USER_PIN_LOCKED)),
  slot(null),
];

/** A fake module: records opens and closes; any login attempt is a test failure (listing needs no PIN). */
function fakeModules(files: readonly string[] = [SOFT, OPENSC]) {
  const opened: string[] = [];
  // Every listed file passes the module rules (those are tested in test/services/module-trust.test.ts and, on a real
  // loop-mounted image, in test/hsm/module-trust-mount.test.ts); any other path is refused as absent.
  const openSync = (p: string): TrustedModule => {
    if (!files.includes(p)) throw new KeyshardError('HSM_MODULE', 'No such module here.', { reason: 'not-found' });
    return { path: p, realPath: p, loadPath: p, close: () => undefined };
  };
  let open = 0;
  const deps: HsmHostDeps = {
    known: KNOWN,
    trust: { openSync, open: async (p) => openSync(p) },
    open: async (path) => {
      opened.push(path);
      open++;
      const port: HsmPort = {
        library: { path, description: 'Fake PKCS#11', manufacturer: 'Test Maker', libraryVersion: '1.0', cryptokiVersion: '2.40' },
        listSlots: async () => SLOTS,
        findToken: async () => assert.fail('findToken'),
        openSession: async () => assert.fail('a login while listing'),
        close: async () => {
          open--;
        },
      };
      return port;
    },
  };
  return { deps, opened, openCount: () => open };
}

async function expectCode(r: IpcRig, channel: ChannelName, request: unknown, code: string): Promise<string> {
  const result = await r.raw(channel, request);
  assert.equal(result.ok, false, `${channel} accepted ${JSON.stringify(request)}`);
  assert.equal(!result.ok && result.error.code, code, `${channel}: ${JSON.stringify(result)}`);
  return JSON.stringify(result);
}

describe('hsm:* channels', () => {
  it('suggests the usual modules present here, each file once, with SoftHSM2 chosen by default', async () => {
    const r = ipcRig({ hsm: createHsmHost(fakeModules().deps) });
    const s = await r.call('hsm:suggested-modules');
    assert.deepEqual(s.modules.map((m) => [m.name, m.path]), [['SoftHSM2', SOFT], ['OpenSC', OPENSC]]);
    assert.equal(s.selected, SOFT);
    const none = ipcRig({ hsm: createHsmHost(fakeModules([OPENSC]).deps) });
    assert.deepEqual(await none.call('hsm:suggested-modules'), { modules: [{ name: 'OpenSC', path: OPENSC, note: 'smart cards' }], selected: OPENSC });
    const nothing = ipcRig({ hsm: createHsmHost(fakeModules([]).deps) });
    assert.deepEqual(await nothing.call('hsm:suggested-modules'), { modules: [], selected: null });
    await expectCode(nothing, 'hsm:list-tokens', undefined, 'HSM_MODULE');
  });

  it('lists slots and tokens with what each has and lacks, without logging in, and closes the module', async () => {
    const m = fakeModules();
    const r = ipcRig({ hsm: createHsmHost(m.deps) });
    const listed = await r.call('hsm:list-tokens');
    assert.deepEqual(m.opened, [SOFT]);
    assert.equal(m.openCount(), 0, 'the module was not closed');
    assert.equal(listed.module.description, 'Fake PKCS#11');
    const [full, plain, locked, empty] = listed.slots;
    assert.deepEqual(
      [full?.token?.label, full?.token?.serial, full?.token?.manufacturer, full?.token?.model, full?.token?.loginRequired],
      ['full', '1001', 'Test Maker', 'Model T', true],
    );
    assert.deepEqual(full?.token?.lacks, []);
    assert.deepEqual(full?.token?.usableFor, { custodian: true, entropy: true, witness: true });
    assert.deepEqual([...(plain?.token?.lacks ?? [])].sort(), ['ecdsa', 'random']);
    assert.equal(plain?.token?.capabilities.find((c) => c.id === 'random')?.available, false);
    assert.deepEqual(plain?.token?.usableFor, { custodian: true, entropy: false, witness: false });
    assert.deepEqual(locked?.token?.usableFor, { custodian: false, entropy: false, witness: false });
    assert.equal(locked?.token?.pinLocked, true);
    assert.deepEqual([empty?.tokenPresent, empty?.token], [false, null]);

    await r.call('hsm:list-tokens', { modulePath: OPENSC });
    assert.deepEqual(m.opened, [SOFT, OPENSC]);
    // Only an absolute path to an existing library file is ever loaded.
    for (const bad of ['relative/libsofthsm2.so', '/etc/passwd', '/usr/lib/missing-pkcs11.so']) await expectCode(r, 'hsm:list-tokens', { modulePath: bad }, 'HSM_MODULE');
    assert.deepEqual(m.opened, [SOFT, OPENSC]);
    // Listing takes no PIN.
    await expectCode(r, 'hsm:list-tokens', { modulePath: SOFT, pin: PIN }, 'INVALID_ARGUMENT');
  });

  it('selects a module only after it opens, and not while a ceremony runs', async () => {
    const m = fakeModules();
    let running = false;
    const hsm = createHsmHost({
      ...m.deps,
      beforeSelect: async () => {
        if (running) throw new KeyshardError('CEREMONY_TRANSITION', 'A ceremony is running.');
      },
    });
    const r = ipcRig({ hsm });
    assert.deepEqual(await r.call('hsm:select-module', { modulePath: OPENSC }), {
      selected: OPENSC,
      module: { path: OPENSC, description: 'Fake PKCS#11', manufacturer: 'Test Maker', libraryVersion: '1.0', cryptokiVersion: '2.40' },
    });
    assert.equal((await r.call('hsm:suggested-modules')).selected, OPENSC);
    assert.equal(hsm.ceremonyHsm.modulePath, OPENSC, 'the ceremony follows the choice');
    // A path the page names itself is refused before main looks at it; chosen in main's dialog, main's module check refuses it.
    await expectCode(r, 'hsm:select-module', { modulePath: '/tmp/evil.txt' }, 'FILE_NOT_CHOSEN');
    await expectCode(r, 'hsm:select-module', { modulePath: await r.choose('pkcs11-module', '/tmp/evil.txt') }, 'HSM_MODULE');
    running = true;
    await expectCode(r, 'hsm:select-module', { modulePath: SOFT }, 'CEREMONY_TRANSITION');
    assert.equal((await r.call('hsm:suggested-modules')).selected, OPENSC);
    await expectCode(r, 'hsm:select-module', {}, 'INVALID_ARGUMENT');
  });
});

describe('ceremony device channels without tokens', () => {
  it('check-devices: a plan without tokens needs none; a plan with tokens and no module is refused with HSM_MODULE', async () => {
    const k = await custodianKeys();
    const r = ipcRig({ hsm: createHsmHost(fakeModules([]).deps) });
    assert.deepEqual(await r.call('ceremony:check-devices', { plan: slip39Plan(k) }), { ok: true, tokens: [], entropyToken: null, problems: [] });
    const plan = slip39Plan(k);
    const withToken = { ...plan, custodians: plan.custodians.map((c, i) => (i === 0 ? { ...c, medium: 'pkcs11', protection: { type: 'pkcs11', tokenLabel: 'alice-token' } } : c)) };
    await expectCode(r, 'ceremony:check-devices', { plan: withToken }, 'HSM_MODULE');
    await r.call('ceremony:load-witness-key', { path: r.witnessKeyFile('wendy') });
    await expectCode(r, 'ceremony:start', { plan: withToken }, 'HSM_MODULE');
    assert.equal((await r.call('ceremony:status')).phase, 'not-started');
  });
});

describe('PIN-bearing requests: strict schemas', () => {
  const pinRequests = (pin: string): [ChannelName, unknown][] => [
    ['ceremony:handoff', { custodianId: 'alice', pin }],
    ['ceremony:confirm', { custodianId: 'alice', method: 'read-back-pkcs11', pin }],
    ['ceremony:load-witness-token', { witnessId: 'tess', token: { label: 'witness-token' }, keyLabel: 'keyshard-witness', pin }],
    ['ceremony:gather-entropy', { useHsm: true, hsmToken: { label: 'carol-token', pin } }],
    ['ceremony:generate', { useHsm: true, hsmToken: { pin } }],
    ['ceremony:import-secret', { secretHex: '00'.repeat(32), useHsm: true, hsmToken: { serial: '1001', pin } }],
    ['ceremony:test-recovery', { tokens: [{ custodianId: 'alice', pin }, { custodianId: 'carol', pin }] }],
  ];

  it('accepts PINs of 4 to 64 characters and refuses shorter, longer and non-string ones', () => {
    for (const pin of ['1234', 'x'.repeat(64), PIN]) {
      for (const [channel, request] of pinRequests(pin)) assert.ok(contract[channel].request.safeParse(request).success, `${channel} refused a ${pin.length}-character PIN`);
    }
    for (const pin of ['', '123', 'x'.repeat(65), 123456, null]) {
      for (const [channel, request] of pinRequests(pin as string)) assert.equal(contract[channel].request.safeParse(request).success, false, `${channel} took ${JSON.stringify(pin)}`);
    }
  });

  it('refuses unknown keys and token choices that name no token', () => {
    const bad: [ChannelName, unknown][] = [
      ['ceremony:handoff', { custodianId: 'alice', pin: PIN, pinHint: 'birthday' }],
      ['ceremony:confirm', { custodianId: 'alice', method: 'read-back-pkcs11', pin: PIN, remember: true }],
      ['ceremony:load-witness-token', { witnessId: 'tess', token: { label: 'w' }, keyLabel: 'k', pin: PIN, slot: 1 }],
      ['ceremony:load-witness-token', { witnessId: 'tess', token: { label: 'w', slotId: '1' }, keyLabel: 'k', pin: PIN }],
      ['ceremony:load-witness-token', { witnessId: 'tess', token: {}, keyLabel: 'k', pin: PIN }],
      ['ceremony:load-witness-token', { witnessId: 'tess', token: { label: 'w' }, keyLabel: 'k' }],
      ['ceremony:gather-entropy', { useHsm: true, hsmToken: { label: 'c', pin: PIN, so: 'x' } }],
      ['ceremony:test-recovery', { tokens: [{ custodianId: 'alice', pin: PIN, label: 'alice-token' }] }],
      ['ceremony:start', { plan: '{"version":1}', tokens: [{ custodianId: 'alice' }] }],
      ['ceremony:start', { plan: '{"version":1}', tokens: [{ custodianId: 'alice', label: 'a', pin: PIN }] }],
      ['ceremony:start', { plan: '{"version":1}', entropyToken: { label: 'x'.repeat(33) } }],
      ['ceremony:start', { plan: '{"version":1}', hsmModulePath: '/usr/lib/softhsm/libsofthsm2.so' }],
      ['ceremony:check-devices', { plan: '{"version":1}', entropyToken: { serial: '1'.repeat(17) } }],
      ['ceremony:check-devices', { tokens: [] }],
    ];
    for (const [channel, request] of bad) assert.equal(contract[channel].request.safeParse(request).success, false, `${channel} took ${JSON.stringify(request)}`);
  });

  it('answers every refused PIN-bearing request with INVALID_ARGUMENT and never the PIN; nor any answer on the way', async () => {
    const r = ipcRig({ hsm: createHsmHost(fakeModules().deps) });
    const longPin = `${PIN}${'Q'.repeat(60)}`;
    const shortPin = 'P!n';
    for (const pin of [longPin, shortPin]) for (const [channel, request] of pinRequests(pin)) await expectCode(r, channel, request, 'INVALID_ARGUMENT');
    for (const [channel, request] of pinRequests(PIN)) await expectCode(r, channel, { ...(request as object), extra: PIN }, 'INVALID_ARGUMENT');
    // Well-formed PINs reach the ceremony, which refuses the step (nothing running): still no PIN in the answer.
    for (const [channel, request] of pinRequests(PIN)) {
      const result = await r.raw(channel, request);
      assert.equal(result.ok, false, channel);
    }
    assert.ok(r.calls.length >= 7 * 4);
    for (const c of r.calls) for (const p of [PIN, longPin, shortPin]) assert.ok(!c.json.includes(p), `${c.channel} answered with the PIN: ${c.json}`);
  });
});
