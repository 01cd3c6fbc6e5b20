/**
 * The custody check, the quorum drill and a signer's laptop take a custodian's shard read by main off their USB stick
 * or their PKCS#11 token (issue 17), through the reading code refresh/repair and recovery use (recovery/sources.ts):
 * real SoftHSM2 tokens through the hsm host's module opener, a fake stick (a folder the drive lister lists). A wrong
 * PIN, a pulled token, a token with no shard of the ceremony, a file of another ceremony and a wrong opening key are
 * each refused with their own code and take nothing in; every envelope read off a device is wiped once used; no PIN
 * in any answer or error.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { decodeEnvelope, envelopeToText, type Envelope } from '../../core/envelope';
import { KeyshardError } from '../../core/errors';
import { serializeTranscript } from '../../core/transcript';
import { createHsmHost } from '../../electron/ipc/hsm-host';
import { createDrillSession } from '../../electron/services/custody/drill';
import { createHeldShardSlot } from '../../electron/services/custody/held-shard';
import { runCustodyCheck } from '../../electron/services/custody/index';
import { openHsm } from '../../electron/services/hsm/index';
import { generateAgeIdentity, protectEnvelopeText } from '../../electron/services/protection/index';
import { type DeviceShardReader, deviceShardReader } from '../../electron/services/recovery/sources';
import { createSignerSession, createSigningCoordinator } from '../../electron/services/signing/index';
import { shardFileName } from '../../electron/services/usb/shard-files';
import type { RemovableDrive } from '../../electron/services/usb/types';
import { custodyCeremony, type CustodyCeremony } from '../helpers/custody-fixture';
import { allZero } from '../services/ceremony-harness';
import { closeOpenedPorts, makeSoftHsm, SOFTHSM_MODULE, storeShardsOnToken, type SoftHsm } from './softhsm';
import { rejectsWithCode as rejects } from '../helpers/rejects-code';

const PIN = 'Pin-7q!Kx';
const WRONG_PIN = 'Wrong-3z?Vv';
const clock = () => new Date('2026-12-08T10:00:00.000Z');
const random = (n: number) => new Uint8Array(randomBytes(n));

let env: SoftHsm | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await closeOpenedPorts();
  env?.cleanup();
  env = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Rig {
  readonly kc: CustodyCeremony;
  readonly other: CustodyCeremony;
  readonly stick: string;
  readonly ageIdentity: string;
  readonly strangerIdentity: string;
  /** Main's reader, keeping every envelope it read off a device (to see that each is wiped). */
  readonly readDevice: DeviceShardReader;
  readonly read: Envelope[];
  unplug(): void;
}

/**
 * Alice's shard on her stick encrypted with age, Bob's unencrypted, another ceremony's shard on the same stick; Carol's
 * shard on her token, a spare token with no shard, and a token holding another ceremony's shard.
 */
async function rig(seed: number): Promise<Rig> {
  env = makeSoftHsm(['carol-token', 'spare-token', 'other-token'], { pin: PIN });
  const kc = custodyCeremony('ed25519', seed);
  const other = custodyCeremony('ed25519', seed + 1);
  await storeShardsOnToken('carol-token', PIN, [decodeEnvelope(kc.shards[2]!)]);
  await storeShardsOnToken('other-token', PIN, [decodeEnvelope(other.shards[2]!)]);
  const root = mkdtempSync(join(tmpdir(), 'keyshard-shard-devices-'));
  dirs.push(root);
  const stick = join(root, 'ALICE');
  mkdirSync(stick);
  const age = await generateAgeIdentity();
  const stranger = await generateAgeIdentity();
  const text = (e: Uint8Array) => envelopeToText(decodeEnvelope(e));
  writeFileSync(join(stick, shardFileName(kc.ceremonyId, 0, '.age')), (await protectEnvelopeText(text(kc.shards[0]!), { kind: 'age', recipient: age.recipient })).data as string);
  writeFileSync(join(stick, shardFileName(kc.ceremonyId, 1, '.txt')), text(kc.shards[1]!));
  writeFileSync(join(stick, shardFileName(other.ceremonyId, 0, '.txt')), text(other.shards[0]!));
  let plugged: RemovableDrive[] = [{ device: 'sdb1', label: 'ALICE', mountPoint: stick, sizeBytes: null, freeBytes: null, readOnly: false, fsType: 'vfat', transport: 'usb' }];
  const host = createHsmHost({ open: (path) => openHsm(path), known: [{ name: 'SoftHSM2', path: SOFTHSM_MODULE, note: 'tests' }] });
  const real = deviceShardReader({ hsm: host.ceremonyHsm, listDrives: async () => plugged });
  const read: Envelope[] = [];
  const readDevice: DeviceShardReader = async (input, ceremonyId) => {
    const r = await real(input, ceremonyId);
    read.push(r.envelope);
    return r;
  };
  return { kc, other, stick, ageIdentity: age.identity, strangerIdentity: stranger.identity, readDevice, read, unplug: () => (plugged = []) };
}

function noPinIn(texts: readonly string[]): void {
  for (const t of texts) for (const pin of [PIN, WRONG_PIN]) assert.ok(!t.includes(pin), 'a PIN was kept');
}

const said = (e: KeyshardError): string => JSON.stringify({ m: e.message, d: e.details });

describe('custody check, drill and signer take a shard read off a USB stick or a PKCS#11 token', () => {
  it('custody check: the shard read and held by main, checked and wiped; wrong PIN, pulled or empty token, wrong key and another ceremony refused', async () => {
    const r = await rig(81);
    const slot = createHeldShardSlot({ readDevice: r.readDevice });
    const transcriptText = serializeTranscript(r.kc.file);
    const alice = { driveFile: { mountPoint: r.stick, file: shardFileName(r.kc.ceremonyId, 0, '.age') } };
    const messages: string[] = [];
    const refused = async (p: Promise<unknown>, code: string): Promise<KeyshardError> => {
      const e = await rejects(p, code);
      messages.push(said(e));
      assert.equal(slot.view(), null, 'nothing held');
      return e;
    };

    const wrong = await refused(slot.read({ token: { label: 'carol-token' }, pin: WRONG_PIN }), 'HSM_PIN_INCORRECT');
    assert.match(wrong.message, /PIN/);
    const empty = await refused(slot.read({ token: { label: 'spare-token' }, pin: PIN }), 'HSM_OBJECT_NOT_FOUND');
    assert.equal(empty.details?.['reason'], 'no-shard');
    await refused(slot.read(alice), 'ENVELOPE_DECRYPT');
    await refused(slot.read({ ...alice, openingKey: { kind: 'age', identity: r.strangerIdentity } }), 'ENVELOPE_DECRYPT');
    env!.removeToken('spare-token');
    const pulled = await refused(slot.read({ token: { label: 'spare-token' }, pin: PIN }), 'HSM_TOKEN_ABSENT');
    assert.match(pulled.message, /not plugged in/);
    assert.throws(() => slot.take(), (e: KeyshardError) => e.code === 'CEREMONY_TRANSITION');

    // Alice's age-encrypted file from her stick, opened with her identity: held, then checked as if typed.
    const held = await slot.read({ ...alice, openingKey: { kind: 'age', identity: r.ageIdentity } });
    assert.deepEqual(held, { ceremonyId: r.kc.ceremonyId, custodianIndex: 0, custodianLabel: 'alice', source: 'usb' });
    const a = await runCustodyCheck({ transcriptText, finalHash: r.kc.file.entries.at(-1)!.hash, shard: { envelope: slot.take() } }, clock);
    assert.equal(a.receipt.custodianId, 'alice');
    assert.equal(a.receipt.result, 'verified');
    assert.equal(slot.view(), null, 'taken by the check');

    // Carol's shard off her token (the only one on it).
    assert.equal((await slot.read({ token: { label: 'carol-token' }, pin: PIN })).source, 'token');
    const c = await runCustodyCheck({ transcriptText, shard: { envelope: slot.take() } }, clock);
    assert.equal(c.receipt.custodianId, 'carol');
    assert.equal(c.receipt.checkedAgainst, 'commitments');

    // A file of another ceremony on the stick is read, and refused by the check against this transcript.
    await slot.read({ driveFile: { mountPoint: r.stick, file: shardFileName(r.other.ceremonyId, 0, '.txt') } });
    messages.push(said(await rejects(runCustodyCheck({ transcriptText, shard: { envelope: slot.take() } }, clock), 'CUSTODY_OTHER_CEREMONY')));

    // Held, then a failed read (the stick pulled): the one held before is wiped, nothing is held.
    await slot.read({ driveFile: { mountPoint: r.stick, file: shardFileName(r.kc.ceremonyId, 1, '.txt') } });
    r.unplug();
    await refused(slot.read({ driveFile: { mountPoint: r.stick, file: shardFileName(r.kc.ceremonyId, 1, '.txt') } }), 'USB_REMOVED');
    assert.equal(r.read.length, 4);
    for (const e of r.read) assert.ok(allZero(e.payload), 'an envelope read off a device was left unwiped');
    noPinIn([...messages, JSON.stringify(a), JSON.stringify(c)]);
  });

  it('quorum drill: shards from a stick and a token rebuild the recorded key; refusals take nothing in; all wiped', async () => {
    const r = await rig(83);
    const drill = createDrillSession({ clock, readDevice: r.readDevice });
    drill.start({ transcriptText: serializeTranscript(r.kc.file) });
    const messages: string[] = [];
    const refused = async (input: Parameters<typeof drill.readShard>[0], code: string): Promise<KeyshardError> => {
      const e = await rejects(drill.readShard(input), code);
      messages.push(said(e));
      assert.deepEqual(drill.status()!.shards, [], 'nothing taken in');
      return e;
    };
    await refused({ token: { label: 'carol-token' }, pin: WRONG_PIN }, 'HSM_PIN_INCORRECT');
    // The token is asked for this drill's ceremony: another ceremony's shard is named, not read.
    const foreign = await refused({ token: { label: 'other-token' }, pin: PIN }, 'HSM_OBJECT_NOT_FOUND');
    assert.deepEqual(foreign.details?.['otherCeremonies'], [r.other.ceremonyId]);
    await refused({ driveFile: { mountPoint: r.stick, file: shardFileName(r.other.ceremonyId, 0, '.txt') } }, 'CUSTODY_OTHER_CEREMONY');
    await refused({ driveFile: { mountPoint: r.stick, file: shardFileName(r.kc.ceremonyId, 0, '.age') }, openingKey: { kind: 'age', identity: r.strangerIdentity } }, 'ENVELOPE_DECRYPT');
    env!.removeToken('spare-token');
    await refused({ token: { label: 'spare-token' }, pin: PIN }, 'HSM_TOKEN_ABSENT');

    const one = await drill.readShard({ driveFile: { mountPoint: r.stick, file: shardFileName(r.kc.ceremonyId, 0, '.age') }, openingKey: { kind: 'age', identity: r.ageIdentity } });
    assert.deepEqual(one.shards.map((s) => s.custodianId), ['alice']);
    await rejects(drill.readShard({ driveFile: { mountPoint: r.stick, file: shardFileName(r.kc.ceremonyId, 0, '.age') }, openingKey: { kind: 'age', identity: r.ageIdentity } }), 'DUPLICATE_SHARE');
    assert.equal(drill.status()!.shards.length, 1);
    const two = await drill.readShard({ token: { label: 'carol-token' }, pin: PIN });
    assert.deepEqual(two.shards.map((s) => s.custodianId), ['alice', 'carol']);
    const out = await drill.run({});
    assert.equal(out.fingerprint, r.kc.fingerprint);
    assert.deepEqual(out.custodians, ['alice', 'carol']);
    for (const e of r.read) assert.ok(allZero(e.payload), 'an envelope read off a device was left unwiped');
    noPinIn([...messages, JSON.stringify(out)]);
  });

  it("signer's laptop: the share read off a token or a stick stays in main for the round; the signature verifies", async () => {
    const r = await rig(85);
    const message = new TextEncoder().encode('keyshard');
    const carol = createSignerSession({ random, readDevice: r.readDevice });
    const bob = createSignerSession({ random, readDevice: r.readDevice });
    const messages: string[] = [];
    for (const [input, code] of [
      [{ token: { label: 'carol-token' }, pin: WRONG_PIN }, 'HSM_PIN_INCORRECT'],
      [{ token: { label: 'spare-token' }, pin: PIN }, 'HSM_OBJECT_NOT_FOUND'],
      [{ driveFile: { mountPoint: r.stick, file: shardFileName(r.kc.ceremonyId, 0, '.age') } }, 'ENVELOPE_DECRYPT'],
    ] as const) {
      messages.push(said(await rejects(carol.readShard(input), code)));
      assert.equal(carol.status().loaded, false);
    }
    const loaded = await carol.readShard({ token: { label: 'carol-token' }, pin: PIN });
    assert.equal(loaded.label, 'carol');
    assert.equal((await bob.readShard({ driveFile: { mountPoint: r.stick, file: shardFileName(r.kc.ceremonyId, 1, '.txt') } })).label, 'bob');
    // A failed read later leaves the loaded share as it was.
    await rejects(carol.readShard({ token: { label: 'carol-token' }, pin: WRONG_PIN }), 'HSM_PIN_INCORRECT');
    assert.equal(carol.status().label, 'carol');

    const coordinator = createSigningCoordinator({ clock });
    coordinator.start({ transcriptText: serializeTranscript(r.kc.file), message, label: 'Sign keyshard', witnesses: [] });
    coordinator.addCommitment(carol.commit().commitmentQr!);
    coordinator.addCommitment(bob.commit().commitmentQr!);
    const request = coordinator.makeRequest().requestQr!;
    carol.readRequest([...request]);
    bob.readRequest([...request]);
    coordinator.addShare(carol.sign().shareQr!);
    coordinator.addShare(bob.sign().shareQr!);
    const st = coordinator.aggregate();
    assert.equal(ed25519.verify(hexToBytes(st.signature!), message, hexToBytes(st.verifyingKey!)), true);
    for (const e of r.read) assert.ok(allZero(e.payload), 'an envelope read off a device was left unwiped');
    noPinIn([...messages, JSON.stringify(carol.status()), JSON.stringify(bob.status())]);
    carol.clear();
    bob.clear();
  });
});
