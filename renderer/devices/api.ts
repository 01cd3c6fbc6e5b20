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
import type { Key } from '../i18n/catalogue';
import { germanMessageWith } from '../i18n/errors-de';
import { language } from '../i18n/language';
import { t } from '../i18n/translate';

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

/** "keep a custodian's shard": what the role asks of a token, to finish "can / cannot ...", in the chosen language. */
export const ROLE_TEXT: { readonly [R in TokenRole]: string } = {
  get custodian() {
    return t('device.role.custodian');
  },
  get entropy() {
    return t('device.role.entropy');
  },
  get witness() {
    return t('device.role.witness');
  },
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
export function tokenName(tok: { readonly label: string; readonly serial: string }): string {
  return t('device.tokenName', { label: tok.label, serial: tok.serial });
}

export type PinState = 'locked' | 'final-try' | 'low' | 'ok' | 'no-pin';

/** The token's PIN state as the token reports it (no login needed), in words. */
export function pinStateOf(tok: Token): { readonly state: PinState; readonly text: string } {
  if (tok.pinLocked) return { state: 'locked', text: t('device.pin.locked') };
  if (!tok.userPinInitialized) return { state: 'no-pin', text: t('device.pin.noPin') };
  if (tok.pinFinalTry) return { state: 'final-try', text: t('device.pin.finalTry') };
  if (tok.pinCountLow) return { state: 'low', text: t('device.pin.low') };
  return { state: 'ok', text: t('device.pin.ok') };
}

/** Why a token cannot serve a role, in words (empty when main says it can). */
export function cannotReasons(tok: Token, role: TokenRole): string[] {
  if (tok.usableFor[role]) return [];
  const out: string[] = [];
  if (!tok.initialized) out.push(t('device.why.notInitialized'));
  if (tok.pinLocked) out.push(t('device.why.pinLocked'));
  for (const id of ROLE_NEEDS[role]) {
    if (!tok.lacks.includes(id)) continue;
    const c = tok.capabilities.find((x) => x.id === id);
    // The capability in the chosen language; main's note names mechanisms and flags (CKM_..., CKF_...) as they are.
    const what = t(`device.capability.${id}` as Key & `device.capability.${CapabilityId}`);
    out.push(c?.note ? t('device.why.lacksNote', { what, note: c.note }) : t('device.why.lacks', { what }));
  }
  if (out.length === 0) out.push(t('device.why.other'));
  return out;
}

/** One line: "Can keep a custodian's shard" or "Cannot keep a custodian's shard: its PIN is locked ...". */
export function roleVerdict(tok: Token, role: TokenRole): { readonly ok: boolean; readonly text: string } {
  const why = cannotReasons(tok, role);
  return why.length === 0 ? { ok: true, text: t('device.can', { role: ROLE_TEXT[role] }) } : { ok: false, text: t('device.cannot', { role: ROLE_TEXT[role], why: why.join('; ') }) };
}

/** Tokens that are there and initialized (SoftHSM and card readers also show empty or blank slots). */
export function tokensOf(list: TokenList | null): Token[] {
  return (list?.slots ?? []).flatMap((s) => (s.token !== null && s.token.initialized ? [s.token] : []));
}

/** What to do next after a token error; main's message already says what happened (and never holds a PIN). */
const TODO_CODES = [
  'HSM_PIN_INCORRECT',
  'HSM_PIN_LOCKED',
  'HSM_TOKEN_ABSENT',
  'HSM_TOKEN_FULL',
  'HSM_MECHANISM',
  'HSM_MODULE',
  'HSM_VERIFY',
  'HSM_SHARD_EXISTS',
  'HSM_OBJECT_NOT_FOUND',
] as const;

/** The next step per token error code, in the chosen language (read when asked, so a language change shows). */
export const DEVICE_TODO: Readonly<Record<string, string>> = Object.defineProperties(
  {},
  Object.fromEntries(TODO_CODES.map((code) => [code, { enumerable: true, get: () => t(`device.todo.${code}`) }])),
);

export function deviceTodo(code: string): string {
  return ownValue(DEVICE_TODO, code) ?? todoFor(code);
}

/** Any failure of a device call as an ErrorInfo for the error panel. */
export function deviceErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof IpcCallError) {
    // Main writes English; in German the screen says what the code means (the code stays in the support line).
    const message = language() === 'en' ? e.message : (germanMessageWith(e.code, e.details) ?? e.message);
    return { code: e.code, message, todo: deviceTodo(e.code) };
  }
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
    return t('device.note.triesLeft', { count: left });
  }
  if (details['countLow'] === true) return t('device.note.countLow');
  const reason = details['reason'];
  if (code === 'HSM_PIN_INCORRECT' && (reason === 'missing' || reason === 'empty')) return t('device.note.noPin');
  if (code === 'HSM_PIN_LOCKED' && reason === 'locked-now') return t('device.note.lockedNow');
  if (code === 'HSM_TOKEN_ABSENT' && reason === 'removed') return t('device.note.removed');
  return null;
}

/** PIN length bounds every request accepts (contract-ceremony.ts `Pin`). */
export const PIN_MIN = 4;
export const PIN_MAX = 64;

export function pinReady(pin: string): boolean {
  return pin.length >= PIN_MIN && pin.length <= PIN_MAX;
}
