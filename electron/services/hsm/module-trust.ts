/**
 * Whether a PKCS#11 module may be loaded into main. A module is native code: loading it runs its constructors with
 * every secret main holds, so only a library the system itself carries is accepted:
 *
 * - its real path (links resolved) lies under a system library folder (SYSTEM_LIBRARY_DIRS);
 * - it is a regular file owned by root and not writable by group or others, and so is every folder above it (a folder
 *   another user may write lets them swap the file, or put a library beside it that it loads by $ORIGIN);
 * - the mount that holds it is not a removable drive (the drive lister's lsblk view), not a loop image (a system
 *   library is never on one, and a disk image is how a stick's contents are carried in) and not mounted below
 *   /media, /mnt or /run/media - a stick formatted ext4 carries root ownership with it, so ownership alone proves
 *   nothing about where a file came from;
 * - the mount is none a system library lives on: not nosuid or noexec (how media and scratch space are mounted; the
 *   system's own /usr never is, its setuid programs would stop working), not FUSE or a network file system (there
 *   the owner and mode are whatever a user-space daemon or another machine says), not a memory file system (tmpfs,
 *   ramfs: its files were put there since boot). nodev alone is allowed: hardened systems mount /usr and /opt so.
 *
 * The file is opened once (no link followed at the last step) and every fact is read from that open descriptor, then
 * it is loaded through `/proc/self/fd/<fd>`: the loader maps the very file that was checked, even if the path is
 * changed between the check and the load (loading by the path would open whatever is there by then).
 *
 * The file system is reached only through ModuleTrustDeps so the rules unit-test without root.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { KeyshardError } from '../../../core/errors';
import type { RemovableDrive } from '../usb/types';

export const SYSTEM_LIBRARY_DIRS: readonly string[] = ['/usr/lib', '/usr/lib64', '/usr/local/lib', '/lib', '/lib64', '/opt'];
/** Where desktops and people mount sticks and other media. */
export const MEDIA_MOUNT_DIRS: readonly string[] = ['/media', '/mnt', '/run/media'];
/** Mount options no system library's mount has (nodev alone is allowed: hardened systems mount /usr and /opt nodev). */
export const REFUSED_MOUNT_OPTIONS: readonly string[] = ['nosuid', 'noexec'];
/** File systems where owner and mode are what another machine or a user-space daemon says, or made since boot. */
const NETWORK_FS = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', '9p', 'ceph', 'glusterfs', 'afs', 'davfs', 'sshfs', 'lustre']);
const MEMORY_FS = new Set(['tmpfs', 'ramfs']);
/** Block major number of loop devices (Documentation/admin-guide/devices.txt). */
const LOOP_MAJOR = 7;

const LIBRARY_NAME = /\.(so(\.\d+)*|dylib|dll)$/i;

/** The facts of an open file the rules use (a subset of fs.Stats). */
export interface ModuleFileFacts {
  isFile(): boolean;
  readonly uid: number;
  readonly mode: number;
  readonly dev: number;
}

/** The facts of a folder read without following a link (a subset of fs.Stats from lstat). */
export interface FolderFacts {
  isDirectory(): boolean;
  readonly uid: number;
  readonly mode: number;
}

export interface ModuleTrustDeps {
  readonly platform: NodeJS.Platform;
  realpath(path: string): string;
  /** Opens read-only without following a link at the last step; returns the descriptor. */
  open(path: string): number;
  /** The path the kernel has for an open descriptor (readlink /proc/self/fd/N on Linux). */
  pathOf(fd: number): string;
  fstat(fd: number): ModuleFileFacts;
  /** lstat of a folder on the checked file's real path. */
  folder(path: string): FolderFacts;
  close(fd: number): void;
  /** The text of /proc/self/mountinfo. */
  mountInfo(): string;
  /** Removable drives mounted now (lsblk through the USB service's drive lister). */
  removableDrives(): Promise<readonly RemovableDrive[]>;
}

/** A module file that passed the rules, still open: load it by loadPath, then close it. */
export interface TrustedModule {
  /** The path as it was asked for. */
  readonly path: string;
  /** The real path that was checked. */
  readonly realPath: string;
  /** What to hand the loader: the open descriptor's /proc path on Linux, the checked real path elsewhere. */
  readonly loadPath: string;
  close(): void;
}

export interface ModuleTrust {
  /** Every rule but the removable-drive one (which needs lsblk): for picking a default without waiting. */
  openSync(path: string): TrustedModule;
  /** Every rule. Throws HSM_MODULE with details.reason naming the rule that failed. */
  open(path: string): Promise<TrustedModule>;
}

export interface MountEntry {
  readonly mountPoint: string;
  /** "major:minor" of the mounted device. */
  readonly device: string;
  readonly source: string;
  readonly fsType: string;
  /** Per-mount options (rw, nosuid, nodev, noexec, ...). */
  readonly options: readonly string[];
}

const decodeOctal = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Mounts from /proc/self/mountinfo, in mount order (a later entry at the same point covers an earlier one). */
export function parseMountInfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (fields.length < 7 || dash < 6 || fields.length < dash + 3) continue;
    out.push({
      device: fields[2]!,
      mountPoint: decodeOctal(fields[4]!),
      options: fields[5]!.split(','),
      fsType: fields[dash + 1]!,
      source: decodeOctal(fields[dash + 2]!),
    });
  }
  return out;
}

/** Whether `path` is `dir` or lies below it (by whole path components). */
export function isUnder(path: string, dir: string): boolean {
  if (dir === '/') return path.startsWith('/');
  return path === dir || path.startsWith(`${dir}/`);
}

/** The mount holding `realPath`: the longest mount point that is a prefix of it, the last mounted when repeated. */
export function mountHolding(mounts: readonly MountEntry[], realPath: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const m of mounts) if (isUnder(realPath, m.mountPoint) && (best === undefined || m.mountPoint.length >= best.mountPoint.length)) best = m;
  return best;
}

/** "major:minor" of a Linux st_dev (glibc's gnu_dev_major/minor encoding). */
export function deviceNumbers(dev: number): string {
  const d = BigInt(dev);
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
  const minor = (d & 0xffn) | ((d >> 12n) & 0xffffff00n);
  return `${major}:${minor}`;
}

const isLoop = (device: string, source: string): boolean => device.startsWith(`${LOOP_MAJOR}:`) || /^\/dev\/loop\d+(p\d+)?$/.test(source);

function refused(reason: string, message: string, path: string): KeyshardError {
  return new KeyshardError('HSM_MODULE', message, { reason, path });
}

/** The folders above a file, nearest first, up to and including the root: /usr/lib/a.so gives /usr/lib, /usr, /. */
export function foldersAbove(realPath: string): string[] {
  const out: string[] = [];
  for (let i = realPath.lastIndexOf('/'); i > 0; i = realPath.lastIndexOf('/', i - 1)) out.push(realPath.slice(0, i));
  out.push('/');
  return out;
}

const INSTALL_HINT = "Install the token's PKCS#11 module with its system package or installer (it goes to /usr/lib or /opt), then choose it there.";

export function createModuleTrust(deps: ModuleTrustDeps): ModuleTrust {
  function openSync(path: string): TrustedModule {
    if (typeof path !== 'string' || !isAbsolute(path) || !LIBRARY_NAME.test(path)) {
      throw refused(
        'not-a-module',
        'That is not a PKCS#11 module keyshard can load: give the full path of the library file (ending in .so, .dylib or .dll) that exists on this machine.',
        String(path),
      );
    }
    let realPath: string;
    try {
      realPath = deps.realpath(path);
    } catch {
      throw refused('not-found', `There is no file at ${path}. Check the path (for example with ls), or choose one of the modules found on this machine.`, path);
    }
    if (deps.platform !== 'linux') return openOtherSystem(path, realPath);
    if (!SYSTEM_LIBRARY_DIRS.some((d) => isUnder(realPath, d)) || MEDIA_MOUNT_DIRS.some((d) => isUnder(realPath, d))) {
      throw refused(
        'outside-system-folders',
        `keyshard loads PKCS#11 modules only from the system library folders (${SYSTEM_LIBRARY_DIRS.join(', ')}), and ${path} is not in one${realPath === path ? '' : ` (it leads to ${realPath})`}. ${INSTALL_HINT}`,
        path,
      );
    }
    let fd: number;
    try {
      fd = deps.open(realPath);
    } catch {
      throw refused('not-found', `Could not open ${path} (it changed while it was checked, or cannot be read). Choose it again.`, path);
    }
    try {
      // The facts below are read from the open file, not from the path: they describe exactly what will be loaded.
      if (deps.pathOf(fd) !== realPath) {
        throw refused('changed', `${path} changed while it was being checked. Choose it again; if this repeats, something on this machine is swapping files.`, path);
      }
      const facts = deps.fstat(fd);
      if (!facts.isFile()) throw refused('not-a-file', `${path} is not a regular file. Choose the library file itself.`, path);
      if (facts.uid !== 0 || (facts.mode & 0o022) !== 0) {
        throw refused(
          'untrusted',
          `keyshard loads only a PKCS#11 module installed on this machine by its administrator (owned by root, not writable by other users), and ${path} is not. ${INSTALL_HINT}`,
          path,
        );
      }
      checkFolders(path, realPath);
      checkMount(path, realPath, deviceNumbers(facts.dev));
      const loadPath = `/proc/self/fd/${fd}`;
      let open = true;
      return {
        path,
        realPath,
        loadPath,
        close: () => {
          if (open) deps.close(fd);
          open = false;
        },
      };
    } catch (e) {
      deps.close(fd);
      throw e;
    }
  }

  /** Every folder above the real path: a folder, owned by root, not writable by group or others. */
  function checkFolders(path: string, realPath: string): void {
    for (const dir of foldersAbove(realPath)) {
      let f: FolderFacts;
      try {
        f = deps.folder(dir);
      } catch {
        throw refused('changed', `${path} changed while it was being checked (${dir} is gone). Choose it again.`, path);
      }
      // lstat: a folder swapped for a link since realpath resolved it is not a folder.
      if (!f.isDirectory()) throw refused('changed', `${path} changed while it was being checked (${dir} is no longer a folder). Choose it again.`, path);
      if (f.uid !== 0 || (f.mode & 0o022) !== 0) {
        throw refused(
          'folder-untrusted',
          `keyshard loads a PKCS#11 module only from folders that only the administrator can change, and ${dir} (above ${path}) is ${f.uid !== 0 ? 'owned by another user' : 'writable by other users'}: anyone who can write there could replace the module or what it loads. ${INSTALL_HINT}`,
          path,
        );
      }
    }
  }

  /** The mount rules from the mount table; `device` is the file's own major:minor. */
  function checkMount(path: string, realPath: string, device: string): void {
    let mounts: MountEntry[];
    try {
      mounts = parseMountInfo(deps.mountInfo());
    } catch {
      mounts = [];
    }
    const mount = mountHolding(mounts, realPath);
    if (mount === undefined) {
      throw refused('mount-unknown', `Could not tell which drive holds ${path} (the mount table could not be read), so it is not loaded. Restart keyshard; if this repeats, report it.`, path);
    }
    const onMedia = (m: MountEntry): boolean => MEDIA_MOUNT_DIRS.some((d) => isUnder(m.mountPoint, d));
    // The same device mounted under /media as well (a bind mount of a stick) is a stick wherever else it appears.
    const sameDevice = mounts.filter((m) => m.device === mount.device || m.device === device);
    if (isLoop(device, '') || sameDevice.some((m) => isLoop(m.device, m.source))) {
      throw refused(
        'loop-image',
        `${path} is on a disk image mounted through a loop device, not on this machine's own disk: a system library is never there, and keyshard does not load native code from one. ${INSTALL_HINT}`,
        path,
      );
    }
    if (sameDevice.some(onMedia)) {
      throw refused('removable', removableMessage(path), path);
    }
    const fs = mount.fsType;
    if (fs === 'fuse' || fs.startsWith('fuse.') || fs === 'fuseblk' || NETWORK_FS.has(fs) || MEMORY_FS.has(fs)) {
      const what = MEMORY_FS.has(fs)
        ? 'a memory file system (its files were put there since the machine started)'
        : NETWORK_FS.has(fs)
          ? 'a network file system (its owner and permissions are what another machine says)'
          : 'a FUSE file system (its owner and permissions are what a user-space program says)';
      throw refused('mount-type', `${path} is on ${what} (${fs}, mounted at ${mount.mountPoint}), where a system library never is; keyshard does not load native code from there. ${INSTALL_HINT}`, path);
    }
    const option = REFUSED_MOUNT_OPTIONS.find((o) => mount.options.includes(o));
    if (option !== undefined) {
      throw refused(
        'mount-options',
        `${path} is on a drive mounted ${option} (at ${mount.mountPoint}), as sticks, media and scratch space are mounted and the system's own library folders never are; keyshard does not load native code from there. ${INSTALL_HINT}`,
        path,
      );
    }
  }

  function openOtherSystem(path: string, realPath: string): TrustedModule {
    // Outside Linux there is no mount table or /proc: the owner and permission rules, loading the checked real path.
    let fd: number;
    try {
      fd = deps.open(realPath);
    } catch {
      throw refused('not-found', `Could not open ${path}. Check the path and choose it again.`, path);
    }
    try {
      const facts = deps.fstat(fd);
      if (!facts.isFile()) throw refused('not-a-file', `${path} is not a regular file. Choose the library file itself.`, path);
      if (deps.platform !== 'win32' && (facts.uid !== 0 || (facts.mode & 0o022) !== 0)) {
        throw refused('untrusted', `keyshard loads only a PKCS#11 module installed by the administrator (owned by root, not writable by other users), and ${path} is not. ${INSTALL_HINT}`, path);
      }
      if (deps.platform !== 'win32') checkFolders(path, realPath);
    } catch (e) {
      deps.close(fd);
      throw e;
    }
    let open = true;
    return {
      path,
      realPath,
      loadPath: realPath,
      close: () => {
        if (open) deps.close(fd);
        open = false;
      },
    };
  }

  return {
    openSync,
    async open(path) {
      const m = openSync(path);
      if (deps.platform !== 'linux') return m;
      try {
        let drives: readonly RemovableDrive[];
        try {
          drives = await deps.removableDrives();
        } catch {
          throw refused('drives-unknown', `Could not list the removable drives (lsblk failed), so keyshard cannot tell whether ${path} is on one; it is not loaded. Try again.`, path);
        }
        const mounts = parseMountInfo(deps.mountInfo());
        const mount = mountHolding(mounts, m.realPath);
        const removablePoints = new Set(drives.map((d) => d.mountPoint));
        // Any mount of the same device at a removable drive's mount point makes this mount that drive too.
        const devices = new Set(mounts.filter((x) => removablePoints.has(x.mountPoint)).map((x) => x.device));
        if (mount === undefined || removablePoints.has(mount.mountPoint) || devices.has(mount.device)) {
          throw refused('removable', removableMessage(path), path);
        }
        return m;
      } catch (e) {
        m.close();
        throw e;
      }
    },
  };
}

function removableMessage(path: string): string {
  return `${path} is on a removable drive (a USB stick, card or other media), and keyshard never loads native code from one. ${INSTALL_HINT}`;
}

/** The rules on this machine's real file system, with `removableDrives` from the USB service's drive lister. */
export function nodeModuleTrust(removableDrives: () => Promise<readonly RemovableDrive[]>): ModuleTrust {
  return createModuleTrust({
    platform: process.platform,
    realpath: (p) => realpathSync(p),
    // O_NONBLOCK: a FIFO put at a library's path cannot hang the open; fstat then refuses it as not a regular file.
    open: (p) => openSync(p, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)),
    pathOf: (fd) => readlinkSync(`/proc/self/fd/${fd}`),
    fstat: (fd) => fstatSync(fd),
    folder: (p) => lstatSync(p),
    close: (fd) => {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    },
    mountInfo: () => readFileSync('/proc/self/mountinfo', 'utf8'),
    removableDrives,
  });
}
