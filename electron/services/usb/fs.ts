/**
 * The file operations the USB service uses, behind an interface so tests can inject faults (a write that stops
 * halfway, ENOSPC, EROFS, bytes that change after writing) and so no other file-system call sneaks in.
 */
import { constants } from 'node:fs';
import { open, readdir, rename, stat, statfs, unlink } from 'node:fs/promises';
import { KeyshardError } from '../../../core/errors';
import { READ_CAPS, readGuarded } from '../fs/guarded-read';

export interface UsbFileHandle {
  /** Writes at `position`; returns how many bytes were written (may be fewer than asked). */
  write(data: Uint8Array, position: number): Promise<number>;
  /** fsync: the data is on the device, not just in the page cache. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface UsbFs {
  stat(path: string): Promise<{ readonly isDirectory: boolean; readonly size: number }>;
  statfs(path: string): Promise<{ readonly freeBytes: number; readonly totalBytes: number }>;
  readdir(path: string): Promise<string[]>;
  /** A regular file of at most READ_CAPS.shardFile bytes, never through a link (electron/services/fs/guarded-read.ts). */
  readFile(path: string): Promise<Uint8Array>;
  /** Creates a new file for writing; fails if it exists (O_CREAT | O_EXCL), mode 0600. */
  createExclusive(path: string): Promise<UsbFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** fsync on the directory, so that a rename inside it is on the device. */
  syncDir(path: string): Promise<void>;
}

export const nodeUsbFs: UsbFs = {
  async stat(path) {
    const s = await stat(path);
    return { isDirectory: s.isDirectory(), size: s.size };
  },
  async statfs(path) {
    const s = await statfs(path);
    return { freeBytes: Number(s.bavail) * Number(s.bsize), totalBytes: Number(s.blocks) * Number(s.bsize) };
  },
  readdir: (path) => readdir(path),
  // A stick is outside data: a FIFO, a device, a link or a huge file in a shard's place is refused before it is read.
  async readFile(path) {
    try {
      return await readGuarded(path, { maxBytes: READ_CAPS.shardFile, what: 'the shard file' });
    } catch (e) {
      // A failing read is the drive's (gone, I/O error): handed on by its errno, as the other calls here do, so the
      // caller's usbError says what happened to the stick; the reader's refusals (FILE_*) stay as they are.
      if (e instanceof KeyshardError && e.code === 'FILE_READ') throw Object.assign(new Error(e.message), { code: e.details?.['errno'] });
      throw e;
    }
  },
  async createExclusive(path) {
    const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    return {
      async write(data, position) {
        const { bytesWritten } = await fh.write(data, 0, data.length, position);
        return bytesWritten;
      },
      sync: () => fh.sync(),
      close: () => fh.close(),
    };
  },
  rename: (from, to) => rename(from, to),
  unlink: (path) => unlink(path),
  async syncDir(path) {
    const fh = await open(path, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      await fh.sync();
    } catch (e) {
      // Some file systems do not fsync directories (EINVAL); their rename is then as durable as they allow.
      const code = (e as { code?: unknown }).code;
      if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
    } finally {
      await fh.close();
    }
  },
};
