/**
 * The ceremony service's ShardFilePort for the app: writes a custodian's protected shard file (already encrypted by the
 * service) to the drive the screen chose for that custodian, atomically (temporary file, fsync, rename, fsync of the
 * folder), then reads it back and compares. The read side serves the confirmation's read-back.
 *
 * The drive is chosen per custodian (`choose`) right before their handoff, so two handoffs queued at once cannot write
 * to each other's drive. File names come from the service (`<custodian id>[-n].age|.asc`); anything with a path
 * separator is refused.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyshardError } from '../../core/errors';
import type { ShardFilePort } from '../services/ceremony/types';
import { writeFileAtomic } from '../services/transcript-store/atomic-write';
import { driveName, usbError } from '../services/usb/errors';

export interface DriveChoice {
  readonly mountPoint: string;
  readonly label?: string | null;
}

export interface ChosenDrivePort extends ShardFilePort {
  /** The drive the next write for this custodian goes to; null forgets the choice. */
  choose(custodianId: string, drive: DriveChoice | null): void;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= ((a[i] ?? 0) ^ (b[i] ?? 0)) | 0;
  return diff === 0;
}

export function createChosenDrivePort(): ChosenDrivePort {
  const chosen = new Map<string, DriveChoice>();
  return {
    choose(custodianId, drive) {
      if (drive === null) chosen.delete(custodianId);
      else chosen.set(custodianId, { mountPoint: drive.mountPoint, ...(drive.label === undefined ? {} : { label: drive.label }) });
    },
    async write({ custodianId, fileName, data }) {
      const drive = chosen.get(custodianId);
      if (drive === undefined) {
        throw new KeyshardError('USB_REMOVED', 'No drive was chosen for this custodian\'s shard file. Plug in their drive, choose it, and hand the shard over again.', { custodianId });
      }
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(fileName)) {
        throw new KeyshardError('INVALID_ARGUMENT', 'The shard file name is not a plain file name.', { custodianId });
      }
      const where = driveName(drive);
      try {
        const info = await stat(drive.mountPoint);
        if (!info.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      } catch (e) {
        throw usbError(e, where, 'looking for it');
      }
      const location = join(drive.mountPoint, fileName);
      try {
        await writeFileAtomic(location, data);
      } catch (e) {
        throw usbError(e, where, 'writing the shard');
      }
      let back: Uint8Array;
      try {
        back = new Uint8Array(await readFile(location));
      } catch (e) {
        throw usbError(e, where, 'reading the shard back');
      }
      if (!sameBytes(back, data)) {
        throw new KeyshardError('USB_VERIFY', `The shard file read back from ${where} is not what was written. Hand the shard over again; if it fails again, use another drive.`, {
          custodianId,
        });
      }
      return { location };
    },
    async read({ location }) {
      try {
        return new Uint8Array(await readFile(location));
      } catch (e) {
        throw usbError(e, 'the custodian\'s drive', 'reading the shard back');
      }
    },
  };
}
