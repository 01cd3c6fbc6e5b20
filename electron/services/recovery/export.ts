/**
 * Exporting a recovered secret to a file: only encrypted (age or OpenPGP, to a key the person names), written
 * atomically, never over an existing file. The file's plaintext is a small JSON document that says what the secret
 * is and which fingerprint it has, so whoever opens it later can check it:
 *
 *   {"format":"keyshard-recovered-secret","version":1,"ceremonyId":...,"scheme":...,"kind":...,"fingerprint":...,"secretHex":...}
 *
 * Honest limit: age and OpenPGP take the plaintext as a string here, which JS cannot wipe; it is dropped at once.
 */
import { lstat } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import { bytesToHex } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../../core/errors';
import { encryptToAgeRecipient } from '../protection/age';
import { encryptToOpenPgpKey } from '../protection/openpgp';
import { nodeExclusiveFs, writeNewFileAtomic, type ExclusiveFs } from '../transcript-store/atomic-write';
import { usbError } from '../usb/errors';
import type { ExportRecipient, RecoveredIdentity } from './types';

export const EXPORT_FORMAT = 'keyshard-recovered-secret';

export function exportPlaintext(secret: Uint8Array, identity: RecoveredIdentity, ceremonyId: string | null): string {
  return `${JSON.stringify({
    format: EXPORT_FORMAT,
    version: 1,
    ceremonyId,
    scheme: identity.scheme,
    kind: identity.kind,
    fingerprint: identity.fingerprint.hex,
    ...(identity.publicKey === undefined ? {} : { publicKey: identity.publicKey }),
    ...(identity.xpub === undefined ? {} : { xpub: identity.xpub }),
    secretHex: bytesToHex(secret),
  })}\n`;
}

export async function encryptExport(plaintext: string, recipient: ExportRecipient): Promise<string> {
  return recipient.kind === 'age' ? encryptToAgeRecipient(plaintext, recipient.recipient) : encryptToOpenPgpKey(plaintext, recipient.publicKeyArmored);
}

function alreadyThere(): KeyshardError {
  return new KeyshardError('FILE_EXISTS', 'A file of that name is already there. Choose another name; keyshard never replaces an existing file with a secret. Nothing was written.', {
    reason: 'exists',
  });
}

/**
 * Default writer: absolute paths only, never over an existing file, atomic (no half-written secret file). The early
 * check only gives the quick answer; the write itself creates the name exclusively (writeNewFileAtomic), so a file that
 * appears between the check and the write is left alone too.
 */
export async function writeNewFile(path: string, data: Uint8Array, fs: ExclusiveFs = nodeExclusiveFs): Promise<void> {
  if (!isAbsolute(path)) throw new KeyshardError('INVALID_ARGUMENT', 'Choose where to save the file (a full path). Nothing was written.');
  const exists = await lstat(path).then(
    () => true,
    (e: unknown) => (e as { code?: unknown }).code !== 'ENOENT',
  );
  if (exists) throw alreadyThere();
  try {
    await writeNewFileAtomic(path, data, fs);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'EEXIST') throw alreadyThere();
    throw usbError(e, `the folder of ${basename(path)}`, 'writing the exported file');
  }
}
