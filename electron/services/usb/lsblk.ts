/**
 * Removable drives on Linux, from `lsblk --json -b -o NAME,LABEL,SIZE,RM,HOTPLUG,MOUNTPOINT,FSTYPE,RO,TRAN` and the
 * mount table (a file system mounted read-only is as unwritable as a locked stick).
 *
 * lsblk differs between versions: util-linux 2.33+ prints JSON booleans and numbers, older ones the strings "1"/"0"
 * and sizes as strings; 2.37+ may print MOUNTPOINTS (a list). Partitions do not repeat their disk's RM, HOTPLUG or
 * TRAN, so those are inherited from the parent.
 */
import { execFile } from 'node:child_process';
import { KeyshardError } from '../../../core/errors';
import { nodeUsbFs } from './fs';
import type { UsbFs } from './fs';
import type { DriveLister, RemovableDrive } from './types';

export const LSBLK_ARGS: readonly string[] = ['--json', '-b', '-o', 'NAME,LABEL,SIZE,RM,HOTPLUG,MOUNTPOINT,FSTYPE,RO,TRAN'];

interface LsblkDevice {
  readonly name?: unknown;
  readonly label?: unknown;
  readonly size?: unknown;
  readonly rm?: unknown;
  readonly hotplug?: unknown;
  readonly mountpoint?: unknown;
  readonly mountpoints?: unknown;
  readonly fstype?: unknown;
  readonly ro?: unknown;
  readonly tran?: unknown;
  readonly children?: unknown;
}

function flag(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true';
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

function bytes(v: unknown): number | null {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d+$/.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
  return null; // human-readable sizes ("14.9G") from an lsblk run without -b are not guessed at
}

function mountPointOf(d: LsblkDevice): string | null {
  const one = text(d.mountpoint);
  if (one !== null) return one;
  if (Array.isArray(d.mountpoints)) return d.mountpoints.map(text).find((m) => m !== null) ?? null;
  return null;
}

/** Mount points a ceremony must never write to even on a removable device (a live system booted from a stick). */
function isSystemMount(mountPoint: string): boolean {
  return mountPoint === '/' || mountPoint === '[SWAP]' || mountPoint === '/boot' || mountPoint.startsWith('/boot/') || mountPoint === '/run/live/medium';
}

/**
 * Removable or hot-plugged block devices with a mounted file system, from lsblk's JSON. Free space is not in it
 * (null here; the lister fills it in).
 */
export function parseLsblk(json: string): RemovableDrive[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new KeyshardError('INTERNAL', 'Could not read the list of drives (lsblk printed something that is not JSON). Choose the stick\'s folder by hand.');
  }
  const top = (parsed as { blockdevices?: unknown } | null)?.blockdevices;
  if (!Array.isArray(top)) {
    throw new KeyshardError('INTERNAL', 'Could not read the list of drives (lsblk printed no block devices). Choose the stick\'s folder by hand.');
  }
  const out: RemovableDrive[] = [];
  const walk = (devices: readonly unknown[], parent: { removable: boolean; readOnly: boolean; transport: string | null }) => {
    for (const raw of devices) {
      if (raw === null || typeof raw !== 'object') continue;
      const d = raw as LsblkDevice;
      const here = {
        removable: parent.removable || flag(d.rm) || flag(d.hotplug),
        readOnly: parent.readOnly || flag(d.ro),
        transport: text(d.tran) ?? parent.transport,
      };
      const mountPoint = mountPointOf(d);
      const name = text(d.name);
      if (name !== null && mountPoint !== null && !isSystemMount(mountPoint) && (here.removable || here.transport === 'usb')) {
        out.push({
          device: name,
          label: text(d.label),
          mountPoint,
          sizeBytes: bytes(d.size),
          freeBytes: null,
          readOnly: here.readOnly,
          fsType: text(d.fstype),
          transport: here.transport,
        });
      }
      if (Array.isArray(d.children)) walk(d.children, here);
    }
  };
  walk(top, { removable: false, readOnly: false, transport: null });
  return out;
}

/** Mount points mounted read-only, from /proc/self/mounts (octal escapes such as \040 for a space decoded). */
export function readOnlyMounts(mountsFile: string): Set<string> {
  const out = new Set<string>();
  for (const line of mountsFile.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 4) continue;
    const mountPoint = fields[1]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (fields[3]!.split(',').includes('ro')) out.add(mountPoint);
  }
  return out;
}

export type CommandRunner = (command: string, args: readonly string[]) => Promise<string>;

const runCommand: CommandRunner = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, [...args], { timeout: 10_000, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout);
    });
  });

export interface LinuxDriveListerDeps {
  readonly run?: CommandRunner;
  readonly fs?: UsbFs;
  readonly mountsPath?: string;
}

export function linuxDriveLister(deps: LinuxDriveListerDeps = {}): DriveLister {
  const run = deps.run ?? runCommand;
  const fs = deps.fs ?? nodeUsbFs;
  const mountsPath = deps.mountsPath ?? '/proc/self/mounts';
  return {
    async list() {
      let json: string;
      try {
        json = await run('lsblk', LSBLK_ARGS);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        throw new KeyshardError(
          'INTERNAL',
          `Could not list drives: lsblk failed (${typeof code === 'string' || typeof code === 'number' ? code : 'unknown'}). Choose the stick's folder by hand.`,
        );
      }
      let readOnly = new Set<string>();
      try {
        readOnly = readOnlyMounts(new TextDecoder().decode(await fs.readFile(mountsPath)));
      } catch {
        // without the mount table, only the device's own read-only flag is known; a write still reports EROFS
      }
      const drives = parseLsblk(json);
      return Promise.all(
        drives.map(async (d) => {
          let freeBytes: number | null = null;
          try {
            freeBytes = (await fs.statfs(d.mountPoint)).freeBytes;
          } catch {
            freeBytes = null;
          }
          return { ...d, freeBytes, readOnly: d.readOnly || readOnly.has(d.mountPoint) };
        }),
      );
    },
  };
}
