/**
 * A recovered seed as words a person writes down (issue 14.2: a recovered seed is shown as its words, not only hex):
 * the BIP-39 mnemonic when the seed is a BIP-39 wallet's entropy (the ceremony imported that wallet and recorded its
 * fingerprint) or when the person asks for it, else one SLIP-39 share of its own (1 of 1) that any SLIP-39 wallet
 * restores to the same master secret. SECRET: only ever in a recovery:export display answer, which the person asked for.
 */
import { randomBytes } from 'node:crypto';
import { bip39Mnemonic, isBip39EntropyLength } from '../../../core/bip39';
import { KeyshardError } from '../../../core/errors';
import { splitMasterSecretAsync } from '../../../core/slip39/index';
import type { KeyStretcher } from '../kdf/index';
import type { RecoveredIdentity, SeedWords, SeedWordsList } from './types';

/** keyshard's own SLIP-39 iteration exponent, as its ceremonies split with. */
const ITERATION_EXPONENT = 1;

/** The words for a recovered secret, or undefined for a key or signer share (they have no words) or when 'none' is asked. */
export async function seedWords(secret: Uint8Array, identity: RecoveredIdentity, asked: SeedWordsList | 'none' | undefined, kdf: KeyStretcher): Promise<SeedWords | undefined> {
  if (asked === 'none') return undefined;
  if (identity.kind !== 'seed' || identity.scheme !== 'slip39') {
    if (asked === undefined) return undefined;
    throw new KeyshardError('INVALID_ARGUMENT', 'Only a recovered seed can be shown as words; this is a key. It is shown in hex.', { kind: identity.kind });
  }
  const list: SeedWordsList = asked ?? (identity.wallet === 'bip39' ? 'bip39' : 'slip39');
  if (list === 'bip39') {
    if (!isBip39EntropyLength(secret.length)) {
      throw new KeyshardError(
        'SECRET_LENGTH',
        `This seed is ${secret.length} bytes; a BIP-39 mnemonic holds 16 to 32 bytes in steps of 4, so it was not split from a BIP-39 wallet. Show it as SLIP-39 words instead.`,
        { length: secret.length },
      );
    }
    return { list, words: bip39Mnemonic(secret).split(' '), walletChecked: identity.wallet === 'bip39' };
  }
  const shares = await kdf.run(ITERATION_EXPONENT, (pbkdf2) =>
    splitMasterSecretAsync(secret, {
      groupThreshold: 1,
      groups: [{ threshold: 1, count: 1 }],
      iterationExponent: ITERATION_EXPONENT,
      random: (n) => new Uint8Array(randomBytes(n)),
      pbkdf2,
    }),
  );
  const mnemonic = shares[0]?.[0];
  if (mnemonic === undefined) throw new KeyshardError('INTERNAL', 'The seed could not be written as SLIP-39 words. It is shown in hex.');
  return { list, words: mnemonic.split(' ') };
}
