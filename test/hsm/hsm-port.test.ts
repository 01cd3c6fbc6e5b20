/**
 * HsmPort against real SoftHSM2 tokens: module loading (and refusing what is not a PKCS#11 module), slots and
 * tokens, the capability report, token selection, random numbers, module sharing and closing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import * as graphene from 'graphene-pk11';
import {
  CAPABILITY_NEEDS,
  CKF_MECH,
  CKF_TOKEN,
  CKM,
  COMMON_MODULE_PATHS,
  capabilityReport,
  openHsm,
  requireCapabilities,
} from '../../electron/services/hsm/index';
import type { HsmPort, MechanismInfo } from '../../electron/services/hsm/index';
import { mechanismsOf } from '../../electron/services/hsm/token-info';
import { rejectsCode } from './fixtures';
import { closeOpenedPorts, makeSoftHsm, openSoftHsmPort, SOFTHSM_MODULE, USER_PIN } from './softhsm';
import type { SoftHsm } from './softhsm';

let env: SoftHsm | undefined;
const scratch: string[] = [];

const open = openSoftHsmPort;

afterEach(async () => {
  await closeOpenedPorts();
  env?.cleanup();
  env = undefined;
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** SoftHSM's real mechanism list, read with graphene directly (before any port loads the module). */
function softhsmMechanisms(): { flags: number; mechanisms: MechanismInfo[] } {
  const module = graphene.Module.load(SOFTHSM_MODULE, 'test');
  module.initialize();
  try {
    const slot = module.getSlots(true).items(0);
    return { flags: Number(slot.getToken().flags), mechanisms: mechanismsOf(slot) };
  } finally {
    module.finalize();
  }
}

describe('openHsm: loading a module', () => {
  const cases: [string, () => string, string, RegExp][] = [
    ['a path with no file', () => '/nonexistent/libpkcs11-missing.so', 'not-found', /no such file/],
    ['a shared library that is not PKCS#11 (libc)', () => '/usr/lib/x86_64-linux-gnu/libc.so.6', 'not-pkcs11', /not a PKCS#11 one/],
    [
      'a text file',
      () => {
        const dir = mkdtempSync(join(tmpdir(), 'keyshard-notamodule-'));
        scratch.push(dir);
        const file = join(dir, 'module.so');
        writeFileSync(file, 'this is not a library\n');
        return file;
      },
      'not-a-library',
      /not a shared library/,
    ],
    ['a folder', () => tmpdir(), 'directory', /folder/],
  ];
  for (const [what, path, reason, why] of cases) {
    it(`refuses ${what} with HSM_MODULE naming the path and the usual modules`, async () => {
      const p = path();
      const err = await rejectsCode(openHsm(p), 'HSM_MODULE');
      assert.equal(err.details?.['reason'], reason);
      assert.match(err.message, why);
      assert.ok(err.message.includes(`"${p}"`), 'the message names the path');
      assert.ok(err.message.includes('/usr/lib/softhsm/libsofthsm2.so'), 'suggests SoftHSM2');
      assert.ok(err.message.includes('opensc-pkcs11.so'), 'suggests OpenSC');
      assert.ok(err.message.includes('yubihsm_pkcs11.so'), 'suggests YubiHSM');
      assert.match(err.message, /Nitrokey/);
    });
  }

  it('refuses an empty path', async () => {
    const err = await rejectsCode(openHsm(''), 'HSM_MODULE');
    assert.equal(err.details?.['reason'], 'missing');
  });

  it('exports the suggestion list', () => {
    const names = COMMON_MODULE_PATHS.map((m) => m.name);
    assert.deepEqual(names, ['SoftHSM2', 'OpenSC', 'YubiHSM 2', 'Nitrokey HSM']);
    assert.equal(COMMON_MODULE_PATHS[0]!.path, SOFTHSM_MODULE);
  });

  it('reports a module that loads but cannot start (SoftHSM2 without a readable config)', async () => {
    const saved = process.env.SOFTHSM2_CONF;
    process.env.SOFTHSM2_CONF = '/nonexistent/softhsm2.conf';
    try {
      const err = await rejectsCode(openHsm(SOFTHSM_MODULE), 'HSM_MODULE');
      assert.equal(err.details?.['reason'], 'initialize');
      assert.match(err.message, /SOFTHSM2_CONF/);
    } finally {
      if (saved === undefined) delete process.env.SOFTHSM2_CONF;
      else process.env.SOFTHSM2_CONF = saved;
    }
  });
});

describe('HsmPort: slots, tokens and capabilities', () => {
  it('lists every slot with its token: label, serial, maker, model, flags, memory and what keyshard can use', async () => {
    env = makeSoftHsm(['Alice token', 'Bob token']);
    const port = await open();
    assert.match(port.library.manufacturer, /SoftHSM/);
    assert.equal(port.library.cryptokiVersion, '2.40');
    const slots = await port.listSlots();
    // SoftHSM shows the two tokens plus one free slot for the next token.
    assert.equal(slots.length, 3);
    const tokens = slots.map((s) => s.token).filter((t) => t !== null && t.initialized);
    assert.deepEqual(tokens.map((t) => t!.label).sort(), ['Alice token', 'Bob token']);
    for (const t of tokens) {
      assert.ok(t !== null);
      assert.match(t.serial, /^[0-9a-f]{16}$/);
      assert.equal(t.manufacturer, 'SoftHSM project');
      assert.equal(t.model, 'SoftHSM v2');
      assert.equal(t.loginRequired, true);
      assert.equal(t.userPinInitialized, true);
      assert.equal(t.pinLocked, false);
      // SoftHSM reports CK_UNAVAILABLE_INFORMATION for memory: shown as "not reported", not as a huge number.
      assert.deepEqual(t.memory, { freePrivate: null, totalPrivate: null, freePublic: null, totalPublic: null });
      assert.deepEqual(
        t.capabilities.map((c) => [c.id, c.available]),
        [
          ['random', true],
          ['ec-p256-keygen', true],
          ['ecdh-derive', true],
          ['aes-gcm', true],
          ['ecdsa', true],
          ['data-objects', true],
        ],
      );
    }
    const free = slots.find((s) => s.token !== null && !s.token.initialized);
    assert.ok(free?.token, 'the free slot has an uninitialized token');
    assert.equal(free.token.capabilities.find((c) => c.id === 'data-objects')?.available, false);
  });

  it('a pulled token shows as unreadable in the listing; the other tokens are still listed and found', async () => {
    env = makeSoftHsm(['Pulled', 'Stays']);
    const port = await open();
    env.removeToken('Pulled');
    const slots = await port.listSlots();
    assert.deepEqual(
      slots.filter((s) => s.tokenError !== undefined).map((s) => s.tokenError!.code),
      ['HSM_TOKEN_ABSENT'],
    );
    assert.ok(slots.some((s) => s.token?.label === 'Stays'));
    assert.equal((await port.findToken({ label: 'Stays' })).label, 'Stays');
    await rejectsCode(port.findToken({ label: 'Pulled' }), 'HSM_TOKEN_ABSENT');
  });

  it('finds a token by label or serial; a missing one is HSM_TOKEN_ABSENT, an ambiguous label asks for the serial', async () => {
    env = makeSoftHsm(['Alice token', 'Twin', 'Twin']);
    const port = await open();
    const alice = await port.findToken({ label: 'Alice token' });
    const bySerial = await port.findToken({ serial: alice.serial });
    assert.equal(bySerial.label, 'Alice token');
    const missing = await rejectsCode(port.findToken({ label: 'Carol token' }), 'HSM_TOKEN_ABSENT');
    assert.match(missing.message, /Alice token/);
    const twin = await rejectsCode(port.findToken({ label: 'Twin' }), 'INVALID_ARGUMENT');
    assert.match(twin.message, /--serial/);
  });

  it('refuses a token that lacks a needed capability before asking for its PIN (HSM_MECHANISM)', async () => {
    env = makeSoftHsm(['Read-only']);
    env.setTokenFlags('Read-only', CKF_TOKEN.WRITE_PROTECTED);
    const port = await open();
    const info = await port.findToken({ label: 'Read-only' });
    assert.equal(info.writeProtected, true);
    // A wrong PIN: the capability is checked first, so the answer is about the token, not the PIN.
    const err = await rejectsCode(port.openSession({ label: 'Read-only' }, 'wrong-pin', { require: CAPABILITY_NEEDS.storeShard }), 'HSM_MECHANISM');
    assert.deepEqual(err.details?.['missing'], ['data-objects']);
    assert.match(err.message, /write-protected/);
    // What it can do still works.
    const session = await port.openSession({ label: 'Read-only' }, USER_PIN, { require: CAPABILITY_NEEDS.entropy });
    await session.close();
  });

  it('gives random bytes from the token, within bounds', async () => {
    env = makeSoftHsm(['Entropy']);
    const port = await open();
    const session = await port.openSession({ label: 'Entropy' }, USER_PIN, { require: CAPABILITY_NEEDS.entropy });
    const a = await session.random(32);
    const b = await session.random(32);
    assert.equal(a.length, 32);
    assert.notDeepEqual(a, b);
    assert.equal((await session.random(1024)).length, 1024);
    await rejectsCode(session.random(0), 'INVALID_ARGUMENT');
    await rejectsCode(session.random(1025), 'INVALID_ARGUMENT');
    await session.close();
    await rejectsCode(session.random(8), 'HSM_MODULE');
  });

  it('shares one loaded module between ports (also through a symlink) and finalizes it with the last', async () => {
    env = makeSoftHsm(['Shared']);
    const link = join(env.root, 'module-link.so');
    symlinkSync(SOFTHSM_MODULE, link);
    const first = await open();
    const second = await openHsm(link);
    await second.close();
    // Still initialized for the first port.
    const session = await first.openSession({ label: 'Shared' }, USER_PIN);
    assert.equal((await session.random(4)).length, 4);
    await first.close();
    await rejectsCode(session.random(4), 'HSM_MODULE'); // closed with its port
    await rejectsCode(first.listSlots(), 'HSM_MODULE');
    await first.close(); // closing twice is harmless
    // And a fresh port initializes the module again.
    const again = await open();
    assert.equal((await again.findToken({ label: 'Shared' })).label, 'Shared');
    rmSync(link);
  });
});

describe('capabilityReport: a token that lacks something (SoftHSM\'s own list, filtered)', () => {
  // Read once, before the tests above leave the module state alone.
  let real: { flags: number; mechanisms: MechanismInfo[] } | undefined;
  const realList = () => {
    if (real === undefined) {
      const e = makeSoftHsm(['Mechanisms']);
      try {
        real = softhsmMechanisms();
      } finally {
        e.cleanup();
      }
    }
    return real;
  };
  const without = (type: number) => realList().mechanisms.filter((m) => m.type !== type);
  const changed = (type: number, f: (m: MechanismInfo) => MechanismInfo) => realList().mechanisms.map((m) => (m.type === type ? f(m) : m));
  const unavailable = (flags: number, mechanisms: MechanismInfo[]) =>
    capabilityReport(flags, mechanisms)
      .filter((c) => !c.available)
      .map((c) => c.id);

  it('SoftHSM itself offers everything', () => {
    assert.deepEqual(unavailable(realList().flags, realList().mechanisms), []);
  });

  it('names each missing mechanism, and requireCapabilities refuses the step that needs it', () => {
    const { flags } = realList();
    assert.deepEqual(unavailable(flags, without(CKM.ECDH1_DERIVE)), ['ecdh-derive']);
    assert.deepEqual(unavailable(flags, without(CKM.AES_GCM)), ['aes-gcm']);
    assert.deepEqual(unavailable(flags, without(CKM.ECDSA)), ['ecdsa']);
    assert.deepEqual(unavailable(flags, without(CKM.EC_KEY_PAIR_GEN)), ['ec-p256-keygen']);
    assert.deepEqual(unavailable(flags & ~CKF_TOKEN.RNG, realList().mechanisms), ['random']);
    assert.deepEqual(unavailable(flags | CKF_TOKEN.WRITE_PROTECTED, realList().mechanisms), ['data-objects']);
    const report = capabilityReport(flags, without(CKM.ECDH1_DERIVE));
    assert.throws(
      () => requireCapabilities(report, CAPABILITY_NEEDS.sealToToken, '"Test"'),
      (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'HSM_MECHANISM' && /CKM_ECDH1_DERIVE/.test(e.message),
    );
    // ... but not a step that does not need it.
    requireCapabilities(report, CAPABILITY_NEEDS.witness, '"Test"');
  });

  it('looks at flags and key sizes, not only at names', () => {
    const { flags } = realList();
    assert.deepEqual(unavailable(flags, changed(CKM.ECDSA, (m) => ({ ...m, flags: m.flags & ~CKF_MECH.SIGN }))), ['ecdsa']);
    assert.deepEqual(unavailable(flags, changed(CKM.AES_GCM, (m) => ({ ...m, maxKeySize: 16 }))), ['aes-gcm']);
    assert.deepEqual(unavailable(flags, changed(CKM.EC_KEY_PAIR_GEN, (m) => ({ ...m, maxKeySize: 192 }))), ['ec-p256-keygen']);
    // EC over binary fields only (CKF_EC_F_2M without CKF_EC_F_P).
    assert.deepEqual(unavailable(flags, changed(CKM.EC_KEY_PAIR_GEN, (m) => ({ ...m, flags: (m.flags & ~CKF_MECH.EC_F_P) | 0x200000 }))), ['ec-p256-keygen']);
    // A token that does not report key sizes (0/0) is not refused for it.
    assert.deepEqual(unavailable(flags, changed(CKM.ECDSA, (m) => ({ ...m, minKeySize: 0, maxKeySize: 0 }))), []);
  });
});
