/**
 * Per-custodian protection of a shard file. What gets protected is the envelope's text form ("KS1..."), so a
 * custodian who opens the file years from now with plain `age -d` or `gpg --decrypt` sees something keyshard,
 * or a person, can read back.
 *
 * Kinds: 'none' (paper/QR: the text as is), 'age' (X25519 recipient), 'openpgp' (armored public key),
 * 'pkcs11' (a P-256 key on the custodian's token; opened by the token itself, see pkcs11.ts).
 */
import { envelopeFromText } from '../../../core/envelope';
import type { Envelope } from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import { decryptAgeToBytes, looksLikeAge } from './age';
import { decryptFailed, plaintextToString } from './errors';
import { decryptOpenPgpToBytes, looksLikeOpenPgp } from './openpgp';
import { decryptOpenPgpOutside, encryptAgeOutside, encryptOpenPgpOutside } from './openpgp-process';
import { SEAL_FILE_EXTENSION, looksLikeTokenSealed, openWithTokenToBytes, protectWithTokenKey } from './pkcs11';
import type { SealedShardOpener } from './pkcs11';

export { ageIdentityFile, generateAgeIdentity, isAgeX25519Recipient } from './age';
export { generateOpenPgpKey, openPgpFingerprint } from './openpgp';
export { dropEarlyOpenPgpHelpers, startOpenPgpHelpersEarly, useOpenPgpLauncher } from './openpgp-process';
export type { OpenPgpLauncher } from './openpgp-process';
export type { OpenPgpKeyPair } from './openpgp';
export type { DecryptFailure } from './errors';
export { parseSealed, openSealedWithSoftwareKey, tokenPublicKeyBytes } from './pkcs11';
export type { SealedShard, SealedShardOpener } from './pkcs11';

/** How one custodian's shard is protected. Add new kinds here. */
export type Protection =
  | { readonly kind: 'none' }
  | { readonly kind: 'age'; readonly recipient: string }
  | { readonly kind: 'openpgp'; readonly publicKeyArmored: string }
  /** publicKey: hex SEC1 P-256 point of the token key (HsmSession.ensureKeyPair gives it). */
  | { readonly kind: 'pkcs11'; readonly publicKey: string };

/** Every kind a plan may name. */
export type ProtectionKind = Protection['kind'];

/** The secret that opens a protected shard. */
export type OpeningKey =
  | { readonly kind: 'none' }
  /** The content of an age identity file (comments allowed) or a single AGE-SECRET-KEY-1... line. */
  | { readonly kind: 'age'; readonly identity: string }
  | { readonly kind: 'openpgp'; readonly privateKeyArmored: string; readonly passphrase?: string }
  /** The token holding the key, logged in (an HsmSession). */
  | { readonly kind: 'pkcs11'; readonly token: SealedShardOpener };

export interface ProtectedShard {
  readonly kind: Protection['kind'];
  /** The file content. Every kind here produces ASCII text (armored for age and OpenPGP). */
  readonly data: Uint8Array | string;
  /** With the dot: '.txt', '.age', '.asc' or '.p11'. */
  readonly fileExtension: string;
}

/** A protected shard file as bytes (main's handoff: no string of the shard is made). `data` is ASCII; for 'none' it is
 * the shard text itself (SECRET): the caller wipes it once written. */
export interface ProtectedShardFile {
  readonly kind: Protection['kind'];
  readonly data: Uint8Array;
  readonly fileExtension: string;
}

/** A shard text: the KS1 prefix then base32, possibly in groups and lines (an opened file's, read as a string). */
const SHARD_TEXT = /^KS1[\sA-Z2-7]+$/i;

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isShardChar = (c: number): boolean => isSpace(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x32 && c <= 0x37);

/**
 * Where the shard text in `bytes` starts and ends once ASCII whitespace around it is left out, or null when it is not
 * one (the SHARD_TEXT rule, read from the bytes: no string of a shard is made).
 */
function shardTextSpan(bytes: Uint8Array): { start: number; end: number } | null {
  let start = 0;
  let end = bytes.length;
  while (start < end && isSpace(bytes[start]!)) start++;
  while (end > start && isSpace(bytes[end - 1]!)) end--;
  if (end - start < 4 || (bytes[start]! & ~0x20) !== 0x4b || (bytes[start + 1]! & ~0x20) !== 0x53 || bytes[start + 2] !== 0x31) return null;
  for (let i = start + 3; i < end; i++) if (!isShardChar(bytes[i]!)) return null;
  return { start, end };
}

/**
 * Encrypts (or, for 'none', just frames) a shard's text form, given as ASCII bytes, for one custodian; the file comes
 * back as bytes. Only byte arrays hold the shard here (issue 16.3): `text` stays the caller's to wipe, and every copy
 * made here is wiped, except the 'none' file, which is the caller's.
 */
export async function protectShardText(text: Uint8Array, protection: Protection): Promise<ProtectedShardFile> {
  const span = text instanceof Uint8Array ? shardTextSpan(text) : null;
  if (span === null) {
    throw new KeyshardError('INVALID_ARGUMENT', 'Only shard texts (starting with KS1) can be protected for a custodian. Make the shard first, then protect it.');
  }
  // A final newline so that `age -d` / `gpg -d` print a whole line.
  const plaintext = new Uint8Array(span.end - span.start + 1);
  plaintext.set(text.subarray(span.start, span.end));
  plaintext[plaintext.length - 1] = 0x0a;
  const ascii = (armored: string): Uint8Array => new TextEncoder().encode(armored);
  let keep = false;
  try {
    switch (protection.kind) {
      case 'none':
        keep = true;
        return { kind: 'none', data: plaintext, fileExtension: '.txt' };
      case 'age':
        // In the helper process too: the age library keeps an unwiped copy of the plaintext (openpgp-child.ts).
        return { kind: 'age', data: ascii(await encryptAgeOutside(plaintext, protection.recipient)), fileExtension: '.age' };
      case 'openpgp':
        // In a helper process: openpgp.js leaves copies of the plaintext that main could not wipe (openpgp-process.ts).
        return { kind: 'openpgp', data: ascii(await encryptOpenPgpOutside(plaintext, protection.publicKeyArmored)), fileExtension: '.asc' };
      case 'pkcs11':
        return { kind: 'pkcs11', data: ascii(protectWithTokenKey(plaintext, protection.publicKey)), fileExtension: SEAL_FILE_EXTENSION };
      default: {
        const unknown: never = protection;
        const kind = (unknown as { kind?: unknown }).kind;
        throw new KeyshardError('INVALID_ARGUMENT', 'Unknown protection: choose none, age, openpgp or pkcs11 for this custodian.', {
          kind: typeof kind === 'string' ? kind : 'unknown',
        });
      }
    }
  } finally {
    if (!keep) plaintext.fill(0);
  }
}

/** protectShardText for a caller holding the text as a string (the CLI, tests); the file comes back as text. */
export async function protectEnvelopeText(text: string, protection: Protection): Promise<ProtectedShard> {
  const bytes = new TextEncoder().encode(typeof text === 'string' ? text : '');
  try {
    const file = await protectShardText(bytes, protection);
    const data = new TextDecoder().decode(file.data);
    file.data.fill(0);
    return { kind: file.kind, data, fileExtension: file.fileExtension };
  } finally {
    bytes.fill(0);
  }
}

/** What kind of protected shard a file holds, judged from its first bytes; 'unknown' when it is none of them. */
export function detectProtection(data: string | Uint8Array): Protection['kind'] | 'unknown' {
  if (looksLikeAge(data)) return 'age';
  if (looksLikeOpenPgp(data)) return 'openpgp';
  if (looksLikeTokenSealed(data)) return 'pkcs11';
  const head = typeof data === 'string' ? data : new TextDecoder().decode(data.subarray(0, 16));
  return /^\s*KS1/i.test(head) ? 'none' : 'unknown';
}

/**
 * Opens a protected shard file with the custodian's secret key and returns the shard text (trimmed).
 * Failures: ENVELOPE_DECRYPT (wrong key, damaged file, passphrase missing or wrong, file of another kind),
 * ENVELOPE_FORMAT (it opened but holds no shard text). Messages never include the plaintext.
 */
export async function openProtected(data: string | Uint8Array, key: OpeningKey): Promise<string> {
  const plaintext = await openToBytes(data, key);
  let text: string;
  switch (key.kind) {
    case 'age':
    case 'openpgp':
      text = plaintextToString(plaintext, key.kind);
      break;
    case 'pkcs11':
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
      } catch {
        throw new KeyshardError('ENVELOPE_FORMAT', 'This token-sealed file opened, but it does not hold a keyshard shard text. Check that you chose the right file.');
      } finally {
        plaintext.fill(0);
      }
      break;
    default:
      text = new TextDecoder().decode(plaintext);
      plaintext.fill(0);
  }
  const trimmed = text.trim();
  if (!SHARD_TEXT.test(trimmed)) throw notAShardFile();
  return trimmed;
}

/**
 * openProtected with no string made: the shard text (trimmed) as ASCII bytes, which the caller wipes. A USB read-back
 * opens the file it wrote this way (issue 16.3). Same failures as openProtected.
 */
export async function openProtectedBytes(data: string | Uint8Array, key: OpeningKey): Promise<Uint8Array> {
  const plaintext = await openToBytes(data, key, true);
  try {
    const span = shardTextSpan(plaintext);
    if (span === null) throw notAShardFile();
    return plaintext.slice(span.start, span.end);
  } finally {
    plaintext.fill(0);
  }
}

function notAShardFile(): KeyshardError {
  return new KeyshardError('ENVELOPE_FORMAT', 'This file opened, but it does not hold a keyshard shard text (KS1...). Check that you chose the right file.');
}

/**
 * The plaintext of a protected file (a copy for 'none' bytes); the caller wipes it. `outside`: an OpenPGP file is opened
 * in the helper process (openpgp-process.ts), for callers that hold the shard only as bytes.
 */
async function openToBytes(data: string | Uint8Array, key: OpeningKey, outside = false): Promise<Uint8Array> {
  const detected = detectProtection(data);
  if (key.kind !== 'none' && detected !== key.kind && detected !== 'unknown') {
    if (key.kind !== 'pkcs11') throw decryptFailed('wrong-kind', key.kind);
    throw new KeyshardError('ENVELOPE_DECRYPT', 'This file is not sealed to a PKCS#11 token: choose the key type that matches the file (.age: age key, .asc: OpenPGP key).', {
      reason: 'wrong-kind',
      protection: 'pkcs11',
    });
  }
  switch (key.kind) {
    case 'none':
      if (detected === 'age' || detected === 'openpgp' || detected === 'pkcs11') {
        const name = { age: 'age', openpgp: 'OpenPGP', pkcs11: "a key on the custodian's PKCS#11 token" }[detected];
        throw new KeyshardError('ENVELOPE_DECRYPT', `This shard file is encrypted with ${name}: choose the custodian's key to open it.`, {
          reason: 'wrong-kind',
          protection: detected,
        });
      }
      return typeof data === 'string' ? new TextEncoder().encode(data) : data.slice();
    case 'age':
      return decryptAgeToBytes(data, key.identity);
    case 'openpgp':
      return (outside ? decryptOpenPgpOutside : decryptOpenPgpToBytes)(data, key.privateKeyArmored, key.passphrase);
    case 'pkcs11':
      return openWithTokenToBytes(data, key.token);
    default: {
      const unknown: never = key;
      throw new KeyshardError('INVALID_ARGUMENT', 'Unknown key type: use an age identity or an OpenPGP private key.', {
        kind: String((unknown as { kind?: unknown }).kind),
      });
    }
  }
}

/** openProtected, then reads the envelope (checksum and all). The caller wipes it with wipeEnvelope when done. */
export async function openProtectedEnvelope(data: string | Uint8Array, key: OpeningKey): Promise<Envelope> {
  return envelopeFromText(await openProtected(data, key));
}
