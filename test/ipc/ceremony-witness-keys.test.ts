/**
 * ceremony:witness-keys: the witness keys main holds now, public keys only, so a reloaded window knows who need not
 * load their key again. Key files (held by the host, registered into every service) and token logins (held by the
 * current service until it is replaced or shut down).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { createHsmHost } from '../../electron/ipc/hsm-host';
import { COMMON_MODULE_PATHS, openHsm } from '../../electron/services/hsm/index';
import { makeSoftHsm, SOFTHSM_MODULE, type SoftHsm } from '../hsm/softhsm';
import { cleanTemps, custodianKeys, slip39Plan, type Keys } from '../services/ceremony-harness';
import { ipcRig, type IpcRig } from './ipc-harness';

const PIN = 'Pin-7q!Kx';
const KEY_LABEL = 'keyshard-witness';

let k: Keys;
let env: SoftHsm | undefined;
let rig: IpcRig | undefined;
before(async () => {
  k = await custodianKeys();
});
afterEach(async () => {
  await rig?.host.shutdown();
  rig = undefined;
  env?.cleanup();
  env = undefined;
});
after(cleanTemps);

describe('ceremony:witness-keys', () => {
  it('lists the key files loaded, before and after a ceremony starts, with public facts only; none after shutdown', async () => {
    const r = (rig = ipcRig());
    assert.deepEqual(await r.call('ceremony:witness-keys'), [], 'none before a key is loaded');
    const wendy = await r.call('ceremony:load-witness-key', { path: r.witnessKeyFile('wendy') });
    assert.deepEqual(await r.call('ceremony:witness-keys'), [wendy], 'before any ceremony: the key files the host holds');
    await r.call('ceremony:start', { plan: slip39Plan(k) });
    const listed = await r.call('ceremony:witness-keys');
    assert.deepEqual(listed, [wendy], 'the running ceremony holds the same key');
    for (const key of listed) assert.deepEqual(Object.keys(key).sort(), ['algorithm', 'id', 'publicKey']);
    // Loading the same witness's file again replaces the key; the list names the witness once.
    await r.call('ceremony:load-witness-key', { path: r.witnessKeyFile('wendy') });
    assert.deepEqual((await r.call('ceremony:witness-keys')).map((w) => w.id), ['wendy']);
    await r.host.shutdown();
    assert.deepEqual(await r.call('ceremony:witness-keys'), [], 'shutdown unloads every key');
  });

  it('includes a witness signing with the key on their token', async () => {
    env = makeSoftHsm(['witness-token'], { pin: PIN });
    const port = await openHsm(SOFTHSM_MODULE);
    let publicKey: string;
    try {
      const session = await port.openSession({ label: 'witness-token' }, PIN);
      publicKey = (await session.ensureKeyPair(KEY_LABEL, 'sign')).publicKeyHex;
      await session.close();
    } finally {
      await port.close();
    }
    const r = (rig = ipcRig({ hsm: createHsmHost({ open: (path) => openHsm(path), known: COMMON_MODULE_PATHS }) }));
    const wendy = await r.call('ceremony:load-witness-key', { path: r.witnessKeyFile('wendy') });
    const tess = await r.call('ceremony:load-witness-token', { witnessId: 'tess', token: { label: 'witness-token' }, keyLabel: KEY_LABEL, pin: PIN });
    assert.deepEqual(tess, { id: 'tess', algorithm: 'ecdsa-p256', publicKey });
    const listed = await r.call('ceremony:witness-keys');
    assert.deepEqual(
      [...listed].sort((a, b) => a.id.localeCompare(b.id)),
      [tess, wendy],
    );
    assert.ok(!JSON.stringify(r.calls.filter((c) => c.channel === 'ceremony:witness-keys').map((c) => c.json)).includes(PIN), 'no PIN in the answer');
  });
});
