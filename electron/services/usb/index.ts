/**
 * The USB service: find removable drives, write one custodian's shard file atomically with read-back, and read the
 * shard files on a drive. All file access goes through UsbFs (fs.ts), so tests can inject faults.
 */
export type { DriveLister, DriveTarget, RemovableDrive } from './types';
export { linuxDriveLister, parseLsblk, readOnlyMounts, LSBLK_ARGS } from './lsblk';
export type { CommandRunner, LinuxDriveListerDeps } from './lsblk';
export { nodeUsbFs } from './fs';
export type { UsbFileHandle, UsbFs } from './fs';
export { writeShard, writeShardFile } from './write';
export type { ShardFileToWrite, WriteShardOptions, WrittenShard } from './write';
export { readShards } from './read';
export type { DriveShards, ShardFileProblem, ShardOnDrive } from './read';
export { isTempFileName, parseShardFileName, shardFileName } from './shard-files';
export type { ShardFileName } from './shard-files';

import { linuxDriveLister } from './lsblk';
import type { DriveLister } from './types';

/** The lister for this platform. Only Linux is implemented; elsewhere the user picks the stick's folder. */
export function defaultDriveLister(platform: NodeJS.Platform = process.platform): DriveLister {
  if (platform === 'linux') return linuxDriveLister();
  return { list: async () => [] };
}
