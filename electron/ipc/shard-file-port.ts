/**
 * The ceremony service's ShardFilePort for the app: writes a custodian's protected shard file (already encrypted by the
 * service) to the drive the screen chose for that custodian, atomically (temporary file, fsync, rename, fsync of the
 * folder), then reads it back and compares. The read side serves the confirmation's read-back.
 *
 * `remove` undoes a write of this port (a first handoff that failed after one of its files was written): only a file
 * this port wrote, and the folder fsynced after, so the removal is on the device before the error reaches the screen.
 *
 * The drive is chosen per custodian (`choose`) right before their handoff, so two handoffs queued at once cannot write
 * to each other's drive. File names come from the service and must be shard file names
 * (`keyshard-<ceremony>-c<index>[-s<n>].age|.asc`, electron/services/usb/shard-files.ts), so recovery finds them.
 */
import { dirname } from 'node:path';
import { KeyshardError } from '../../core/errors';
import type { ShardFilePort } from '../services/ceremony/types';
import { errnoOf, usbError } from '../services/usb/errors';
import { nodeUsbFs, type UsbFs } from '../services/usb/fs';
import { parseShardFileName } from '../services/usb/shard-files';
import { writeShardFile } from '../services/usb/write';

export interface DriveChoice {
  readonly mountPoint: string;
  readonly label?: string | null;
  /** As the drive lister reports it: a read-only drive is refused before anything is written. */
  readonly readOnly?: boolean;
}

export interface ChosenDrivePort extends ShardFilePort {
  /** The drive the next write for this custodian goes to; null forgets the choice. */
  choose(custodianId: string, drive: DriveChoice | null): void;
}

/** `fs`: the file layer (tests inject faults there); default the real one. */
export function createChosenDrivePort(fs?: UsbFs): ChosenDrivePort {
  const chosen = new Map<string, DriveChoice>();
  // Where this port wrote: the only files `remove` may delete.
  const written = new Set<string>();
  const files = fs ?? nodeUsbFs;
  return {
    choose(custodianId, drive) {
      if (drive === null) chosen.delete(custodianId);
      else
        chosen.set(custodianId, {
          mountPoint: drive.mountPoint,
          ...(drive.label === undefined ? {} : { label: drive.label }),
          ...(drive.readOnly === undefined ? {} : { readOnly: drive.readOnly }),
        });
    },
    async write({ custodianId, fileName, data }) {
      const drive = chosen.get(custodianId);
      if (drive === undefined) {
        throw new KeyshardError('USB_REMOVED', 'No drive was chosen for this custodian\'s shard file. Plug in their drive, choose it, and hand the shard over again.', { custodianId });
      }
      const named = parseShardFileName(fileName);
      if (named === undefined) {
        throw new KeyshardError('INVALID_ARGUMENT', 'The shard file name is not a keyshard shard file name.', { custodianId });
      }
      // The USB service's writer: another custodian's shard on the stick refused, room checked, temporary file,
      // fsync, rename, fsync of the folder, and the final file read back and compared.
      const file = await writeShardFile(
        drive,
        { ceremonyHex: named.ceremonyId, custodianIndex: named.custodianIndex, ...(named.share === undefined ? {} : { share: named.share }), extension: named.extension, data },
        fs === undefined ? {} : { fs },
      );
      written.add(file.path);
      return { location: file.path };
    },
    async remove({ location }) {
      if (!written.has(location)) {
        throw new KeyshardError('INVALID_ARGUMENT', 'keyshard removes only a shard file it wrote in this session; nothing was removed.', { reason: 'not-written-here' });
      }
      try {
        await files.unlink(location);
      } catch (e) {
        if (errnoOf(e) !== 'ENOENT') throw usbError(e, 'the custodian\'s drive', 'removing the unfinished shard file');
      }
      written.delete(location);
      try {
        await files.syncDir(dirname(location));
      } catch {
        // best effort: the unlink went through; a folder that cannot be fsynced is as durable as its file system allows
      }
    },
    async read({ location }) {
      try {
        return await files.readFile(location);
      } catch (e) {
        throw usbError(e, 'the custodian\'s drive', 'reading the shard back');
      }
    },
  };
}
