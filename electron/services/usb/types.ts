/** Removable drives as the USB service sees them: plain data, safe to send to the window. */

export interface RemovableDrive {
  /** Kernel name of the block device, e.g. `sdb1`. */
  readonly device: string;
  /** File-system label, when it has one. */
  readonly label: string | null;
  /** Where it is mounted; shards are written at its top level. */
  readonly mountPoint: string;
  /** Size of the device or partition in bytes, when known. */
  readonly sizeBytes: number | null;
  /** Free space for an unprivileged writer, in bytes, when it could be read. */
  readonly freeBytes: number | null;
  /** The device is write-protected, or mounted read-only. */
  readonly readOnly: boolean;
  readonly fsType: string | null;
  /** Bus, e.g. `usb`, `mmc` (lsblk TRAN, inherited from the disk for partitions). */
  readonly transport: string | null;
}

/** Finds removable drives. Linux uses lsblk; other systems and tests plug in their own. */
export interface DriveLister {
  list(): Promise<readonly RemovableDrive[]>;
}

/** What writeShard/readShards need to know about a drive (a RemovableDrive, or just a folder in tests). */
export interface DriveTarget {
  readonly mountPoint: string;
  readonly readOnly?: boolean;
  readonly label?: string | null;
}
