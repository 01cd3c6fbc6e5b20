/**
 * BIP-39 wallets on the command line (@scure/bip39, English list): a wallet's mnemonic is split by its entropy, and
 * comes back as the same mnemonic. Its fingerprint is that of the BIP-39 seed's BIP-32 root, so it matches what the
 * wallet shows (xpub), not the fingerprint of the raw entropy.
 * Errors name word positions, never words.
 */
import { entropyToMnemonic, mnemonicToEntropy, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { KeyshardError } from '../../core/errors';
import { fingerprintOf, seedIdentity } from '../../core/fingerprint';

const WORD_COUNTS = [12, 15, 18, 21, 24];

function words(text: string): string[] {
  return text.normalize('NFKD').trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
}

/** The entropy of a BIP-39 mnemonic (16 to 32 bytes), or INVALID_ARGUMENT naming what is wrong (by position). */
export function bip39Entropy(text: string): Uint8Array {
  const ws = words(text);
  if (!WORD_COUNTS.includes(ws.length)) {
    throw new KeyshardError('INVALID_ARGUMENT', `A BIP-39 mnemonic has 12, 15, 18, 21 or 24 words; ${ws.length} were given. Look for a missing or extra word.`, { bip39: 'length', words: ws.length });
  }
  const unknown = ws.map((w, i) => (wordlist.includes(w) ? 0 : i + 1)).filter((p) => p > 0);
  if (unknown.length > 0) {
    throw new KeyshardError('INVALID_ARGUMENT', `Word ${unknown.join(', ')} of the BIP-39 mnemonic ${unknown.length === 1 ? 'is' : 'are'} not on the BIP-39 English word list. Check the spelling against the paper.`, { bip39: 'word', positions: unknown });
  }
  const mnemonic = ws.join(' ');
  if (!validateMnemonic(mnemonic, wordlist)) {
    throw new KeyshardError('INVALID_ARGUMENT', 'The BIP-39 mnemonic\'s checksum does not hold: a word is wrong or two are swapped. Check every word and its order against the paper.', { bip39: 'checksum' });
  }
  return Uint8Array.from(mnemonicToEntropy(mnemonic, wordlist));
}

/** The mnemonic of BIP-39 entropy (16, 20, 24, 28 or 32 bytes). */
export function bip39Mnemonic(entropy: Uint8Array): string {
  if (![16, 20, 24, 28, 32].includes(entropy.length)) {
    throw new KeyshardError('SECRET_LENGTH', `This secret is ${entropy.length} bytes; a BIP-39 mnemonic holds 16 to 32 bytes in steps of 4. It was not split from a BIP-39 wallet: recover it without --as bip39.`);
  }
  return entropyToMnemonic(entropy, wordlist);
}

/** The fingerprint and xpub of the wallet a mnemonic makes (its BIP-39 seed with an empty passphrase). */
export function bip39Identity(entropy: Uint8Array): { fingerprint: string; xpub: string } {
  const seed = Uint8Array.from(mnemonicToSeedSync(bip39Mnemonic(entropy)));
  try {
    const identity = seedIdentity(seed);
    return { fingerprint: fingerprintOf(identity).hex, xpub: identity.xpub ?? '' };
  } finally {
    seed.fill(0);
  }
}
