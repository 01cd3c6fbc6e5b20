/**
 * The one way main reads a file by a path that came from outside (a witness key file, a shard file on a stick, a
 * ceremony's plan or transcript): a path can name anything, so before a byte is read
 *
 * - a link is refused (lstat, then O_NOFOLLOW): a link on a stick can point anywhere on this computer;
 * - only a regular file is read (lstat before opening, so a device is never even opened; fstat after opening, on the
 *   very file that was opened): a FIFO would hang main for good, /dev/zero would never end;
 * - the open is non-blocking (O_NONBLOCK), so a FIFO swapped in between the lstat and the open cannot hang it either;
 * - at most `maxBytes + 1` bytes are read, whatever the file's size claims (files in /proc claim 0), and one byte
 *   too many is FILE_TOO_LARGE.
 *
 * Errors are KeyshardErrors with stable codes (FILE_LINK, FILE_NOT_REGULAR, FILE_TOO_LARGE, FILE_READ) and
 * details.reason; messages name the file and say what to do, never its content.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { KeyshardError } from '../../../core/errors';
import { MAX_TRANSCRIPT_BYTES } from '../../../core/transcript';

export interface GuardedReadOptions {
  /** The most bytes a genuine file of this kind can have; one more is FILE_TOO_LARGE. */
  readonly maxBytes: number;
  /** What the file is, for messages: "the witness key file", "the shard file". */
  readonly what: string;
}

/** Caps for what main reads, each far above any genuine file of its kind. */
export const READ_CAPS = {
  witnessKeyFile: 16 * 1024,
  shardFile: 1024 * 1024,
  planFile: 1024 * 1024,
  // core/transcript MAX_TRANSCRIPT_BYTES: every byte read is verified on main's thread (review M4).
  transcriptFile: MAX_TRANSCRIPT_BYTES,
} as const;

const FIRST_CHUNK = 64 * 1024;

function errnoOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]{2,20}$/.test(code) ? code : 'unknown';
}

function sizeText(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KiB`;
  return `${n} bytes`;
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a pipe (FIFO)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a plain file';
}

function link(path: string, what: string): KeyshardError {
  return new KeyshardError(
    'FILE_LINK',
    `${path} is a link, and keyshard never reads ${what} through a link (one on a stick can point anywhere on this computer). Copy ${what} itself there and choose that.`,
    { reason: 'link' },
  );
}

function notRegular(path: string, what: string, kind: string): KeyshardError {
  return new KeyshardError('FILE_NOT_REGULAR', `${path} is ${kind}, not a plain file, so keyshard did not read it. Choose ${what} itself.`, { reason: 'not-regular' });
}

function tooLarge(path: string, what: string, maxBytes: number): KeyshardError {
  return new KeyshardError(
    'FILE_TOO_LARGE',
    `${path} is larger than ${sizeText(maxBytes)}, far more than ${what} can be, so keyshard did not read it. Check that you chose the right file.`,
    { reason: 'too-large', maxBytes },
  );
}

function readFailed(path: string, what: string, e: unknown): KeyshardError {
  const errno = errnoOf(e);
  if (errno === 'ENOENT' || errno === 'ENOTDIR') {
    return new KeyshardError('FILE_READ', `There is no file at ${path}. Check that the drive is plugged in and the path is right, then try again.`, { reason: 'not-found', errno });
  }
  return new KeyshardError('FILE_READ', `${cap(what)} at ${path} could not be read. Check that the drive is plugged in and readable, then try again.`, { reason: 'read', errno });
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The bytes of the regular file at `path`, at most `maxBytes` of them. The caller owns (and, for a secret, wipes) the
 * result; every buffer dropped on the way is wiped here.
 */
export async function readGuarded(path: string, options: GuardedReadOptions): Promise<Uint8Array> {
  const { maxBytes, what } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new KeyshardError('INTERNAL', 'A file read was asked without a valid size cap.');
  let before: Stats;
  try {
    before = await lstat(path);
  } catch (e) {
    throw readFailed(path, what, e);
  }
  if (before.isSymbolicLink()) throw link(path, what);
  if (!before.isFile()) throw notRegular(path, what, kindOf(before));
  if (before.size > maxBytes) throw tooLarge(path, what, maxBytes);

  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const errno = errnoOf(e);
    if (errno === 'ELOOP') throw link(path, what);
    if (errno === 'ENXIO') throw notRegular(path, what, 'a socket or device'); // a socket swapped in after the lstat
    throw readFailed(path, what, e);
  }
  let buffer = new Uint8Array(0);
  try {
    let info: Stats;
    try {
      info = await handle.stat();
    } catch (e) {
      throw readFailed(path, what, e);
    }
    if (!info.isFile()) throw notRegular(path, what, kindOf(info));
    // The file opened is the one looked at: not another put at the path in between.
    if (info.ino !== before.ino || info.dev !== before.dev) {
      throw new KeyshardError('FILE_READ', `${path} changed while keyshard was opening it. Leave the drive alone for a moment and try again.`, { reason: 'changed' });
    }
    if (info.size > maxBytes) throw tooLarge(path, what, maxBytes);
    const limit = maxBytes + 1;
    buffer = new Uint8Array(Math.min(limit, Math.max(info.size + 1, FIRST_CHUNK)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (buffer.length >= limit) break;
        const bigger = new Uint8Array(Math.min(limit, buffer.length * 2));
        bigger.set(buffer);
        buffer.fill(0);
        buffer = bigger;
      }
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, length, buffer.length - length, null));
      } catch (e) {
        throw readFailed(path, what, e);
      }
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw tooLarge(path, what, maxBytes);
    const out = buffer.slice(0, length);
    buffer.fill(0);
    return out;
  } catch (e) {
    buffer.fill(0);
    throw e;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** readGuarded, as UTF-8 text (invalid sequences become U+FFFD, as readFile(path, 'utf8') gives). */
export async function readGuardedText(path: string, options: GuardedReadOptions): Promise<string> {
  const bytes = await readGuarded(path, options);
  try {
    return new TextDecoder().decode(bytes);
  } finally {
    bytes.fill(0);
  }
}
