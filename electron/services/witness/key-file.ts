/**
 * The encrypted witness key file: a witness's Ed25519 secret key, sealed under a passphrase only the witness knows, so
 * a signature needs the witness's own act each time (DESIGN.md "A witness's signature needs the witness").
 *
 *   {"format": "keyshard-witness-key", "version": 1, "witnessId": "wendy", "algorithm": "ed25519",
 *    "publicKeyHex": "<64 hex>", "kdf": {"name": "scrypt", "N": 131072, "r": 8, "p": 1, "salt": "<64 hex>"},
 *    "cipher": "xchacha20poly1305", "nonce": "<48 hex>", "ciphertext": "<96 hex: 32-byte key + 16-byte tag>"}
 *
 * Why this format and not age's passphrase mode: the witness id and public key are readable without the passphrase,
 * so main can pin and check the key (plan, eligibility, fingerprint) before a secret is touched; the header is the
 * AEAD's associated data, so swapping the id, public key or KDF cost makes decryption fail; and the passphrase is
 * stretched by Node's native scrypt on libuv's thread pool, so a sign-off's key stretching (about a second at N = 2^17)
 * never holds main's thread. (It was @noble/hashes' scryptAsync, which yields every 10 ms but runs on main's thread
 * and took about 3x the CPU; both compute the same RFC 7914 scrypt, and the sync sealer below still uses noble's.)
 *
 * The KDF cost read from a file is bounded (N from 2^14 to 2^17, r = 8, p = 1): a crafted file cannot make main spend
 * more than one normal unlock's time and memory (128 MiB).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { scrypt } from '@noble/hashes/scrypt.js';
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { scrypt as nodeScrypt } from 'node:crypto';
import { witnessPublicKeyProblem } from '../../../core/policy/witness-key';
import { KeyshardError } from '../../../core/errors';
import { isPrintableId } from '../../../core/transcript';

export const WITNESS_KEY_FORMAT = 'keyshard-witness-key';
/** What `keyshard witness keygen` writes: about a second per unlock on a laptop, 128 MiB. */
export const DEFAULT_SCRYPT_LOG_N = 17;
export const MIN_SCRYPT_LOG_N = 14;
export const MAX_SCRYPT_LOG_N = 17;
/** A key file is a few hundred bytes; anything much larger is not one. */
export const MAX_WITNESS_KEY_FILE_CHARS = 4096;
export const MIN_PASSPHRASE_CHARS = 8;
export const MAX_PASSPHRASE_CHARS = 1024;

const SCRYPT_R = 8;
const SCRYPT_P = 1;
const KEYS = ['format', 'version', 'witnessId', 'algorithm', 'publicKeyHex', 'kdf', 'cipher', 'nonce', 'ciphertext'];
const KDF_KEYS = ['name', 'N', 'r', 'p', 'salt'];

/** A witness key file as read, still sealed: public facts plus the encrypted secret key. */
export interface SealedWitnessKey {
  readonly witnessId: string;
  readonly algorithm: 'ed25519';
  readonly publicKeyHex: string;
  readonly kdf: { readonly N: number; readonly salt: Uint8Array };
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
}

function badFile(why: string): KeyshardError {
  return new KeyshardError(
    'WITNESS_KEY',
    `This witness key file cannot be used: ${why}. A witness key file is made by "keyshard witness keygen" and is protected by its witness's passphrase.`,
  );
}

function hexField(o: Record<string, unknown>, key: string, bytes: readonly number[]): Uint8Array {
  const v = o[key];
  if (typeof v !== 'string' || !/^(?:[0-9a-f]{2})+$/.test(v) || !bytes.includes(v.length / 2)) throw badFile(`"${key}" is not lowercase hex of ${bytes.join(' or ')} bytes`);
  return hexToBytes(v);
}

/** The associated data: every header field, so none can be swapped without the decryption failing. */
function headerBytes(k: { witnessId: string; publicKeyHex: string; N: number; salt: Uint8Array; nonce: Uint8Array }): Uint8Array {
  return utf8ToBytes(JSON.stringify([WITNESS_KEY_FORMAT, 1, k.witnessId, 'ed25519', k.publicKeyHex, 'scrypt', k.N, SCRYPT_R, SCRYPT_P, bytesToHex(k.salt), 'xchacha20poly1305', bytesToHex(k.nonce)]));
}

function passphraseBytes(passphrase: string): Uint8Array {
  // NFC: the same passphrase typed on another keyboard or system still gives the same bytes.
  return utf8ToBytes(passphrase.normalize('NFC'));
}

/** Room for the largest cost a file may ask for (128 * N * r = 128 MiB at N = 2^17) and OpenSSL's few extra bytes. */
const SCRYPT_MAXMEM = 129 * 1024 * 1024;

async function stretch(passphrase: string, N: number, salt: Uint8Array): Promise<Uint8Array> {
  const pw = passphraseBytes(passphrase);
  try {
    const key = await new Promise<Buffer>((resolve, reject) =>
      nodeScrypt(pw, salt, 32, { N, r: SCRYPT_R, p: SCRYPT_P, maxmem: SCRYPT_MAXMEM }, (e, k) => (e === null ? resolve(k) : reject(e))),
    );
    const out = new Uint8Array(key);
    key.fill(0);
    return out;
  } finally {
    pw.fill(0);
  }
}

/** True when the text looks like the older, unencrypted key file (64 hex digits, or JSON with "secretKeyHex"). */
export function isUnencryptedWitnessKeyText(text: string): boolean {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return true;
  try {
    const v = JSON.parse(t) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, 'secretKeyHex');
  } catch {
    return false;
  }
}

/**
 * Reads an encrypted witness key file's text (nothing is decrypted). `witnessId`, when given, must be the id inside.
 * An unencrypted key file is WITNESS_KEY_UNENCRYPTED: make an encrypted one with `keyshard witness keygen`.
 */
export function parseSealedWitnessKey(text: string, witnessId?: string): SealedWitnessKey {
  if (typeof text !== 'string' || text.length > MAX_WITNESS_KEY_FILE_CHARS) throw badFile('it is far larger than a witness key file');
  if (isUnencryptedWitnessKeyText(text)) {
    throw new KeyshardError(
      'WITNESS_KEY_UNENCRYPTED',
      'This witness key file is not encrypted, so whoever holds the stick could sign as the witness. Make an encrypted key file with ' +
        '"keyshard witness keygen --id <witness id> --out <file>" (the witness chooses its passphrase), pin its public key in the plan, and load that file.',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badFile('it is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badFile('it is not a JSON object');
  const o = value as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => !KEYS.includes(k));
  if (extra.length > 0) throw badFile(`it has fields a witness key file does not have (${extra.slice(0, 3).join(', ').slice(0, 80)})`);
  if (o['format'] !== WITNESS_KEY_FORMAT || o['version'] !== 1) throw badFile(`it is not a "${WITNESS_KEY_FORMAT}" version 1 file`);
  if (o['algorithm'] !== 'ed25519') throw badFile('only ed25519 key files are supported (tokens sign through PKCS#11)');
  if (o['cipher'] !== 'xchacha20poly1305') throw badFile('its cipher is not xchacha20poly1305');
  const id = o['witnessId'];
  if (typeof id !== 'string' || !isPrintableId(id)) throw badFile('it does not say which witness it belongs to');
  if (witnessId !== undefined && witnessId !== id) throw badFile(`it belongs to witness "${id}", not "${witnessId}"`);
  const publicKeyHex = bytesToHex(hexField(o, 'publicKeyHex', [32]));
  const problem = witnessPublicKeyProblem('ed25519', publicKeyHex);
  if (problem !== null) throw badFile(`its public key is not a usable witness key: ${problem}`);
  const kdf = o['kdf'];
  if (typeof kdf !== 'object' || kdf === null || Array.isArray(kdf)) throw badFile('"kdf" is not an object');
  const k = kdf as Record<string, unknown>;
  if (Object.keys(k).some((x) => !KDF_KEYS.includes(x)) || k['name'] !== 'scrypt') throw badFile('"kdf" is not {"name": "scrypt", "N", "r", "p", "salt"}');
  const N = k['N'];
  if (typeof N !== 'number' || !Number.isInteger(N) || N < 2 ** MIN_SCRYPT_LOG_N || N > 2 ** MAX_SCRYPT_LOG_N || (N & (N - 1)) !== 0) {
    throw badFile(`its scrypt cost N is not a power of two from 2^${MIN_SCRYPT_LOG_N} to 2^${MAX_SCRYPT_LOG_N}`);
  }
  if (k['r'] !== SCRYPT_R || k['p'] !== SCRYPT_P) throw badFile(`its scrypt parameters are not r = ${SCRYPT_R}, p = ${SCRYPT_P}`);
  const salt = hexField(k, 'salt', [16, 32, 64]);
  return { witnessId: id, algorithm: 'ed25519', publicKeyHex, kdf: { N, salt }, nonce: hexField(o, 'nonce', [24]), ciphertext: hexField(o, 'ciphertext', [48]) };
}

/**
 * The witness's secret key, decrypted with the passphrase they typed, for one signature: the caller zeroizes it as
 * soon as it has signed. A wrong passphrase (or a file whose header was changed) is WITNESS_PASSPHRASE.
 */
export async function unsealWitnessKey(sealed: SealedWitnessKey, passphrase: string, who: string = sealed.witnessId): Promise<Uint8Array> {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new KeyshardError('WITNESS_ACT_NEEDED', `${who} types the passphrase of their key file to sign; none was given. Nothing was signed.`, {
      witnessId: sealed.witnessId,
      needs: 'passphrase',
    });
  }
  const key = await stretch(passphrase, sealed.kdf.N, sealed.kdf.salt);
  let secret: Uint8Array;
  try {
    const aad = headerBytes({ witnessId: sealed.witnessId, publicKeyHex: sealed.publicKeyHex, N: sealed.kdf.N, salt: sealed.kdf.salt, nonce: sealed.nonce });
    secret = xchacha20poly1305(key, sealed.nonce, aad).decrypt(sealed.ciphertext);
  } catch {
    throw new KeyshardError('WITNESS_PASSPHRASE', `That is not the passphrase of ${who}'s key file; nothing was signed. ${who} types it again.`, {
      witnessId: sealed.witnessId,
    });
  } finally {
    key.fill(0);
  }
  if (bytesToHex(ed25519.getPublicKey(secret)) !== sealed.publicKeyHex) {
    secret.fill(0);
    throw badFile('its secret key does not match its public key');
  }
  return secret;
}

/** Checks a passphrase a witness chooses for a new key file (length only: it is theirs to choose). */
export function checkNewPassphrase(passphrase: string): void {
  if (typeof passphrase !== 'string' || [...passphrase].length < MIN_PASSPHRASE_CHARS) {
    throw new KeyshardError('INVALID_ARGUMENT', `Choose a passphrase of at least ${MIN_PASSPHRASE_CHARS} characters for the witness key file.`);
  }
  if (passphrase.length > MAX_PASSPHRASE_CHARS) throw new KeyshardError('INVALID_ARGUMENT', `Choose a passphrase of at most ${MAX_PASSPHRASE_CHARS} characters.`);
}

/**
 * The text of an encrypted witness key file for `secretKey` (32-byte Ed25519), under `passphrase`. `logN` below the
 * default is for throwaway keys (tests, the demo) that must unlock fast.
 */
export async function sealWitnessKey(witnessId: string, secretKey: Uint8Array, passphrase: string, options: { readonly logN?: number } = {}): Promise<string> {
  const N = checkSealing(witnessId, secretKey, passphrase, options.logN);
  const salt = randomBytes(32);
  return sealedText(witnessId, secretKey, N, salt, await stretch(passphrase, N, salt));
}

/**
 * The same, stretching synchronously: for throwaway test keys written where the caller cannot wait (keep logN at
 * 14). It holds the thread for the whole scrypt; main never calls it.
 */
export function sealWitnessKeySync(witnessId: string, secretKey: Uint8Array, passphrase: string, options: { readonly logN?: number } = {}): string {
  const N = checkSealing(witnessId, secretKey, passphrase, options.logN ?? MIN_SCRYPT_LOG_N);
  const salt = randomBytes(32);
  const pw = passphraseBytes(passphrase);
  try {
    return sealedText(witnessId, secretKey, N, salt, scrypt(pw, salt, { N, r: SCRYPT_R, p: SCRYPT_P, dkLen: 32 }));
  } finally {
    pw.fill(0);
  }
}

function checkSealing(witnessId: string, secretKey: Uint8Array, passphrase: string, logNGiven: number | undefined): number {
  if (!isPrintableId(witnessId)) throw new KeyshardError('INVALID_ARGUMENT', 'Give the witness id as the plan names the witness (letters, digits, - and _).');
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) throw new KeyshardError('INVALID_ARGUMENT', 'An Ed25519 witness key is 32 bytes.');
  checkNewPassphrase(passphrase);
  const logN = logNGiven ?? DEFAULT_SCRYPT_LOG_N;
  if (!Number.isInteger(logN) || logN < MIN_SCRYPT_LOG_N || logN > MAX_SCRYPT_LOG_N) {
    throw new KeyshardError('INVALID_ARGUMENT', `The scrypt cost is 2^${MIN_SCRYPT_LOG_N} to 2^${MAX_SCRYPT_LOG_N}.`);
  }
  return 2 ** logN;
}

/** The file's text; zeroizes `key` (the stretched passphrase). */
function sealedText(witnessId: string, secretKey: Uint8Array, N: number, salt: Uint8Array, key: Uint8Array): string {
  const nonce = randomBytes(24);
  const publicKeyHex = bytesToHex(ed25519.getPublicKey(secretKey));
  let ciphertext: Uint8Array;
  try {
    ciphertext = xchacha20poly1305(key, nonce, headerBytes({ witnessId, publicKeyHex, N, salt, nonce })).encrypt(secretKey);
  } finally {
    key.fill(0);
  }
  const file = {
    format: WITNESS_KEY_FORMAT,
    version: 1,
    witnessId,
    algorithm: 'ed25519',
    publicKeyHex,
    kdf: { name: 'scrypt', N, r: SCRYPT_R, p: SCRYPT_P, salt: bytesToHex(salt) },
    cipher: 'xchacha20poly1305',
    nonce: bytesToHex(nonce),
    ciphertext: bytesToHex(ciphertext),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
