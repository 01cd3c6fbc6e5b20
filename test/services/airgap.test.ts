import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { NetworkInterfaceInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkAirGap, type AirGapReport } from '../../electron/services/airgap/index';
import { AirGapReportSchema } from '../../electron/ipc/contract';

const tmpRoots: string[] = [];
after(() => {
  for (const dir of tmpRoots) rmSync(dir, { recursive: true, force: true });
});

interface FakeLink {
  type?: number;
  operstate?: string;
  flags?: string;
  device?: boolean;
  wireless?: boolean;
  bridge?: boolean;
}
interface FakeRadio {
  type: string;
  name?: string;
  soft: '0' | '1';
  hard: '0' | '1';
}

/** Builds a fake /sys/class/{net,rfkill} tree in a temp directory. */
function fakeSys(links: Record<string, FakeLink>, radios: Record<string, FakeRadio> | null = {}): { net: string; rfkill: string } {
  const root = mkdtempSync(join(tmpdir(), 'keyshard-sys-'));
  tmpRoots.push(root);
  const net = join(root, 'class/net');
  const rfkill = join(root, 'class/rfkill');
  mkdirSync(net, { recursive: true });
  for (const [name, link] of Object.entries(links)) {
    const dir = join(net, name);
    mkdirSync(dir);
    if (link.type !== undefined) writeFileSync(join(dir, 'type'), `${link.type}\n`);
    if (link.operstate !== undefined) writeFileSync(join(dir, 'operstate'), `${link.operstate}\n`);
    if (link.flags !== undefined) writeFileSync(join(dir, 'flags'), `${link.flags}\n`);
    if (link.device) symlinkSync(root, join(dir, 'device'));
    if (link.wireless) mkdirSync(join(dir, 'wireless'));
    if (link.bridge) mkdirSync(join(dir, 'bridge'));
  }
  if (radios !== null) {
    mkdirSync(rfkill, { recursive: true });
    for (const [name, radio] of Object.entries(radios)) {
      const dir = join(rfkill, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'type'), `${radio.type}\n`);
      writeFileSync(join(dir, 'soft'), `${radio.soft}\n`);
      writeFileSync(join(dir, 'hard'), `${radio.hard}\n`);
      if (radio.name) writeFileSync(join(dir, 'name'), `${radio.name}\n`);
    }
  }
  return { net, rfkill };
}

function addr(address: string, internal: boolean, family: 'IPv4' | 'IPv6' = 'IPv4'): NetworkInterfaceInfo {
  const prefix = family === 'IPv4' ? 24 : 64;
  const base = { address, netmask: '', mac: '00:00:00:00:00:00', internal, cidr: `${address}/${prefix}` };
  return family === 'IPv4' ? { ...base, family } : { ...base, family, scopeid: 0 };
}

const LOOPBACK_ONLY = () => ({ lo: [addr('127.0.0.1', true), addr('::1', true, 'IPv6')] });
const FIXED_NOW = () => new Date('2025-01-02T03:04:05.000Z');
const LO: FakeLink = { type: 772, operstate: 'unknown', flags: '0x9' };

async function run(links: Record<string, FakeLink>, radios: Record<string, FakeRadio> | null = {}, os = LOOPBACK_ONLY): Promise<AirGapReport> {
  const sys = fakeSys(links, radios);
  const report = await checkAirGap({ platform: 'linux', networkInterfaces: os, sysClassNet: sys.net, sysClassRfkill: sys.rfkill, now: FIXED_NOW });
  // Whatever the service reports must pass the IPC contract unchanged.
  assert.deepEqual(AirGapReportSchema.parse(report), report);
  return report;
}

describe('air-gap check with fake /sys trees', () => {
  it('is ok with only loopback, and lists loopback without calling it a problem', async () => {
    const report = await run({ lo: LO });
    assert.equal(report.ok, true);
    assert.deepEqual(report.problems, []);
    const lo = report.interfaces.find((i) => i.name === 'lo');
    assert.equal(lo?.kind, 'loopback');
    assert.deepEqual(lo?.addresses, ['127.0.0.1/24', '::1/64']);
    assert.equal(report.checkedAt, '2025-01-02T03:04:05.000Z');
    assert.deepEqual(report.sources, ['os', 'sysfs', 'rfkill']);
  });

  it('reports an ethernet link that is up even without any address', async () => {
    const report = await run({ lo: LO, eth0: { type: 1, operstate: 'up', flags: '0x1003', device: true } });
    assert.equal(report.ok, false);
    const eth = report.interfaces.find((i) => i.name === 'eth0');
    assert.deepEqual(eth, { name: 'eth0', kind: 'ethernet', up: true, addresses: [], operstate: 'up' });
    assert.deepEqual(
      report.problems.map((p) => [p.kind, p.name]),
      [['interface', 'eth0']],
    );
    assert.match(report.problems[0]?.message ?? '', /eth0 \(ethernet\) is up \(no address yet\)/);
  });

  it('does not report links that are down, administratively down, or without a lower layer', async () => {
    const report = await run({
      lo: LO,
      eth0: { type: 1, operstate: 'down', flags: '0x1002', device: true },
      eth1: { type: 1, operstate: 'unknown', flags: '0x1002', device: true }, // IFF_UP clear
      eth2: { type: 1, operstate: 'lowerlayerdown', flags: '0x1003', device: true },
    });
    assert.equal(report.ok, true, JSON.stringify(report.problems));
    assert.deepEqual(
      report.interfaces.filter((i) => i.up).map((i) => i.name),
      ['lo'],
    );
  });

  it('classifies wireless, bridge, tunnel and virtual links, and reports each that is up', async () => {
    const report = await run({
      lo: LO,
      wlan0: { type: 1, operstate: 'dormant', flags: '0x1003', device: true, wireless: true },
      br0: { type: 1, operstate: 'up', flags: '0x1003', bridge: true },
      tun0: { type: 65534, operstate: 'unknown', flags: '0x10d1' },
      veth1: { type: 1, operstate: 'up', flags: '0x1003' },
      ifb0: { type: 1, operstate: 'down', flags: '0x82' },
    });
    const kinds = Object.fromEntries(report.interfaces.map((i) => [i.name, i.kind]));
    assert.deepEqual(kinds, { br0: 'bridge', ifb0: 'virtual', lo: 'loopback', tun0: 'tunnel', veth1: 'virtual', wlan0: 'wireless' });
    assert.deepEqual(report.problems.map((p) => p.name).sort(), ['br0', 'tun0', 'veth1', 'wlan0']);
    assert.equal(report.ok, false);
  });

  it('counts an interface with a routable address as up even if /sys says down (the address wins)', async () => {
    const report = await run(
      { lo: LO, eth0: { type: 1, operstate: 'down', flags: '0x1002', device: true } },
      {},
      () => ({ ...LOOPBACK_ONLY(), eth0: [addr('192.0.2.7', false)] }),
    );
    assert.equal(report.ok, false);
    assert.deepEqual(report.interfaces.find((i) => i.name === 'eth0')?.addresses, ['192.0.2.7/24']);
    assert.match(report.problems[0]?.message ?? '', /with address 192\.0\.2\.7\/24/);
  });

  it('reports radios that are not blocked, and not those soft- or hard-blocked', async () => {
    const report = await run(
      { lo: LO },
      {
        rfkill0: { type: 'wlan', name: 'phy0', soft: '1', hard: '0' },
        rfkill1: { type: 'bluetooth', name: 'hci0', soft: '0', hard: '0' },
        rfkill2: { type: 'wwan', soft: '0', hard: '1' },
        rfkill3: { type: 'mystery', soft: '0', hard: '0' },
      },
    );
    assert.deepEqual(report.radios, [
      { name: 'rfkill0', label: 'phy0', type: 'wlan', softBlocked: true, hardBlocked: false },
      { name: 'rfkill1', label: 'hci0', type: 'bluetooth', softBlocked: false, hardBlocked: false },
      { name: 'rfkill2', label: undefined, type: 'wwan', softBlocked: false, hardBlocked: true },
      { name: 'rfkill3', label: undefined, type: 'other', softBlocked: false, hardBlocked: false },
    ]);
    assert.deepEqual(
      report.problems.map((p) => [p.kind, p.name]),
      [
        ['radio', 'rfkill1'],
        ['radio', 'rfkill3'],
      ],
    );
    assert.match(report.problems[0]?.message ?? '', /bluetooth radio hci0 is not blocked/);
    assert.equal(report.ok, false);
  });

  it('is ok when every radio is blocked', async () => {
    const report = await run({ lo: LO }, { rfkill0: { type: 'wlan', soft: '1', hard: '1' }, rfkill1: { type: 'bluetooth', soft: '1', hard: '0' } });
    assert.equal(report.ok, true);
    assert.equal(report.radios.length, 2);
  });

  it('still works without an rfkill class (no radios) and says which sources it used', async () => {
    const report = await run({ lo: LO }, null);
    assert.deepEqual(report.radios, []);
    assert.deepEqual(report.sources, ['os', 'sysfs']);
  });

  it('falls back to the OS list alone on other platforms', async () => {
    const report = await checkAirGap({
      platform: 'darwin',
      networkInterfaces: () => ({ lo0: [addr('127.0.0.1', true)], en0: [addr('198.51.100.4', false)] }),
      sysClassNet: '/nonexistent',
      now: FIXED_NOW,
    });
    assert.deepEqual(report.sources, ['os']);
    assert.deepEqual(
      report.interfaces.map((i) => [i.name, i.kind, i.up]),
      [
        ['en0', 'other', true],
        ['lo0', 'loopback', true],
      ],
    );
    assert.deepEqual(report.problems.map((p) => p.name), ['en0']);
  });
});

describe('air-gap check on this machine', () => {
  it('reports a well-formed result and never calls loopback a problem', async (t) => {
    const report = await checkAirGap();
    AirGapReportSchema.parse(report);
    assert.ok(report.interfaces.length > 0, 'at least loopback exists');
    const loopbacks = report.interfaces.filter((i) => i.kind === 'loopback').map((i) => i.name);
    assert.ok(loopbacks.length > 0, 'loopback is listed');
    for (const problem of report.problems) assert.ok(!loopbacks.includes(problem.name), `loopback ${problem.name} reported as a problem`);
    // ok is exactly "no problems", and every up non-loopback interface is a problem.
    assert.equal(report.ok, report.problems.length === 0);
    const upExternal = report.interfaces.filter((i) => i.up && i.kind !== 'loopback').map((i) => i.name);
    assert.deepEqual(report.problems.filter((p) => p.kind === 'interface').map((p) => p.name), upExternal);
    assert.ok(Math.abs(Date.parse(report.checkedAt) - Date.now()) < 60_000);
    // Say what the real run found (a build machine usually has a link up; a ceremony machine must not).
    t.diagnostic(`real air-gap check: ok=${report.ok}; up: ${upExternal.join(', ') || 'none'}; radios: ${report.radios.length}`);
  });
});
