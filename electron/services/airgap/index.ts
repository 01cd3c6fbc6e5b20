import { access, readdir, readFile } from 'node:fs/promises';
import { networkInterfaces as osNetworkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { readSysClassNet, readSysClassRfkill, sysfsLinkUp, type SysFs, type SysfsInterface } from './sysfs';
import type { AirGapProblem, AirGapReport, InterfaceKind, NetworkInterfaceReport, RadioReport } from './types';

export type { AirGapProblem, AirGapReport, InterfaceKind, NetworkInterfaceReport, RadioReport, RadioType } from './types';
export type { SysFs } from './sysfs';

/**
 * Is this machine offline? Lists network interfaces from the OS and, on Linux, from /sys (links that are up even
 * without an address, Wi-Fi/Bluetooth radios and their rfkill state). Every non-loopback interface that is up and
 * every radio that is not blocked is a problem; the ceremony refuses to generate while there is one (a witness may
 * override, and the transcript records the report).
 */
export interface AirGapDeps {
  networkInterfaces: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
  platform: NodeJS.Platform;
  fs: SysFs;
  sysClassNet: string;
  sysClassRfkill: string;
  now: () => Date;
}

export const nodeSysFs: SysFs = {
  readdir: (path) => readdir(path),
  readFile: (path) => readFile(path, 'utf8'),
  exists: (path) =>
    access(path).then(
      () => true,
      () => false,
    ),
};

export function defaultAirGapDeps(): AirGapDeps {
  return {
    networkInterfaces: osNetworkInterfaces,
    platform: process.platform,
    fs: nodeSysFs,
    sysClassNet: '/sys/class/net',
    sysClassRfkill: '/sys/class/rfkill',
    now: () => new Date(),
  };
}

function cidrOf(info: NetworkInterfaceInfo): string {
  return info.cidr ?? info.address;
}

function isLoopbackName(name: string): boolean {
  return name === 'lo' || name === 'lo0' || /^loopback/i.test(name);
}

export async function checkAirGap(overrides: Partial<AirGapDeps> = {}): Promise<AirGapReport> {
  const deps: AirGapDeps = { ...defaultAirGapDeps(), ...overrides };
  const sources: ('os' | 'sysfs' | 'rfkill')[] = ['os'];
  const osInterfaces = deps.networkInterfaces();

  let sysfs: SysfsInterface[] = [];
  let radios: RadioReport[] = [];
  if (deps.platform === 'linux') {
    try {
      sysfs = await readSysClassNet(deps.fs, deps.sysClassNet);
      sources.push('sysfs');
    } catch {
      // No /sys (unusual container): the OS list still stands.
    }
    try {
      radios = (await readSysClassRfkill(deps.fs, deps.sysClassRfkill)).map((r) => ({ ...r }));
      sources.push('rfkill');
    } catch {
      // No rfkill class means no rfkill-controlled radios (common on desktops without Wi-Fi, and in VMs).
    }
  }

  const names = new Set([...Object.keys(osInterfaces), ...sysfs.map((s) => s.name)]);
  const interfaces: NetworkInterfaceReport[] = [...names].sort().map((name) => {
    const infos = osInterfaces[name] ?? [];
    const sys = sysfs.find((s) => s.name === name);
    const internal = infos.length > 0 && infos.every((i) => i.internal);
    const kind: InterfaceKind = sys?.kind ?? (internal || isLoopbackName(name) ? 'loopback' : 'other');
    const hasExternalAddress = infos.some((i) => !i.internal);
    // An address means the OS can route through it, whatever /sys says; otherwise trust the link state.
    const up = hasExternalAddress || (sys !== undefined ? sysfsLinkUp(sys) : infos.length > 0);
    return { name, kind, up, addresses: infos.map(cidrOf), operstate: sys?.operstate };
  });

  const problems: AirGapProblem[] = [];
  for (const iface of interfaces) {
    if (iface.kind === 'loopback' || !iface.up) continue;
    const where = iface.addresses.length > 0 ? ` with address ${iface.addresses.join(', ')}` : ' (no address yet)';
    problems.push({
      kind: 'interface',
      name: iface.name,
      message: `Network interface ${iface.name} (${iface.kind}) is up${where}. Unplug the cable or disable the interface, then check again.`,
    });
  }
  for (const radio of radios) {
    if (radio.softBlocked || radio.hardBlocked) continue;
    problems.push({
      kind: 'radio',
      name: radio.name,
      message: `The ${radio.type} radio ${radio.label ?? radio.name} is not blocked. Turn it off (rfkill block ${radio.type}, or the hardware switch), then check again.`,
    });
  }

  return {
    ok: problems.length === 0,
    interfaces,
    radios,
    problems,
    sources,
    checkedAt: deps.now().toISOString(),
  };
}
