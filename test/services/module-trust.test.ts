/**
 * The PKCS#11 module rules (electron/services/hsm/module-trust.ts) over a fake file system, mount table and drive
 * list, so every rule is tried without root: system folders only, root-owned and not writable by others, never on a
 * removable drive, a loop image or a mount under /media, /mnt or /run/media (also when the same device is bind-mounted
 * into a system folder), and the file is checked and loaded through one open descriptor.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import { createModuleTrust, deviceNumbers, mountHolding, parseMountInfo, type ModuleTrustDeps } from '../../electron/services/hsm/module-trust';
import type { RemovableDrive } from '../../electron/services/usb/types';

interface FakeFile {
  readonly uid?: number;
  readonly mode?: number;
  readonly dev?: number;
  readonly regular?: boolean;
  /** A link: realpath leads here. */
  readonly linkTo?: string;
}

const ROOT_DEV = (254 << 8) | 0; // 254:0, as /dev/vda here
const STICK_DEV = (8 << 8) | 17; // 8:17, sdb1
const LOOP_DEV = (7 << 8) | 3; // 7:3, loop3

const MOUNTINFO = [
  '22 27 0:21 / /proc rw,relatime - proc proc rw',
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '60 27 8:17 / /media/alice/STICK rw,nosuid,nodev - ext4 /dev/sdb1 rw',
  '61 27 8:17 / /usr/local/lib/pkcs11-bind rw - ext4 /dev/sdb1 rw',
  '62 27 7:3 / /usr/local/lib/keyshard-image rw,nosuid,nodev - ext4 /dev/loop3 rw',
  '63 27 8:33 / /opt/token\\040kit rw - ext4 /dev/sdc1 rw',
].join('\n');

const SDC: RemovableDrive = { device: 'sdc1', label: 'KIT', mountPoint: '/opt/token kit', sizeBytes: 1, freeBytes: 1, readOnly: false, fsType: 'ext4', transport: 'usb' };

function fakeDeps(files: Record<string, FakeFile>, drives: readonly RemovableDrive[] = []) {
  const fds = new Map<number, string>();
  let next = 20;
  const log: string[] = [];
  const real = (p: string): string => {
    const f = files[p];
    if (f === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return f.linkTo === undefined ? p : real(f.linkTo);
  };
  const deps: ModuleTrustDeps = {
    platform: 'linux',
    realpath: real,
    open: (p) => {
      if (files[p] === undefined || files[p]!.linkTo !== undefined) throw new Error('ELOOP or ENOENT');
      const fd = next++;
      fds.set(fd, p);
      log.push(`open ${p}`);
      return fd;
    },
    pathOf: (fd) => fds.get(fd)!,
    fstat: (fd) => {
      const f = files[fds.get(fd)!]!;
      return { isFile: () => f.regular ?? true, uid: f.uid ?? 0, mode: f.mode ?? 0o100644, dev: f.dev ?? ROOT_DEV };
    },
    close: (fd) => {
      log.push(`close ${fds.get(fd)}`);
      fds.delete(fd);
    },
    mountInfo: () => MOUNTINFO,
    removableDrives: async () => drives,
  };
  return { deps, log, openFds: () => fds.size };
}

async function refusal(deps: ModuleTrustDeps, path: string): Promise<string> {
  const trust = createModuleTrust(deps);
  try {
    (await trust.open(path)).close();
  } catch (e) {
    assert.ok(e instanceof KeyshardError, String(e));
    assert.equal(e.code, 'HSM_MODULE');
    assert.ok(!/\/proc\/self/.test(e.message), e.message);
    return String(e.details?.['reason']);
  }
  assert.fail(`${path} was accepted`);
}

describe('PKCS#11 module trust rules', () => {
  it('accepts a root-owned library in a system folder on the system disk, through its real path, loaded by the descriptor checked', async () => {
    const f = fakeDeps({
      '/usr/lib/softhsm/libsofthsm2.so': { linkTo: '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so' },
      '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so': {},
    });
    const m = await createModuleTrust(f.deps).open('/usr/lib/softhsm/libsofthsm2.so');
    assert.equal(m.realPath, '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so');
    assert.equal(m.loadPath, '/proc/self/fd/20');
    assert.equal(f.openFds(), 1, 'the checked file stays open until it is loaded');
    m.close();
    m.close();
    assert.equal(f.openFds(), 0);
    assert.deepEqual(f.log, ['open /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', 'close /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so']);
  });

  it('refuses each broken rule with its own reason, and leaves no file open', async () => {
    const f = fakeDeps(
      {
        '/tmp/x/libpkcs11.so': {},
        '/home/alice/lib/libpkcs11.so': {},
        '/usr/lib/link-to-stick.so': { linkTo: '/media/alice/STICK/libpkcs11.so' },
        '/media/alice/STICK/libpkcs11.so': { dev: STICK_DEV },
        '/usr/local/lib/pkcs11-bind/libpkcs11.so': { dev: STICK_DEV },
        '/usr/local/lib/keyshard-image/libpkcs11.so': { dev: LOOP_DEV },
        '/opt/token kit/libpkcs11.so': { dev: (8 << 8) | 33 },
        '/usr/lib/foreign.so': { uid: 1000 },
        '/usr/lib/writable.so': { mode: 0o100666 },
        '/usr/lib/group-writable.so': { mode: 0o100664 },
        '/usr/lib/fifo.so': { regular: false },
        '/usr/lib/ok.so': {},
      },
      [SDC],
    );
    const expect: Array<[string, string]> = [
      ['relative/libpkcs11.so', 'not-a-module'],
      ['/usr/lib/libpkcs11.txt', 'not-a-module'],
      ['/usr/lib/absent.so', 'not-found'],
      ['/tmp/x/libpkcs11.so', 'outside-system-folders'],
      ['/home/alice/lib/libpkcs11.so', 'outside-system-folders'],
      ['/usr/lib/link-to-stick.so', 'outside-system-folders'],
      ['/usr/local/lib/pkcs11-bind/libpkcs11.so', 'removable'],
      ['/usr/local/lib/keyshard-image/libpkcs11.so', 'loop-image'],
      ['/opt/token kit/libpkcs11.so', 'removable'],
      ['/usr/lib/foreign.so', 'untrusted'],
      ['/usr/lib/writable.so', 'untrusted'],
      ['/usr/lib/group-writable.so', 'untrusted'],
      ['/usr/lib/fifo.so', 'not-a-file'],
    ];
    for (const [path, reason] of expect) assert.equal(await refusal(f.deps, path), reason, path);
    assert.equal(f.openFds(), 0, 'a refused file was left open');
    (await createModuleTrust(f.deps).open('/usr/lib/ok.so')).close();
  });

  it('says which rule and what to do, in plain words', async () => {
    const f = fakeDeps({ '/usr/lib/link-to-stick.so': { linkTo: '/media/alice/STICK/libpkcs11.so' }, '/media/alice/STICK/libpkcs11.so': { dev: STICK_DEV } });
    const e = await createModuleTrust(f.deps)
      .open('/usr/lib/link-to-stick.so')
      .then(
        () => assert.fail('accepted'),
        (x: unknown) => x as KeyshardError,
      );
    assert.match(e.message, /only from the system library folders \(\/usr\/lib, \/usr\/lib64, \/usr\/local\/lib, \/lib, \/lib64, \/opt\)/);
    assert.match(e.message, /it leads to \/media\/alice\/STICK\/libpkcs11\.so/);
    assert.match(e.message, /Install the token's PKCS#11 module with its system package/);
  });

  it('refuses a file swapped between the path check and the open, and fails closed when the drives cannot be listed', async () => {
    const f = fakeDeps({ '/usr/lib/ok.so': {} });
    const swapped: ModuleTrustDeps = { ...f.deps, pathOf: () => '/media/alice/STICK/evil.so' };
    assert.equal(await refusal(swapped, '/usr/lib/ok.so'), 'changed');
    const noLsblk: ModuleTrustDeps = { ...f.deps, removableDrives: async () => Promise.reject(new Error('lsblk: not found')) };
    assert.equal(await refusal(noLsblk, '/usr/lib/ok.so'), 'drives-unknown');
    const noMounts: ModuleTrustDeps = { ...f.deps, mountInfo: () => '' };
    assert.equal(await refusal(noMounts, '/usr/lib/ok.so'), 'mount-unknown');
    assert.equal(f.openFds(), 0);
  });

  it('openSync applies every rule but the drive list (for a default picked without waiting)', () => {
    const f = fakeDeps({ '/opt/token kit/libpkcs11.so': { dev: (8 << 8) | 33 }, '/usr/lib/ok.so': {} }, [SDC]);
    const trust = createModuleTrust(f.deps);
    trust.openSync('/opt/token kit/libpkcs11.so').close();
    assert.throws(() => trust.openSync('/tmp/libpkcs11.so'), (e: unknown) => e instanceof KeyshardError && e.details?.['reason'] === 'not-found');
    trust.openSync('/usr/lib/ok.so').close();
  });

  it('reads the mount table and device numbers as the kernel writes them', () => {
    const mounts = parseMountInfo(MOUNTINFO);
    assert.equal(mounts.length, 6);
    assert.equal(mounts[5]?.mountPoint, '/opt/token kit');
    assert.equal(mountHolding(mounts, '/usr/lib/x.so')?.mountPoint, '/');
    assert.equal(mountHolding(mounts, '/usr/local/lib/keyshard-image/a/b.so')?.source, '/dev/loop3');
    assert.equal(mountHolding(mounts, '/usr/local/lib/keyshard-imagex/b.so')?.mountPoint, '/', 'a prefix counts only by whole folder names');
    // A later mount at the same point covers the earlier one.
    const over = parseMountInfo(`${MOUNTINFO}\n70 27 7:9 / / rw - ext4 /dev/loop9 rw`);
    assert.equal(mountHolding(over, '/usr/lib/x.so')?.device, '7:9');
    assert.equal(deviceNumbers(ROOT_DEV), '254:0');
    assert.equal(deviceNumbers(LOOP_DEV), '7:3');
    // Minor numbers above 255 (e.g. 259:300, NVMe partitions) use the split encoding.
    assert.equal(deviceNumbers((300 & 0xff) | (259 << 8) | ((300 & ~0xff) << 12)), '259:300');
  });
});
