/**
 * PKCS#11 modules and tokens as the screens see them: the hsm:* answers' types, plain words for a token's state and
 * for what it can do in a role, and device errors with their next step. Shared by the ceremony and recovery screens.
 *
 * PINs never pass through here: hsm:* requests take none (listing needs no login). A PIN goes only into the one
 * request that uses a token (ceremony:handoff, ...), typed into a PinField whose value the screen clears afterwards.
 */
import type { ChannelName } from '../../electron/ipc/channels';
import { ownValue } from '../../core/own';
import { call, IpcCallError } from '../../electron/ipc/client';
import type { RequestOf, ResponseOf } from '../../electron/ipc/contract';
import { toErrorInfo, todoFor, type ErrorInfo } from '../components/errors';

export type TokenList = ResponseOf<'hsm:list-tokens'>;
export type TokenSlot = TokenList['slots'][number];
export type Token = NonNullable<TokenSlot['token']>;
export type ModuleInfo = TokenList['module'];
export type SuggestedModules = ResponseOf<'hsm:suggested-modules'>;
export type KnownModule = SuggestedModules['modules'][number];
export type SelectedModule = ResponseOf<'hsm:select-module'>;
export type CapabilityId = Token['has'][number];
/** What a token is for in a ceremony (main judges each in `usableFor`). */
export type TokenRole = keyof Token['usableFor'];

type DeviceChannel = Extract<ChannelName, `hsm:${string}`>;

/** A typed hsm:* call; failures throw IpcCallError (turn them into an ErrorInfo with deviceErrorInfo). */
export function askDevices<K extends DeviceChannel>(channel: K, ...args: undefined extends RequestOf<K> ? [RequestOf<K>?] : [RequestOf<K>]): Promise<ResponseOf<K>> {
  return (call as (c: K, ...a: unknown[]) => Promise<ResponseOf<K>>)(channel, ...args);
}

/** "keep a custodian's shard": what the role asks of a token, to finish "can / cannot ...". */
export const ROLE_TEXT: Readonly<Record<TokenRole, string>> = {
  custodian: "keep a custodian's shard",
  entropy: 'add random numbers to the entropy',
  witness: 'sign as a witness',
};

/**
 * Which missing capabilities to name for a role. Mirrors CAPABILITY_NEEDS in electron/services/hsm/capabilities.ts;
 * whether a token is usable is main's verdict (`usableFor`), this only picks what to name when it is not.
 */
const ROLE_NEEDS: Readonly<Record<TokenRole, readonly CapabilityId[]>> = {
  custodian: ['data-objects'],
  entropy: ['random'],
  witness: ['ec-p256-keygen', 'ecdsa'],
};

/** `alice-token (serial 0a1b2c3d)`: how screens name a token. */
export function tokenName(t: { readonly label: string; readonly serial: string }): string {
  return `${t.label} (serial ${t.serial})`;
}

export type PinState = 'locked' | 'final-try' | 'low' | 'ok' | 'no-pin';

/** The token's PIN state as the token reports it (no login needed), in words. */
export function pinStateOf(t: Token): { readonly state: PinState; readonly text: string } {
  if (t.pinLocked) return { state: 'locked', text: 'PIN locked: too many wrong PINs' };
  if (!t.userPinInitialized) return { state: 'no-pin', text: 'no user PIN set yet' };
  if (t.pinFinalTry) return { state: 'final-try', text: 'PIN: one try left before it locks' };
  if (t.pinCountLow) return { state: 'low', text: 'PIN: few tries left' };
  return { state: 'ok', text: 'PIN ready' };
}

/** Why a token cannot serve a role, in words (empty when main says it can). */
export function cannotReasons(t: Token, role: TokenRole): string[] {
  if (t.usableFor[role]) return [];
  const out: string[] = [];
  if (!t.initialized) out.push('it is not initialized (it needs a label and a PIN first)');
  if (t.pinLocked) out.push('its PIN is locked after too many wrong tries (its security officer can unblock it)');
  for (const id of ROLE_NEEDS[role]) {
    if (!t.lacks.includes(id)) continue;
    const c = t.capabilities.find((x) => x.id === id);
    out.push(`it lacks ${c?.label ?? id}${c?.note ? `: ${c.note}` : ''}`);
  }
  if (out.length === 0) out.push('it lacks something this needs');
  return out;
}

/** One line: "Can keep a custodian's shard" or "Cannot keep a custodian's shard: its PIN is locked ...". */
export function roleVerdict(t: Token, role: TokenRole): { readonly ok: boolean; readonly text: string } {
  const why = cannotReasons(t, role);
  return why.length === 0 ? { ok: true, text: `Can ${ROLE_TEXT[role]}` } : { ok: false, text: `Cannot ${ROLE_TEXT[role]}: ${why.join('; ')}` };
}

/** Tokens that are there and initialized (SoftHSM and card readers also show empty or blank slots). */
export function tokensOf(list: TokenList | null): Token[] {
  return (list?.slots ?? []).flatMap((s) => (s.token !== null && s.token.initialized ? [s.token] : []));
}

/** What to do next after a token error; main's message already says what happened (and never holds a PIN). */
export const DEVICE_TODO: Readonly<Record<string, string>> = {
  HSM_PIN_INCORRECT: 'The token holder types the PIN again, carefully (Caps Lock, keyboard layout): a token locks after a few wrong tries.',
  HSM_PIN_LOCKED: "This token is locked. Use another token, or have its security officer unblock it (reset the user PIN) with the token's own tool.",
  HSM_TOKEN_ABSENT: 'Plug the token in (the same one), wait a moment, then try again.',
  HSM_TOKEN_FULL: "The token has no room left. Use another token, or free space on this one with its own tool, then try again.",
  HSM_MECHANISM: 'This token cannot do what this step needs. Choose another token (the token list says what each one can do).',
  HSM_MODULE: 'Choose a PKCS#11 module installed on this machine (for example SoftHSM2 or OpenSC), or install your tokens\' module with its package first, then choose it.',
  HSM_VERIFY: 'What was read back from the token differs from what was written. Try again; if it fails again, use another token.',
  HSM_SHARD_EXISTS: 'This token already holds a shard of this ceremony. Use the token that was chosen for this custodian.',
  HSM_OBJECT_NOT_FOUND: "The shard is not on this token. Check that this is the custodian's own token from this ceremony.",
};

export function deviceTodo(code: string): string {
  return ownValue(DEVICE_TODO, code) ?? todoFor(code);
}

/** Any failure of a device call as an ErrorInfo for the error panel. */
export function deviceErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof IpcCallError) return { code: e.code, message: e.message, todo: deviceTodo(e.code) };
  return toErrorInfo(e);
}

/**
 * A short extra line for a PIN error, from the error's non-secret details: how many tries are left, or that no PIN
 * was typed. Null when the details say nothing more than main's `message` already does.
 */
export function pinErrorNote(code: string, details: Readonly<Record<string, unknown>>, message = ''): string | null {
  const note = noteOf(code, details);
  if (note === null) return null;
  const said = message.toLowerCase();
  const aboutTries = /tr(y|ies) (is |are )?left/;
  return aboutTries.test(note.toLowerCase()) && aboutTries.test(said) ? null : note;
}

function noteOf(code: string, details: Readonly<Record<string, unknown>>): string | null {
  const left = details['triesLeft'];
  if (typeof left === 'number' && Number.isInteger(left) && left >= 0) {
    return left === 1 ? 'One try is left before the token locks.' : `${left} tries are left before the token locks.`;
  }
  if (details['countLow'] === true) return 'The token says few tries are left before it locks.';
  const reason = details['reason'];
  if (code === 'HSM_PIN_INCORRECT' && (reason === 'missing' || reason === 'empty')) return 'No PIN was given: type it, then try again.';
  if (code === 'HSM_PIN_LOCKED' && reason === 'locked-now') return 'That wrong PIN was the last try: the token is locked now.';
  if (code === 'HSM_TOKEN_ABSENT' && reason === 'removed') return 'The token was pulled out during the step. Nothing was kept from it.';
  return null;
}

/** PIN length bounds every request accepts (contract-ceremony.ts `Pin`). */
export const PIN_MIN = 4;
export const PIN_MAX = 64;

export function pinReady(pin: string): boolean {
  return pin.length >= PIN_MIN && pin.length <= PIN_MAX;
}
