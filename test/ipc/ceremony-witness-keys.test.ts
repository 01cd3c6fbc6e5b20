/**
 * ceremony:witness-keys: the witness keys main holds now, public keys only, so a reloaded window knows who need not
 * load their key again, and what each sign-off will ask (passphrase or PIN). Keys belong to the running (or next)
 * ceremony and are dropped when it ends. And what a sign-off over IPC takes: the witness's act each time.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { witnessKeyFileText } from '../../electron/services/witness/index';
import { parseTranscript } from '../../core/transcript';
import { after, afterEach, before, describe, it } from 'node:test';
import { createHsmHost } from '../../electron/ipc/hsm-host';
import { COMMON_MODULE_PATHS, openHsm } from '../../electron/services/hsm/index';
import { makeSoftHsm, SOFTHSM_MODULE, type SoftHsm } from '../hsm/softhsm';
import { cleanTemps, custodianKeys, slip39Plan, type Keys } from '../services/ceremony-harness';
import { ipcRig, signAs, witnessPassphrase, type IpcRig } from './ipc-harness';

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
    for (const key of listed) assert.deepEqual(Object.keys(key).sort(), ['algorithm', 'id', 'publicKey', 'unlock']);
    assert.equal(wendy.unlock, 'passphrase');
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
    assert.deepEqual(tess, { id: 'tess', algorithm: 'ecdsa-p256', publicKey, unlock: 'pin', tokenLabel: 'witness-token' });
    const listed = await r.call('ceremony:witness-keys');
    assert.deepEqual(
      [...listed].sort((a, b) => a.id.localeCompare(b.id)),
      [tess, wendy],
    );
    assert.ok(!JSON.stringify(r.calls.filter((c) => c.channel === 'ceremony:witness-keys').map((c) => c.json)).includes(PIN), 'no PIN in the answer');
  });

  it('a sign-off needs the passphrase and the fingerprint each time; nothing is recorded without them', async () => {
    const r = (rig = ipcRig());
    await r.call('ceremony:load-witness-key', { path: r.witnessKeyFile('wendy') });
    await r.call('ceremony:start', { plan: slip39Plan(k) });
    await r.call('ceremony:check-airgap', { override: { witnessId: 'wendy', reason: 'test', passphrase: witnessPassphrase('wendy') } });
    const so = (await r.call('ceremony:status')).signOff!;
    const entries = (await r.call('ceremony:status')).transcript.entries;
    const refused = async (request: Record<string, unknown>, code: string): Promise<void> => {
      const res = await r.raw('ceremony:sign-off', { witnessId: 'wendy', ...request });
      assert.equal(res.ok, false);
      if (!res.ok) {
        assert.equal(res.error.code, code, res.error.message);
        assert.ok(!JSON.stringify(res.error).includes(witnessPassphrase('wendy')), 'no passphrase in the error');
      }
    };
    await refused({ fingerprint: so.confirm.display }, 'WITNESS_ACT_NEEDED');
    await refused({ fingerprint: so.confirm.display, passphrase: 'guess-1234' }, 'WITNESS_PASSPHRASE');
    await refused({ fingerprint: '0000 0000', passphrase: witnessPassphrase('wendy') }, 'WITNESS_FINGERPRINT');
    await refused({ passphrase: witnessPassphrase('wendy') }, 'INVALID_ARGUMENT');
    assert.equal((await r.call('ceremony:status')).transcript.entries, entries, 'nothing recorded');
    const signed = await signAs(r, 'wendy');
    assert.equal(signed.checkpoint, 'airgap-check');
  });

  it("drops the keys once the aborted ceremony's exception is recorded: a sign-off in the next ceremony needs them loaded again", async () => {
    const r = (rig = ipcRig());
    await r.call('ceremony:load-witness-key', { path: r.witnessKeyFile('wendy') });
    await r.call('ceremony:start', { plan: slip39Plan(k) });
    await r.call('ceremony:abort', { reason: 'test' });
    // Wendy may still sign the abort's exception after the wipe; her key goes once it is recorded.
    assert.deepEqual((await r.call('ceremony:witness-keys')).map((w) => w.id), ['wendy'], 'aborted: the key waits for the exception');
    await r.call('ceremony:record-exception', { reason: 'Wendy declined to sign.', unsigned: true });
    assert.deepEqual(await r.call('ceremony:witness-keys'), [], 'exception recorded: no key is held');
    const again = await r.raw('ceremony:start', { plan: slip39Plan(k) });
    assert.equal(again.ok ? 'started' : again.error.code, 'WITNESS_KEY', 'the next ceremony needs the key loaded again');
    await r.call('ceremony:load-witness-key', { path: r.witnessKeyFile('wendy') });
    assert.equal((await r.call('ceremony:start', { plan: slip39Plan(k) })).phase, 'active');
    await r.call('ceremony:check-airgap', { override: { witnessId: 'wendy', reason: 'test', passphrase: witnessPassphrase('wendy') } });
    await signAs(r, 'wendy');
  });

  it('ceremony:start takes no witness keys from the page: only keys main read from the witnesses\' own files or tokens are pinned (review)', async () => {
    const r = (rig = ipcRig());
    // A well-formed key for Wendy that is not hers: before, start pinned it in the plan entry and checked her sign-offs
    // against it (so the page chose which key counts as hers, the key the team copies to paper), with none loaded at all.
    const pageKey = bytesToHex(ed25519.getPublicKey(ed25519.utils.randomSecretKey()));
    const fromPage = { plan: slip39Plan(k), witnessKeys: [{ id: 'wendy', algorithm: 'ed25519', publicKey: pageKey }] };
    const refusedCode = async (): Promise<string> => {
      const res = await r.raw('ceremony:start', fromPage);
      return res.ok ? 'started' : res.error.code;
    };
    assert.equal(await refusedCode(), 'INVALID_ARGUMENT', 'no key loaded: the page cannot supply one');
    assert.equal((await r.call('ceremony:status')).phase, 'not-started', 'nothing started');
    const wendy = await r.call('ceremony:load-witness-key', { path: r.witnessKeyFile('wendy') });
    assert.equal(await refusedCode(), 'INVALID_ARGUMENT', 'her key loaded: the page cannot replace it');
    assert.equal((await r.call('ceremony:status')).phase, 'not-started', 'nothing started');
    await r.call('ceremony:start', { plan: slip39Plan(k) });
    const text = (await r.call('ceremony:transcript'))!.text;
    const plan = parseTranscript(text).entries.find((e) => e.kind === 'plan');
    assert.deepEqual((plan?.data as { witnessKeys?: unknown } | undefined)?.witnessKeys, [{ id: 'wendy', algorithm: wendy.algorithm, publicKey: wendy.publicKey }], 'the key main read from her file');
    assert.ok(!text.includes(pageKey));
    await r.call('ceremony:check-airgap', { override: { witnessId: 'wendy', reason: 'test', passphrase: witnessPassphrase('wendy') } });
    await signAs(r, 'wendy');
  });

  it('refuses an unencrypted witness key file', async () => {
    const r = (rig = ipcRig());
    const path = join(r.root, 'plain-wendy.json');
    writeFileSync(path, witnessKeyFileText('wendy', sha256(utf8ToBytes('plain wendy'))));
    const res = await r.raw('ceremony:load-witness-key', { path: await r.choose('witness-key', path) });
    assert.equal(res.ok ? 'loaded' : res.error.code, 'WITNESS_KEY_UNENCRYPTED');
    assert.deepEqual(await r.call('ceremony:witness-keys'), []);
  });
});
