/**
 * The PKCS#11 module of this window: which one is chosen (default: the first usual module found on this machine,
 * SoftHSM2 first), the tokens it sees, and the `hsm` dependency every ceremony service gets. The service reads
 * `modulePath` when it opens the module for a token operation, so a module chosen after the (idle) service was made
 * is the one used; changing it while a ceremony runs is refused (its tokens were checked through the old one).
 *
 * A module is native code loaded into main, so only an absolute path to an existing regular file with a library's
 * extension is accepted, and it must open as a PKCS#11 module before it is chosen. PINs never pass through here.
 */
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { KeyshardError } from '../../core/errors';
import { CAPABILITY_NEEDS, type CapabilityId } from '../services/hsm/capabilities';
import type { KnownModule } from '../services/hsm/module-paths';
import { slotFacts, tokenFacts } from '../services/hsm/token-view';
import type { HsmLibraryInfo, HsmPort, HsmSlotInfo, HsmTokenInfo } from '../services/hsm/types';
import type { CeremonyHsm } from '../services/ceremony/types';

export interface HsmHostDeps {
  /** openHsm from electron/services/hsm. */
  readonly open: (modulePath: string) => Promise<HsmPort>;
  /** The usual modules (COMMON_MODULE_PATHS), in order of preference for the default. */
  readonly known: readonly KnownModule[];
  /** Whether a regular file exists at the path (default: statSync). */
  readonly isFile?: (path: string) => boolean;
  /** Refuses a module change (e.g. while a ceremony is active); throws to refuse. */
  readonly beforeSelect?: () => Promise<void>;
}

export interface HsmHost {
  /** The usual modules present on this machine, and the chosen one. */
  suggestedModules(): { modules: KnownModule[]; selected: string | null };
  select(modulePath: string): Promise<{ selected: string; module: HsmLibraryInfo }>;
  selected(): string | null;
  /** Slots and tokens of a module (default: the chosen one), with capabilities; no login. */
  listTokens(modulePath?: string): Promise<{ module: HsmLibraryInfo; slots: ReturnType<typeof slotView>[] }>;
  /** The ceremony service's `hsm` dependency, following the chosen module. */
  readonly ceremonyHsm: CeremonyHsm;
}

const LIBRARY_NAME = /\.(so(\.\d+)*|dylib|dll)$/i;

/**
 * A regular file that an administrator installed: on POSIX systems, the file (links resolved) is owned by root and
 * not writable by group or others. A module is native code run inside main, so one on a stick plugged in a moment
 * ago, or one any local user could replace, is refused (HSM_MODULE, reason untrusted). False when there is no file.
 */
function defaultIsFile(path: string): boolean {
  let info;
  try {
    info = statSync(realpathSync(path));
  } catch {
    return false;
  }
  if (!info.isFile()) return false;
  if (process.platform !== 'win32' && (info.uid !== 0 || (info.mode & 0o022) !== 0)) {
    throw new KeyshardError(
      'HSM_MODULE',
      "keyshard loads only a PKCS#11 module installed on this machine by its administrator (owned by root, not writable by other users). Install the token's module system-wide (its package or installer), then choose it.",
      { reason: 'untrusted' },
    );
  }
  return true;
}

function noModule(): KeyshardError {
  return new KeyshardError(
    'HSM_MODULE',
    'No PKCS#11 module is chosen, so no token can be used. Choose the module of your tokens (for example SoftHSM2 or OpenSC) in the token settings.',
    { reason: 'no-module' },
  );
}

function tokenView(t: HsmTokenInfo) {
  const facts = tokenFacts(t);
  const offers = (needs: readonly CapabilityId[]): boolean => !t.pinLocked && t.initialized && needs.every((n) => facts.has.includes(n));
  return {
    ...facts,
    minPinLength: t.minPinLength,
    maxPinLength: t.maxPinLength,
    lacks: t.capabilities.filter((c) => !c.available).map((c) => c.id),
    usableFor: { custodian: offers(CAPABILITY_NEEDS.storeShard), entropy: offers(CAPABILITY_NEEDS.entropy), witness: offers(CAPABILITY_NEEDS.witness) },
  };
}

function slotView(s: HsmSlotInfo) {
  return slotFacts(s, tokenView);
}

export function createHsmHost(deps: HsmHostDeps): HsmHost {
  const isFile = deps.isFile ?? defaultIsFile;
  const present = (): KnownModule[] => {
    // Several names may share one file (OpenSC serves Nitrokey too): list each file once.
    const byPath = new Map<string, KnownModule>();
    // A usual path whose file is not trustworthy is simply not offered (choosing it says why).
    const usable = (path: string): boolean => {
      try {
        return isFile(path);
      } catch {
        return false;
      }
    };
    for (const m of deps.known) if (!byPath.has(m.path) && isAbsolute(m.path) && usable(m.path)) byPath.set(m.path, m);
    return [...byPath.values()];
  };
  let chosen: string | null = present()[0]?.path ?? null;

  function checkPath(modulePath: string): string {
    if (!isAbsolute(modulePath) || !LIBRARY_NAME.test(modulePath) || !isFile(modulePath)) {
      throw new KeyshardError(
        'HSM_MODULE',
        'That is not a PKCS#11 module keyshard can load: give the full path of the library file (ending in .so, .dylib or .dll) that exists on this machine.',
        { reason: 'not-a-module' },
      );
    }
    return modulePath;
  }

  async function withModule<T>(modulePath: string, fn: (port: HsmPort) => Promise<T>): Promise<T> {
    const port = await deps.open(checkPath(modulePath));
    try {
      return await fn(port);
    } finally {
      await port.close();
    }
  }

  return {
    suggestedModules: () => ({ modules: present(), selected: chosen }),
    selected: () => chosen,

    async select(modulePath) {
      await deps.beforeSelect?.();
      const module = await withModule(modulePath, async (port) => port.library);
      chosen = modulePath;
      return { selected: modulePath, module };
    },

    async listTokens(modulePath) {
      const path = modulePath ?? chosen;
      if (path === null) throw noModule();
      // Listing loads the module too: only the chosen one or a usual one found here, never a new path (select it first).
      if (path !== chosen && !present().some((m) => m.path === path)) {
        throw new KeyshardError('HSM_MODULE', 'Choose this module first (it is not the one in use, nor a usual one found on this machine); then its tokens are listed.', {
          reason: 'not-chosen',
        });
      }
      return withModule(path, async (port) => ({ module: port.library, slots: (await port.listSlots()).map(slotView) }));
    },

    ceremonyHsm: {
      get modulePath(): string {
        return chosen ?? '';
      },
      open: (modulePath) => (modulePath === '' ? Promise.reject(noModule()) : deps.open(checkPath(modulePath))),
    },
  };
}
