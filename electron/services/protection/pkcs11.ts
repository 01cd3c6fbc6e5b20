/**
 * 'pkcs11' protection: a shard's text encrypted to an EC P-256 key that lives on a custodian's token, so only that
 * token (with its PIN) can open it. Encryption needs only the token key's public point and runs in software; opening
 * runs on the token (electron/services/hsm), and the key that decrypts never leaves it.
 *
 * ## Construction, version 1 (exact; enough to re-implement elsewhere)
 *
 * Binary layout:
 *
 *   offset  size     field
 *   0       4        magic "KSP" + version 0x01 (4B 53 50 01)
 *   4       65       R: the token key's public point, SEC1 uncompressed (04 || X || Y), P-256
 *   69      65       E: a fresh ephemeral public point, SEC1 uncompressed, P-256
 *   134     12       N: AES-GCM nonce (random)
 *   146     n + 16   AES-256-GCM ciphertext of the plaintext, then its 16-byte tag
 *
 * - Key: K = the 32-byte big-endian x-coordinate of e·R (e = the ephemeral secret scalar), used directly as the
 *   AES-256 key. No KDF: the token has to compute the same K *inside* itself, and the one derivation every PKCS#11
 *   token offers is CKM_ECDH1_DERIVE with kdf CKD_NULL (SoftHSM2 2.6 supports no other kdf, and none supports HKDF
 *   in 2.x), asked for a CKK_AES key with CKA_VALUE_LEN 32. That key is created sensitive and non-extractable, so
 *   it can decrypt but never be read. Raw x is not uniform over 2^256, but it is a fresh, single-use key with
 *   close to 256 bits of entropy, and GCM needs a key the attacker cannot guess, not a uniform one.
 * - Associated data: A = UTF-8("keyshard-pkcs11-seal-v1\n") || bytes [0, 146) of the layout above. It binds the
 *   version, the intended token key R, the ephemeral point E and the nonce: any change to the header fails the tag,
 *   and a file cannot be re-labelled as meant for another token. This is where the context goes that a KDF's
 *   "info" would otherwise carry.
 * - Plaintext: the shard text ("KS1...") and a final "\n", UTF-8.
 * - File: the binary in base64, 64 characters per line, between SEAL_ARMOR_BEGIN and SEAL_ARMOR_END lines.
 *
 * Opening on a token: find the private key whose public point is R, C_DeriveKey(CKM_ECDH1_DERIVE{CKD_NULL, E})
 * into a session AES key (sensitive, non-extractable, decrypt only), then one C_Decrypt with CKM_AES_GCM
 * {N, A, 128-bit tag} over ciphertext||tag. `openSealedWithSoftwareKey` below does the same in software, so tests
 * can check the token against an independent computation.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { p256 } from '@noble/curves/nist.js';
import { bytesToHex, concatBytes, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../../core/errors';

export const SEAL_MAGIC: readonly number[] = [0x4b, 0x53, 0x50, 0x01];
export const SEAL_AAD_LABEL = 'keyshard-pkcs11-seal-v1\n';
export const SEAL_ARMOR_BEGIN = '-----BEGIN KEYSHARD TOKEN-SEALED SHARD-----';
export const SEAL_ARMOR_END = '-----END KEYSHARD TOKEN-SEALED SHARD-----';
export const SEAL_FILE_EXTENSION = '.p11';

const POINT_LENGTH = 65;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const OFFSET_RECIPIENT = 4;
const OFFSET_EPHEMERAL = OFFSET_RECIPIENT + POINT_LENGTH;
const OFFSET_NONCE = OFFSET_EPHEMERAL + POINT_LENGTH;
const HEADER_LENGTH = OFFSET_NONCE + NONCE_LENGTH; // 146

/** A parsed token-sealed shard: everything a token needs to open it. */
export interface SealedShard {
  /** R: the token key's public point (65 bytes, uncompressed). Finds the key on the token. */
  readonly recipientPublicKey: Uint8Array;
  /** E: the ephemeral public point (65 bytes, uncompressed), the ECDH peer for CKM_ECDH1_DERIVE. */
  readonly ephemeralPublicKey: Uint8Array;
  readonly nonce: Uint8Array;
  /** Ciphertext followed by the 16-byte GCM tag. */
  readonly ciphertextAndTag: Uint8Array;
  /** The GCM associated data A (label || header). */
  readonly aad: Uint8Array;
}

/** Something that opens a sealed shard with the token's key (an HSM session does). Returns the plaintext bytes. */
export interface SealedShardOpener {
  openSealed(sealed: SealedShard): Promise<Uint8Array>;
}

function sealFailed(reason: 'damaged' | 'wrong-key' | 'not-protected', message: string): KeyshardError {
  return new KeyshardError('ENVELOPE_DECRYPT', message, { reason, protection: 'pkcs11' });
}

/** A P-256 public key as 65 uncompressed bytes; accepts hex or bytes, compressed (33) or uncompressed (65). */
export function tokenPublicKeyBytes(publicKey: string | Uint8Array): Uint8Array {
  const refuse = () =>
    new KeyshardError(
      'INVALID_ARGUMENT',
      'PKCS#11 protection needs the public key of the custodian\'s token key: a P-256 point in hex (130 digits starting 04, or 66 starting 02/03), as `keyshard hsm list` and the token set-up screen show it.',
    );
  let bytes: Uint8Array;
  try {
    bytes = typeof publicKey === 'string' ? hexToBytes(publicKey.trim().toLowerCase()) : publicKey;
  } catch {
    throw refuse();
  }
  if (!(bytes instanceof Uint8Array) || (bytes.length !== 33 && bytes.length !== 65)) throw refuse();
  try {
    return p256.Point.fromBytes(bytes).toBytes(false);
  } catch {
    throw refuse();
  }
}

function aadFor(header: Uint8Array): Uint8Array {
  return concatBytes(utf8ToBytes(SEAL_AAD_LABEL), header);
}

/** Encrypts `plaintext` to the token key `recipientPublicKey` (software side). Returns the binary sealed form. */
export function sealToTokenKey(plaintext: Uint8Array, recipientPublicKey: string | Uint8Array, random: (n: number) => Uint8Array = randomBytes): Uint8Array {
  const recipient = tokenPublicKeyBytes(recipientPublicKey);
  const ephemeralSecret = p256.utils.randomSecretKey(random(48));
  const shared = p256.getSharedSecret(ephemeralSecret, recipient); // 33 bytes: prefix || x
  const key = shared.slice(1);
  try {
    const nonce = random(NONCE_LENGTH);
    const header = concatBytes(new Uint8Array(SEAL_MAGIC), recipient, p256.getPublicKey(ephemeralSecret, false), nonce);
    const ct = gcm(key, nonce, aadFor(header)).encrypt(plaintext);
    return concatBytes(header, ct);
  } finally {
    ephemeralSecret.fill(0);
    shared.fill(0);
    key.fill(0);
  }
}

/** The binary sealed form as the armored text file. */
export function armorSealed(binary: Uint8Array): string {
  const b64 = Buffer.from(binary).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `${SEAL_ARMOR_BEGIN}\n${lines.join('\n')}\n${SEAL_ARMOR_END}\n`;
}

/** True when the data looks like a token-sealed shard file. */
export function looksLikeTokenSealed(data: string | Uint8Array): boolean {
  const head = typeof data === 'string' ? data.trimStart().slice(0, 60) : new TextDecoder().decode(data.subarray(0, 80)).trimStart();
  return head.startsWith(SEAL_ARMOR_BEGIN);
}

/** Reads the armored file (or the binary form) into its parts. ENVELOPE_DECRYPT ('damaged') when it cannot. */
export function parseSealed(data: string | Uint8Array): SealedShard {
  let binary: Uint8Array;
  if (looksLikeTokenSealed(data)) {
    const text = (typeof data === 'string' ? data : new TextDecoder().decode(data)).trim();
    if (!text.endsWith(SEAL_ARMOR_END)) throw sealFailed('damaged', 'This token-sealed shard file is cut short (its END line is missing). Use another copy of the file.');
    const body = text.slice(SEAL_ARMOR_BEGIN.length, text.length - SEAL_ARMOR_END.length).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) {
      throw sealFailed('damaged', 'This token-sealed shard file is damaged (characters that base64 never uses). Use another copy of the file.');
    }
    binary = new Uint8Array(Buffer.from(body, 'base64'));
  } else if (data instanceof Uint8Array && SEAL_MAGIC.every((m, i) => data[i] === m)) {
    binary = data;
  } else {
    throw sealFailed('not-protected', 'This file is not a shard sealed to a PKCS#11 token. Check that you chose the right file.');
  }
  if (binary.length < HEADER_LENGTH + TAG_LENGTH || !SEAL_MAGIC.every((m, i) => binary[i] === m)) {
    throw sealFailed('damaged', 'This token-sealed shard file is damaged or from another version of keyshard. Use another copy of the file.');
  }
  const header = binary.subarray(0, HEADER_LENGTH);
  return {
    recipientPublicKey: binary.slice(OFFSET_RECIPIENT, OFFSET_EPHEMERAL),
    ephemeralPublicKey: binary.slice(OFFSET_EPHEMERAL, OFFSET_NONCE),
    nonce: binary.slice(OFFSET_NONCE, HEADER_LENGTH),
    ciphertextAndTag: binary.slice(HEADER_LENGTH),
    aad: aadFor(header),
  };
}

/** Hex of the token key a sealed shard is meant for (to tell the user which token to insert). */
export function sealedRecipientHex(sealed: SealedShard): string {
  return bytesToHex(sealed.recipientPublicKey);
}

/**
 * The software twin of the token's opening, for tests and for checking the construction: `secretKey` is the P-256
 * scalar of the token key (only ever known for a test key). Throws ENVELOPE_DECRYPT on a wrong key or damage.
 */
export function openSealedWithSoftwareKey(sealed: SealedShard, secretKey: Uint8Array): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = p256.getSharedSecret(secretKey, sealed.ephemeralPublicKey);
  } catch {
    throw sealFailed('damaged', 'This token-sealed shard file is damaged (its ephemeral key is not a valid point). Use another copy of the file.');
  }
  const key = shared.slice(1);
  try {
    return gcm(key, sealed.nonce, sealed.aad).decrypt(sealed.ciphertextAndTag);
  } catch {
    throw sealFailed('damaged', 'This token-sealed shard did not open: it is damaged or was sealed to another key. Use another copy of the file.');
  } finally {
    shared.fill(0);
    key.fill(0);
  }
}

/** Encrypts a shard text to a token key and returns the armored file content. Bytes given are the caller's to wipe. */
export function protectWithTokenKey(plaintext: string | Uint8Array, publicKey: string | Uint8Array): string {
  const bytes = typeof plaintext === 'string' ? new TextEncoder().encode(plaintext) : plaintext;
  try {
    return armorSealed(sealToTokenKey(bytes, publicKey));
  } finally {
    if (typeof plaintext === 'string') bytes.fill(0);
  }
}

/** Opens a sealed file with a token (through `opener`) and returns the plaintext as text. */
export async function openWithToken(data: string | Uint8Array, opener: SealedShardOpener): Promise<string> {
  const bytes = await openWithTokenToBytes(data, opener);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new KeyshardError('ENVELOPE_FORMAT', 'This token-sealed file opened, but it does not hold a keyshard shard text. Check that you chose the right file.');
  } finally {
    bytes.fill(0);
  }
}

/** Opens a sealed file with a token (through `opener`) and returns the plaintext bytes; the caller wipes them. */
export async function openWithTokenToBytes(data: string | Uint8Array, opener: SealedShardOpener): Promise<Uint8Array> {
  return opener.openSealed(parseSealed(data));
}
