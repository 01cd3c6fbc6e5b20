/**
 * How much an encrypted shard file may hold, before and after decryption. Inside is the text form of one envelope
 * (KS1 + base32, and a line end), so what decryption may produce is bounded by the text of the largest envelope the
 * format allows (a label of MAX_LABEL_BYTES, a payload of MAX_PAYLOAD_BYTES; keyshard itself writes far smaller
 * ones). A file that would decrypt - or decompress: OpenPGP messages may be compressed - to more was not made by
 * keyshard, and is refused as soon as it passes the bound, before it can cost main time or memory.
 */
import { ENVELOPE_TEXT_PREFIX, MAX_LABEL_BYTES, MAX_PAYLOAD_BYTES } from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import type { ProtectionName } from './errors';

/** More than an envelope's bytes around its label and payload (version, scheme, group fingerprint, lengths, checksum). */
const ENVELOPE_OVERHEAD_BOUND = 128;

/** The largest envelope's text: KS1, then base32 (8 characters per 5 bytes). */
const MAX_ENVELOPE_TEXT = ENVELOPE_TEXT_PREFIX.length + Math.ceil(((ENVELOPE_OVERHEAD_BOUND + MAX_LABEL_BYTES + MAX_PAYLOAD_BYTES) * 8) / 5);

/**
 * The longest plaintext an encrypted shard file can hold: the largest envelope's text, grouped for paper at worst
 * (a space or line end after every character), and a line end.
 */
export const MAX_SHARD_PLAINTEXT_BYTES = 2 * MAX_ENVELOPE_TEXT + 2;

/** The largest encrypted shard file read (as the guarded reader caps shard files): headers, armor and all. */
export const MAX_PROTECTED_FILE_BYTES = 1024 * 1024;

const LABEL: Record<ProtectionName, string> = { age: 'age', openpgp: 'OpenPGP' };

/** ENVELOPE_TOO_LARGE: the file, or what it decrypts to, is larger than any shard file keyshard makes. */
export function tooLarge(kind: ProtectionName, what: 'file' | 'plaintext'): KeyshardError {
  return new KeyshardError(
    'ENVELOPE_TOO_LARGE',
    what === 'file'
      ? `This ${LABEL[kind]} file is larger than any shard file (over ${Math.round(MAX_PROTECTED_FILE_BYTES / 1024)} KiB), so it was not opened. Check that you chose the custodian's shard file.`
      : `This ${LABEL[kind]} file holds more than any shard (it would expand past ${Math.round(MAX_SHARD_PLAINTEXT_BYTES / 1024)} KiB), so keyshard stopped opening it. It was not made by keyshard: use the custodian's own shard file or the paper copy.`,
    { reason: what === 'file' ? 'file-too-large' : 'plaintext-too-large', protection: kind, maxBytes: what === 'file' ? MAX_PROTECTED_FILE_BYTES : MAX_SHARD_PLAINTEXT_BYTES },
  );
}

/**
 * How many recipients (age stanzas, OpenPGP public-key or passphrase session-key packets) a shard file may name, and
 * how many keys one opening may try. keyshard writes one recipient per shard file; a few more allow a file a custodian
 * re-encrypted for a backup key too. Every recipient is tried with every key, and each try costs an X25519, ECDH or
 * RSA operation (1,000 forged anonymous OpenPGP recipients took 2.6 s, 1,000 age stanzas 1.1 s; a 1 MiB file holds
 * about ten times as many), so both counts are checked before any key is tried: at most 8 x 8 X25519 operations for an
 * age file (~50 ms), at most MAX_DECRYPTION_TRIES private-key operations for an OpenPGP one.
 */
export const MAX_RECIPIENTS = 8;
export const MAX_OPENING_KEYS = 8;
/**
 * OpenPGP: how many private-key operations one opening may run (an anonymous recipient is tried with every decryption
 * subkey, a named one with the subkey it names), and the largest RSA or ElGamal key: gpg makes none above 4,096 bits
 * without --enable-large-rsa, and one private operation takes ~25-70 ms at 4,096 bits here, ~370 ms at 8,192.
 */
export const MAX_DECRYPTION_TRIES = 8;
export const MAX_KEY_BITS = 4096;

/** ENVELOPE_TOO_LARGE: the file names more recipients than any shard file keyshard makes (counted before any key is tried). */
export function tooManyRecipients(kind: ProtectionName, count: number, what: 'recipients' | 'tries' = 'recipients'): KeyshardError {
  const said =
    what === 'recipients'
      ? `is encrypted to ${count} or more recipients (at most ${MAX_RECIPIENTS} are opened)`
      : `has anonymous recipients that would take ${count} tries of the key's subkeys (at most ${MAX_DECRYPTION_TRIES} are made)`;
  return new KeyshardError(
    'ENVELOPE_TOO_LARGE',
    `This ${LABEL[kind]} file ${said}; a keyshard shard file has one recipient, so no key was tried on it. Use the custodian's own shard file or the paper copy.`,
    { reason: 'too-many-recipients', protection: kind, maxRecipients: MAX_RECIPIENTS },
  );
}

/** The size of the data as it arrived, for the file cap (a string by its characters: never more than its bytes). */
export function inputSize(data: string | Uint8Array): number {
  return data.length;
}
