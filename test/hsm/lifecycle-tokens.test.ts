/**
 * Refresh / repair quorum shares read from custodians' PKCS#11 tokens (issue 17), on real SoftHSM2 tokens, through
 * the lifecycle service as main wires it (the hsm host's module opener): main reads the shard object of the share set
 * being repaired, as the recovery screen reads it. A wrong PIN, a pulled token, a token with no shard or another
 * set's shard are each refused with their own code and take nothing in; the envelope read off the token is wiped once
 * its share is held; no PIN in any answer, error or transcript.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { envelopeFromText, type Envelope } from '../../core/envelope';
import { KeyshardError } from '../../core/errors';
import { createHsmHost } from '../../electron/ipc/hsm-host';
import { openHsm, type HsmPort, type HsmSession } from '../../electron/services/hsm/index';
import { createLifecycleService } from '../../electron/services/lifecycle/index';
import type { CeremonyHsm } from '../../electron/services/ceremony/types';
import { allZero } from '../services/ceremony-harness';
import { nodeRandom, shardText, shareOfText, tickingClock, vssKeyCeremony } from '../helpers/lifecycle-fixture';
import { closeOpenedPorts, makeSoftHsm, SOFTHSM_MODULE, storeShardsOnToken, type SoftHsm } from './softhsm';
import { rejectsWithCode as rejects } from '../helpers/rejects-code';

const PIN = 'Pin-7q!Kx';
const WRONG_PIN = 'Wrong-3z?Vv';

let env: SoftHsm | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await closeOpenedPorts();
  env?.cleanup();
  env = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const storeOn = (label: string, envelopes: readonly Envelope[]): Promise<void> => storeShardsOnToken(label, PIN, envelopes);

/** The module as main hands it to the lifecycle service, keeping every envelope a session read off a token. */
function watchedHsm(inner: CeremonyHsm, read: Envelope[]): CeremonyHsm {
  const watch = (session: HsmSession): HsmSession =>
    new Proxy(session, {
      get(target, prop) {
        if (prop === 'readShard') {
          return async (id: string) => {
            const e = await target.readShard(id);
            read.push(e);
            return e;
          };
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  return {
    get modulePath() {
      return inner.modulePath;
    },
    open: async (path) => {
      const port = await inner.open(path);
      return new Proxy(port, {
        get(target, prop) {
          if (prop === 'openSession') return async (...a: Parameters<HsmPort['openSession']>) => watch(await target.openSession(...a));
          const v = Reflect.get(target, prop, target) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    },
  };
}

describe('lifecycle quorum shares from PKCS#11 tokens', () => {
  it("repairs Carol's share from Alice's and Bob's tokens; wrong PIN, pulled, empty and another set's token are refused and take nothing in", async () => {
    env = makeSoftHsm(['alice-token', 'bob-token', 'spare-token', 'other-token'], { pin: PIN });
    const id = '5a'.repeat(16);
    const kc = vssKeyCeremony('ed25519', 2, 3, id);
    const other = vssKeyCeremony('ed25519', 2, 3, '6b'.repeat(16));
    await storeOn('alice-token', [envelopeFromText(shardText(kc.deal, 0, hexToBytes(id)))]);
    await storeOn('bob-token', [envelopeFromText(shardText(kc.deal, 1, hexToBytes(id)))]);
    await storeOn('other-token', [envelopeFromText(shardText(other.deal, 0, hexToBytes('6b'.repeat(16))))]);

    const host = createHsmHost({ open: (path) => openHsm(path), known: [{ name: 'SoftHSM2', path: SOFTHSM_MODULE, note: 'tests' }] });
    const read: Envelope[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'keyshard-lifecycle-tokens-'));
    dirs.push(dir);
    const svc = createLifecycleService({ clock: tickingClock(), random: nodeRandom, transcriptDir: dir, airgap: { check: async () => ({ ok: true, interfaces: [] }) }, hsm: watchedHsm(host.ceremonyHsm, read) });
    const messages: string[] = [];
    const refused = async (input: Parameters<typeof svc.addShare>[0]['input'], code: string): Promise<KeyshardError> => {
      const e = await rejects(svc.addShare({ input }), code);
      messages.push(JSON.stringify({ m: e.message, d: e.details }));
      assert.deepEqual((await svc.status()).quorum, [], 'nothing taken in');
      return e;
    };
    try {
      await svc.start({ kind: 'repair', label: 'Lost share', sourceTranscript: kc.text, ciphersuite: 'ed25519', custodians: [{ id: 'carol', name: 'Carol', number: 3 }] });
      await svc.checkAirGap();

      const wrong = await refused({ token: { label: 'bob-token' }, pin: WRONG_PIN }, 'HSM_PIN_INCORRECT');
      assert.match(wrong.message, /PIN.*wrong/);
      const empty = await refused({ token: { label: 'spare-token' }, pin: PIN }, 'HSM_OBJECT_NOT_FOUND');
      assert.equal(empty.details?.['reason'], 'no-shard-of-ceremony');
      const foreign = await refused({ token: { label: 'other-token' }, pin: PIN }, 'HSM_OBJECT_NOT_FOUND');
      assert.deepEqual(foreign.details?.['otherCeremonies'], ['6b'.repeat(16)]);
      // Another set's shard asked for by its id is read, and refused against this repair's commitments.
      await refused({ token: { label: 'other-token' }, pin: PIN, ceremonyId: '6b'.repeat(16) }, 'VSS_SHARE_INVALID');
      env.removeToken('spare-token');
      const pulled = await refused({ token: { label: 'spare-token' }, pin: PIN }, 'HSM_TOKEN_ABSENT');
      assert.match(pulled.message, /not plugged in/);

      const before = read.length;
      const alice = await svc.addShare({ input: { token: { label: 'alice-token' }, pin: PIN } });
      assert.deepEqual(alice.quorum, [1]);
      assert.equal(read.length, before + 1);
      const bob = await svc.addShare({ input: { token: { label: 'bob-token' }, pin: PIN } });
      assert.deepEqual(bob.quorum, [1, 2]);
      // Every envelope read off a token (the refused one included) is wiped once main is done with it.
      assert.ok(read.length >= 3);
      for (const e of read) assert.ok(allZero(e.payload), 'an envelope read off a token was left unwiped');

      await svc.make();
      const view = await svc.handoff({ custodianId: 'carol' });
      assert.equal(bytesToHex(shareOfText(view.envelopeText).signingShare), bytesToHex(kc.deal.shares[2]!.signingShare));
      await svc.confirm({ custodianId: 'carol', method: 'type-back', response: { text: view.paperText } });
      await svc.destroy();
      assert.equal((await svc.seal()).status, 'sealed');
      const transcript = readFileSync((await svc.status()).transcriptPath, 'utf8');
      for (const text of [transcript, ...messages, JSON.stringify(alice), JSON.stringify(bob)]) {
        for (const pin of [PIN, WRONG_PIN]) assert.ok(!text.includes(pin), 'a PIN was kept');
        for (const s of kc.deal.shares.slice(0, 2)) assert.ok(!text.includes(bytesToHex(s.signingShare)), 'a quorum share was kept');
      }
    } finally {
      await svc.shutdown();
    }
  });
});
