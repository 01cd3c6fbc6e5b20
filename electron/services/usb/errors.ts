/**
 * File-system errors on a stick, as typed KeyshardErrors. The message says what happened in plain words; the system's
 * name for it (ENOSPC, EROFS...) goes only in details.errno, which screens show in a small line for support.
 */
import { KeyshardError } from '../../../core/errors';

export function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]{2,20}$/.test(code) ? code : undefined;
}

const NO_SPACE = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);
const REMOVED = new Set(['ENOENT', 'ENOTDIR', 'EIO', 'ENODEV', 'ENXIO', 'ESTALE', 'EBADF', 'ENOTCONN', 'ESHUTDOWN', 'ENOMEDIUM']);

/** `where` names the drive for a person, e.g. `the stick "KEYS" (/media/alice/KEYS)`. */
export function usbError(e: unknown, where: string, doing: string): KeyshardError {
  if (e instanceof KeyshardError) return e;
  const errno = errnoOf(e);
  const details = { errno: errno ?? 'unknown', operation: doing };
  if (errno !== undefined && NO_SPACE.has(errno)) {
    return new KeyshardError(
      'USB_NO_SPACE',
      `${cap(where)} is full while ${doing}. Nothing was left on it. Use a stick with more free space, or free some on this one, then try again.`,
      details,
    );
  }
  if (errno !== undefined && READ_ONLY.has(errno)) {
    return new KeyshardError(
      'USB_READ_ONLY',
      `${cap(where)} cannot be written while ${doing}: it is read-only or write-protected, or mounted read-only. Nothing was written. ` +
        'Use another stick, or make this one writable (slide its lock switch off and plug it in again), then try again.',
      details,
    );
  }
  if (errno !== undefined && REMOVED.has(errno)) {
    return new KeyshardError(
      'USB_REMOVED',
      `${cap(where)} went away or failed while ${doing}. Plug it back in and try again; keyshard writes the whole shard again and checks it.`,
      details,
    );
  }
  return new KeyshardError('USB_VERIFY', `${cap(where)} reported an error while ${doing}. Try again, or use another stick.`, details);
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function driveName(drive: { readonly mountPoint: string; readonly label?: string | null }): string {
  return drive.label ? `the drive "${drive.label}" (${drive.mountPoint})` : `the drive at ${drive.mountPoint}`;
}
