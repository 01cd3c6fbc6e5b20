/**
 * The ceremony host's `usbFs` dependency: the file layer under its USB drive port. A fault injected there reaches the
 * USB custodian's handoff as the USB service's typed error, leaves nothing on the stick, and the same handoff with
 * the fault gone writes the file; without the dependency the real file layer is used.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../core/errors';
import type { CeremonyPlan } from '../../core/policy';
import { createCeremonyHost, type CeremonyHost } from '../../electron/ipc/ceremony-host';
import { createChosenDrivePort } from '../../electron/ipc/shard-file-port';
import { createCeremonyService } from '../../electron/services/ceremony/index';
import { createTranscriptStore, type TranscriptStore } from '../../electron/services/transcript-store/index';
import { nodeUsbFs, type UsbFs } from '../../electron/services/usb/fs';
import type { RemovableDrive } from '../../electron/services/usb/types';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { cleanTemps, custodianKeys, given, shown, signAs, slip39Plan, steppingClock, tempDir, type Keys } from '../services/ceremony-harness';
import { NETWORK_UP } from './ipc-harness';

const PASSPHRASE = 'usbfs test passphrase';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

/** A stick as the drive lister reports it. */
function stickAt(mountPoint: string, label: string | null, readOnly = false): RemovableDrive {
  return { device: 'sdb1', label, mountPoint, sizeBytes: 8e9, freeBytes: 7.9e9, readOnly, fsType: 'vfat', transport: 'usb' };
}

/** `store`: wraps the service's transcript store (a save that fails on demand). */
function hostWith(root: string, drives: readonly RemovableDrive[], usbFs?: UsbFs, store?: (inner: TranscriptStore) => TranscriptStore): CeremonyHost {
  const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
  return createCeremonyHost({
    listDrives: async () => drives,
    ceremoniesRoot: () => join(root, 'ceremonies'),
    createService: (transcriptDir, ports) =>
      createCeremonyService({
        clock: steppingClock(),
        random,
        airgap: { check: async () => NETWORK_UP },
        transcriptDir,
        usb: ports.usb,
        ...(store === undefined ? {} : { transcriptStore: store(createTranscriptStore(transcriptDir)) }),
      }),
    random,
    clock: () => new Date('2025-03-01T10:00:00.000Z'),
    ...(usbFs === undefined ? {} : { usbFs }),
  });
}

/** SLIP-39 2-of-4: Alice on paper, Bob on USB with TWO shares (two files on his stick), Carol on screen. */
function twoSharePlan(keys: Keys): CeremonyPlan {
  const p = slip39Plan(keys);
  const [alice, bob, carol] = p.custodians as [CeremonyPlan['custodians'][number], CeremonyPlan['custodians'][number], CeremonyPlan['custodians'][number]];
  return {
    ...p,
    scheme: { type: 'slip39', groupThreshold: 1, groups: [{ memberThreshold: 2, memberCount: 4 }] },
    custodians: [alice, { ...bob, shares: [{ group: 0, member: 1 }, { group: 0, member: 2 }] }, { ...carol, shares: [{ group: 0, member: 3 }] }],
  };
}

/** From the start to Bob's (USB) handoff: Alice (paper) confirmed, each checkpoint signed by Wendy. */
async function toBob(host: CeremonyHost, root: string, plan: CeremonyPlan = slip39Plan(k)): Promise<void> {
  const keyFile = join(root, 'wendy.key.json');
  writeFileSync(keyFile, sealWitnessKeySync('wendy', sha256(utf8ToBytes('keyshard host usbFs test wendy')), PASSPHRASE), { mode: 0o600 });
  await host.loadWitnessKey({ path: keyFile });
  await host.start({ plan });
  await host.checkAirGap({ override: { witnessId: 'wendy', reason: 'test', passphrase: PASSPHRASE } });
  await signAs(host, 'wendy', { passphrase: PASSPHRASE });
  await host.gatherEntropy({});
  await host.generate({});
  await signAs(host, 'wendy', { passphrase: PASSPHRASE });
  await host.split();
  await signAs(host, 'wendy', { passphrase: PASSPHRASE });
  const alice = await host.handoff({ custodianId: 'alice' });
  await host.confirm({ custodianId: 'alice', method: 'type-back', responses: [given({ text: shown(alice.shards[0]!).paperText })] });
  await signAs(host, 'wendy', { passphrase: PASSPHRASE });
  await host.receipt({ custodianId: 'alice' });
}

describe('ceremony host usbFs', () => {
  it('a fault in the injected file layer is the handoff\'s typed error; nothing is left; with the fault gone the same handoff writes the file', async () => {
    const root = tempDir('host-usbfs');
    const stick = tempDir('host-usbfs-stick');
    let refuse = true;
    const created: string[] = [];
    const usbFs: UsbFs = {
      ...nodeUsbFs,
      async createExclusive(path) {
        created.push(path);
        if (refuse) throw Object.assign(new Error('EROFS: injected'), { code: 'EROFS' });
        return nodeUsbFs.createExclusive(path);
      },
    };
    const host = hostWith(root, [stickAt(stick, 'BOB')], usbFs);
    try {
      await toBob(host, root);
      await assert.rejects(host.handoff({ custodianId: 'bob', drive: { mountPoint: stick, label: 'BOB' } }), (e: unknown) => {
        assert.ok(e instanceof KeyshardError);
        assert.equal(e.code, 'USB_READ_ONLY', e.message);
        assert.match(e.message, /The drive "BOB" .* cannot be written while/);
        // The system's name for it is for support only: in the details, not in the words a person reads.
        assert.doesNotMatch(e.message, /EROFS/);
        assert.equal((e.details as { errno?: unknown }).errno, 'EROFS');
        return true;
      });
      assert.equal(created.length, 1, 'the write went through the injected file layer');
      assert.deepEqual(readdirSync(stick), []);
      refuse = false;
      const bob = await host.handoff({ custodianId: 'bob', drive: { mountPoint: stick, label: 'BOB' } });
      assert.equal(bob.files.length, 1);
      assert.deepEqual(readdirSync(stick), [bob.files[0]!.fileName]);
      assert.equal(created.length, 2);
      // Writing Bob's file again repeats the handoff: refused, nothing written, until the step-repeated exception is
      // recorded with Wendy's signature. Confirming instead would drop the unrecorded ask (checked further down).
      await assert.rejects(host.handoff({ custodianId: 'bob', drive: { mountPoint: stick } }), (e: unknown) => e instanceof KeyshardError && e.code === 'EXCEPTION_NEEDED');
      assert.equal(created.length, 2, 'nothing written before the exception');
      assert.deepEqual((await host.status()).exceptionNeeded && { ...(await host.status()).exceptionNeeded, what: '' }, { stepId: 'handoff', custodianId: 'bob', deviation: 'step-repeated', number: '7.2', what: '' });
      await host.recordException({ reason: 'The stick was pulled before the read-back.', witnessId: 'wendy', passphrase: PASSPHRASE });
      // The rewrite fails: confirmation then waits for a rewrite (the earlier file is not trusted).
      refuse = true;
      await assert.rejects(host.handoff({ custodianId: 'bob', drive: { mountPoint: stick } }), (e: unknown) => {
        assert.ok(e instanceof KeyshardError);
        assert.match(e.message, /Write Bob's file again before confirming/);
        return true;
      });
      await assert.rejects(host.confirm({ custodianId: 'bob', method: 'read-back-usb' }), (e: unknown) => e instanceof KeyshardError && e.code === 'USB_REMOVED');
      // The exception still stands for the write that failed: the next try goes ahead without another.
      refuse = false;
      await host.handoff({ custodianId: 'bob', drive: { mountPoint: stick } });
      // Once written, it is used up: a third write asks again; confirming instead drops that ask.
      await assert.rejects(host.handoff({ custodianId: 'bob', drive: { mountPoint: stick } }), (e: unknown) => e instanceof KeyshardError && e.code === 'EXCEPTION_NEEDED');
      const confirmed = await host.confirm({ custodianId: 'bob', method: 'read-back-usb' });
      assert.ok(confirmed.status.confirmed.includes('bob'));
      assert.equal(confirmed.status.exceptionNeeded, null);
      const kinds = (JSON.parse((await host.transcript())?.text ?? '{}') as { entries: { kind: string }[] }).entries.map((e) => e.kind);
      assert.equal(kinds.filter((k) => k === 'exception').length, 2, 'the air-gap override and the one rewrite');
      assert.equal(kinds.filter((k) => k === 'handoff').length, 2, 'one handoff each for Alice and Bob');
    } finally {
      await host.shutdown();
    }
  });

  it('without usbFs the host writes through the real file layer', async () => {
    const root = tempDir('host-realfs');
    const stick = tempDir('host-realfs-stick');
    const host = hostWith(root, [stickAt(stick, null)]);
    try {
      await toBob(host, root);
      const bob = await host.handoff({ custodianId: 'bob', drive: { mountPoint: stick } });
      assert.deepEqual(readdirSync(stick), [bob.files[0]!.fileName]);
    } finally {
      await host.shutdown();
    }
  });

  it('writes only to a drive the lister lists now, with the lister\'s facts: an unlisted folder and a read-only stick are refused, nothing written', async () => {
    const root = tempDir('host-listed');
    const unlisted = tempDir('host-listed-internal-disk');
    const locked = tempDir('host-listed-locked');
    const untouched: UsbFs = { ...nodeUsbFs, createExclusive: async () => assert.fail('nothing may be written'), readdir: async () => assert.fail('not even looked at') };
    // The renderer claims the locked stick is writable and names another label: main uses the lister's facts.
    const host = hostWith(root, [stickAt(locked, 'LOCKED', true)], untouched);
    try {
      await toBob(host, root);
      const before = await host.status();
      await assert.rejects(host.handoff({ custodianId: 'bob', drive: { mountPoint: unlisted, label: 'BOB' } }), (e: unknown) => {
        assert.ok(e instanceof KeyshardError);
        assert.equal(e.code, 'USB_REMOVED');
        assert.equal(e.details?.['reason'], 'not-listed');
        return true;
      });
      await assert.rejects(host.handoff({ custodianId: 'bob', drive: { mountPoint: `${locked}/`, label: 'LOCKED' } }), (e: unknown) => e instanceof KeyshardError && e.code === 'USB_REMOVED');
      await assert.rejects(host.handoff({ custodianId: 'bob', drive: { mountPoint: locked, label: 'ANYTHING' } }), (e: unknown) => {
        assert.ok(e instanceof KeyshardError);
        assert.equal(e.code, 'USB_READ_ONLY');
        assert.match(e.message, /LOCKED/);
        return true;
      });
      assert.deepEqual(readdirSync(unlisted), []);
      assert.deepEqual(readdirSync(locked), []);
      assert.deepEqual(await host.status(), before, 'the ceremony did not move');
    } finally {
      await host.shutdown();
    }
  });
  it('a first handoff whose second file fails removes the first file it wrote; nothing recorded; with the fault gone both files are written', async () => {
    const root = tempDir('host-partial');
    const stick = tempDir('host-partial-stick');
    let failSecond = true;
    let creates = 0;
    const removed: string[] = [];
    const usbFs: UsbFs = {
      ...nodeUsbFs,
      async createExclusive(path) {
        creates++;
        // The second file of the attempt: the stick fills up mid-handoff.
        if (failSecond && creates === 2) throw Object.assign(new Error('ENOSPC: injected'), { code: 'ENOSPC' });
        return nodeUsbFs.createExclusive(path);
      },
      async unlink(path) {
        removed.push(path);
        return nodeUsbFs.unlink(path);
      },
    };
    const host = hostWith(root, [stickAt(stick, 'BOB')], usbFs);
    try {
      await toBob(host, root, twoSharePlan(k));
      const before = await host.status();
      await assert.rejects(host.handoff({ custodianId: 'bob', drive: { mountPoint: stick, label: 'BOB' } }), (e: unknown) => {
        assert.ok(e instanceof KeyshardError);
        assert.equal(e.code, 'USB_NO_SPACE', e.message);
        assert.equal(e.details?.['custodianId'], 'bob');
        assert.match(e.message, /The ceremony has not moved on\. The file written before the failure was removed from the stick\./);
        return true;
      });
      assert.equal(creates, 2, 'the first file was written, the second failed');
      assert.deepEqual(readdirSync(stick), [], 'the first file is gone too');
      assert.ok(removed.some((p) => /-s1\.age$/.test(p)), 'the first file was removed through the port');
      assert.deepEqual(await host.status(), before, 'nothing was recorded');

      failSecond = false;
      const bob = await host.handoff({ custodianId: 'bob', drive: { mountPoint: stick, label: 'BOB' } });
      assert.deepEqual(bob.files.map((f) => f.fileName.replace(/^.*-(s\d)\.age$/, '$1')), ['s1', 's2']);
      assert.deepEqual(readdirSync(stick).sort(), bob.files.map((f) => f.fileName).sort());
      const confirmed = await host.confirm({ custodianId: 'bob', method: 'read-back-usb' });
      assert.ok(confirmed.status.confirmed.includes('bob'));
    } finally {
      await host.shutdown();
    }
  });

  it('a first handoff whose record fails after its files were written removes them; with the transcript writable again the handoff goes through', async () => {
    const root = tempDir('host-unrecorded');
    const stick = tempDir('host-unrecorded-stick');
    let refuseSave = false;
    const store = (inner: TranscriptStore): TranscriptStore => ({
      ...inner,
      async saveTranscript(t) {
        if (refuseSave) throw new KeyshardError('TRANSCRIPT_WRITE', 'The transcript could not be saved (injected): the disk is full.');
        return inner.saveTranscript(t);
      },
    });
    const host = hostWith(root, [stickAt(stick, 'BOB')], undefined, store);
    try {
      await toBob(host, root, twoSharePlan(k));
      const before = await host.status();
      refuseSave = true;
      await assert.rejects(host.handoff({ custodianId: 'bob', drive: { mountPoint: stick, label: 'BOB' } }), (e: unknown) => {
        assert.ok(e instanceof KeyshardError);
        assert.equal(e.code, 'TRANSCRIPT_WRITE', e.message);
        assert.equal(e.details?.['custodianId'], 'bob');
        assert.match(e.message, /handoff could not be recorded.*The files written before the failure were removed from the stick\./);
        return true;
      });
      assert.deepEqual(readdirSync(stick), [], 'no unrecorded shard file is left on the stick');
      assert.deepEqual(await host.status(), before);
      refuseSave = false;
      const bob = await host.handoff({ custodianId: 'bob', drive: { mountPoint: stick, label: 'BOB' } });
      assert.equal(bob.files.length, 2);
      assert.deepEqual(readdirSync(stick).sort(), bob.files.map((f) => f.fileName).sort());
    } finally {
      await host.shutdown();
    }
  });

  it('the drive port removes only files it wrote, fsyncs the folder after, and takes a file already gone as removed', async () => {
    const stick = tempDir('port-remove');
    const synced: string[] = [];
    const port = createChosenDrivePort({ ...nodeUsbFs, syncDir: async (path) => void synced.push(path) });
    const name = `keyshard-${'ab'.repeat(16)}-c1.age`;
    const stranger = join(stick, `keyshard-${'cd'.repeat(16)}-c2.age`); // another ceremony's file, same stick
    writeFileSync(stranger, 'not written by this port');
    port.choose('bob', { mountPoint: stick });
    const { location } = await port.write({ custodianId: 'bob', fileName: name, data: new Uint8Array([1, 2, 3]) });
    await assert.rejects(port.remove({ location: stranger }), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT');
    assert.equal(readFileSync(stranger, 'utf8'), 'not written by this port');
    synced.length = 0;
    await port.remove({ location });
    assert.deepEqual(readdirSync(stick), [stranger.slice(stick.length + 1)]);
    assert.deepEqual(synced, [stick]);
    const again = await port.write({ custodianId: 'bob', fileName: name, data: new Uint8Array([4]) });
    await nodeUsbFs.unlink(again.location);
    await port.remove({ location: again.location });
  });
});
