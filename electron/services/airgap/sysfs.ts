import type { InterfaceKind, RadioType } from './types';

/** The filesystem calls the Linux readers make; tests pass real temp directories or fakes. */
export interface SysFs {
  readdir(path: string): Promise<string[]>;
  readFile(path: string): Promise<string>;
  exists(path: string): Promise<boolean>;
}

export interface SysfsInterface {
  readonly name: string;
  readonly kind: InterfaceKind;
  readonly operstate: string | undefined;
  /** IFF_UP from `flags`, when readable. */
  readonly adminUp: boolean | undefined;
}

// ARPHRD_* values from linux/if_arp.h that we name; everything else is 'other' unless a directory says more.
const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;
const TUNNEL_TYPES = new Set([768 /* IPIP */, 769 /* IP6 tunnel */, 776 /* SIT */, 778 /* GRE */, 823 /* IP6GRE */, 65534 /* NONE: tun, wireguard */]);
const IFF_UP = 0x1;

async function readTrimmed(fs: SysFs, path: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(path)).trim();
  } catch {
    return undefined;
  }
}

function join(...parts: string[]): string {
  return parts.join('/').replace(/\/+/g, '/');
}

export async function classifyInterface(fs: SysFs, dir: string, name: string): Promise<InterfaceKind> {
  const type = Number(await readTrimmed(fs, join(dir, 'type')));
  if (type === ARPHRD_LOOPBACK || name === 'lo') return 'loopback';
  if ((await fs.exists(join(dir, 'wireless'))) || (await fs.exists(join(dir, 'phy80211')))) return 'wireless';
  if (await fs.exists(join(dir, 'bridge'))) return 'bridge';
  if (TUNNEL_TYPES.has(type)) return 'tunnel';
  if (type === ARPHRD_ETHER) {
    // Physical NICs have a `device` link; veth, dummy, docker bridges' ports and the like do not.
    return (await fs.exists(join(dir, 'device'))) ? 'ethernet' : 'virtual';
  }
  return 'other';
}

/** Lists /sys/class/net: every link the kernel knows, including ones that are up without an address. */
export async function readSysClassNet(fs: SysFs, root: string): Promise<SysfsInterface[]> {
  const names = (await fs.readdir(root)).filter((n) => !n.startsWith('.')).sort();
  const out: SysfsInterface[] = [];
  for (const name of names) {
    const dir = join(root, name);
    const flagsText = await readTrimmed(fs, join(dir, 'flags'));
    const flags = flagsText === undefined ? Number.NaN : Number.parseInt(flagsText, 16);
    out.push({
      name,
      kind: await classifyInterface(fs, dir, name),
      operstate: await readTrimmed(fs, join(dir, 'operstate')),
      adminUp: Number.isNaN(flags) ? undefined : (flags & IFF_UP) !== 0,
    });
  }
  return out;
}

export interface SysfsRadio {
  readonly name: string;
  readonly label: string | undefined;
  readonly type: RadioType;
  readonly softBlocked: boolean;
  readonly hardBlocked: boolean;
}

const RADIO_TYPES: ReadonlySet<string> = new Set(['wlan', 'bluetooth', 'wwan', 'nfc', 'gps', 'fm', 'uwb']);

/** Lists /sys/class/rfkill: Wi-Fi, Bluetooth and other radios with their soft (software) and hard (switch) blocks. */
export async function readSysClassRfkill(fs: SysFs, root: string): Promise<SysfsRadio[]> {
  const names = (await fs.readdir(root)).filter((n) => n.startsWith('rfkill')).sort();
  const out: SysfsRadio[] = [];
  for (const name of names) {
    const dir = join(root, name);
    const type = (await readTrimmed(fs, join(dir, 'type'))) ?? 'other';
    out.push({
      name,
      label: await readTrimmed(fs, join(dir, 'name')),
      type: (RADIO_TYPES.has(type) ? type : 'other') as RadioType,
      // An unreadable state counts as unblocked: the check errs towards reporting a radio as on.
      softBlocked: (await readTrimmed(fs, join(dir, 'soft'))) === '1',
      hardBlocked: (await readTrimmed(fs, join(dir, 'hard'))) === '1',
    });
  }
  return out;
}

/**
 * A link counts as up unless the kernel says it is not: IFF_UP clear, or operstate down / lowerlayerdown / notpresent.
 * `unknown` (tun devices, some drivers) and `dormant` (Wi-Fi not yet associated) count as up: they can carry traffic
 * or are about to.
 */
export function sysfsLinkUp(iface: SysfsInterface): boolean {
  if (iface.adminUp === false) return false;
  const state = iface.operstate;
  return !(state === 'down' || state === 'lowerlayerdown' || state === 'notpresent');
}
