/**
 * Writing one custodian's shard file to a stick, atomically and checked:
 *
 *   1. the drive is there, writable, and holds no other custodian's shard of this ceremony;
 *   2. there is room for the file;
 *   3. a temporary file in the same folder is created (O_EXCL), written, fsynced, closed and read back;
 *   4. it is renamed to its final name and the folder is fsynced (the rename is on the device);
 *   5. the final file is read back and compared byte for byte (USB_VERIFY, and the file is removed, on mismatch).
 *
 * Nothing but the one shard file is ever left: every failure removes the temporary file, and a bad final file.
 * A shard file of the same custodian with another protection (e.g. .txt, now .age) is removed once the new one is
 * verified, so a stick holds one shard per custodian.
 *
 * Honest limit: a read-back right after writing is usually served from the page cache, so it proves what the file
 * system accepted, not what the flash cells hold. Media damage shows later: the envelope checksum (unprotected
 * files) or the AEAD tag (protected ones) catches it when readShards or recovery opens the file.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ceremonyIdToHex, encodeEnvelope, envelopeTextBytes } from '../../../core/envelope';
import type { Envelope } from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import { protectShardText } from '../protection/index';
import type { Protection } from '../protection/index';
import { driveName, errnoOf, usbError } from './errors';
import { nodeUsbFs } from './fs';
import type { UsbFileHandle, UsbFs } from './fs';
import { EXTENSION_PROTECTION, parseShardFileName, shardFileName, tempFileName } from './shard-files';
import type { DriveTarget } from './types';

/** Room kept free beyond the file itself: the temporary file's block rounding and the directory entry. */
const SPACE_MARGIN = 64 * 1024;

/** Bytes as people read them on a stick's properties: whole KB, rounded up so "needs" never understates. */
function kilobytes(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KB`;
}

export interface WriteShardOptions {
  readonly protection: Protection;
  /**
   * A plain ('none') shard on a stick is a secret on disk in the clear; the ceremony plan only puts encrypted shards
   * on USB. Writing one is refused unless the caller says so explicitly (the demo, tests).
   */
  readonly allowUnprotected?: boolean;
  /** The file layer (tests inject faults here). */
  readonly fs?: UsbFs;
}

export interface WrittenShard {
  readonly file: string;
  readonly path: string;
  readonly bytes: number;
  readonly protection: Protection['kind'];
  /** Earlier files of the same custodian (other protection) that the new file replaced. */
  readonly replaced: readonly string[];
  /** True when a file of the same name was there and was replaced atomically. */
  readonly overwrote: boolean;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

async function writeAll(handle: UsbFileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const n = await handle.write(data.subarray(offset), offset);
    if (!Number.isInteger(n) || n <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
    offset += n;
  }
}

async function quietly(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch {
    // best effort: the stick may be gone; the error that matters is already on its way
  }
}

/** One shard file's name parts and its content, already protected for the custodian (a public ciphertext). */
export interface ShardFileToWrite {
  readonly ceremonyHex: string;
  readonly custodianIndex: number;
  /** Which of the custodian's shares (from 1), when they hold more than one. */
  readonly share?: number;
  /** One of EXTENSION_PROTECTION's keys: '.age', '.asc', '.p11' (or '.txt' for an unprotected one). */
  readonly extension: string;
  readonly data: Uint8Array;
}

/** Writes an envelope: protected for its custodian first, then written as writeShardFile does. */
export async function writeShard(drive: DriveTarget, envelope: Envelope, options: WriteShardOptions): Promise<WrittenShard> {
  if (options.protection.kind === 'none' && options.allowUnprotected !== true) {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      'A shard goes onto a USB stick only encrypted for its custodian (age, OpenPGP or their PKCS#11 token). Choose a protection for this custodian.',
      { reason: 'unprotected' },
    );
  }
  // A drive flagged read-only is refused before anything is encrypted or looked at.
  if (drive.readOnly === true) throw readOnlyDrive(drive);
  // The shard's text is made as bytes and wiped here: no string of it (issue 16.3).
  const binary = encodeEnvelope(envelope);
  const text = envelopeTextBytes(binary);
  binary.fill(0);
  let data: Uint8Array;
  let extension: string;
  try {
    ({ data, fileExtension: extension } = await protectShardText(text, options.protection));
  } finally {
    text.fill(0);
  }
  try {
    return await writeShardFile(
      drive,
      { ceremonyHex: ceremonyIdToHex(envelope.ceremonyId), custodianIndex: envelope.custodianIndex, extension, data },
      options.fs === undefined ? {} : { fs: options.fs },
    );
  } finally {
    data.fill(0);
  }
}

function readOnlyDrive(drive: DriveTarget): KeyshardError {
  const where = driveName(drive);
  return new KeyshardError('USB_READ_ONLY', `${where.charAt(0).toUpperCase()}${where.slice(1)} is read-only (check its lock switch, or how it is mounted). Nothing was written.`, {
    reason: 'flag',
  });
}

/**
 * Writes one shard file (steps 1-5 of the file comment). `file.data` stays the caller's: it is not wiped here.
 */
export async function writeShardFile(drive: DriveTarget, file: ShardFileToWrite, options: { readonly fs?: UsbFs } = {}): Promise<WrittenShard> {
  const fs = options.fs ?? nodeUsbFs;
  const where = driveName(drive);
  const dir = drive.mountPoint;
  const protection = EXTENSION_PROTECTION[file.extension];
  if (protection === undefined) throw new KeyshardError('INVALID_ARGUMENT', 'That is not a shard file type keyshard writes.', { extension: file.extension });
  if (drive.readOnly === true) throw readOnlyDrive(drive);

  // 1. The drive.
  try {
    const info = await fs.stat(dir);
    if (!info.isDirectory) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (e) {
    throw usbError(e, where, 'looking for it');
  }

  const { data, ceremonyHex, custodianIndex: index, share } = file;
  const name = shardFileName(ceremonyHex, index, file.extension, share);
  const finalPath = join(dir, name);
  // Other custodians' shards of this ceremony on the same stick: refused (one lost stick must not cost two shares).
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    throw usbError(e, where, 'reading its folder');
  }
  const sameCeremony = names.map((n) => ({ name: n, parsed: parseShardFileName(n) })).filter((x) => x.parsed?.ceremonyId === ceremonyHex);
  const foreign = sameCeremony.filter((x) => x.parsed!.custodianIndex !== index);
  if (foreign.length > 0) {
    throw new KeyshardError(
      'USB_FOREIGN_SHARD',
      `${where.charAt(0).toUpperCase()}${where.slice(1)} already holds the shard of another custodian of this ceremony (${foreign.map((f) => f.name).join(', ')}). ` +
        'Each custodian gets their own stick: use another one.',
      { files: foreign.map((f) => f.name), custodianIndexes: foreign.map((f) => f.parsed!.custodianIndex) },
    );
  }
  // The same share under another protection is replaced below; the custodian's other shares stay.
  const stale = sameCeremony.filter((x) => x.name !== name && x.parsed!.share === share).map((x) => x.name);
  const overwrote = sameCeremony.some((x) => x.name === name);

  // 2. Room.
  let free: number;
  try {
    free = (await fs.statfs(dir)).freeBytes;
  } catch (e) {
    throw usbError(e, where, 'checking its free space');
  }
  if (free < data.length + SPACE_MARGIN) {
    throw new KeyshardError(
      'USB_NO_SPACE',
      `${where.charAt(0).toUpperCase()}${where.slice(1)} has ${kilobytes(free)} free; keyshard needs ${kilobytes(data.length + SPACE_MARGIN)} (the shard file and ${kilobytes(SPACE_MARGIN)} kept spare for the file system). Nothing was written. Use a stick with more free space, or free some on this one, then try again.`,
      { free, needed: data.length + SPACE_MARGIN },
    );
  }

  // 3. Temporary file: write, fsync, close, read back.
  const tempPath = join(dir, tempFileName(ceremonyHex, index, randomBytes(6).toString('hex'), share));
  let handle: UsbFileHandle | undefined;
  let renamed = false;
  try {
    try {
      handle = await fs.createExclusive(tempPath);
      await writeAll(handle, data);
      await handle.sync();
      const h = handle;
      handle = undefined;
      await h.close();
    } catch (e) {
      throw usbError(e, where, 'writing the shard');
    }
    let back: Uint8Array;
    try {
      back = await fs.readFile(tempPath);
    } catch (e) {
      throw usbError(e, where, 'reading the shard back');
    }
    if (!sameBytes(back, data)) {
      throw new KeyshardError('USB_VERIFY', `The shard read back from ${where} is not what was written. Nothing was kept. Try again; if it fails again, use another stick.`, {
        reason: 'temp-mismatch',
      });
    }

    // 4. Atomic rename, then make the rename itself durable.
    try {
      await fs.rename(tempPath, finalPath);
      renamed = true;
      await fs.syncDir(dir);
    } catch (e) {
      throw usbError(e, where, 'finishing the shard file');
    }

    // 5. Read the final file back.
    let final: Uint8Array;
    try {
      final = await fs.readFile(finalPath);
    } catch (e) {
      throw usbError(e, where, 'reading the shard back');
    }
    if (!sameBytes(final, data)) {
      throw new KeyshardError(
        'USB_VERIFY',
        `The shard file on ${where} changed after it was written (it does not read back the same). It was removed. Try again; if it fails again, use another stick.`,
        { reason: 'final-mismatch' },
      );
    }
  } catch (e) {
    if (handle !== undefined) await quietly(() => handle!.close());
    await quietly(() => fs.unlink(tempPath));
    if (renamed) {
      await quietly(() => fs.unlink(finalPath));
      await quietly(() => fs.syncDir(dir));
    }
    throw e;
  }

  // The same custodian's older file under another protection: the new, verified one replaces it.
  const replaced: string[] = [];
  for (const name of stale) {
    try {
      await fs.unlink(join(dir, name));
      replaced.push(name);
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw usbError(e, where, `removing the custodian's older shard file ${name}`);
    }
  }
  if (replaced.length > 0) await quietly(() => fs.syncDir(dir));

  return { file: name, path: finalPath, bytes: data.length, protection, replaced, overwrote };

}
