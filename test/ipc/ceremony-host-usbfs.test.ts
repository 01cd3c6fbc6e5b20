/**
 * The ceremony host's `usbFs` dependency: the file layer under its USB drive port. A fault injected there reaches the
 * USB custodian's handoff as the USB service's typed error, leaves nothing on the stick, and the same handoff with
 * the fault gone writes the file; without the dependency the real file layer is used.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../core/errors';
import { createCeremonyHost, type CeremonyHost } from '../../electron/ipc/ceremony-host';
import { createCeremonyService } from '../../electron/services/ceremony/index';
import { nodeUsbFs, type UsbFs } from '../../electron/services/usb/fs';
import type { RemovableDrive } from '../../electron/services/usb/types';
import { witnessKeyFileText } from '../../electron/services/witness/index';
import { cleanTemps, custodianKeys, nodePbkdf2, slip39Plan, steppingClock, tempDir, type Keys } from '../services/ceremony-harness';
import { NETWORK_UP } from './ipc-harness';

let k: Keys;
before(async () => {
  k = await custodianKeys();
});
after(cleanTemps);

/** A stick as the drive lister reports it. */
function stickAt(mountPoint: string, label: string | null, readOnly = false): RemovableDrive {
  return { device: 'sdb1', label, mountPoint, sizeBytes: 8e9, freeBytes: 7.9e9, readOnly, fsType: 'vfat', transport: 'usb' };
}

function hostWith(root: string, drives: readonly RemovableDrive[], usbFs?: UsbFs): CeremonyHost {
  const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
  return createCeremonyHost({
    listDrives: async () => drives,
    ceremoniesRoot: () => join(root, 'ceremonies'),
    createService: (transcriptDir, ports) =>
      createCeremonyService({ clock: steppingClock(), random, airgap: { check: async () => NETWORK_UP }, transcriptDir, usb: ports.usb, pbkdf2: nodePbkdf2 }),
    random,
    clock: () => new Date('2025-03-01T10:00:00.000Z'),
    ...(usbFs === undefined ? {} : { usbFs }),
  });
}

/** From the start to Bob's (USB) handoff: Alice (paper) confirmed, each checkpoint signed by Wendy. */
async function toBob(host: CeremonyHost, root: string): Promise<void> {
  const keyFile = join(root, 'wendy.key.json');
  writeFileSync(keyFile, witnessKeyFileText('wendy', sha256(utf8ToBytes('keyshard host usbFs test wendy'))), { mode: 0o600 });
  await host.loadWitnessKey({ path: keyFile });
  await host.start({ plan: slip39Plan(k) });
  await host.checkAirGap({ override: { witnessId: 'wendy', reason: 'test' } });
  await host.signOff({ witnessId: 'wendy' });
  await host.gatherEntropy({});
  await host.generate({});
  await host.signOff({ witnessId: 'wendy' });
  await host.split();
  await host.signOff({ witnessId: 'wendy' });
  const alice = await host.handoff({ custodianId: 'alice' });
  await host.confirm({ custodianId: 'alice', method: 'type-back', responses: [{ text: alice.shards[0]!.paperText! }] });
  await host.signOff({ witnessId: 'wendy' });
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
        assert.match(e.message, /The drive "BOB" .* cannot be written \(EROFS\)/);
        return true;
      });
      assert.equal(created.length, 1, 'the write went through the injected file layer');
      assert.deepEqual(readdirSync(stick), []);
      refuse = false;
      const bob = await host.handoff({ custodianId: 'bob', drive: { mountPoint: stick, label: 'BOB' } });
      assert.equal(bob.files.length, 1);
      assert.deepEqual(readdirSync(stick), [bob.files[0]!.fileName]);
      assert.equal(created.length, 2);
      // Writing Bob's file again fails: confirmation then waits for a rewrite (the earlier file is not trusted).
      refuse = true;
      await assert.rejects(host.handoff({ custodianId: 'bob', drive: { mountPoint: stick } }), (e: unknown) => {
        assert.ok(e instanceof KeyshardError);
        assert.match(e.message, /Write Bob's file again before confirming/);
        return true;
      });
      await assert.rejects(host.confirm({ custodianId: 'bob', method: 'read-back-usb' }), (e: unknown) => e instanceof KeyshardError && e.code === 'USB_REMOVED');
      refuse = false;
      await host.handoff({ custodianId: 'bob', drive: { mountPoint: stick } });
      const confirmed = await host.confirm({ custodianId: 'bob', method: 'read-back-usb' });
      assert.ok(confirmed.status.confirmed.includes('bob'));
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
});
