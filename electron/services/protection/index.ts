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
import { decryptWithAgeIdentity, encryptToAgeRecipient, looksLikeAge } from './age';
import { decryptFailed } from './errors';
import { decryptWithOpenPgpKey, encryptToOpenPgpKey, looksLikeOpenPgp } from './openpgp';
import { SEAL_FILE_EXTENSION, looksLikeTokenSealed, openWithToken, protectWithTokenKey } from './pkcs11';
import type { SealedShardOpener } from './pkcs11';

export { ageIdentityFile, generateAgeIdentity, isAgeX25519Recipient } from './age';
export { generateOpenPgpKey, openPgpFingerprint } from './openpgp';
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

/** A shard text: the KS1 prefix then base32, possibly in groups and lines. Checked before anything is encrypted. */
const SHARD_TEXT = /^KS1[\sA-Z2-7]+$/i;

function requireShardText(text: string): string {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (!SHARD_TEXT.test(trimmed)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'Only shard texts (starting with KS1) can be protected for a custodian. Make the shard first, then protect it.');
  }
  return trimmed;
}

/** Encrypts (or, for 'none', just frames) a shard's text form for one custodian. */
export async function protectEnvelopeText(text: string, protection: Protection): Promise<ProtectedShard> {
  // A final newline so that `age -d` / `gpg -d` print a whole line.
  const plaintext = `${requireShardText(text)}\n`;
  switch (protection.kind) {
    case 'none':
      return { kind: 'none', data: plaintext, fileExtension: '.txt' };
    case 'age':
      return { kind: 'age', data: await encryptToAgeRecipient(plaintext, protection.recipient), fileExtension: '.age' };
    case 'openpgp':
      return { kind: 'openpgp', data: await encryptToOpenPgpKey(plaintext, protection.publicKeyArmored), fileExtension: '.asc' };
    case 'pkcs11':
      return { kind: 'pkcs11', data: protectWithTokenKey(plaintext, protection.publicKey), fileExtension: SEAL_FILE_EXTENSION };
    default: {
      const unknown: never = protection;
      const kind = (unknown as { kind?: unknown }).kind;
      throw new KeyshardError('INVALID_ARGUMENT', 'Unknown protection: choose none, age, openpgp or pkcs11 for this custodian.', {
        kind: typeof kind === 'string' ? kind : 'unknown',
      });
    }
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
  const detected = detectProtection(data);
  if (key.kind !== 'none' && detected !== key.kind && detected !== 'unknown') {
    if (key.kind !== 'pkcs11') throw decryptFailed('wrong-kind', key.kind);
    throw new KeyshardError('ENVELOPE_DECRYPT', 'This file is not sealed to a PKCS#11 token: choose the key type that matches the file (.age: age key, .asc: OpenPGP key).', {
      reason: 'wrong-kind',
      protection: 'pkcs11',
    });
  }
  let text: string;
  switch (key.kind) {
    case 'none':
      if (detected === 'age' || detected === 'openpgp' || detected === 'pkcs11') {
        const name = { age: 'age', openpgp: 'OpenPGP', pkcs11: "a key on the custodian's PKCS#11 token" }[detected];
        throw new KeyshardError('ENVELOPE_DECRYPT', `This shard file is encrypted with ${name}: choose the custodian's key to open it.`, {
          reason: 'wrong-kind',
          protection: detected,
        });
      }
      text = typeof data === 'string' ? data : new TextDecoder().decode(data);
      break;
    case 'age':
      text = await decryptWithAgeIdentity(data, key.identity);
      break;
    case 'openpgp':
      text = await decryptWithOpenPgpKey(data, key.privateKeyArmored, key.passphrase);
      break;
    case 'pkcs11':
      text = await openWithToken(data, key.token);
      break;
    default: {
      const unknown: never = key;
      throw new KeyshardError('INVALID_ARGUMENT', 'Unknown key type: use an age identity or an OpenPGP private key.', {
        kind: String((unknown as { kind?: unknown }).kind),
      });
    }
  }
  const trimmed = text.trim();
  if (!SHARD_TEXT.test(trimmed)) {
    throw new KeyshardError('ENVELOPE_FORMAT', 'This file opened, but it does not hold a keyshard shard text (KS1...). Check that you chose the right file.');
  }
  return trimmed;
}

/** openProtected, then reads the envelope (checksum and all). The caller wipes it with wipeEnvelope when done. */
export async function openProtectedEnvelope(data: string | Uint8Array, key: OpeningKey): Promise<Envelope> {
  return envelopeFromText(await openProtected(data, key));
}
