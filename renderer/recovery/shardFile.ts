/**
 * What kind of file a person chose as a shard file or as the key that opens one, read from its first bytes only, so
 * the screen can ask for the right thing next (a key file for a protected shard) and say clearly when a file is the
 * wrong kind. Opening and checking the shard is main's job; nothing here decrypts or decodes a share.
 */

/** Protected shard files are armored text of a few hundred characters; the contract takes up to a million. */
export const MAX_SHARD_FILE_BYTES = 700_000;
export const MAX_KEY_FILE_BYTES = 150_000;

export type ShardFileKind =
  /** The envelope's text form (KS1...), as written for a custodian without protection. */
  | { readonly kind: 'envelope'; readonly text: string }
  /** age (armored text or binary) or OpenPGP (armored or binary): needs the custodian's key file. */
  | { readonly kind: 'age' | 'openpgp'; readonly content: { readonly text: string } | { readonly base64: string } }
  | { readonly kind: 'unknown' };

const AGE_ARMOR = '-----BEGIN AGE ENCRYPTED FILE-----';
const AGE_BINARY = 'age-encryption.org/';
const PGP_ARMOR = '-----BEGIN PGP MESSAGE-----';

function ascii(bytes: Uint8Array, length: number): string {
  let s = '';
  for (let i = 0; i < Math.min(length, bytes.length); i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function skipSpace(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0xef || bytes[i] === 0xbb || bytes[i] === 0xbf)) i++;
  return i;
}

export function classifyShardFile(bytes: Uint8Array): ShardFileKind {
  const start = skipSpace(bytes);
  const head = ascii(bytes.subarray(start), 40);
  const text = (): string => new TextDecoder().decode(bytes);
  if (head.toUpperCase().startsWith('KS1')) return { kind: 'envelope', text: text() };
  if (head.startsWith(AGE_ARMOR)) return { kind: 'age', content: { text: text() } };
  if (head.startsWith(PGP_ARMOR)) return { kind: 'openpgp', content: { text: text() } };
  if (head.startsWith(AGE_BINARY)) return { kind: 'age', content: { base64: base64(bytes) } };
  // A binary OpenPGP message starts with a packet tag (bit 7 set): a public-key encrypted session key (1) or
  // symmetrically encrypted data; armored text never does.
  const first = bytes[0];
  if (first !== undefined && (first & 0x80) !== 0 && bytes.length > 16) return { kind: 'openpgp', content: { base64: base64(bytes) } };
  return { kind: 'unknown' };
}

export type KeyFileKind = 'age-identity' | 'openpgp-private' | 'openpgp-public' | 'age-recipient' | 'unknown';

export function classifyKeyFile(text: string): KeyFileKind {
  if (/AGE-SECRET-KEY-1[0-9A-Z]+/.test(text)) return 'age-identity';
  if (text.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')) return 'openpgp-private';
  if (text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) return 'openpgp-public';
  if (/\bage1[0-9a-z]{20,}\b/.test(text)) return 'age-recipient';
  return 'unknown';
}

/** A protected file's kind in words. */
export function protectionName(kind: 'age' | 'openpgp'): string {
  return kind === 'age' ? 'age' : 'OpenPGP';
}
