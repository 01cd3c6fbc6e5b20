/**
 * The ceremony as the window drives it: one ceremony service per ceremony folder. A new ceremony gets its own folder
 * (`<root>/<date>-<random>`, root = userData/ceremonies in the app) unless the person chose one; a resume opens the
 * service on the folder chosen. Between ceremonies the host keeps what outlives one service: the drive chosen for each
 * USB custodian's handoff (the service's ShardFilePort, see shard-file-port.ts).
 *
 * Witness keys belong to one ceremony: they are loaded into the service that runs (or will run) it, and forgotten
 * when it ends (sealed, aborted); a key loaded after a ceremony ended goes to a fresh service for the next one.
 *
 * Everything else is the service's, method for method. `shutdown` (app quit, last window closed) zeroizes the
 * service's secrets and the witness keys.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { bytesToHex } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../core/errors';
import { parsePlan } from '../../core/policy';
import type { RandomSource } from '../../core/random';
import { verifyTranscriptText } from '../../core/transcript';
import type { CeremonyService, CeremonyStatus, HandoffView, ShardFilePort } from '../services/ceremony/types';
import { READ_CAPS, readGuardedText } from '../services/fs/guarded-read';
import { PLAN_FILE } from '../services/transcript-store/index';
import type { UsbFs } from '../services/usb/fs';
import { listedDrive } from '../services/usb/listed-drive';
import type { RemovableDrive } from '../services/usb/types';
import type { LoadedWitnessKey } from '../services/witness/credential';
import { createChosenDrivePort, type DriveChoice } from './shard-file-port';

type Arg<K extends keyof CeremonyService> = Parameters<CeremonyService[K]>[0];

export interface CeremonyHostDeps {
  /** Where new ceremonies get their folder; read when a ceremony starts (Electron's userData is known only then). */
  readonly ceremoniesRoot: () => string;
  /** A ceremony service writing its transcript to `transcriptDir` and its USB files through `usb`. */
  readonly createService: (transcriptDir: string, ports: { readonly usb: ShardFilePort }) => CeremonyService;
  /** Names new folders. */
  readonly random: RandomSource;
  readonly clock: () => Date;
  /**
   * The removable drives plugged in now (the usb:list-drives lister). A USB handoff writes only to a drive listed
   * here at that moment, with the lister's facts (label, read-only), never a folder the renderer names.
   */
  readonly listDrives: () => Promise<readonly RemovableDrive[]>;
  /**
   * The file layer under the USB custodians' drive port (default: the real one). Tests inject stick faults here
   * (a write that fails halfway, EROFS, a full drive) to see them end to end; main passes nothing.
   */
  readonly usbFs?: UsbFs;
  /**
   * Main's own folder dialog (Electron's showOpenDialog in the app): the folder the person picked, or null when they
   * cancelled. A ceremony is written only inside ceremoniesRoot or in a folder picked here, never in one the page names.
   */
  readonly chooseFolder?: () => Promise<string | null>;
}

export interface SavedCeremony {
  readonly dir: string;
  readonly ceremonyId: string | null;
  readonly label: string | null;
  readonly entries: number;
  readonly lastStep: string | null;
  readonly lastAt: string | null;
  readonly state: 'open' | 'sealed' | 'aborted' | 'unreadable';
}

/** The current ceremony's public files, as saved (see `transcript`). */
export interface CeremonyFiles {
  readonly path: string;
  readonly text: string;
  /** The head hash the ceremony service holds: what the window checks the file's text against. */
  readonly headHash: string | null;
  readonly entries: number;
  readonly plan: { readonly path: string; readonly text: string } | null;
}

export interface CeremonyHost {
  /** Ceremonies found under the root (newest first), for a resume screen. */
  saved(): Promise<SavedCeremony[]>;
  /** The tokens a plan relies on, checked without starting anything (on the current service, or a fresh idle one). */
  checkDevices: CeremonyService['checkDevices'];
  start(request: Arg<'start'> & { readonly dir?: string }): Promise<CeremonyStatus>;
  resume(request: { readonly dir?: string }): Promise<CeremonyStatus>;
  status(): Promise<CeremonyStatus>;
  /**
   * The current (or last) ceremony's transcript file and the plan file beside it, read from its folder; null before a
   * ceremony has written one. Public files only: the window saves a copy and prints the summary without a file picker.
   */
  transcript(): Promise<CeremonyFiles | null>;
  checkAirGap: CeremonyService['checkAirGap'];
  gatherEntropy: CeremonyService['gatherEntropy'];
  generate: CeremonyService['generate'];
  importSecret: CeremonyService['importSecret'];
  split: CeremonyService['split'];
  /** `drive`: where a USB custodian's protected file goes. */
  handoff(request: Arg<'handoff'> & { readonly drive?: DriveChoice }): Promise<HandoffView>;
  currentHandoff: CeremonyService['currentHandoff'];
  confirm: CeremonyService['confirm'];
  receipt: CeremonyService['receipt'];
  printPaper: CeremonyService['printPaper'];
  testRecovery: CeremonyService['testRecovery'];
  destroy: CeremonyService['destroy'];
  seal: CeremonyService['seal'];
  signOff: CeremonyService['signOff'];
  abort: CeremonyService['abort'];
  recordException: CeremonyService['recordException'];
  markAbsent: CeremonyService['markAbsent'];
  /** A witness's encrypted key file, for the running (or next) ceremony; each sign-off asks for its passphrase. */
  loadWitnessKey(request: { readonly path: string; readonly witnessId?: string }): Promise<LoadedWitnessKey>;
  /** A witness's key on their token, for the running (or next) ceremony; each sign-off asks for its PIN. */
  loadWitnessToken: CeremonyService['loadWitnessToken'];
  /**
   * The witness keys loaded for the running (or next) ceremony (public keys, and whether a passphrase or PIN opens
   * each). A reloaded window asks so witnesses need not load theirs again.
   */
  witnessKeys(): Promise<LoadedWitnessKey[]>;
  /** The folder of the current ceremony service (null before any). */
  currentDir(): string | null;
  /** Opens main's folder dialog; the folder picked may then be given to start or resume (null: cancelled). */
  chooseFolder(): Promise<{ readonly dir: string } | null>;
  shutdown(): Promise<void>;
}

/** How many folders `saved` reads at most. */
const MAX_SAVED = 200;

function folderName(clock: () => Date, random: RandomSource): string {
  const stamp = clock().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z').replace('T', '-');
  return `${stamp}-${bytesToHex(random(4))}`;
}

function transition(message: string): KeyshardError {
  return new KeyshardError('CEREMONY_TRANSITION', message);
}

export function createCeremonyHost(deps: CeremonyHostDeps): CeremonyHost {
  const usb = createChosenDrivePort(deps.usbFs);
  let current: { readonly dir: string; readonly service: CeremonyService } | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  /** Switching services (start, resume, loading keys, shutdown) happens one call at a time. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  /** Folders the person picked in main's dialog this session: the only ones outside ceremoniesRoot main writes to. */
  const picked = new Set<string>();

  /**
   * The folder a request names, if main may write a ceremony there: directly inside its ceremonies folder, or picked in
   * its own dialog. Anything else is refused before anything is created.
   */
  function allowedFolder(dir: string): string {
    const wanted = resolve(dir);
    if (dirname(wanted) === resolve(deps.ceremoniesRoot()) || picked.has(wanted)) return wanted;
    throw new KeyshardError(
      'FOLDER_REFUSED',
      'keyshard keeps a ceremony only in its own ceremonies folder, or in a folder you choose with its "Choose folder" dialog. Nothing was written.',
      { reason: 'not-allowed' },
    );
  }

  /** The ceremonies folder itself is made on first use, without parents (its parent, userData, always exists). */
  async function ensureRoot(dir: string): Promise<void> {
    const root = resolve(deps.ceremoniesRoot());
    if (dirname(resolve(dir)) !== root) return;
    await mkdir(root).catch((e: unknown) => {
      if ((e as { code?: unknown }).code !== 'EEXIST') throw e;
    });
  }

  async function open(dir: string): Promise<CeremonyService> {
    if (current !== null && current.dir === dir) return current.service;
    if (current !== null) {
      if ((await current.service.status()).phase === 'active') {
        throw transition('A ceremony is running in this session; finish or abort it before starting or resuming another.');
      }
    }
    const service = deps.createService(dir, { usb });
    if (current !== null) {
      // Witness keys loaded for a ceremony not yet started go with it to its folder; an ended one's were dropped.
      await current.service.handOverWitnesses(service);
      await current.service.shutdown();
    }
    current = { dir, service };
    return service;
  }

  function running(): CeremonyService {
    if (current === null) throw transition('No ceremony is running. Start one from a plan, or resume one from its folder.');
    return current.service;
  }

  /** The current service, or before any ceremony a fresh one (nothing is created on disk until it starts). */
  async function currentOrIdle(): Promise<CeremonyService> {
    return current !== null ? current.service : open(join(deps.ceremoniesRoot(), folderName(deps.clock, deps.random)));
  }

  /** Where witness keys go: the ceremony running or about to start; after one has ended, a fresh service for the next. */
  async function forWitnesses(): Promise<CeremonyService> {
    if (current !== null) {
      const phase = (await current.service.status()).phase;
      if (phase !== 'sealed' && phase !== 'aborted') return current.service;
    }
    return open(join(deps.ceremoniesRoot(), folderName(deps.clock, deps.random)));
  }

  /** Before any ceremony: the status a fresh service reports. */
  async function idleStatus(): Promise<CeremonyStatus> {
    return currentOrIdle().then((s) => s.status());
  }

  /** A file of the ceremony's folder, or null when it is not there. */
  async function readIfThere(path: string, what: string): Promise<string | null> {
    try {
      // A folder chosen by the person is outside data: no link, FIFO, device or oversized file is read.
      return await readGuardedText(path, { maxBytes: READ_CAPS.transcriptFile, what: `the ${what}` });
    } catch (e) {
      if (e instanceof KeyshardError && e.details?.['reason'] === 'not-found') return null;
      if (e instanceof KeyshardError && e.code !== 'FILE_READ') throw e;
      throw new KeyshardError('TRANSCRIPT_READ', `The ${what} "${path}" could not be read. Check that the ceremony's disk is present and readable, then try again.`);
    }
  }

  async function describe(dir: string): Promise<SavedCeremony | null> {
    let text: string;
    try {
      text = await readGuardedText(join(dir, 'transcript.json'), { maxBytes: READ_CAPS.transcriptFile, what: 'the transcript file' });
    } catch {
      return null;
    }
    const v = verifyTranscriptText(text);
    if (!v.ok) return { dir, ceremonyId: v.ceremonyId ?? null, label: null, entries: v.entryCount ?? 0, lastStep: null, lastAt: null, state: 'unreadable' };
    const plan = v.entries.find((e) => e.kind === 'plan')?.data as { label?: unknown } | undefined;
    // Sign-offs and exceptions are notes on a step, not steps: the last step is the last other entry.
    const last = [...v.entries].reverse().find((e) => e.kind !== 'signoff' && e.kind !== 'sign-off' && e.kind !== 'exception');
    const state = v.entries.some((e) => e.kind === 'seal') ? 'sealed' : v.entries.some((e) => e.kind === 'abort') ? 'aborted' : 'open';
    return {
      dir,
      ceremonyId: v.ceremonyId,
      label: typeof plan?.label === 'string' ? plan.label : null,
      entries: v.entries.length,
      lastStep: last?.kind ?? null,
      lastAt: last?.at ?? null,
      state,
    };
  }

  return {
    async saved() {
      const root = deps.ceremoniesRoot();
      let names: string[];
      try {
        names = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
      } catch {
        return [];
      }
      const found = (await Promise.all(names.sort().reverse().slice(0, MAX_SAVED).map((n) => describe(join(root, n))))).filter((x): x is SavedCeremony => x !== null);
      return found.sort((a, b) => (b.lastAt ?? '').localeCompare(a.lastAt ?? ''));
    },

    checkDevices: (request) => serial(async () => (await currentOrIdle()).checkDevices(request)),

    start: (request) =>
      serial(async () => {
        const { dir, ...rest } = request;
        // The plan is judged before anything changes (the service parses it again; parsePlan is the authority).
        parsePlan(rest.plan);
        const reuse = current !== null && (await current.service.status()).phase === 'not-started';
        const target = dir !== undefined ? allowedFolder(dir) : reuse && current !== null ? current.dir : join(deps.ceremoniesRoot(), folderName(deps.clock, deps.random));
        const service = await open(target);
        await ensureRoot(target); // only now, as a ceremony starts: nothing is written before
        return service.start(rest);
      }),

    resume: (request) =>
      serial(async () => {
        const target = request.dir !== undefined ? allowedFolder(request.dir) : current?.dir;
        if (target === undefined) throw new KeyshardError('INVALID_ARGUMENT', 'Choose the folder of the ceremony to resume.');
        return (await open(target)).resume({});
      }),

    status: () => serial(() => (current === null ? idleStatus() : current.service.status())),

    transcript: () =>
      serial(async () => {
        if (current === null) return null;
        const { transcript } = await current.service.status();
        const text = await readIfThere(transcript.path, 'transcript file');
        if (text === null) {
          if (transcript.entries === 0) return null;
          throw new KeyshardError('TRANSCRIPT_READ', `The transcript file "${transcript.path}" is gone. Check that the ceremony's disk is present, then try again.`, { reason: 'gone' });
        }
        const planPath = join(dirname(transcript.path), PLAN_FILE);
        const plan = await readIfThere(planPath, 'plan file');
        return { path: transcript.path, text, headHash: transcript.headHash, entries: transcript.entries, plan: plan === null ? null : { path: planPath, text: plan } };
      }),
    checkAirGap: (r) => running().checkAirGap(r),
    gatherEntropy: (r) => running().gatherEntropy(r),
    generate: (r) => running().generate(r),
    importSecret: (r) => running().importSecret(r),
    split: () => running().split(),

    async handoff(request) {
      const { drive, ...rest } = request;
      const service = running();
      usb.choose(rest.custodianId, null);
      if (drive !== undefined) {
        const listed = await listedDrive(deps.listDrives, drive.mountPoint);
        usb.choose(rest.custodianId, { mountPoint: listed.mountPoint, label: listed.label, readOnly: listed.readOnly });
      }
      return service.handoff(rest);
    },

    currentHandoff: () => (current === null ? Promise.resolve(null) : current.service.currentHandoff()),
    confirm: (r) => running().confirm(r),
    receipt: (r) => running().receipt(r),
    printPaper: (r) => running().printPaper(r),
    testRecovery: (r) => running().testRecovery(r),
    destroy: (request) => running().destroy(request),
    seal: () => running().seal(),
    signOff: (r) => running().signOff(r),
    abort: (r) => running().abort(r),
    recordException: (r) => running().recordException(r),
    markAbsent: (r) => running().markAbsent(r),

    loadWitnessKey: (request) => serial(async () => (await forWitnesses()).loadWitnessKey(request)),

    loadWitnessToken: (request) => serial(async () => (await forWitnesses()).loadWitnessToken(request)),

    witnessKeys: () => serial(async () => (current !== null ? current.service.witnessKeys() : [])),

    currentDir: () => current?.dir ?? null,
    chooseFolder: async () => {
      if (deps.chooseFolder === undefined) throw new KeyshardError('INVALID_ARGUMENT', 'This keyshard has no folder dialog; ceremonies are kept in its own folder.');
      const dir = await deps.chooseFolder();
      if (dir === null) return null;
      const chosen = resolve(dir);
      picked.add(chosen);
      return { dir: chosen };
    },

    shutdown: () => {
      // Asked at once, not behind this host's queue, where a call may be waiting on a drive or a token: the service
      // wipes its secrets the moment it is asked. The queued part forgets the service once that call is over.
      // (Its failure, if any, is reported by the queued call below, which asks again: shutdown may be repeated.)
      void current?.service.shutdown().catch(() => undefined);
      return serial(async () => {
        try {
          if (current !== null) await current.service.shutdown();
        } finally {
          current = null;
        }
      });
    },
  };
}
