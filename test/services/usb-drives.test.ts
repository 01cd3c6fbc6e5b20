/** Finding removable drives: lsblk's JSON in its several versions, the mount table, free space, fakes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import { LSBLK_ARGS, linuxDriveLister, nodeUsbFs, parseLsblk, readOnlyMounts } from '../../electron/services/usb/index';
import type { UsbFs } from '../../electron/services/usb/index';

/** util-linux 2.38 (Debian 12) with -b: booleans and numbers; partitions do not repeat rm/hotplug/tran. */
const LSBLK_238 = JSON.stringify({
  blockdevices: [
    { name: 'nvme0n1', label: null, size: 512110190592, rm: false, hotplug: false, mountpoint: null, fstype: null, ro: false, tran: 'nvme',
      children: [
        { name: 'nvme0n1p1', label: null, size: 536870912, rm: false, hotplug: false, mountpoint: '/boot/efi', fstype: 'vfat', ro: false, tran: null },
        { name: 'nvme0n1p2', label: null, size: 511572271104, rm: false, hotplug: false, mountpoint: '/', fstype: 'ext4', ro: false, tran: null },
      ] },
    { name: 'sdb', label: null, size: 15938355200, rm: true, hotplug: true, mountpoint: null, fstype: null, ro: false, tran: 'usb',
      children: [{ name: 'sdb1', label: 'KEYS-ALICE', size: 15937306624, rm: false, hotplug: false, mountpoint: '/media/ceremony/KEYS-ALICE', fstype: 'vfat', ro: false, tran: null }] },
    { name: 'sdc', label: 'LOCKED', size: 4026531840, rm: true, hotplug: true, mountpoint: '/media/ceremony/LOCKED', fstype: 'exfat', ro: true, tran: 'usb' },
    { name: 'sdd', label: null, size: 8053063680, rm: true, hotplug: true, mountpoint: null, fstype: null, ro: false, tran: 'usb',
      children: [{ name: 'sdd1', label: 'NOT-MOUNTED', size: 8052015104, rm: true, hotplug: true, mountpoint: null, fstype: 'vfat', ro: false, tran: null }] },
    { name: 'mmcblk0', label: null, size: 31914983424, rm: false, hotplug: true, mountpoint: null, fstype: null, ro: false, tran: null,
      children: [{ name: 'mmcblk0p1', label: 'SDCARD', size: 31913934848, rm: false, hotplug: false, mountpoint: '/media/ceremony/SDCARD', fstype: 'exfat', ro: false, tran: null }] },
    { name: 'sde', label: null, size: 4026531840, rm: true, hotplug: true, mountpoint: null, fstype: null, ro: false, tran: 'usb',
      children: [{ name: 'sde1', label: 'LIVE', size: 4026531840, rm: true, hotplug: true, mountpoint: '/run/live/medium', fstype: 'iso9660', ro: true, tran: null }] },
    { name: 'sr0', label: null, size: 1073741312, rm: true, hotplug: false, mountpoint: null, fstype: null, ro: false, tran: 'sata' },
  ],
});

/** Older lsblk (util-linux 2.29-2.32): "0"/"1" strings, sizes as strings. */
const LSBLK_OLD = JSON.stringify({
  blockdevices: [
    { name: 'sda', label: null, size: '250059350016', rm: '0', hotplug: '0', mountpoint: null, fstype: null, ro: '0', tran: 'sata',
      children: [{ name: 'sda1', label: null, size: '250058301440', rm: '0', hotplug: '0', mountpoint: '/', fstype: 'ext4', ro: '0', tran: null }] },
    { name: 'sdb', label: null, size: '16008609792', rm: '1', hotplug: '1', mountpoint: null, fstype: null, ro: '0', tran: 'usb',
      children: [{ name: 'sdb1', label: 'BOB', size: '16007561216', rm: '1', hotplug: '1', mountpoint: '/media/bob/BOB', fstype: 'vfat', ro: '0', tran: null }] },
  ],
});

/** util-linux 2.37+ when asked for MOUNTPOINTS: a list (null entries for unmounted). */
const LSBLK_MOUNTPOINTS = JSON.stringify({
  blockdevices: [{ name: 'sdf', label: 'CAROL', size: 2000000000, rm: true, hotplug: true, mountpoints: [null, '/media/carol/CAROL'], fstype: 'vfat', ro: false, tran: 'usb' }],
});

describe('parseLsblk', () => {
  it('keeps mounted removable or hot-plugged file systems (inheriting the disk\'s flags) and skips system mounts', () => {
    const drives = parseLsblk(LSBLK_238);
    assert.deepEqual(
      drives.map((d) => [d.device, d.label, d.mountPoint, d.sizeBytes, d.readOnly, d.fsType, d.transport]),
      [
        ['sdb1', 'KEYS-ALICE', '/media/ceremony/KEYS-ALICE', 15937306624, false, 'vfat', 'usb'],
        ['sdc', 'LOCKED', '/media/ceremony/LOCKED', 4026531840, true, 'exfat', 'usb'],
        ['mmcblk0p1', 'SDCARD', '/media/ceremony/SDCARD', 31913934848, false, 'exfat', null],
      ],
    );
    assert.ok(drives.every((d) => d.freeBytes === null), 'free space comes from the lister, not lsblk');
  });

  it('reads the string flags and sizes of older lsblk, and the MOUNTPOINTS list of newer', () => {
    assert.deepEqual(
      parseLsblk(LSBLK_OLD).map((d) => [d.device, d.label, d.mountPoint, d.sizeBytes, d.readOnly]),
      [['sdb1', 'BOB', '/media/bob/BOB', 16007561216, false]],
    );
    assert.deepEqual(
      parseLsblk(LSBLK_MOUNTPOINTS).map((d) => [d.device, d.mountPoint]),
      [['sdf', '/media/carol/CAROL']],
    );
    // Human-readable sizes (lsblk without -b) are not guessed at.
    const human = JSON.stringify({ blockdevices: [{ name: 'sdg', size: '14.9G', rm: true, mountpoint: '/media/x', tran: 'usb' }] });
    assert.equal(parseLsblk(human)[0]!.sizeBytes, null);
  });

  it('refuses output that is not lsblk JSON with a typed error', () => {
    for (const bad of ['', 'not json', '{}', '{"blockdevices": 3}']) {
      assert.throws(() => parseLsblk(bad), (e: unknown) => e instanceof KeyshardError && e.code === 'INTERNAL' && /folder by hand/.test(e.message));
    }
  });
});

describe('readOnlyMounts', () => {
  it('finds read-only mounts in /proc/self/mounts, decoding escaped spaces', () => {
    const mounts = [
      '/dev/vda1 / ext4 rw,relatime 0 0',
      '/dev/sdb1 /media/ceremony/KEYS-ALICE vfat rw,nosuid,nodev,relatime,uid=1000 0 0',
      '/dev/sdh1 /media/ceremony/MY\\040STICK vfat ro,nosuid,nodev 0 0',
      '/dev/sdi1 /media/ceremony/rox exfat rw,rootcontext=ro 0 0',
      '',
    ].join('\n');
    assert.deepEqual([...readOnlyMounts(mounts)], ['/media/ceremony/MY STICK']);
  });
});

describe('linuxDriveLister', () => {
  const fakeFs = (free: Record<string, number>, mounts: string): UsbFs => ({
    ...nodeUsbFs,
    async statfs(path) {
      const f = free[path];
      if (f === undefined) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
      return { freeBytes: f, totalBytes: f * 2 };
    },
    async readFile(path) {
      assert.equal(path, '/proc/self/mounts');
      return new TextEncoder().encode(mounts);
    },
  });

  it('runs lsblk with the documented columns and adds free space and mount read-only state', async () => {
    const calls: [string, readonly string[]][] = [];
    const lister = linuxDriveLister({
      run: async (command, args) => {
        calls.push([command, args]);
        return LSBLK_238;
      },
      fs: fakeFs({ '/media/ceremony/KEYS-ALICE': 15_000_000_000, '/media/ceremony/LOCKED': 1_000_000 }, '/dev/mmcblk0p1 /media/ceremony/SDCARD exfat ro 0 0\n'),
    });
    const drives = await lister.list();
    assert.deepEqual(calls, [['lsblk', LSBLK_ARGS]]);
    assert.deepEqual(LSBLK_ARGS, ['--json', '-b', '-o', 'NAME,LABEL,SIZE,RM,HOTPLUG,MOUNTPOINT,FSTYPE,RO,TRAN']);
    assert.deepEqual(
      drives.map((d) => [d.device, d.freeBytes, d.readOnly]),
      [
        ['sdb1', 15_000_000_000, false],
        ['sdc', 1_000_000, true],
        ['mmcblk0p1', null, true], // free space unreadable (unmounted meanwhile): null, not a failure
      ],
    );
  });

  it('a missing lsblk is a typed error, and an unreadable mount table is not fatal', async () => {
    const missing = linuxDriveLister({
      run: async () => {
        throw Object.assign(new Error('spawn lsblk ENOENT'), { code: 'ENOENT' });
      },
    });
    await assert.rejects(missing.list(), (e: unknown) => e instanceof KeyshardError && e.code === 'INTERNAL' && /ENOENT/.test(e.message));
    const noMounts = linuxDriveLister({
      run: async () => LSBLK_OLD,
      fs: {
        ...nodeUsbFs,
        statfs: async () => ({ freeBytes: 5, totalBytes: 10 }),
        readFile: async () => {
          throw Object.assign(new Error('nope'), { code: 'EACCES' });
        },
      },
    });
    assert.deepEqual((await noMounts.list()).map((d) => [d.device, d.readOnly, d.freeBytes]), [['sdb1', false, 5]]);
  });

  it('runs against this machine\'s real lsblk', async () => {
    const drives = await linuxDriveLister().list();
    // A build machine usually has no stick; whatever is listed must be mounted, and never the root file system.
    for (const d of drives) {
      assert.ok(d.mountPoint.startsWith('/'));
      assert.notEqual(d.mountPoint, '/');
    }
  });
});
