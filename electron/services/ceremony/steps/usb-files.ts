/**
 * A usb custodian's shard files on their removable drive: written (each atomically, read back by the port) before the
 * handoff is recorded, and removed again when a first handoff fails, so a failed handoff leaves nothing on the stick.
 */
import type { Custodian } from '../../../../core/policy';
import { aboutCustodian } from '../tokens';
import type { HandoffView, ShardFilePort } from '../types';
import type { Delivered } from './session';

export type WrittenFile = HandoffView['files'][number];

/** A protected shard file ready to write (ciphertext or public text). */
export interface PreparedFile {
  readonly index: number;
  readonly fileName: string;
  readonly protection: string;
  readonly data: Uint8Array;
}

/**
 * Writes a USB custodian's files. Nothing is recorded here. On a first handoff a failure removes the files this
 * attempt already wrote (a custodian with several shares gets several files).
 */
export async function writeFiles(
  usb: ShardFilePort,
  custodian: Custodian,
  prepared: readonly PreparedFile[],
  again: boolean,
): Promise<{ written: Delivered['files']; files: WrittenFile[] }> {
  const written: Delivered['files'] = [];
  const files: WrittenFile[] = [];
  try {
    for (const f of prepared) {
      const { location } = await usb.write({ custodianId: custodian.id, fileName: f.fileName, data: f.data });
      written.push({ location, bytes: f.data });
      files.push({ index: f.index, location, fileName: f.fileName, protection: f.protection, bytes: f.data.length });
    }
  } catch (e) {
    if (again) {
      throw aboutCustodian(
        e,
        `${custodian.name}'s shard file was not written:`,
        custodian.id,
        // A failed rewrite may have removed the earlier file too (it is replaced, then checked): write it again.
        ` Write ${custodian.name}'s file again before confirming: the one written before may be gone from the stick.`,
      );
    }
    const left = await removeWritten(usb, files);
    throw aboutCustodian(e, `${custodian.name}'s shard file was not written:`, custodian.id, ` The ceremony has not moved on.${leftText(files, left)}`);
  }
  return { written, files };
}

/** Removes the files a failed first handoff wrote; returns the names that may still be on the stick. */
export async function removeWritten(usb: ShardFilePort, files: readonly WrittenFile[]): Promise<string[]> {
  const left: string[] = [];
  for (const f of files) {
    try {
      await usb.remove({ location: f.location });
    } catch {
      left.push(f.fileName);
    }
  }
  return left;
}

export function leftText(files: readonly WrittenFile[], left: readonly string[]): string {
  if (files.length === 0) return '';
  if (left.length === 0) return ` The ${files.length === 1 ? 'file' : 'files'} written before the failure ${files.length === 1 ? 'was' : 'were'} removed from the stick.`;
  return ` ${left.join(', ')} could not be removed from the stick: delete ${left.length === 1 ? 'it' : 'them'} by hand before handing the shard over again.`;
}
