/**
 * Shared by the IPC tests (not a test file itself): the real IPC handlers (createIpcHandlers, as main and the e2e
 * harness build them) over real services in temp folders - a ceremony host making real ceremony services, a real
 * recovery service - with a fake air gap (an interface up, so a witness must override) and software witness keys in
 * key files. Every call and its answer is logged, so a test can search all answers for secret material.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { RemovableDrive } from '../../electron/services/usb/types';
import { createCeremonyHost, type CeremonyHost } from '../../electron/ipc/ceremony-host';
import type { ChannelName } from '../../electron/ipc/channels';
import type { RequestOf, ResponseOf } from '../../electron/ipc/contract';
import { createIpcHandlers, type IpcHandlers } from '../../electron/ipc/handlers';
import type { HsmHost } from '../../electron/ipc/hsm-host';
import type { FilePurpose } from '../../electron/ipc/contract-tools';
import type { IpcResult } from '../../electron/ipc/result';
import { createCameraGate } from '../../electron/main/permissions';
import type { AirGapReport } from '../../electron/services/airgap/types';
import { createCeremonyService } from '../../electron/services/ceremony/index';
import { createLifecycleService } from '../../electron/services/lifecycle/index';
import { createExtendService } from '../../electron/services/extend/index';
import { createSigningHost } from '../../electron/ipc/handlers-signing';
import { createRecoveryService, type RecoveryService } from '../../electron/services/recovery/index';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { steppingClock, tempDir, trackingStore } from '../services/ceremony-harness';

export const NETWORK_UP: AirGapReport = {
  ok: false,
  interfaces: [
    { name: 'lo', kind: 'loopback', up: true, addresses: ['127.0.0.1/8'], operstate: 'unknown' },
    { name: 'eth0', kind: 'ethernet', up: true, addresses: ['10.0.0.5/24'], operstate: 'up' },
  ],
  radios: [],
  problems: [{ kind: 'interface', name: 'eth0', message: 'eth0 is up (10.0.0.5/24)' }],
  sources: ['os', 'sysfs'],
  checkedAt: '2025-03-01T09:59:00.000Z',
};

export interface CallRecord {
  readonly channel: ChannelName;
  readonly json: string;
}

export interface IpcRig {
  readonly handlers: IpcHandlers;
  readonly host: CeremonyHost;
  readonly recovery: RecoveryService;
  readonly root: string;
  /** Every buffer the ceremony services (and, separately, the recovery service) put in their secret stores. */
  readonly ceremonyBuffers: { label: string; bytes: Uint8Array }[];
  readonly recoveryBuffers: { label: string; bytes: Uint8Array }[];
  readonly calls: CallRecord[];
  /** Calls a channel and expects `{ ok: true }`; returns the value. */
  call<K extends ChannelName>(channel: K, ...request: undefined extends RequestOf<K> ? [RequestOf<K>?] : [RequestOf<K>]): Promise<ResponseOf<K>>;
  /** Calls a channel with any (possibly invalid) payload; returns the envelope. */
  raw(channel: ChannelName, request?: unknown): Promise<IpcResult<unknown>>;
  /** A witness key file (Ed25519, from a fixed seed per witness id) written in the rig's folder. */
  witnessKeyFile(witnessId: string): string;
  /** A folder standing in for a custodian's USB stick. */
  drive(name: string): string;
  /** What main's folder dialog answers next (ceremony:choose-folder): the folder the person picks, or null (cancel). */
  willPick(dir: string | null): void;
  /**
   * The person picks this file in main's file dialog for this purpose (dialog:choose-file), as the screens do before
   * any call that reads or writes a file: main uses only such paths (electron/ipc/chosen-files.ts). Returns the path.
   */
  choose(purpose: FilePurpose, path: string): Promise<string>;
}

export interface IpcRigOptions {
  /** PKCS#11 tokens (test/hsm): the hsm:* channels and every ceremony service's `hsm` dependency, as main wires them. */
  readonly hsm?: HsmHost;
}

export function ipcRig(options: IpcRigOptions = {}): IpcRig {
  const root = tempDir('ipc');
  const ceremony = trackingStore();
  const rec = trackingStore();
  const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
  // Drives made by rig.drive(): what usb:list-drives lists, and the only folders a USB handoff may write to.
  const drives = new Map<string, RemovableDrive>();
  const listDrives = async (): Promise<readonly RemovableDrive[]> => [...drives.values()];
  // Answers of main's folder dialog, queued by rig.willPick().
  const picks: (string | null)[] = [];
  // Answers of main's file dialog, queued by rig.choose(); witness key files are chosen as they are written, and each
  // call waits for those choices first.
  const fileAnswers: string[] = [];
  const pendingChoices: Promise<unknown>[] = [];
  const host = createCeremonyHost({
    listDrives,
    ceremoniesRoot: () => join(root, 'ceremonies'),
    chooseFolder: async () => picks.shift() ?? null,
    createService: (transcriptDir, ports) =>
      createCeremonyService({
        clock: steppingClock(),
        random,
        airgap: { check: async () => NETWORK_UP },
        transcriptDir,
        usb: ports.usb,
        ...(options.hsm === undefined ? {} : { hsm: options.hsm.ceremonyHsm }),
        secrets: ceremony.store,
      }),
    random,
    clock: () => new Date('2025-03-01T10:00:00.000Z'),
  });
  const recovery = createRecoveryService({ secrets: rec.store });
  // Refresh and repair (lifecycle:*), each ceremony's transcript under the rig's folder.
  const lifecycle = createLifecycleService({ clock: steppingClock(), random, airgap: { check: async () => NETWORK_UP }, transcriptDir: join(root, 'lifecycle') });
  // SLIP-39 share extension (extend:*), as main wires it.
  const extend = createExtendService({ clock: steppingClock(), random, airgap: { check: async () => NETWORK_UP }, transcriptDir: join(root, 'extend') });
  const handlers = createIpcHandlers({
    appInfo: () => ({ name: 'keyshard', version: '0.0.0-test', platform: process.platform, arch: process.arch, production: true }),
    checkAirGap: async () => NETWORK_UP,
    camera: createCameraGate(),
    ceremony: host,
    recovery,
    lifecycle,
    extend,
    // Threshold signing and custody checks (signing:*, signer:*, custody:check), as main wires them.
    signing: createSigningHost({ clock: () => new Date('2025-03-01T10:00:00.000Z'), random }),
    ...(options.hsm === undefined ? {} : { hsm: options.hsm }),
    listDrives,
    chooseFile: async () => fileAnswers.shift() ?? null,
  });
  const calls: CallRecord[] = [];
  const choose = async (purpose: FilePurpose, path: string): Promise<string> => {
    fileAnswers.push(path);
    const r = await handlers['dialog:choose-file']({ purpose });
    assert.ok(r.ok && r.value !== null, `dialog:choose-file failed for ${purpose}`);
    return r.value.path;
  };
  const raw = async (channel: ChannelName, request?: unknown): Promise<IpcResult<unknown>> => {
    await Promise.all(pendingChoices.splice(0));
    const result = await (handlers[channel] as (r: unknown) => Promise<IpcResult<unknown>>)(request);
    calls.push({ channel, json: JSON.stringify(result) });
    return result;
  };
  return {
    handlers,
    host,
    recovery,
    root,
    ceremonyBuffers: ceremony.buffers,
    recoveryBuffers: rec.buffers,
    calls,
    raw,
    async call(channel, ...request) {
      const result = await raw(channel, request[0]);
      assert.ok(result.ok, `${channel} failed: ${result.ok ? '' : `${result.error.code}: ${result.error.message}`}`);
      return result.value as never;
    },
    witnessKeyFile(witnessId) {
      const path = join(root, `witness-${witnessId}.json`);
      writeFileSync(path, sealWitnessKeySync(witnessId, sha256(utf8ToBytes(`keyshard ipc test witness ${witnessId}`)), witnessPassphrase(witnessId)), { mode: 0o600 });
      pendingChoices.push(choose('witness-key', path));
      return path;
    },
    choose,
    willPick(dir) {
      picks.push(dir);
    },
    drive(name) {
      const path = join(root, 'drives', name);
      mkdirSync(path, { recursive: true });
      drives.set(name, { device: `sd${drives.size}1`, label: name, mountPoint: path, sizeBytes: 8e9, freeBytes: 7.9e9, readOnly: false, fsType: 'vfat', transport: 'usb' });
      return path;
    },
  };
}

/** The throwaway passphrase of a test witness's encrypted key file (rig.witnessKeyFile). */
export function witnessPassphrase(witnessId: string): string {
  return `${witnessId}-pass-7Qz`;
}

/** One witness signs the open checkpoint as on screen: the checkpoint's fingerprint typed back, and their passphrase. */
export async function signAs(rig: IpcRig, witnessId: string, act: { passphrase?: string; pin?: string } = { passphrase: witnessPassphrase(witnessId) }) {
  const so = (await rig.call('ceremony:status')).signOff;
  return rig.call('ceremony:sign-off', { witnessId, fingerprint: so?.confirm.display ?? '-', ...act });
}

/**
 * Signs every sign-off the open checkpoint needs, with the first eligible witnesses, through ceremony:sign-off (each
 * with their key file's passphrase, or the PIN `acts` gives for a token witness).
 */
export async function signPending(rig: IpcRig, acts: Readonly<Record<string, { passphrase?: string; pin?: string }>> = {}): Promise<number> {
  let n = 0;
  for (;;) {
    const s = (await rig.call('ceremony:status')).signOff;
    if (s === null || s.signedBy.length >= s.required) return n;
    const id = s.eligible.find((w) => !s.signedBy.includes(w))!;
    await signAs(rig, id, acts[id] ?? { passphrase: witnessPassphrase(id) });
    n++;
  }
}
