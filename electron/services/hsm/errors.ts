/**
 * Turns whatever graphene-pk11 / pkcs11js throw into a typed KeyshardError.
 *
 * Only the CKR_* name is taken from a library error (matched against a fixed pattern); its message, native stack
 * and anything else are dropped, because a module's message could carry data (a label, a value, a PIN buffer).
 */
import { KeyshardError } from '../../../core/errors';
import type { KeyshardErrorCode } from '../../../core/errors';

/** What keyshard was doing, for the message. */
export type HsmOperation =
  | 'list'
  | 'login'
  | 'open'
  | 'random'
  | 'store'
  | 'read'
  | 'keygen'
  | 'find-key'
  | 'decrypt'
  | 'sign'
  | 'import'
  | 'close';

const DOING: Record<HsmOperation, string> = {
  list: 'listing slots and tokens',
  login: 'logging in',
  open: 'opening a session',
  random: 'reading random numbers',
  store: 'storing the shard',
  read: 'reading the shard',
  keygen: 'generating a key pair',
  'find-key': 'looking up a key',
  decrypt: 'opening the sealed shard',
  sign: 'signing',
  import: 'importing the key',
  close: 'closing the session',
};

/** The CKR_* name of a PKCS#11 error, from pkcs11js' Pkcs11Error or graphene's "CKR_X:code" messages. */
export function ckrName(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const m = /\b(CKR_[A-Z0-9_]{2,60})\b/.exec(e.message);
  return m?.[1];
}

const ABSENT = new Set([
  'CKR_TOKEN_NOT_PRESENT',
  'CKR_DEVICE_REMOVED',
  'CKR_TOKEN_NOT_RECOGNIZED',
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_SESSION_CLOSED',
  'CKR_SLOT_ID_INVALID',
  'CKR_DEVICE_ERROR',
]);
const MECHANISM = new Set([
  'CKR_MECHANISM_INVALID',
  'CKR_MECHANISM_PARAM_INVALID',
  'CKR_CURVE_NOT_SUPPORTED',
  'CKR_DOMAIN_PARAMS_INVALID',
  'CKR_KEY_TYPE_INCONSISTENT',
  'CKR_TEMPLATE_INCONSISTENT',
  'CKR_TEMPLATE_INCOMPLETE',
  'CKR_ATTRIBUTE_TYPE_INVALID',
  'CKR_ATTRIBUTE_VALUE_INVALID',
  'CKR_FUNCTION_NOT_SUPPORTED',
  'CKR_KEY_FUNCTION_NOT_PERMITTED',
  'CKR_KEY_SIZE_RANGE',
  'CKR_TOKEN_WRITE_PROTECTED',
]);

/** True for errors that may simply mean "the token went away": the caller re-checks the token before reporting. */
export function mayMeanTokenGone(e: unknown): boolean {
  const name = ckrName(e);
  return name === undefined || ABSENT.has(name) || name === 'CKR_GENERAL_ERROR' || name === 'CKR_OBJECT_HANDLE_INVALID' || name === 'CKR_FUNCTION_FAILED';
}

export function tokenAbsent(tokenName: string, doing: string, details?: Record<string, unknown>): KeyshardError {
  return new KeyshardError(
    'HSM_TOKEN_ABSENT',
    `Token ${tokenName} went away while ${doing}. Plug it back in (the same token), then try again.`,
    { ...details, reason: 'removed' },
  );
}

/**
 * Maps a library error. `tokenName` is a description like `"Alice" (serial 1234)`; it comes from the token's
 * public info, never from the error.
 */
export function mapHsmError(e: unknown, op: HsmOperation, tokenName = 'the token'): KeyshardError {
  if (e instanceof KeyshardError) return e;
  const name = ckrName(e);
  const doing = DOING[op];
  const ckr = name === undefined ? {} : { ckr: name };
  let code: KeyshardErrorCode = 'HSM_MODULE';
  let message: string;
  if (name === 'CKR_PIN_INCORRECT' || name === 'CKR_PIN_INVALID' || name === 'CKR_PIN_LEN_RANGE') {
    code = 'HSM_PIN_INCORRECT';
    message = `The PIN for token ${tokenName} is wrong. Check it and try again; tokens lock after a few wrong PINs.`;
  } else if (name === 'CKR_PIN_LOCKED') {
    code = 'HSM_PIN_LOCKED';
    message = `Token ${tokenName} is locked after too many wrong PINs. Its security officer must unblock it (reset the user PIN) before it can be used.`;
  } else if (name === 'CKR_PIN_EXPIRED') {
    code = 'HSM_PIN_LOCKED';
    message = `The PIN of token ${tokenName} has expired. Change it with the token's own tool, then try again.`;
  } else if (name === 'CKR_USER_PIN_NOT_INITIALIZED') {
    code = 'HSM_PIN_INCORRECT';
    message = `Token ${tokenName} has no user PIN yet. Set one with the token's own tool (e.g. softhsm2-util or pkcs11-tool --init-pin), then try again.`;
  } else if (name === 'CKR_DEVICE_MEMORY') {
    code = 'HSM_TOKEN_FULL';
    message = `Token ${tokenName} is full: there was no room left on it while ${doing}. Nothing was kept. Free space on it with the token's own tool and try again, or use another token.`;
  } else if (name !== undefined && ABSENT.has(name)) {
    code = 'HSM_TOKEN_ABSENT';
    message = `Token ${tokenName} is not there any more (${name}) while ${doing}. Plug it back in, then try again.`;
  } else if (name !== undefined && MECHANISM.has(name)) {
    code = 'HSM_MECHANISM';
    message = `Token ${tokenName} refused an operation keyshard needs (${name}) while ${doing}. It may not support it: run \`keyshard hsm list\` to see what it offers, and use another token.`;
  } else {
    message = `Token ${tokenName} reported a failure (${name ?? 'no PKCS#11 code'}) while ${doing}. Unplug and re-insert it and try again; if it keeps failing, use another token.`;
  }
  return new KeyshardError(code, message, { operation: op, ...ckr });
}
