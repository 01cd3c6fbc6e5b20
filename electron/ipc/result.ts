import type { KeyshardErrorCode } from '../../core/errors';

/**
 * Every IPC response is an envelope: the renderer never receives a thrown error (Electron would flatten it into a
 * string that may include text we did not write).
 */
export interface IpcError {
  readonly code: KeyshardErrorCode;
  /** Written for a person; never contains secret material. */
  readonly message: string;
  /** Non-secret facts for the screen (indices, counts), as KeyshardError.details. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export type IpcResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

export function okResult<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}

export function errorResult(code: KeyshardErrorCode, message: string, details?: Readonly<Record<string, unknown>>): IpcResult<never> {
  return details === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, details } };
}
