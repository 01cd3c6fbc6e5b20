/** Reading slot and token facts from graphene objects into plain data. */
import type * as graphene from 'graphene-pk11';
import { capabilityReport, CKF_TOKEN } from './capabilities';
import type { MechanismInfo } from './capabilities';
import type { HsmSlotInfo, HsmTokenInfo, HsmTokenMemory } from './types';

const SLOT_TOKEN_PRESENT = 0x1;
const SLOT_REMOVABLE = 0x2;
const SLOT_HW = 0x4;

/** Slot ids as decimal strings (CK_SLOT_ID is an unsigned long; SoftHSM's ids exceed 2^31). */
export function slotIdOf(slot: graphene.Slot): string {
  const h = slot.handle;
  return h.length === 8 ? h.readBigUInt64LE(0).toString() : h.toString('hex');
}

/** A memory figure, or null for CK_UNAVAILABLE_INFORMATION (~0, which graphene may give as a bigint). */
function memoryValue(v: unknown): number | null {
  if (typeof v === 'bigint') return v >= 0n && v < BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : null;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v < 0xffffffff) return v;
  return null;
}

function memoryOf(t: graphene.Token): HsmTokenMemory {
  return {
    freePrivate: memoryValue(t.freePrivateMemory),
    totalPrivate: memoryValue(t.totalPrivateMemory),
    freePublic: memoryValue(t.freePublicMemory),
    totalPublic: memoryValue(t.totalPublicMemory),
  };
}

export function mechanismsOf(slot: graphene.Slot): MechanismInfo[] {
  const list = slot.getMechanisms();
  const out: MechanismInfo[] = [];
  for (let i = 0; i < list.length; i++) {
    const m = list.items(i);
    out.push({ type: Number(m.type), flags: Number(m.flags), minKeySize: Number(m.minKeySize), maxKeySize: Number(m.maxKeySize) });
  }
  return out;
}

/** Token labels are space-padded to 32 bytes on the wire; graphene trims, but trim again for other wrappers. */
export function cleanText(s: string): string {
  return s.replace(/[\u0000\s]+$/u, '').trim();
}

export function tokenInfoOf(slot: graphene.Slot): HsmTokenInfo {
  const t = slot.getToken();
  const flags = Number(t.flags);
  const has = (bit: number) => (flags & bit) !== 0;
  return {
    slotId: slotIdOf(slot),
    label: cleanText(t.label),
    serial: cleanText(t.serialNumber),
    manufacturer: cleanText(t.manufacturerID),
    model: cleanText(t.model),
    loginRequired: has(CKF_TOKEN.LOGIN_REQUIRED),
    initialized: has(CKF_TOKEN.TOKEN_INITIALIZED),
    userPinInitialized: has(CKF_TOKEN.USER_PIN_INITIALIZED),
    writeProtected: has(CKF_TOKEN.WRITE_PROTECTED),
    pinCountLow: has(CKF_TOKEN.USER_PIN_COUNT_LOW),
    pinFinalTry: has(CKF_TOKEN.USER_PIN_FINAL_TRY),
    pinLocked: has(CKF_TOKEN.USER_PIN_LOCKED),
    minPinLength: Number(t.minPinLen),
    maxPinLength: Number(t.maxPinLen),
    memory: memoryOf(t),
    capabilities: capabilityReport(flags, mechanismsOf(slot)),
  };
}

export function slotInfoOf(slot: graphene.Slot, token: HsmTokenInfo | null, tokenError?: { code: string; message: string }): HsmSlotInfo {
  const flags = Number(slot.flags);
  return {
    slotId: slotIdOf(slot),
    description: cleanText(slot.slotDescription),
    manufacturer: cleanText(slot.manufacturerID),
    tokenPresent: (flags & SLOT_TOKEN_PRESENT) !== 0,
    removableDevice: (flags & SLOT_REMOVABLE) !== 0,
    hardwareSlot: (flags & SLOT_HW) !== 0,
    token,
    ...(tokenError === undefined ? {} : { tokenError }),
  };
}

/** `"Alice" (serial 1234)`: how messages name a token. Public facts only. */
export function tokenName(info: { readonly label: string; readonly serial: string }): string {
  return `"${info.label}" (serial ${info.serial})`;
}
