import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import { CHANNELS } from '../../electron/ipc/channels';
import { createIpcHandlers, INTERNAL_MESSAGE, type IpcDeps } from '../../electron/ipc/handlers';
import { createCameraGate } from '../../electron/main/permissions';
import type { CeremonyHost } from '../../electron/ipc/ceremony-host';
import type { HsmHost } from '../../electron/ipc/hsm-host';
import type { AirGapReport } from '../../electron/services/airgap/types';
import type { RecoveryService } from '../../electron/services/recovery/types';

const REPORT: AirGapReport = {
  ok: true,
  interfaces: [{ name: 'lo', kind: 'loopback', up: true, addresses: ['127.0.0.1/8'], operstate: 'unknown' }],
  radios: [],
  problems: [],
  sources: ['os', 'sysfs'],
  checkedAt: '2025-01-02T03:04:05.000Z',
};

/** A stand-in service that records every method called on it (and answers nothing useful). */
function recorder<T extends object>(name: string, calls: string[]): T {
  return new Proxy({}, {
    get: (_target, method) => async () => {
      calls.push(`${name}.${String(method)}`);
      return {};
    },
  }) as T;
}

/** Channels whose request is all optional, so `{}` is a valid request for them (every other one must reject it). */
const EMPTY_OBJECT_OK = new Set([
  'hsm:list-tokens',
  'ceremony:check-airgap',
  'ceremony:gather-entropy',
  'ceremony:generate',
  'ceremony:test-recovery',
  'ceremony:resume',
  'recovery:start',
  'recovery:finish',
]);

function setup(overrides: Partial<IpcDeps> = {}) {
  const calls: string[] = [];
  const logs: string[] = [];
  let clock = 1_000_000;
  const camera = createCameraGate({ now: () => clock, maxMs: 5_000 });
  const deps: IpcDeps = {
    appInfo: () => {
      calls.push('appInfo');
      return { name: 'keyshard', version: '1.2.3', platform: 'linux', arch: 'x64', production: true };
    },
    checkAirGap: async () => {
      calls.push('checkAirGap');
      return REPORT;
    },
    camera,
    ceremony: recorder<CeremonyHost>('ceremony', calls),
    recovery: recorder<RecoveryService>('recovery', calls),
    hsm: recorder<HsmHost>('hsm', calls),
    listDrives: async () => {
      calls.push('listDrives');
      return [];
    },
    log: (m) => logs.push(m),
    ...overrides,
  };
  return { handlers: createIpcHandlers(deps), calls, logs, camera, tick: (ms: number) => (clock += ms) };
}

describe('IPC handlers', () => {
  it('has one handler per contract channel and nothing else', () => {
    const { handlers } = setup();
    assert.deepEqual(Object.keys(handlers).sort(), [...CHANNELS].sort());
  });

  it('answers with an ok envelope holding the validated value', async () => {
    const { handlers, calls } = setup();
    assert.deepEqual(await handlers['app:info'](undefined), {
      ok: true,
      value: { name: 'keyshard', version: '1.2.3', platform: 'linux', arch: 'x64', production: true },
    });
    assert.deepEqual(await handlers['airgap:check'](undefined), { ok: true, value: REPORT });
    assert.deepEqual(calls, ['appInfo', 'checkAirGap']);
  });

  for (const bad of [{}, null, 0, 'x', [], { extra: 1 }, false]) {
    it(`rejects the request ${JSON.stringify(bad)} with INVALID_ARGUMENT without calling the service`, async () => {
      const { handlers, calls, camera } = setup();
      for (const name of CHANNELS) {
        if (EMPTY_OBJECT_OK.has(name) && JSON.stringify(bad) === '{}') continue;
        const result = await handlers[name](bad);
        assert.equal(result.ok, false, name);
        assert.equal(!result.ok && result.error.code, 'INVALID_ARGUMENT', name);
      }
      assert.deepEqual(calls, []);
      assert.equal(camera.isAllowed(), false, 'camera:allow with a bad payload must not open the gate');
    });
  }

  it('accepts {} exactly for the channels whose request is all optional', async () => {
    const { handlers, calls } = setup();
    for (const name of CHANNELS) {
      const result = await handlers[name]({});
      const rejected = !result.ok && result.error.code === 'INVALID_ARGUMENT';
      assert.equal(rejected, !EMPTY_OBJECT_OK.has(name), name);
    }
    assert.equal(calls.length, EMPTY_OBJECT_OK.size, calls.join(', '));
  });

  it('never echoes the rejected payload in the error message', async () => {
    const { handlers } = setup();
    const secret = 'abandon ability able about above absent absorb';
    const result = await handlers['app:info']({ words: secret });
    assert.equal(result.ok, false);
    assert.ok(!result.ok && !JSON.stringify(result.error).includes('abandon'));
    assert.ok(!result.ok && result.error.message.includes('app:info'));
  });

  it('maps a KeyshardError to its code, message and details', async () => {
    const { handlers } = setup({
      checkAirGap: async () => {
        throw new KeyshardError('AIRGAP_NETWORK_UP', 'eth0 is up. Unplug the cable, then check again.', { interfaces: 1 });
      },
    });
    assert.deepEqual(await handlers['airgap:check'](undefined), {
      ok: false,
      error: { code: 'AIRGAP_NETWORK_UP', message: 'eth0 is up. Unplug the cable, then check again.', details: { interfaces: 1 } },
    });
  });

  it('turns any other error into INTERNAL with a fixed message and never the original text', async () => {
    const secretText = 'share 3 of 5: 0badc0ffee';
    for (const thrown of [new Error(secretText), new TypeError(secretText), secretText, { message: secretText }]) {
      const { handlers, logs } = setup({
        checkAirGap: async () => {
          throw thrown;
        },
      });
      const result = await handlers['airgap:check'](undefined);
      assert.deepEqual(result, { ok: false, error: { code: 'INTERNAL', message: INTERNAL_MESSAGE } });
      assert.ok(!logs.join('\n').includes('0badc0ffee'), 'the log must not carry the original text either');
      assert.equal(logs.length, 1);
    }
  });

  it('treats a synchronous throw like an asynchronous one', async () => {
    const { handlers } = setup({
      appInfo: () => {
        throw new RangeError('boom');
      },
    });
    assert.deepEqual(await handlers['app:info'](undefined), { ok: false, error: { code: 'INTERNAL', message: INTERNAL_MESSAGE } });
  });

  it('refuses a response that breaks its schema (INTERNAL) and strips fields the contract does not name', async () => {
    const broken = setup({ checkAirGap: async () => ({ ...REPORT, checkedAt: 'yesterday' }) });
    const result = await broken.handlers['airgap:check'](undefined);
    assert.deepEqual(result, { ok: false, error: { code: 'INTERNAL', message: INTERNAL_MESSAGE } });
    assert.match(broken.logs[0] ?? '', /airgap:check: response failed its schema \(checkedAt: invalid_format\)/);

    const leaky = setup({ appInfo: () => ({ name: 'keyshard', version: '1', platform: 'linux', arch: 'x64', production: true, masterSecretHex: 'ff' }) as never });
    const info = await leaky.handlers['app:info'](undefined);
    assert.ok(info.ok);
    assert.equal('masterSecretHex' in info.value, false);
  });

  it('camera:allow opens the gate until camera:release (or expiry)', async () => {
    const { handlers, camera, tick } = setup();
    assert.equal(camera.isAllowed(), false);
    const allowed = await handlers['camera:allow'](undefined);
    assert.deepEqual(allowed, { ok: true, value: { allowed: true, expiresAt: new Date(1_005_000).toISOString() } });
    assert.equal(camera.isAllowed(), true);
    assert.deepEqual(await handlers['camera:release'](undefined), { ok: true, value: { allowed: false } });
    assert.equal(camera.isAllowed(), false);
    await handlers['camera:allow'](undefined);
    tick(5_000);
    assert.equal(camera.isAllowed(), false, 'the grant lapses by itself');
  });
});
