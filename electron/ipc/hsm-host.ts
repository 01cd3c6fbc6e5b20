/**
 * The PKCS#11 module of this window: which one is chosen (default: the first usual module found on this machine,
 * SoftHSM2 first), the tokens it sees, and the `hsm` dependency every ceremony service gets. The service reads
 * `modulePath` when it opens the module for a token operation, so a module chosen after the (idle) service was made
 * is the one used; changing it while a ceremony runs is refused (its tokens were checked through the old one).
 *
 * A module is native code loaded into main, so only a library the system carries is loaded (module-trust.ts: a
 * system library folder, owned by root, not on a removable drive or disk image), through the very file that was
 * checked, and it must open as a PKCS#11 module before it is chosen. PINs never pass through here.
 */
import { isAbsolute } from 'node:path';
import { KeyshardError } from '../../core/errors';
import { CAPABILITY_NEEDS, type CapabilityId } from '../services/hsm/capabilities';
import type { KnownModule } from '../services/hsm/module-paths';
import { nodeModuleTrust, type ModuleTrust, type TrustedModule } from '../services/hsm/module-trust';
import { slotFacts, tokenFacts } from '../services/hsm/token-view';
import type { HsmLibraryInfo, HsmPort, HsmSlotInfo, HsmTokenInfo } from '../services/hsm/types';
import type { CeremonyHsm } from '../services/ceremony/types';
import { linuxDriveLister } from '../services/usb/lsblk';
import type { RemovableDrive } from '../services/usb/types';

export interface HsmHostDeps {
  /** openHsm from electron/services/hsm. */
  readonly open: (modulePath: string) => Promise<HsmPort>;
  /** The usual modules (COMMON_MODULE_PATHS), in order of preference for the default. */
  readonly known: readonly KnownModule[];
  /** Which module files may be loaded (default: nodeModuleTrust over `listDrives`). */
  readonly trust?: ModuleTrust;
  /** Removable drives mounted now, for the default trust rules (default: lsblk). */
  readonly listDrives?: () => Promise<readonly RemovableDrive[]>;
  /** Refuses a module change (e.g. while a ceremony is active); throws to refuse. */
  readonly beforeSelect?: () => Promise<void>;
}

export interface HsmHost {
  /** The usual modules present on this machine, and the chosen one. */
  suggestedModules(): Promise<{ modules: KnownModule[]; selected: string | null }>;
  select(modulePath: string): Promise<{ selected: string; module: HsmLibraryInfo }>;
  selected(): string | null;
  /** Slots and tokens of a module (default: the chosen one), with capabilities; no login. */
  listTokens(modulePath?: string): Promise<{ module: HsmLibraryInfo; slots: ReturnType<typeof slotView>[] }>;
  /** The ceremony service's `hsm` dependency, following the chosen module. */
  readonly ceremonyHsm: CeremonyHsm;
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

/** The port as main shows it: named by the path that was chosen, not the descriptor it was loaded through. */
function named(port: HsmPort, path: string): HsmPort {
  const library = { ...port.library, path };
  return {
    library,
    listSlots: () => port.listSlots(),
    findToken: (selector) => port.findToken(selector),
    openSession: (selector, pin, options) => port.openSession(selector, pin, options),
    close: () => port.close(),
  };
}

export function createHsmHost(deps: HsmHostDeps): HsmHost {
  const trust = deps.trust ?? nodeModuleTrust(deps.listDrives ?? (() => linuxDriveLister().list()));
  const known = (): KnownModule[] => {
    // Several names may share one file (OpenSC serves Nitrokey too): list each file once.
    const byPath = new Map<string, KnownModule>();
    for (const m of deps.known) if (!byPath.has(m.path) && isAbsolute(m.path)) byPath.set(m.path, m);
    return [...byPath.values()];
  };
  // A usual path whose file breaks a rule is simply not offered (choosing it says why).
  const passes = (check: () => TrustedModule): boolean => {
    try {
      check().close();
      return true;
    } catch {
      return false;
    }
  };
  const present = async (): Promise<KnownModule[]> => {
    const out: KnownModule[] = [];
    for (const m of known()) {
      try {
        (await trust.open(m.path)).close();
        out.push(m);
      } catch {
        // not offered
      }
    }
    return out;
  };
  // The default, without waiting for the drive list (every rule but that one); loading it checks every rule anyway.
  let chosen: string | null = known().find((m) => passes(() => trust.openSync(m.path)))?.path ?? null;
  let picked = false;

  /** Loads the module through the file that passed the rules; errors name the path asked for. */
  async function load(modulePath: string): Promise<HsmPort> {
    const checked = await trust.open(modulePath);
    try {
      return named(await deps.open(checked.loadPath), modulePath);
    } catch (e) {
      if (e instanceof KeyshardError && checked.loadPath !== modulePath) {
        throw new KeyshardError(e.code, e.message.split(checked.loadPath).join(modulePath), { ...e.details, path: modulePath });
      }
      throw e;
    } finally {
      checked.close();
    }
  }

  async function withModule<T>(modulePath: string, fn: (port: HsmPort) => Promise<T>): Promise<T> {
    const port = await load(modulePath);
    try {
      return await fn(port);
    } finally {
      await port.close();
    }
  }

  return {
    async suggestedModules() {
      const modules = await present();
      // A default that fails the full check (its drive is removable) gives way to the first one that passes.
      if (!picked && (chosen === null || !modules.some((m) => m.path === chosen))) chosen = modules[0]?.path ?? null;
      return { modules, selected: chosen };
    },
    selected: () => chosen,

    async select(modulePath) {
      await deps.beforeSelect?.();
      const module = await withModule(modulePath, async (port) => port.library);
      chosen = modulePath;
      picked = true;
      return { selected: modulePath, module };
    },

    async listTokens(modulePath) {
      const path = modulePath ?? chosen;
      if (path === null) throw noModule();
      // Listing loads the module too: only the chosen one or a usual one found here, never a new path (select it first).
      if (path !== chosen && !(await present()).some((m) => m.path === path)) {
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
      open: (modulePath) => (modulePath === '' ? Promise.reject(noModule()) : load(modulePath)),
    },
  };
}
