/**
 * Reading the keyshard shard files on a stick (confirmation after writing, recovery later). A damaged or
 * unreadable file is reported with a typed error next to the good ones; it never fails the whole read.
 *
 * Unprotected files (.txt) are decoded (checksum and all). Protected ones (.age, .asc, .p11) are returned as bytes
 * with what their name says; they are opened with the custodian's key later (protection/index.ts), where the AEAD tag
 * catches any change.
 */
import { join } from 'node:path';
import { ceremonyIdToHex, describeEnvelope, envelopeFromText, wipeEnvelope } from '../../../core/envelope';
import type { Envelope, EnvelopeSummary } from '../../../core/envelope';
import { isKeyshardError, KeyshardError } from '../../../core/errors';
import type { KeyshardErrorCode } from '../../../core/errors';
import { detectProtection, parseSealed } from '../protection/index';
import type { ProtectionKind } from '../protection/index';
import { driveName, usbError } from './errors';
import { nodeUsbFs } from './fs';
import type { UsbFs } from './fs';
import { isTempFileName, parseShardFileName } from './shard-files';
import type { DriveTarget } from './types';

/** Far above any shard file (a few KB); anything larger is not one. */
const MAX_SHARD_FILE = 1024 * 1024;

export type ShardOnDrive =
  | {
      readonly file: string;
      readonly protection: 'none';
      readonly ceremonyId: string;
      readonly custodianIndex: number;
      readonly summary: EnvelopeSummary;
      /** SECRET: the caller wipes it (wipeEnvelope) when done. */
      readonly envelope: Envelope;
    }
  | {
      readonly file: string;
      readonly protection: Exclude<ProtectionKind, 'none'>;
      readonly ceremonyId: string;
      readonly custodianIndex: number;
      /** The file as it is, to open with the custodian's key. */
      readonly data: Uint8Array;
    };

export interface ShardFileProblem {
  readonly file: string;
  readonly code: KeyshardErrorCode;
  readonly message: string;
}

export interface DriveShards {
  readonly shards: readonly ShardOnDrive[];
  readonly problems: readonly ShardFileProblem[];
}

function problem(file: string, e: unknown): ShardFileProblem {
  if (isKeyshardError(e)) return { file, code: e.code, message: e.message };
  return { file, code: 'INTERNAL', message: 'This file could not be read for an unexpected reason.' };
}

export async function readShards(drive: DriveTarget, options: { readonly fs?: UsbFs; readonly ceremonyId?: string } = {}): Promise<DriveShards> {
  const fs = options.fs ?? nodeUsbFs;
  const where = driveName(drive);
  let names: string[];
  try {
    names = (await fs.readdir(drive.mountPoint)).sort();
  } catch (e) {
    throw usbError(e, where, 'reading its folder');
  }
  const shards: ShardOnDrive[] = [];
  const problems: ShardFileProblem[] = [];
  for (const file of names) {
    if (isTempFileName(file)) {
      problems.push({
        file,
        code: 'USB_VERIFY',
        message: 'An unfinished write left this temporary file (the stick was probably pulled). It is not a shard; it can be deleted.',
      });
      continue;
    }
    const named = parseShardFileName(file);
    if (named === undefined) continue;
    if (options.ceremonyId !== undefined && named.ceremonyId !== options.ceremonyId.toLowerCase()) continue;
    try {
      const path = join(drive.mountPoint, file);
      let data: Uint8Array;
      try {
        const info = await fs.stat(path);
        if (info.size > MAX_SHARD_FILE) throw new KeyshardError('ENVELOPE_FORMAT', `This file is ${info.size} bytes, far larger than any shard file; it is not one.`);
        data = await fs.readFile(path);
      } catch (e) {
        throw usbError(e, where, `reading ${file}`);
      }
      const kind = detectProtection(data);
      if (kind === 'unknown') {
        throw new KeyshardError('ENVELOPE_FORMAT', 'This file has a shard file name but holds no shard (nor an encrypted one). It may be damaged: use another copy or the paper copy.');
      }
      if (kind !== named.protection) {
        throw new KeyshardError('ENVELOPE_FORMAT', `This file's name says ${named.protection} but it holds ${kind === 'none' ? 'an unprotected shard' : `a ${kind} file`}. Ask the ceremony lead.`);
      }
      if (kind === 'none') {
        let text: string;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(data);
        } catch {
          throw new KeyshardError('ENVELOPE_CHECKSUM', 'This shard file is damaged (it is no longer plain text). Use another copy or the paper copy.');
        } finally {
          data.fill(0);
        }
        const envelope = envelopeFromText(text);
        const summary = describeEnvelope(envelope);
        if (summary.ceremonyId !== named.ceremonyId || summary.custodianIndex !== named.custodianIndex) {
          wipeEnvelope(envelope);
          throw new KeyshardError(
            'USB_VERIFY',
            `This file is named for custodian #${named.custodianIndex} of ceremony ${named.ceremonyId}, but holds the shard of custodian #${summary.custodianIndex} of ceremony ${ceremonyIdToHex(envelope.ceremonyId)}. It was renamed or copied by hand: ask the ceremony lead.`,
          );
        }
        shards.push({ file, protection: 'none', ceremonyId: named.ceremonyId, custodianIndex: named.custodianIndex, summary, envelope });
      } else {
        if (kind === 'pkcs11') parseSealed(data); // structure only; the token checks the rest
        shards.push({ file, protection: kind, ceremonyId: named.ceremonyId, custodianIndex: named.custodianIndex, data });
      }
    } catch (e) {
      problems.push(problem(file, e));
    }
  }
  return { shards, problems };
}
