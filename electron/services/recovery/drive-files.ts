/**
 * Shard files on a custodian's drive, read by main itself: the recovery screen names a drive (a mount point) and a
 * file, never a path. Both are checked here before anything is opened:
 *
 * - the mount point must be one the drive lister (usb:list-drives) lists at the moment of the request, exactly;
 * - the file must sit at the drive's top level and carry a shard file name, `keyshard-<ceremony>-c<index>[-s<n>].<ext>`
 *   (electron/services/usb/shard-files.ts, the names a ceremony's USB handoff writes);
 * - it is opened without following a symbolic link and must be a regular file of at most 1 MiB (a FIFO or a device
 *   on a hostile stick cannot stall main, a link cannot lead out of the drive).
 *
 * Listing reads no file's content, not even an unprotected (.txt) one's: it judges each file by its name and what lstat
 * says (a plain file, its size). Whose shard a file really holds, and whether its content is what its name says, is
 * checked when the file is added (sources.ts), where the content is needed anyway. At most MAX_LISTED_SHARD_FILES
 * shard-named files are looked at, so a stick full of them cannot stall the recovery.
 */
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { ceremonyIdToHex, envelopeFromText, wipeEnvelope } from '../../../core/envelope';
import type { Envelope } from '../../../core/envelope';
import { isKeyshardError, KeyshardError } from '../../../core/errors';
import { readGuarded } from '../fs/guarded-read';
import { detectProtection, parseSealed } from '../protection/index';
import { driveName, usbError } from '../usb/errors';
import { isTempFileName, parseShardFileName } from '../usb/shard-files';
import type { RemovableDrive } from '../usb/types';
import type { DriveShardFile } from './types';

/** Far above any shard file (a few KB). */
export const MAX_DRIVE_SHARD_BYTES = 1024 * 1024;

/** Far above any real stick (one file per custodian and share, a few temporary files): the rest are not looked at. */
export const MAX_LISTED_SHARD_FILES = 256;

export type FileProtection = DriveShardFile['protection'];

/** What a file's name says. */
export interface NamedShardFile {
  readonly file: string;
  readonly ceremonyId: string;
  readonly custodianIndex: number;
  /** Which of the custodian's shares (from 1), when they hold more than one. */
  readonly share: number | null;
  readonly custodianId: string | null;
  readonly protection: FileProtection;
}


/** Reads a shard file's name; undefined for anything that is not one (those are never opened). */
export function nameOf(file: string, custodianIds: readonly string[]): NamedShardFile | undefined {
  const k = parseShardFileName(file); // anchored: no folder part can pass
  if (k === undefined) return undefined;
  return { file, ceremonyId: k.ceremonyId, custodianIndex: k.custodianIndex, share: k.share ?? null, custodianId: custodianIds[k.custodianIndex] ?? null, protection: k.protection };
}

/**
 * A regular file at the drive's top level, read through the guarded reader (no link followed, no FIFO or device
 * opened or waited on, at most MAX_DRIVE_SHARD_BYTES); its bytes (the caller wipes them). The reader's refusals are
 * told in this screen's terms.
 */
export async function readDriveFile(drive: RemovableDrive, file: string): Promise<Uint8Array> {
  const where = driveName(drive);
  try {
    return await readGuarded(join(drive.mountPoint, file), { maxBytes: MAX_DRIVE_SHARD_BYTES, what: 'the shard file' });
  } catch (e) {
    if (!isKeyshardError(e)) throw usbError(e, where, `reading ${file}`);
    if (e.code === 'FILE_LINK' || e.code === 'FILE_NOT_REGULAR') throw notAFile(file);
    if (e.code === 'FILE_TOO_LARGE') throw new KeyshardError('ENVELOPE_FORMAT', `${file} is larger than any shard file (over 1 MiB); it is not one. Set it aside.`);
    if (e.code === 'FILE_READ' && e.details?.['reason'] === 'not-found') {
      throw new KeyshardError('USB_REMOVED', `${file} is no longer on ${where}. List the drive's shard files again; if the drive was pulled, plug it back in.`, { reason: 'file-gone' });
    }
    if (e.code === 'FILE_READ' && e.details?.['reason'] === 'changed') {
      throw new KeyshardError('USB_VERIFY', `${file} changed while it was being read. Leave the drive alone for a moment and try again.`);
    }
    if (e.code === 'FILE_READ') throw usbError({ code: e.details?.['errno'] }, where, `reading ${file}`);
    throw e;
  }
}

function notAFile(file: string): KeyshardError {
  return new KeyshardError('USB_VERIFY', `${file} is not a plain file (a link, a folder or a device). keyshard reads only plain shard files; set it aside.`, { reason: 'not-a-file' });
}

/** Checks that the file's content is what its name says (kind of protection); returns the kind. */
export function checkContentKind(named: NamedShardFile, data: Uint8Array): FileProtection {
  const kind = detectProtection(data);
  if (kind === 'unknown') {
    throw new KeyshardError('ENVELOPE_FORMAT', `${named.file} has a shard file name but holds no shard (nor an encrypted one). It may be damaged: use another copy or the paper copy.`);
  }
  if (kind !== named.protection) {
    throw new KeyshardError(
      'ENVELOPE_FORMAT',
      `${named.file}'s name says ${named.protection === 'none' ? 'an unprotected shard' : named.protection} but it holds ${kind === 'none' ? 'an unprotected shard' : `a ${kind} file`}. It was renamed by hand: ask the ceremony lead.`,
    );
  }
  if (kind === 'pkcs11') parseSealed(data); // structure only; the token checks the rest
  return kind;
}

/** The envelope of an unprotected (.txt) file's bytes (wiped here). */
export function envelopeOfText(named: NamedShardFile, data: Uint8Array): Envelope {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new KeyshardError('ENVELOPE_CHECKSUM', `${named.file} is damaged (it is no longer plain text). Use another copy or the paper copy.`);
  } finally {
    data.fill(0);
  }
  return envelopeFromText(text);
}

/**
 * Refuses an envelope that is not the one the file's name promises (a file renamed or copied by hand): another
 * custodian or another ceremony. The envelope is wiped when refused.
 */
export function checkNameMatches(named: NamedShardFile, envelope: Envelope): void {
  const ceremonyHex = ceremonyIdToHex(envelope.ceremonyId);
  const sameCeremony = named.ceremonyId === ceremonyHex;
  if (sameCeremony && named.custodianIndex === envelope.custodianIndex) return;
  const index = envelope.custodianIndex;
  wipeEnvelope(envelope);
  throw new KeyshardError(
    'SHARES_MISMATCH',
    `${named.file} is named for custodian #${named.custodianIndex + 1} of ceremony ${named.ceremonyId.slice(0, 8)}…, ` +
      `but holds the shard of custodian #${index + 1}${sameCeremony ? '' : ` of ceremony ${ceremonyHex.slice(0, 8)}…`}. It was renamed or copied by hand: set it aside and ask the ceremony lead.`,
    { reason: 'name-mismatch' },
  );
}

export interface DriveListing {
  readonly files: readonly (NamedShardFile & { readonly custodianLabel: string | null; readonly bytes: number })[];
  readonly problems: readonly { readonly file: string; readonly code: string; readonly message: string }[];
}

/** Every shard file at the drive's top level, with what can be told without reading it; problems next to the good ones. */
export async function listDriveShards(drive: RemovableDrive, custodianIds: readonly string[]): Promise<DriveListing> {
  const where = driveName(drive);
  // Shard-named and temporary files only, at most MAX_LISTED_SHARD_FILES of them; the folder is read as a stream so
  // that the walk stops there.
  const names: string[] = [];
  let more = false;
  try {
    const dir = await opendir(drive.mountPoint);
    try {
      for await (const entry of dir) {
        if (!isTempFileName(entry.name) && parseShardFileName(entry.name) === undefined) continue;
        if (names.length === MAX_LISTED_SHARD_FILES) {
          more = true;
          break;
        }
        names.push(entry.name);
      }
    } finally {
      await dir.close().catch(() => undefined);
    }
  } catch (e) {
    throw usbError(e, where, 'reading its folder');
  }
  names.sort();
  const files: DriveListing['files'][number][] = [];
  const problems: DriveListing['problems'][number][] = [];
  for (const file of names) {
    if (isTempFileName(file)) {
      problems.push({ file, code: 'USB_VERIFY', message: 'An unfinished write left this temporary file (the drive was probably pulled while writing). It is not a shard; it can be deleted.' });
      continue;
    }
    const named = nameOf(file, custodianIds);
    if (named === undefined) continue;
    try {
      // lstat: a link is reported as a link (never followed), a FIFO or device as what it is; nothing is opened.
      let info;
      try {
        info = await lstat(join(drive.mountPoint, file));
      } catch (e) {
        throw usbError(e, where, `looking at ${file}`);
      }
      if (!info.isFile()) throw notAFile(file);
      if (info.size > MAX_DRIVE_SHARD_BYTES) throw new KeyshardError('ENVELOPE_FORMAT', `${file} is ${info.size} bytes, far larger than any shard file; it is not one. Set it aside.`);
      files.push({ ...named, custodianLabel: null, bytes: info.size });
    } catch (e) {
      problems.push(
        isKeyshardError(e) ? { file, code: e.code, message: e.message } : { file, code: 'INTERNAL', message: 'This file could not be read for an unexpected reason. Set it aside.' },
      );
    }
  }
  if (more) {
    problems.push({
      file: '(files not looked at)',
      code: 'USB_VERIFY',
      message: `This drive holds more than ${MAX_LISTED_SHARD_FILES} files named like shard files; only the first ${MAX_LISTED_SHARD_FILES} were looked at and the rest were not. A custodian's stick holds a few: copy this custodian's shard file to a stick of its own and list that.`,
    });
  }
  return { files, problems };
}
