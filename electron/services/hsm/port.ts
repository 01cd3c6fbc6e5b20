/**
 * The HsmPort on graphene-pk11: module, slots, token selection, login. Session work is in session.ts.
 */
import * as graphene from 'graphene-pk11';
import { KeyshardError } from '../../../core/errors';
import { requireCapabilities } from './capabilities';
import { ckrName, mapHsmError } from './errors';
import { acquireModule, releaseModule } from './module';
import { GrapheneSession } from './session';
import { slotInfoOf, tokenInfoOf, tokenName } from './token-info';
import type { HsmLibraryInfo, HsmPort, HsmSession, HsmSlotInfo, HsmTokenInfo, OpenSessionOptions, TokenSelector } from './types';

export interface OpenHsmOptions {
  /**
   * Wraps every graphene session the port opens. For fault injection in tests only (a create that fails with
   * CKR_DEVICE_MEMORY, a token pulled between two calls); production code passes nothing.
   */
  readonly sessionInterceptor?: (session: graphene.Session) => graphene.Session;
}

/** Tokens with an open keyshard session, per loaded module: one session per token at a time (see openSession). */
const busyTokens = new Set<string>();

function versionText(v: { major: number; minor: number } | undefined): string {
  return v === undefined ? 'unknown' : `${v.major}.${v.minor}`;
}

function selectorText(selector: TokenSelector): string {
  return 'label' in selector ? `labelled "${selector.label}"` : `with serial ${selector.serial}`;
}

class GraphenePort implements HsmPort {
  readonly library: HsmLibraryInfo;
  private readonly sessions = new Set<GrapheneSession>();
  private closed = false;

  constructor(
    private readonly module: graphene.Module,
    private readonly moduleKey: string,
    path: string,
    private readonly options: OpenHsmOptions,
  ) {
    this.library = {
      path,
      description: module.libraryDescription.trim(),
      manufacturer: module.manufacturerID.trim(),
      libraryVersion: versionText(module.libraryVersion),
      cryptokiVersion: versionText(module.cryptokiVersion),
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new KeyshardError('HSM_MODULE', 'This PKCS#11 module was already closed. Open it again to continue.');
  }

  private slots(tokenPresent: boolean): graphene.Slot[] {
    try {
      const collection = this.module.getSlots(tokenPresent);
      const out: graphene.Slot[] = [];
      for (let i = 0; i < collection.length; i++) out.push(collection.items(i)); // each reads C_GetSlotInfo
      return out;
    } catch (e) {
      throw new KeyshardError(
        'HSM_MODULE',
        `The PKCS#11 module could not list its slots (${ckrName(e) ?? 'no PKCS#11 code'}). Unplug and re-insert the tokens, then try again.`,
        { operation: 'list', ...(ckrName(e) === undefined ? {} : { ckr: ckrName(e) }) },
      );
    }
  }

  async listSlots(): Promise<readonly HsmSlotInfo[]> {
    this.assertOpen();
    return this.slots(false).map((slot) => {
      let present = false;
      try {
        present = (Number(slot.flags) & 0x1) !== 0;
      } catch {
        present = false;
      }
      if (!present) return slotInfoOf(slot, null);
      try {
        return slotInfoOf(slot, tokenInfoOf(slot));
      } catch (e) {
        const err = mapHsmError(e, 'list');
        const code = err.code === 'HSM_MODULE' ? 'HSM_TOKEN_ABSENT' : err.code;
        return slotInfoOf(slot, null, { code, message: 'The token in this slot could not be read; re-insert it and list again.' });
      }
    });
  }

  private locate(selector: TokenSelector): { slot: graphene.Slot; info: HsmTokenInfo } {
    const seen: { slot: graphene.Slot; info: HsmTokenInfo }[] = [];
    for (const slot of this.slots(true)) {
      try {
        seen.push({ slot, info: tokenInfoOf(slot) });
      } catch {
        // a token that cannot be read cannot be the one asked for
      }
    }
    const matches = seen.filter(({ info }) => ('label' in selector ? info.label === selector.label.trim() : info.serial === selector.serial.trim()));
    if (matches.length === 0) {
      const list = seen.filter((s) => s.info.initialized).map((s) => tokenName(s.info));
      throw new KeyshardError(
        'HSM_TOKEN_ABSENT',
        `No token ${selectorText(selector)} is plugged in. ${list.length === 0 ? 'No initialized token was found at all.' : `Tokens found: ${list.join(', ')}.`} ` +
          'Plug in the custodian\'s token (or check the label), then try again.',
        { reason: 'not-found', tokensFound: list.length },
      );
    }
    if (matches.length > 1) {
      throw new KeyshardError(
        'INVALID_ARGUMENT',
        `Several tokens are ${selectorText(selector)} (serials ${matches.map((m) => m.info.serial).join(', ')}). Choose one by its serial number (--serial).`,
        { matches: matches.length },
      );
    }
    return matches[0]!;
  }

  async findToken(selector: TokenSelector): Promise<HsmTokenInfo> {
    this.assertOpen();
    return this.locate(selector).info;
  }

  async openSession(selector: TokenSelector, pin: string, options: OpenSessionOptions = {}): Promise<HsmSession> {
    this.assertOpen();
    if (typeof pin !== 'string' || pin.length === 0) throw new KeyshardError('HSM_PIN_INCORRECT', 'Enter the token PIN (it is empty).', { reason: 'empty' });
    const { slot, info } = this.locate(selector);
    const name = tokenName(info);
    if (!info.initialized) {
      throw new KeyshardError('INVALID_ARGUMENT', `Token ${name} is not initialized. Initialize it with its own tool first (it needs a label and a PIN).`);
    }
    requireCapabilities(info.capabilities, options.require ?? [], name);
    if (info.pinLocked) {
      throw new KeyshardError(
        'HSM_PIN_LOCKED',
        `Token ${name} is locked after too many wrong PINs. Its security officer must unblock it (reset the user PIN) before it can be used.`,
        { reason: 'locked' },
      );
    }
    const busyKey = `${this.moduleKey}\u0000${info.serial}`;
    if (busyTokens.has(busyKey)) {
      throw new KeyshardError('INVALID_ARGUMENT', `Token ${name} is already in use by another step. Finish or cancel that step first.`, { reason: 'busy' });
    }
    let session: graphene.Session;
    try {
      session = slot.open(graphene.SessionFlag.RW_SESSION | graphene.SessionFlag.SERIAL_SESSION);
    } catch (e) {
      throw mapHsmError(e, 'open', name);
    }
    if (this.options.sessionInterceptor !== undefined) session = this.options.sessionInterceptor(session);
    try {
      this.login(session, slot, info, pin);
    } catch (e) {
      try {
        session.close();
      } catch {
        // the session may already be gone with the token
      }
      throw e;
    }
    busyTokens.add(busyKey);
    const s = new GrapheneSession(slot, session, info, () => {
      busyTokens.delete(busyKey);
      this.sessions.delete(s);
    });
    this.sessions.add(s);
    return s;
  }

  /** Logs in as the user. The PIN goes to the module and is not kept; no error carries it. */
  private login(session: graphene.Session, slot: graphene.Slot, info: HsmTokenInfo, pin: string): void {
    try {
      session.login(pin, graphene.UserType.USER);
      return;
    } catch (e) {
      if (ckrName(e) === 'CKR_USER_ALREADY_LOGGED_IN') {
        // Login state is per process and token; no other keyshard session is open on it (busyTokens), so this is
        // stale. Log out and in again so that the PIN given now is really checked.
        try {
          session.logout();
          session.login(pin, graphene.UserType.USER);
          return;
        } catch (e2) {
          throw this.loginError(e2, slot, info);
        }
      }
      throw this.loginError(e, slot, info);
    }
  }

  private loginError(e: unknown, slot: graphene.Slot, info: HsmTokenInfo): KeyshardError {
    const name = tokenName(info);
    const ckr = ckrName(e);
    if (ckr !== 'CKR_PIN_INCORRECT') return mapHsmError(e, 'login', name);
    // The token's flags after the failure tell how close it is to locking (when it reports that at all).
    let after: HsmTokenInfo | undefined;
    try {
      after = tokenInfoOf(slot);
    } catch {
      after = undefined;
    }
    if (after?.pinLocked === true) {
      return new KeyshardError(
        'HSM_PIN_LOCKED',
        `The PIN was wrong, and token ${name} is now locked. Its security officer must unblock it (reset the user PIN) before it can be used.`,
        { reason: 'locked-now' },
      );
    }
    const finalTry = after?.pinFinalTry === true;
    const countLow = after?.pinCountLow === true;
    const tries = finalTry
      ? ' Only ONE try is left before the token locks.'
      : countLow
        ? ' The token says few tries are left before it locks.'
        : '';
    return new KeyshardError('HSM_PIN_INCORRECT', `The PIN for token ${name} is wrong.${tries} Check it (Caps Lock, keyboard layout) and try again.`, {
      ...(finalTry ? { triesLeft: 1 } : {}),
      countLow: countLow || finalTry,
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.sessions]) await s.close();
    releaseModule(this.moduleKey);
  }
}

/**
 * Loads the PKCS#11 module at `modulePath` (HSM_MODULE naming the path and suggesting the usual ones if it is not
 * one) and returns the port. Close it when done.
 */
export async function openHsm(modulePath: string, options: OpenHsmOptions = {}): Promise<HsmPort> {
  const { module, key } = acquireModule(modulePath);
  try {
    return new GraphenePort(module, key, modulePath, options);
  } catch (e) {
    releaseModule(key);
    throw mapHsmError(e, 'list');
  }
}
