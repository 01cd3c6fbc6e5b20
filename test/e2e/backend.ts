/**
 * The main-process side of the e2e harness: REAL ceremony and recovery services behind the IPC handlers, as
 * electron/main would build them (ceremony host -> one ceremony service per ceremony folder), in a temp folder per
 * test. What stands in for the world:
 *
 * - the air gap: a fixed report saying the machine is ONLINE (eth0 up), so every ceremony needs a witness override;
 * - witness keys: encrypted Ed25519 key files the test writes (`witnessKeyFile`, passphrase `witnessPassphrase`),
 *   loaded by path as a witness would;
 * - USB drives: folders the test creates (`drive`), listed by usb:list-drives;
 * - main's file dialog (dialog:choose-file): answers the test queued with `answerDialog`, in order (none queued: the
 *   person cancelled); `dialogPurposes` lists what each dialog was opened for;
 * - PBKDF2: node:crypto (the service's option for speed); the clock is the real one;
 * - PKCS#11 (with `hsm: true`): the real hsm host over the real module, as main builds it. The test makes SoftHSM2
 *   tokens first (test/hsm/softhsm.ts sets SOFTHSM2_CONF); the module is loaded on first use.
 *
 * Device faults, for the specs that show them on screen (test/e2e/device-faults.spec.ts):
 *
 * - `usbFs`: the file layer under the USB custodians' drive port (ceremony host dep `usbFs`), e.g. a write that fails
 *   with EROFS or EIO halfway, a statfs that says the stick is full;
 * - `hsmOptions`: passed to every openHsm, e.g. a `sessionInterceptor` (test/hsm/softhsm.ts interceptSession) whose
 *   C_CreateObject fails with CKR_DEVICE_MEMORY (token full) or whose C_Login says CKR_PIN_LOCKED;
 * - `drive(label, { readOnly, freeBytes })` and `setDrive` change what usb:list-drives says about a stick; `unplug`
 *   takes it off the list (its folder and files stay, as on a stick in a drawer) until `drive(label)` plugs it in again.
 *
 * A backend outlives a browser session: a second window (or a "restarted" app on the same folder, `root` given)
 * talks to the same or a new host.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { QrFrameOptions } from '../../core/qr/index';
import { createCeremonyHost, type CeremonyHost } from '../../electron/ipc/ceremony-host';
import { createHsmHost, type HsmHost } from '../../electron/ipc/hsm-host';
import type { OpenHsmOptions } from '../../electron/services/hsm/index';
import type { IpcDeps } from '../../electron/ipc/handlers';
import type { AirGapReport } from '../../electron/services/airgap/types';
import { COMMON_MODULE_PATHS } from '../../electron/services/hsm/module-paths';
import { createCeremonyService } from '../../electron/services/ceremony/index';
import type { CeremonyServiceDeps } from '../../electron/services/ceremony/types';
import { createRecoveryService, type RecoveryService } from '../../electron/services/recovery/index';
import type { UsbFs } from '../../electron/services/usb/fs';
import type { RemovableDrive } from '../../electron/services/usb/types';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';

/** The passphrase of a test witness's encrypted key file, typed at every sign-off. */
export function witnessPassphrase(witnessId: string): string {
  return `${witnessId}-pass-7Qz`;
}

/** The machine as the air-gap check sees it: loopback and a wired interface with an address. */
export const ONLINE_AIRGAP: AirGapReport = {
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


export interface BackendOptions {
  /** Reuse the folders of an earlier backend (the app restarted on the same machine). */
  readonly root?: string;
  readonly airgap?: AirGapReport;
  /** QR framing for shard displays (e.g. a low maxSingleVersion to force animated codes). */
  readonly qr?: QrFrameOptions;
  /** Anything else for each ceremony service. */
  readonly service?: Partial<CeremonyServiceDeps>;
  /** Wire the PKCS#11 host (hsm:* channels, token custodians, HSM entropy, token witnesses) as main does. */
  readonly hsm?: boolean;
  /** With `hsm: true`: options for every openHsm (fault injection: `sessionInterceptor`). */
  readonly hsmOptions?: OpenHsmOptions;
  /** The file layer the ceremony writes USB custodians' shard files through (fault injection); default the real one. */
  readonly usbFs?: UsbFs;
}

/** What usb:list-drives says about a test stick besides its label and folder. */
export interface DriveFacts {
  /** Write-protected or mounted read-only (the screens show it and do not offer it). Default false. */
  readonly readOnly?: boolean;
  /** Free bytes as listed (null: unknown). Default 7.9 GB. */
  readonly freeBytes?: number | null;
}

export interface CeremonyBackend {
  /** The temp folder: ceremonies/, drives/, keys/. */
  readonly root: string;
  readonly ceremoniesRoot: string;
  readonly host: CeremonyHost;
  readonly recovery: RecoveryService;
  /** The PKCS#11 host, with `hsm: true`. */
  readonly hsm: HsmHost | undefined;
  /** What the IPC handlers get (merged into the harness's deps). */
  readonly deps: Partial<IpcDeps>;
  /** What main's file dialog answers next: the file the person chooses there, or null (cancel). */
  answerDialog(path: string | null): void;
  /** The purpose of every file dialog opened so far (dialog:choose-file), in order. */
  readonly dialogPurposes: readonly string[];
  /** Writes witness `witnessId`'s key file (Ed25519, from a fixed seed per id) and returns its path. */
  witnessKeyFile(witnessId: string): string;
  /**
   * A folder standing in for a custodian's USB stick, listed by usb:list-drives with this label (again after
   * `unplug`). Returns its mount point.
   */
  drive(label: string, facts?: DriveFacts): string;
  /** Changes what the list says about a plugged-in stick (e.g. it turned read-only, or filled up). */
  setDrive(label: string, facts: DriveFacts): void;
  /** Takes a stick off the list, as if pulled out; its folder and files stay. */
  unplug(label: string): void;
  /** The ceremony folders made so far. */
  ceremonyDirs(): string[];
  /** App quit: zeroizes the services' secrets. */
  shutdown(): Promise<void>;
  /** Deletes the temp folder. */
  remove(): void;
}

export function createCeremonyBackend(options: BackendOptions = {}): CeremonyBackend {
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'keyshard-e2e-ceremony-'));
  const ceremoniesRoot = join(root, 'ceremonies');
  const airgap = options.airgap ?? ONLINE_AIRGAP;
  const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
  const drives = new Map<string, RemovableDrive>();
  const hsm =
    options.hsm === true
      ? createHsmHost({
          // Loaded on first use, as in main: specs without tokens never load the native binding.
          open: async (modulePath) => (await import('../../electron/services/hsm/index')).openHsm(modulePath, options.hsmOptions),
          known: COMMON_MODULE_PATHS,
        })
      : undefined;
  const listDrives = async (): Promise<readonly RemovableDrive[]> => [...drives.values()];
  const dialogAnswers: (string | null)[] = [];
  const dialogPurposes: string[] = [];
  const host = createCeremonyHost({
    ceremoniesRoot: () => ceremoniesRoot,
    listDrives,
    createService: (transcriptDir, ports) =>
      createCeremonyService({
        clock: () => new Date(),
        random,
        airgap: { check: async () => airgap },
        transcriptDir,
        usb: ports.usb,
        ...(hsm === undefined ? {} : { hsm: hsm.ceremonyHsm }),
        ...(options.qr === undefined ? {} : { qr: options.qr }),
        ...options.service,
      }),
    random,
    clock: () => new Date(),
    ...(options.usbFs === undefined ? {} : { usbFs: options.usbFs }),
  });
  // As in main: recovery reads tokens through the hsm host's module and files from the drives listed now.
  const recovery = createRecoveryService({ listDrives, ...(hsm === undefined ? {} : { hsm: hsm.ceremonyHsm }) });
  return {
    root,
    ceremoniesRoot,
    host,
    recovery,
    hsm,
    deps: {
      checkAirGap: async () => airgap,
      ceremony: host,
      recovery,
      ...(hsm === undefined ? {} : { hsm }),
      listDrives,
      chooseFile: async ({ purpose }) => {
        dialogPurposes.push(purpose);
        return dialogAnswers.shift() ?? null;
      },
    },
    answerDialog: (path) => {
      dialogAnswers.push(path);
    },
    dialogPurposes,
    witnessKeyFile(witnessId) {
      const dir = join(root, 'keys');
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${witnessId}.key.json`);
      // Written once per backend (stretching the passphrase takes a moment); the same witness gets the same file.
      if (!existsSync(path)) writeFileSync(path, sealWitnessKeySync(witnessId, sha256(utf8ToBytes(`keyshard e2e witness ${witnessId}`)), witnessPassphrase(witnessId)), { mode: 0o600 });
      return path;
    },
    drive(label, facts = {}) {
      const mountPoint = join(root, 'drives', label);
      mkdirSync(mountPoint, { recursive: true });
      drives.set(label, {
        device: `sd${String.fromCharCode(98 + drives.size)}1`,
        label,
        mountPoint,
        sizeBytes: 8_000_000_000,
        freeBytes: facts.freeBytes === undefined ? 7_900_000_000 : facts.freeBytes,
        readOnly: facts.readOnly ?? false,
        fsType: 'vfat',
        transport: 'usb',
      });
      return mountPoint;
    },
    setDrive(label, facts) {
      const d = drives.get(label);
      if (d === undefined) throw new Error(`no test drive ${label} is plugged in`);
      drives.set(label, { ...d, ...(facts.readOnly === undefined ? {} : { readOnly: facts.readOnly }), ...(facts.freeBytes === undefined ? {} : { freeBytes: facts.freeBytes }) });
    },
    unplug(label) {
      if (!drives.delete(label)) throw new Error(`no test drive ${label} is plugged in`);
    },
    ceremonyDirs: () => (existsSync(ceremoniesRoot) ? readdirSync(ceremoniesRoot).map((n) => join(ceremoniesRoot, n)) : []),
    shutdown: () => host.shutdown(),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
