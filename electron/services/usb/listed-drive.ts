/**
 * The drive the lister lists at a mount point right now. Main reads and writes shard files only on such a drive: a
 * mount point from the renderer is looked up here (exact match), and the lister's facts (label, read-only) are used,
 * never the renderer's.
 */
import { KeyshardError } from '../../../core/errors';
import type { RemovableDrive } from './types';

/** USB_REMOVED when no listed drive has this mount point (unplugged, or never a removable drive). */
export async function listedDrive(listDrives: (() => Promise<readonly RemovableDrive[]>) | undefined, mountPoint: string): Promise<RemovableDrive> {
  const drives = listDrives === undefined ? [] : await listDrives();
  const drive = drives.find((d) => d.mountPoint === mountPoint);
  if (drive === undefined) {
    throw new KeyshardError(
      'USB_REMOVED',
      "That drive is not plugged in now: keyshard uses only the removable drives it lists. Plug the custodian's drive in, list the drives again, and choose it.",
      { reason: 'not-listed' },
    );
  }
  return drive;
}
