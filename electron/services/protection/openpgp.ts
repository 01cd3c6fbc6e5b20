/**
 * OpenPGP protection for a shard file (openpgp 6.3.2).
 *
 * Everything here stays readable by Debian 12's gpg 2.2: keys we make are v4 `ecc` keys on the legacy curves
 * (Ed25519 for signing, Curve25519 ECDH for encryption), never v6 keys, RFC 9580 X25519 (`type: 'curve25519'`)
 * or AEAD-protected secret keys; messages are SEIPDv1 unless the recipient's own key asks for more.
 */
import * as openpgp from 'openpgp';
import type { Key, PrivateKey } from 'openpgp';
import { KeyshardError } from '../../../core/errors';
import { decryptFailed, plaintextToString } from './errors';
import {
  inputSize,
  MAX_DECRYPTION_TRIES,
  MAX_KEY_BITS,
  MAX_OPENING_KEYS,
  MAX_PROTECTED_FILE_BYTES,
  MAX_RECIPIENTS,
  MAX_SHARD_PLAINTEXT_BYTES,
  tooLarge,
  tooManyRecipients,
} from './limits';

/** Settings that keep keys and messages within what gpg 2.2 reads. */
const GPG22_COMPATIBLE = { v6Keys: false, aeadProtect: false } as const;

/**
 * Decryption settings: gpg 2.2's, and a cap on what a compressed message may expand to. OpenPGP messages may be
 * compressed (gpg compresses by default), and a 1 MB file of compressed zeros expands to a gigabyte; openpgp.js stops
 * decompressing, and fails, as soon as the output passes maxDecompressedMessageSize - so no more than the largest
 * shard text (and its literal-data packet header: format, a file name of at most 255 bytes, a date) is ever made.
 */
const DECRYPT_CONFIG = { ...GPG22_COMPATIBLE, maxDecompressedMessageSize: MAX_SHARD_PLAINTEXT_BYTES + 1024 } as const;

/** openpgp.js's words when the cap above stops it (its only way of saying so; a test pins them). */
const DECOMPRESSION_CAPPED = /maximum decompressed message size exceeded/i;

/** Key id 0: an anonymous recipient (`gpg --throw-keyids`). */
const WILDCARD_KEY_ID = '0000000000000000';

export const PGP_MESSAGE_HEADER = '-----BEGIN PGP MESSAGE-----';

export interface OpenPgpKeyPair {
  readonly privateKeyArmored: string;
  readonly publicKeyArmored: string;
  /** The primary key's fingerprint, 40 hex digits, as `gpg --list-keys` shows it. */
  readonly fingerprint: string;
}

/**
 * A throwaway OpenPGP key pair for a custodian (demo and tests): v4, Ed25519 primary + Curve25519 encryption
 * subkey, no expiry. With a passphrase the private key is protected with iterated-salted S2K + AES-256.
 */
export async function generateOpenPgpKey(name: string, options: { passphrase?: string; email?: string } = {}): Promise<OpenPgpKeyPair> {
  const trimmed = name.trim();
  if (trimmed === '' || /[\u0000-\u001f\u007f<>]/.test(trimmed)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'A key needs a name without control characters or angle brackets, e.g. "Alice Example".');
  }
  const userID = options.email === undefined ? { name: trimmed } : { name: trimmed, email: options.email };
  let key: { privateKey: string; publicKey: string };
  try {
    key = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [userID],
      ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
      format: 'armored',
      config: GPG22_COMPATIBLE,
    });
  } catch {
    throw new KeyshardError('INVALID_ARGUMENT', 'No OpenPGP key could be made for this name and email: check the email address and try again.');
  }
  const publicKey = await openpgp.readKey({ armoredKey: key.publicKey });
  return { privateKeyArmored: key.privateKey, publicKeyArmored: key.publicKey, fingerprint: publicKey.getFingerprint().toUpperCase() };
}

/** Reads and checks a recipient's armored public key; INVALID_ARGUMENT with a reason when it cannot be used. */
async function readRecipientKey(publicKeyArmored: string): Promise<Key> {
  let key: Key;
  try {
    key = await openpgp.readKey({ armoredKey: publicKeyArmored.trim() });
  } catch {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      'This is not a readable OpenPGP public key. Ask the custodian for the output of `gpg --armor --export THEIR-KEY-ID` (it starts with -----BEGIN PGP PUBLIC KEY BLOCK-----).',
    );
  }
  if (key.isPrivate()) {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      "This is a private key: a ceremony plan needs only the custodian's public key. Ask for `gpg --armor --export` (not --export-secret-keys), and keep the private key with the custodian.",
    );
  }
  try {
    await key.getEncryptionKey();
  } catch {
    throw new KeyshardError(
      'INVALID_ARGUMENT',
      'This OpenPGP key cannot receive encrypted files: it is expired or revoked, has no encryption subkey, or is dated in the future ' +
        "(check this computer's clock). Ask the custodian for a current key.",
    );
  }
  return key;
}

/** The fingerprint of an armored public key (40 hex digits for v4), for plans and confirmation screens. */
export async function openPgpFingerprint(publicKeyArmored: string): Promise<string> {
  return (await readRecipientKey(publicKeyArmored)).getFingerprint().toUpperCase();
}

/**
 * Encrypts `plaintext` to the recipient's public key; returns an armored message. A shard's text comes as bytes (the
 * caller wipes them); a string (an export's JSON) is encoded here and its bytes wiped.
 */
export async function encryptToOpenPgpKey(plaintext: string | Uint8Array, publicKeyArmored: string): Promise<string> {
  const key = await readRecipientKey(publicKeyArmored);
  const bytes = typeof plaintext === 'string' ? new TextEncoder().encode(plaintext) : plaintext;
  try {
    const message = await openpgp.createMessage({ binary: bytes, format: 'utf8' });
    return await openpgp.encrypt({ message, encryptionKeys: key, format: 'armored', config: GPG22_COMPATIBLE });
  } catch {
    throw new KeyshardError('INTERNAL', 'OpenPGP encryption failed. Try again; if it keeps failing, report it.');
  } finally {
    if (typeof plaintext === 'string') bytes.fill(0);
  }
}

function asciiPrefix(data: Uint8Array, length: number): string {
  let s = '';
  for (let i = 0; i < Math.min(length, data.length); i++) s += String.fromCharCode(data[i] as number);
  return s;
}

function isArmored(data: string | Uint8Array): boolean {
  return (typeof data === 'string' ? data.trimStart() : asciiPrefix(data, 80).trimStart()).startsWith(PGP_MESSAGE_HEADER);
}

/**
 * True when the data looks like an OpenPGP encrypted message: armored, or binary starting with a
 * public-key (tag 1) or symmetric-key (tag 3) encrypted session key packet, in old or new packet format.
 */
export function looksLikeOpenPgp(data: string | Uint8Array): boolean {
  if (isArmored(data)) return true;
  if (typeof data === 'string' || data.length === 0) return false;
  const b = data[0] as number;
  if ((b & 0x80) === 0) return false;
  const tag = (b & 0x40) !== 0 ? b & 0x3f : (b >> 2) & 0x0f;
  return tag === 1 || tag === 3;
}

/**
 * What unlocking a key may cost main. Unlocking runs each key packet's S2K on main's thread: Argon2 (openpgp.js's
 * wasm) can ask for up to 2^30 KiB and 255 passes a packet (2^18 KiB x 6 passes on two packets took 5 s of CPU), and
 * iterated-and-salted S2K hashes up to 65,011,712 bytes a packet. Allowed: two packets at openpgp.js's own Argon2
 * default (3 passes over 2^16 KiB), or four at the largest iterated count (gpg 2.2 writes nothing costlier).
 */
const MAX_ARGON2_WORK_KIB = 2 * 3 * 2 ** 16;
const MAX_ITERATED_BYTES = 4 * 65_011_712;

interface S2kShape {
  readonly type?: string;
  readonly t?: number;
  readonly encodedM?: number;
  getCount?(): number;
}

/** True when unlocking every key packet would cost more than the bounds above (read from the packets, nothing run). */
function unlockTooCostly(key: PrivateKey): boolean {
  let argon2 = 0;
  let iterated = 0;
  for (const k of key.getKeys()) {
    const s2k = (k.keyPacket as unknown as { s2k?: S2kShape | null }).s2k;
    if (s2k === null || s2k === undefined) continue;
    if (s2k.type === 'argon2') argon2 += (s2k.t ?? 0) * 2 ** (s2k.encodedM ?? 0);
    else if (s2k.type === 'iterated') iterated += s2k.getCount?.() ?? 0;
  }
  return argon2 > MAX_ARGON2_WORK_KIB || iterated > MAX_ITERATED_BYTES;
}

async function unlockPrivateKey(privateKeyArmored: string, passphrase: string | undefined): Promise<PrivateKey> {
  let key: PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: privateKeyArmored.trim() });
  } catch {
    throw decryptFailed('bad-key', 'openpgp');
  }
  // An anonymous recipient is tried with every subkey, and unlocking runs the passphrase's S2K once per subkey.
  if (key.getKeys().length > MAX_OPENING_KEYS) throw decryptFailed('too-many-keys', 'openpgp');
  // One private operation with a 16,384-bit RSA key takes seconds; gpg makes none above 4,096 bits by default.
  if (key.getKeys().some((k) => (k.getAlgorithmInfo().bits ?? 0) > MAX_KEY_BITS)) throw decryptFailed('key-too-costly', 'openpgp');
  if (key.isDecrypted()) return key;
  if (passphrase === undefined || passphrase === '') throw decryptFailed('passphrase-required', 'openpgp');
  if (unlockTooCostly(key)) throw decryptFailed('key-too-costly', 'openpgp');
  try {
    return await openpgp.decryptKey({ privateKey: key, passphrase });
  } catch {
    throw decryptFailed('wrong-passphrase', 'openpgp');
  }
}

/**
 * Decrypts an OpenPGP message (armored or binary) with an armored private key, unlocked with `passphrase` if it
 * has one. Every failure is ENVELOPE_DECRYPT with `details.reason`; no library message is passed on.
 */
export async function decryptWithOpenPgpKey(data: string | Uint8Array, privateKeyArmored: string, passphrase?: string): Promise<string> {
  return plaintextToString(await decryptOpenPgpToBytes(data, privateKeyArmored, passphrase), 'openpgp');
}

/** decryptWithOpenPgpKey, returning the plaintext bytes (no string made); the caller wipes them. */
export async function decryptOpenPgpToBytes(data: string | Uint8Array, privateKeyArmored: string, passphrase?: string): Promise<Uint8Array> {
  if (!looksLikeOpenPgp(data)) throw decryptFailed('not-protected', 'openpgp');
  if (inputSize(data) > MAX_PROTECTED_FILE_BYTES) throw tooLarge('openpgp', 'file');
  // The message is read before the key is unlocked: its recipients are counted before any key work (review M2).
  let message: openpgp.Message<string | Uint8Array>;
  try {
    message = isArmored(data)
      ? await openpgp.readMessage({ armoredMessage: typeof data === 'string' ? data.trim() : new TextDecoder().decode(data).trim() })
      : await openpgp.readMessage({ binaryMessage: data as Uint8Array });
  } catch {
    throw decryptFailed('damaged', 'openpgp');
  }
  // Each public-key session key packet is tried with each matching key (every key, for an anonymous one): an RSA or
  // ECDH operation apiece.
  const recipients = message.packets.filterByTag(openpgp.enums.packet.publicKeyEncryptedSessionKey, openpgp.enums.packet.symEncryptedSessionKey).length;
  if (recipients > MAX_RECIPIENTS) throw tooManyRecipients('openpgp', recipients);
  const key = await unlockPrivateKey(privateKeyArmored, passphrase);
  try {
    // Decide "another key" from the key ids the message names, not from library wording. A wildcard id
    // (anonymous recipient) could be anyone, so then a failure counts as damage only if no id could be ours.
    const ours = key.getKeyIDs();
    const named = message.getEncryptionKeyIDs();
    // The private-key operations openpgp.js would run: every decryption subkey for an anonymous recipient, the named
    // subkey for a named one. Counted before any runs.
    const decryptionKeys = (await key.getDecryptionKeys().catch(() => [])).map((k) => k.getKeyID());
    const tries = named.reduce((n, id) => n + (id.toHex() === WILDCARD_KEY_ID ? decryptionKeys.length : decryptionKeys.filter((k) => k.equals(id)).length), 0);
    if (tries > MAX_DECRYPTION_TRIES) throw tooManyRecipients('openpgp', tries, 'tries');
    const maybeOurs = named.some((id) => ours.some((o) => o.equals(id, true)));
    if (!maybeOurs) throw decryptFailed('wrong-key', 'openpgp');
    let data_: Uint8Array;
    try {
      const result = await openpgp.decrypt({ message, decryptionKeys: key, format: 'binary', config: DECRYPT_CONFIG });
      data_ = result.data as Uint8Array;
    } catch (e) {
      if (e instanceof Error && DECOMPRESSION_CAPPED.test(e.message)) throw tooLarge('openpgp', 'plaintext');
      const onlyWildcards = named.every((id) => id.toHex() === WILDCARD_KEY_ID);
      throw decryptFailed(onlyWildcards ? 'wrong-key' : 'damaged', 'openpgp');
    }
    // An uncompressed message is no larger than its file, but may still hold more than any shard text.
    if (data_.length > MAX_SHARD_PLAINTEXT_BYTES) {
      data_.fill(0);
      throw tooLarge('openpgp', 'plaintext');
    }
    return data_;
  } finally {
    // Best effort: the typings omit it, but PrivateKey.clearPrivateParams zeroes the unlocked key material.
    try {
      (key as unknown as { clearPrivateParams?: () => void }).clearPrivateParams?.();
    } catch {
      // a key that was never unlocked has nothing to clear
    }
  }
}
