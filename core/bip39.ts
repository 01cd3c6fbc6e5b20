/**
 * BIP-39 wallets (@scure/bip39, English list), shared by the command line and the app: a wallet's mnemonic is split by
 * its entropy, and comes back as the same mnemonic. Its fingerprint is that of the BIP-39 seed's BIP-32 root (empty
 * passphrase), so it matches what the wallet shows (xpub), not the fingerprint of the raw entropy.
 * Errors name word positions, never words.
 */
import { entropyToMnemonic, mnemonicToEntropy, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { KeyshardError } from './errors';
import { fingerprintOf, seedIdentity } from './fingerprint';

/** Words in a BIP-39 mnemonic, and the entropy bytes each count holds (4 bytes more per 3 words). */
export const BIP39_WORD_COUNTS = [12, 15, 18, 21, 24] as const;
export const BIP39_ENTROPY_BYTES = [16, 20, 24, 28, 32] as const;

let known: Set<string> | undefined;

/** Whether a word (lower case, as typed after trimming) is on the BIP-39 English list. */
export function isBip39Word(word: string): boolean {
  known ??= new Set(wordlist);
  return known.has(word.normalize('NFKD').trim().toLowerCase());
}

/** The list itself (public), for completion while a person types. */
export const BIP39_WORDLIST: readonly string[] = wordlist;

function words(text: string | readonly string[]): string[] {
  const all = typeof text === 'string' ? [text] : [...text];
  return all
    .join(' ')
    .normalize('NFKD')
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
}

/**
 * The entropy of a BIP-39 mnemonic (16 to 32 bytes), as one text or word by word, or INVALID_ARGUMENT naming what is
 * wrong by position: the word count (details.bip39 'length'), words not on the list ('word', positions), the checksum.
 */
export function bip39Entropy(text: string | readonly string[]): Uint8Array {
  const ws = words(text);
  if (!(BIP39_WORD_COUNTS as readonly number[]).includes(ws.length)) {
    throw new KeyshardError('INVALID_ARGUMENT', `A BIP-39 mnemonic has 12, 15, 18, 21 or 24 words; ${ws.length} were given. Look for a missing or extra word.`, { bip39: 'length', words: ws.length });
  }
  const unknown = ws.map((w, i) => (isBip39Word(w) ? 0 : i + 1)).filter((p) => p > 0);
  if (unknown.length > 0) {
    throw new KeyshardError('INVALID_ARGUMENT', `Word ${unknown.join(', ')} of the BIP-39 mnemonic ${unknown.length === 1 ? 'is' : 'are'} not on the BIP-39 English word list. Check the spelling against the paper.`, { bip39: 'word', positions: unknown });
  }
  const mnemonic = ws.join(' ');
  if (!validateMnemonic(mnemonic, wordlist)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'The BIP-39 mnemonic\'s checksum does not hold: a word is wrong or two are swapped. Check every word and its order against the paper.', { bip39: 'checksum' });
  }
  return Uint8Array.from(mnemonicToEntropy(mnemonic, wordlist));
}

/** Whether a secret's length is one a BIP-39 mnemonic holds (16, 20, 24, 28 or 32 bytes). */
export function isBip39EntropyLength(length: number): boolean {
  return (BIP39_ENTROPY_BYTES as readonly number[]).includes(length);
}

/** The mnemonic of BIP-39 entropy (16, 20, 24, 28 or 32 bytes). */
export function bip39Mnemonic(entropy: Uint8Array): string {
  if (!isBip39EntropyLength(entropy.length)) {
    throw new KeyshardError('SECRET_LENGTH', `This secret is ${entropy.length} bytes; a BIP-39 mnemonic holds 16 to 32 bytes in steps of 4. It was not split from a BIP-39 wallet: recover it without --as bip39.`);
  }
  return entropyToMnemonic(entropy, wordlist);
}

/** The fingerprint and xpub of the wallet a mnemonic makes (its BIP-39 seed with an empty passphrase). */
export function bip39Identity(entropy: Uint8Array): { fingerprint: string; xpub: string; masterFingerprint: string } {
  const seed = Uint8Array.from(mnemonicToSeedSync(bip39Mnemonic(entropy)));
  try {
    const identity = seedIdentity(seed);
    return { fingerprint: fingerprintOf(identity).hex, xpub: identity.xpub ?? '', masterFingerprint: identity.masterFingerprint ?? '' };
  } finally {
    seed.fill(0);
  }
}
