/**
 * Crash-safe file replacement: write a temporary file in the same directory, fsync it, rename it over the target,
 * fsync the directory. A crash (or power cut) at any moment leaves either the old file or the new one, complete;
 * never a mix. The rename is atomic only within one file system, hence the temporary file sits next to the target.
 *
 * The file-system calls are injected (`AtomicFs`) so tests can make a write fail half-way.
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicFileHandle {
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<unknown>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface AtomicFs {
  open(path: string, flags: string, mode?: number): Promise<AtomicFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export const nodeAtomicFs: AtomicFs = {
  open: (path, flags, mode) => open(path, flags, mode),
  rename: (from, to) => rename(from, to),
  unlink: (path) => unlink(path),
};

/** Temporary files are `.NAME.tmp-<hex>`: hidden, and recognisable as leftovers of an interrupted write. */
export function isTempFileOf(name: string, candidate: string): boolean {
  return candidate.startsWith(`.${name}.tmp-`);
}

/** Writes in pieces so a huge file does not need one huge syscall (and a kill can land between pieces). */
const CHUNK = 64 * 1024;

async function writeAll(handle: AtomicFileHandle, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length; at += CHUNK) {
    const length = Math.min(CHUNK, bytes.length - at);
    let done = 0;
    while (done < length) {
      const r = (await handle.write(bytes, at + done, length - done, at + done)) as { bytesWritten?: number } | undefined;
      const n = typeof r?.bytesWritten === 'number' ? r.bytesWritten : length - done;
      if (n <= 0) throw new Error('short write');
      done += n;
    }
  }
}

function tempPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${randomBytes(6).toString('hex')}`);
}

export async function writeFileAtomic(path: string, data: Uint8Array | string, fs: AtomicFs = nodeAtomicFs): Promise<void> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const dir = dirname(path);
  const temp = tempPathOf(path);
  let handle: AtomicFileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx', 0o600);
    await writeAll(handle, bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, path);
  } catch (e) {
    if (handle !== undefined) await handle.close().catch(() => {});
    await fs.unlink(temp).catch(() => {});
    throw e;
  }
  await fsyncDirectory(dir, fs);
}

export interface ExclusiveFs extends AtomicFs {
  /** A hard link: fails (EEXIST) when `to` exists, so nothing there is ever replaced. */
  link(from: string, to: string): Promise<void>;
}

export const nodeExclusiveFs: ExclusiveFs = { ...nodeAtomicFs, link: (from, to) => link(from, to) };

/** Errors by which a file system says it has no hard links (FAT and exFAT sticks, some network shares). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/**
 * Creates `path` with `data`, never replacing anything: if a file (or link, or folder) is there, even one that
 * appeared after any earlier check, this fails with EEXIST and leaves it alone. The data goes to a temporary file
 * first and is linked to its name (atomic: the name shows the whole file or nothing). Where the file system has no hard
 * links, the file is created in place with O_EXCL ('wx') instead: still never over another file, though a crash
 * mid-write can leave a partial file there (this writer removes it on any error it sees).
 */
export async function writeNewFileAtomic(path: string, data: Uint8Array | string, fs: ExclusiveFs = nodeExclusiveFs): Promise<void> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const temp = tempPathOf(path);
  let handle: AtomicFileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx', 0o600);
    await writeAll(handle, bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    try {
      await fs.link(temp, path);
    } catch (e) {
      if (!NO_HARD_LINKS.has(String((e as { code?: unknown }).code))) throw e;
      await createInPlace(path, bytes, fs);
    }
  } finally {
    if (handle !== undefined) await handle.close().catch(() => {});
    await fs.unlink(temp).catch(() => {});
  }
  await fsyncDirectory(dirname(path), fs);
}

async function createInPlace(path: string, bytes: Uint8Array, fs: AtomicFs): Promise<void> {
  const handle = await fs.open(path, 'wx', 0o600); // O_CREAT | O_EXCL: fails if anything is there
  try {
    await writeAll(handle, bytes);
    await handle.sync();
    await handle.close();
  } catch (e) {
    await handle.close().catch(() => {});
    await fs.unlink(path).catch(() => {}); // ours: created exclusively just now
    throw e;
  }
}

/** Makes the rename itself durable. Some platforms cannot open a directory for fsync; the rename still stands there. */
async function fsyncDirectory(dir: string, fs: AtomicFs): Promise<void> {
  let handle: AtomicFileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows and some network file systems refuse; nothing more can be done there.
  } finally {
    if (handle !== undefined) await handle.close().catch(() => {});
  }
}
