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
  // Review M6/L6: mounts no system library lives on, on devices that are neither loop nor removable.
  '64 27 0:50 / /opt/fuse-kit rw,nosuid,nodev - fuse.sshfs alice@host:/kit rw',
  '65 27 0:51 / /opt/nfs-kit rw - nfs4 server:/kit rw',
  '66 27 0:52 / /usr/local/lib/ram rw - tmpfs tmpfs rw',
  '67 27 254:0 /srv/kit /usr/local/lib/bound rw,nosuid,nodev - ext4 /dev/vda rw',
  '68 27 254:2 / /opt/noexec rw,noexec - ext4 /dev/vdc rw',
  '69 27 254:3 / /opt/hardened rw,nodev,relatime - ext4 /dev/vdd rw',
  '70 27 0:53 / /opt/ntfs rw - fuseblk /dev/sdd1 rw',
].join('\n');

const SDC: RemovableDrive = { device: 'sdc1', label: 'KIT', mountPoint: '/opt/token kit', sizeBytes: 1, freeBytes: 1, readOnly: false, fsType: 'ext4', transport: 'usb' };

/** A folder on a checked path; any folder not listed is root's, mode 0755. */
interface FakeFolder {
  readonly uid?: number;
  readonly mode?: number;
  /** A link put where the folder was. */
  readonly link?: boolean;
}

function fakeDeps(files: Record<string, FakeFile>, drives: readonly RemovableDrive[] = [], folders: Record<string, FakeFolder> = {}) {
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
    folder: (p) => {
      const f = Object.hasOwn(folders, p) ? folders[p]! : {};
      return { isDirectory: () => f.link !== true, uid: f.uid ?? 0, mode: f.mode ?? 0o40755 };
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
    assert.equal(mounts.length, 13);
    assert.deepEqual(mounts[6]?.options, ['rw', 'nosuid', 'nodev']);
    assert.equal(mounts[6]?.fsType, 'fuse.sshfs');
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

  it('review M6/L1: refuses a module when any folder above it is not root\'s or is writable by group or others', async () => {
    const files = { '/usr/lib/vendor/pkcs11/libtoken.so': {}, '/opt/kit/lib/libtoken.so': {}, '/usr/lib/ok.so': {} };
    const cases: Array<[Record<string, FakeFolder>, string, string]> = [
      [{ '/usr/lib/vendor/pkcs11': { uid: 1000 } }, '/usr/lib/vendor/pkcs11/libtoken.so', 'folder-untrusted'],
      [{ '/usr/lib/vendor': { mode: 0o40775 } }, '/usr/lib/vendor/pkcs11/libtoken.so', 'folder-untrusted'],
      [{ '/opt': { mode: 0o41777 } }, '/opt/kit/lib/libtoken.so', 'folder-untrusted'],
      [{ '/': { uid: 1000 } }, '/usr/lib/ok.so', 'folder-untrusted'],
      [{ '/opt/kit': { link: true } }, '/opt/kit/lib/libtoken.so', 'changed'],
    ];
    for (const [folders, path, reason] of cases) {
      const f = fakeDeps(files, [], folders);
      assert.equal(await refusal(f.deps, path), reason, `${path} with ${JSON.stringify(folders)}`);
      assert.equal(f.openFds(), 0);
    }
    const e = await createModuleTrust(fakeDeps(files, [], { '/usr/lib/vendor': { uid: 1000 } }).deps)
      .open('/usr/lib/vendor/pkcs11/libtoken.so')
      .then(
        () => assert.fail('accepted'),
        (x: unknown) => x as KeyshardError,
      );
    assert.match(e.message, /\/usr\/lib\/vendor \(above \/usr\/lib\/vendor\/pkcs11\/libtoken\.so\) is owned by another user/);
    // Folders only the administrator can change: accepted (also with the read-only and sticky bits a system may set).
    (await createModuleTrust(fakeDeps(files, [], { '/usr/lib/vendor': { mode: 0o40555 } }).deps).open('/usr/lib/vendor/pkcs11/libtoken.so')).close();
  });

  it('review M6/L6: refuses mounts no system library lives on - nosuid, noexec, FUSE, network, memory - and allows nodev alone', async () => {
    const f = fakeDeps({
      '/opt/fuse-kit/libtoken.so': {},
      '/opt/nfs-kit/libtoken.so': {},
      '/usr/local/lib/ram/libtoken.so': {},
      '/usr/local/lib/bound/libtoken.so': {},
      '/opt/noexec/libtoken.so': {},
      '/opt/ntfs/libtoken.so': {},
      '/opt/hardened/libtoken.so': {},
    });
    const expect: Array<[string, string]> = [
      ['/opt/fuse-kit/libtoken.so', 'mount-type'],
      ['/opt/ntfs/libtoken.so', 'mount-type'],
      ['/opt/nfs-kit/libtoken.so', 'mount-type'],
      ['/usr/local/lib/ram/libtoken.so', 'mount-type'],
      // The system disk itself, bind-mounted nosuid,nodev as a stick's folder would be: the options give it away.
      ['/usr/local/lib/bound/libtoken.so', 'mount-options'],
      ['/opt/noexec/libtoken.so', 'mount-options'],
    ];
    for (const [path, reason] of expect) assert.equal(await refusal(f.deps, path), reason, path);
    assert.equal(f.openFds(), 0);
    const e = await createModuleTrust(f.deps)
      .open('/usr/local/lib/bound/libtoken.so')
      .then(
        () => assert.fail('accepted'),
        (x: unknown) => x as KeyshardError,
      );
    assert.match(e.message, /mounted nosuid \(at \/usr\/local\/lib\/bound\)/);
    assert.match(e.message, /Install the token's PKCS#11 module/);
    (await createModuleTrust(f.deps).open('/opt/hardened/libtoken.so')).close();
  });
});
