/**
 * The public facts of a slot and its token, as the CLI (`keyshard hsm list --json`) and the hsm:list-tokens channel
 * show them. No login is needed for any of them; each caller adds what its readers need on top.
 */
import type { CapabilityId } from './capabilities';
import type { HsmSlotInfo, HsmTokenInfo } from './types';

export function tokenFacts(t: HsmTokenInfo) {
  return {
    label: t.label,
    serial: t.serial,
    manufacturer: t.manufacturer,
    model: t.model,
    loginRequired: t.loginRequired,
    initialized: t.initialized,
    userPinInitialized: t.userPinInitialized,
    writeProtected: t.writeProtected,
    pinCountLow: t.pinCountLow,
    pinFinalTry: t.pinFinalTry,
    pinLocked: t.pinLocked,
    capabilities: t.capabilities,
    /** The capabilities this token offers. */
    has: t.capabilities.filter((c) => c.available).map((c): CapabilityId => c.id),
  };
}

/** A slot with its token shown by `token` (the caller's view of a token). */
export function slotFacts<T>(s: HsmSlotInfo, token: (t: HsmTokenInfo) => T) {
  return {
    slotId: s.slotId,
    description: s.description,
    manufacturer: s.manufacturer,
    tokenPresent: s.tokenPresent,
    removableDevice: s.removableDevice,
    token: s.token === null ? null : token(s.token),
    ...(s.tokenError === undefined ? {} : { tokenError: s.tokenError }),
  };
}
