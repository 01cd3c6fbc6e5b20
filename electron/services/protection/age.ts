/**
 * age protection for a shard file (age-encryption 0.3.1, the typage library by the age authors).
 *
 * Only native X25519 recipients: Debian 12's `age` 1.1 cannot open post-quantum (age1pq1...) or plugin/tag
 * recipients, and a custodian must be able to open their shard with standard tools years from now. The output
 * is ASCII-armored, which `age -d` reads as well as the binary format.
 */
import { Decrypter, Encrypter, armor, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { KeyshardError } from '../../../core/errors';
import { decryptFailed, plaintextToString } from './errors';
import { inputSize, MAX_OPENING_KEYS, MAX_PROTECTED_FILE_BYTES, MAX_RECIPIENTS, MAX_SHARD_PLAINTEXT_BYTES, tooLarge, tooManyRecipients } from './limits';

const BECH32_CHARS = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
/** "age1" + 52 characters of a 32-byte key + 6 of checksum (bech32). */
const X25519_RECIPIENT = new RegExp(`^age1[${BECH32_CHARS}]{58}$`);
const X25519_IDENTITY = new RegExp(`^AGE-SECRET-KEY-1[${BECH32_CHARS.toUpperCase()}]{58}$`);

export const AGE_ARMOR_HEADER = '-----BEGIN AGE ENCRYPTED FILE-----';
export const AGE_BINARY_MAGIC = 'age-encryption.org/v1\n';

export function isAgeX25519Recipient(recipient: string): boolean {
  return X25519_RECIPIENT.test(recipient);
}

/**
 * A throwaway X25519 identity (for the demo and tests). Explicitly X25519: the library's generic
 * `generateIdentity` may switch to post-quantum keys that age 1.1 cannot read.
 */
export async function generateAgeIdentity(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** The text of an identity file: a comment with the public key, then the secret key (as `age-keygen` writes it). */
export function ageIdentityFile(identity: string, recipient: string): string {
  return `# keyshard throwaway key\n# public key: ${recipient}\n${identity}\n`;
}

/**
 * Encrypts `plaintext` to one X25519 recipient; returns the armored file. A shard's text comes as bytes (the caller
 * wipes them); a string (an export's JSON) is encoded here and its bytes wiped.
 */
export async function encryptToAgeRecipient(plaintext: string | Uint8Array, recipient: string): Promise<string> {
  const r = recipient.trim();
  const notARecipient = () =>
    new KeyshardError(
      'INVALID_ARGUMENT',
      "This is not an age X25519 recipient: it starts with age1 and is 62 characters long (run `age-keygen -y` on the custodian's key file to see it). " +
        "Post-quantum and plugin recipients are not supported, because Debian's age cannot open them.",
    );
  if (!isAgeX25519Recipient(r)) throw notARecipient();
  const encrypter = new Encrypter();
  try {
    encrypter.addRecipient(r); // checks the bech32 checksum, which the pattern above cannot
  } catch {
    throw notARecipient();
  }
  const bytes = typeof plaintext === 'string' ? new TextEncoder().encode(plaintext) : plaintext;
  try {
    return armor.encode(await readAllBytes(await encrypter.encrypt(oneChunkStream(bytes))));
  } catch {
    throw new KeyshardError('INTERNAL', 'age encryption failed. Try again; if it keeps failing, report it.');
  } finally {
    if (typeof plaintext === 'string') bytes.fill(0);
  }
}

/**
 * Bytes in and out of the library as streams. Given bytes, typage collects its output with `new Response(stream)`,
 * and the first use of Response loads Node's fetch implementation (undici): about 50 ms of a CLI run's CPU for
 * nothing. Reading the stream here also lets the plaintext's intermediate chunks be wiped.
 */
function oneChunkStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

async function readAllBytes(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    return all;
  } finally {
    for (const c of chunks) c.fill(0);
    reader.releaseLock();
  }
}

/** The secret keys in an identity file (comments and blank lines skipped), as age's `-i` reads them. */
function identitiesIn(identityFile: string): string[] {
  const lines = identityFile
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0 || !lines.every((l) => X25519_IDENTITY.test(l))) throw decryptFailed('bad-key', 'age');
  // Each identity is tried on each recipient stanza: bounded like the stanzas.
  if (lines.length > MAX_OPENING_KEYS) throw decryptFailed('too-many-keys', 'age');
  return lines;
}

function asciiPrefix(data: Uint8Array, length: number): string {
  let s = '';
  for (let i = 0; i < Math.min(length, data.length); i++) s += String.fromCharCode(data[i] as number);
  return s;
}

function isArmored(data: string | Uint8Array): boolean {
  return (typeof data === 'string' ? data.trimStart() : asciiPrefix(data, 80).trimStart()).startsWith(AGE_ARMOR_HEADER);
}

/** Armored age text with surrounding whitespace removed and one final newline, as the armor decoder expects. */
function armoredText(data: string | Uint8Array): string {
  return `${(typeof data === 'string' ? data : new TextDecoder().decode(data)).trim()}\n`;
}

/** True when the data looks like an age file (armored or binary). */
export function looksLikeAge(data: string | Uint8Array): boolean {
  const head = typeof data === 'string' ? data.trimStart().slice(0, 40) : asciiPrefix(data, 40).trimStart();
  return head.startsWith(AGE_ARMOR_HEADER) || head.startsWith(AGE_BINARY_MAGIC);
}

const LF = 0x0a;
const isAt = (b: Uint8Array, i: number, text: string): boolean => {
  for (let k = 0; k < text.length; k++) if (b[i + k] !== text.charCodeAt(k)) return false;
  return true;
};

/**
 * The recipient stanzas in an age header: lines starting "-> " before the MAC line ("--- "). A stanza body is base64,
 * which has neither '-' nor '>', so no body line is counted. Stops counting past `limit`.
 */
export function countAgeStanzas(ciphertext: Uint8Array, limit: number): number {
  let count = 0;
  for (let i = 0; i < ciphertext.length; ) {
    if (isAt(ciphertext, i, '---')) break;
    if (isAt(ciphertext, i, '-> ') && ++count > limit) break;
    const next = ciphertext.indexOf(LF, i);
    if (next < 0) break;
    i = next + 1;
  }
  return count;
}

/**
 * Decrypts an age file (armored or binary) with the identities in `identityFile` (the content of a key file
 * as age-keygen writes it, or one AGE-SECRET-KEY-1... line). Returns the plaintext as text.
 * Every failure is ENVELOPE_DECRYPT with `details.reason`; no library message is passed on.
 */
export async function decryptWithAgeIdentity(data: string | Uint8Array, identityFile: string): Promise<string> {
  return plaintextToString(await decryptAgeToBytes(data, identityFile), 'age');
}

/** decryptWithAgeIdentity, returning the plaintext bytes (no string made); the caller wipes them. */
export async function decryptAgeToBytes(data: string | Uint8Array, identityFile: string): Promise<Uint8Array> {
  const identities = identitiesIn(identityFile);
  if (!looksLikeAge(data)) throw decryptFailed('not-protected', 'age');
  // age does not compress, so its plaintext is never larger than the file: capping the file bounds the work.
  if (inputSize(data) > MAX_PROTECTED_FILE_BYTES) throw tooLarge('age', 'file');
  let ciphertext: Uint8Array;
  try {
    ciphertext = isArmored(data) ? armor.decode(armoredText(data)) : (data as Uint8Array);
  } catch {
    throw decryptFailed('damaged', 'age');
  }
  // Counted before any identity is tried: each stanza costs an X25519 operation per identity (review M2).
  const stanzas = countAgeStanzas(ciphertext, MAX_RECIPIENTS);
  if (stanzas > MAX_RECIPIENTS) throw tooManyRecipients('age', stanzas);
  const decrypter = new Decrypter();
  try {
    for (const id of identities) decrypter.addIdentity(id);
  } catch {
    throw decryptFailed('bad-key', 'age');
  }
  let plaintext: Uint8Array;
  try {
    // A chunk with a bad tag fails while the stream is read, so the read stays inside this try.
    plaintext = await readAllBytes(await decrypter.decrypt(oneChunkStream(ciphertext)));
  } catch (e) {
    // The library says "no identity matched" both for another key and for a damaged recipient stanza;
    // anything else (bad MAC, bad chunk tag, bad header) is damage. Only the category is kept.
    const wrongKey = e instanceof Error && /no identity matched/i.test(e.message);
    throw decryptFailed(wrongKey ? 'wrong-key' : 'damaged', 'age');
  }
  if (plaintext.length > MAX_SHARD_PLAINTEXT_BYTES) {
    plaintext.fill(0);
    throw tooLarge('age', 'plaintext');
  }
  return plaintext;
}
