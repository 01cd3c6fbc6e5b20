/**
 * Files the CLI reads and writes, with the failures a person can act on as typed errors: a file that is not there,
 * is not a plain file, or is larger than anything keyshard writes; a folder that cannot be written; a full disk.
 * Reads are bounded before anything is parsed and never wait on a FIFO or device.
 */
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { KeyshardError } from '../../core/errors';
import { MAX_INPUT_BYTES } from './io';

function codeOf(e: unknown): string | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/** A write failure as the typed error a person can act on; KeyshardErrors pass through. */
export function writeError(e: unknown, path: string, what = 'the file'): KeyshardError {
  if (e instanceof KeyshardError) return e;
  switch (codeOf(e)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new KeyshardError('DISK_FULL', `The disk is full: ${what} (${path}) could not be written. Free some space or choose another folder, and run the command again.`, { path });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new KeyshardError('FOLDER_NOT_WRITABLE', `${path} cannot be written here (no permission, or a read-only disk). Choose a folder you can write to.`, { path });
    case 'EEXIST':
      return new KeyshardError('FILE_EXISTS', `${path} already exists; keyshard never replaces a file. Choose a new name, or move the old file away first.`, { path });
    case 'ENOENT':
    case 'ENOTDIR':
      return new KeyshardError('FOLDER_NOT_WRITABLE', `The folder for ${path} does not exist. Create it first, or choose another.`, { path });
    default:
      return new KeyshardError('FILE_WRITE', `${what} (${path}) could not be written (${codeOf(e) ?? 'unknown error'}). Check the disk and run the command again.`, { path });
  }
}

function readError(e: unknown, path: string): KeyshardError {
  if (e instanceof KeyshardError) return e;
  switch (codeOf(e)) {
    case 'ENOENT':
      return new KeyshardError('FILE_NOT_FOUND', `${path} does not exist. Check the name and the folder.`, { path });
    case 'ELOOP':
      return new KeyshardError('FILE_LINK', `${path} is a symbolic link; keyshard reads only plain files. Give the path of the file itself.`, { path });
    case 'EISDIR':
      return new KeyshardError('FILE_NOT_REGULAR', `${path} is a folder, not a file.`, { path });
    case 'EACCES':
    case 'EPERM':
      return new KeyshardError('FILE_READ', `${path} cannot be read (no permission).`, { path, reason: 'permission' });
    default:
      return new KeyshardError('FILE_READ', `${path} could not be read (${codeOf(e) ?? 'unknown error'}).`, { path });
  }
}

const READ_CALLS = new Set(['read', 'scandir', 'stat', 'lstat', 'access', 'readlink']);

/**
 * A file-system failure that reached runCli untyped (a command's own fs call), as the typed error it means; undefined
 * when it is not one. Only the path and the system's code are used: neither carries secret input.
 */
export function fsFailure(e: unknown): KeyshardError | undefined {
  const code = codeOf(e);
  if (code === undefined || !/^E[A-Z0-9]+$/.test(code)) return undefined;
  const path = (e as { path?: unknown }).path;
  const where = typeof path === 'string' ? path : 'a file';
  const syscall = (e as { syscall?: unknown }).syscall;
  if (code === 'EPIPE') return new KeyshardError('OUTPUT_CLOSED', 'The program reading keyshard\'s output stopped before the end; the output is incomplete.');
  if (code === 'ENOENT' && typeof syscall === 'string' && READ_CALLS.has(syscall)) return readError(e, where);
  if ((code === 'EACCES' || code === 'EPERM') && typeof syscall === 'string' && READ_CALLS.has(syscall)) return readError(e, where);
  if (['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EEXIST', 'ENOENT', 'ENOTDIR'].includes(code)) return writeError(e, where);
  return undefined;
}

export function tooLarge(what: string, max: number): KeyshardError {
  return new KeyshardError('INPUT_TOO_LARGE', `${what} is larger than ${max} bytes, far more than anything keyshard writes; it is not what was expected. Check what was given.`, { max });
}

/**
 * The bytes of a plain file, at most `max`: links, folders, FIFOs and devices are refused before anything is read
 * (the open does not wait for a FIFO's writer).
 */
export async function readInputFile(path: string, max = MAX_INPUT_BYTES): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    throw readError(e, path);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new KeyshardError('FILE_NOT_REGULAR', `${path} is not a plain file (a folder, pipe or device); keyshard reads only plain files.`, { path });
    if (info.size > max) throw new KeyshardError('FILE_TOO_LARGE', `${path} is larger than ${max} bytes, far more than anything keyshard writes; it is not what was expected. Check the file name.`, { path, max });
    const data = new Uint8Array(info.size);
    let offset = 0;
    while (offset < data.length) {
      const { bytesRead } = await handle.read(data, offset, data.length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return data.subarray(0, offset);
  } catch (e) {
    throw readError(e, path);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** A file that did not exist before, mode 0600 (secrets, and shards even when encrypted), written and flushed. */
export async function writeNewFile(path: string, data: Uint8Array | string, what = 'the file'): Promise<void> {
  let handle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (e) {
    throw writeError(e, path, what);
  }
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (e) {
    throw writeError(e, path, what);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** A folder to write into: created if missing (its parent must exist), with typed errors. */
export async function outputFolder(path: string): Promise<void> {
  try {
    await mkdir(path, { mode: 0o700 });
  } catch (e) {
    if (codeOf(e) === 'EEXIST') return;
    throw writeError(e, path, 'the folder');
  }
}
