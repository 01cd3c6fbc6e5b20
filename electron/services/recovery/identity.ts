/**
 * The public identity of a recovered secret, computed the way the ceremony computed the fingerprint it recorded
 * (core/fingerprint.ts): a seed by its BIP-32 root, a plain key by its public key, a FROST group secret by its group
 * key. When the kind is not known (SLIP-39 words with no transcript), every kind the secret's length allows is tried
 * and the one whose fingerprint matches the expected fingerprint wins. A seed of a BIP-39 wallet's length is also tried
 * as that wallet's entropy (core/bip39): a ceremony that imported a BIP-39 mnemonic recorded the wallet's fingerprint,
 * and a match says the secret is that wallet, so the result can give its mnemonic back.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { fingerprintOf, keyIdentity, seedIdentity } from '../../../core/fingerprint';
import { bip39Identity, isBip39EntropyLength } from '../../../core/bip39';
import { fingerprintMatches, shortDisplay } from '../../../core/recovery-trust';
import { groupFingerprint } from '../../../core/vss/index';
import type { VssCiphersuite } from '../../../core/envelope';
import type { RecoveredIdentity, SecretKindName } from './types';

/** Identity of a secret split with SLIP-39, as the given kind; undefined when the bytes are not a valid secret of it. */
export function slip39Identity(secret: Uint8Array, kind: SecretKindName): RecoveredIdentity | undefined {
  try {
    if (kind === 'seed') {
      const id = seedIdentity(secret);
      return {
        kind,
        scheme: 'slip39',
        fingerprint: fingerprintOf(id),
        ...(id.xpub === undefined ? {} : { xpub: id.xpub }),
        ...(id.masterFingerprint === undefined ? {} : { masterFingerprint: id.masterFingerprint }),
      };
    }
    if (secret.length !== 32) return undefined;
    const pub = kind === 'ed25519' ? ed25519.getPublicKey(secret) : kind === 'secp256k1' ? secp256k1.getPublicKey(secret, true) : p256.getPublicKey(secret, true);
    return { kind, scheme: 'slip39', fingerprint: fingerprintOf(keyIdentity(kind, pub)), publicKey: bytesToHex(pub) };
  } catch {
    return undefined;
  }
}

/** Identity of a seed taken as a BIP-39 wallet's entropy (its fingerprint is the wallet's); undefined when no length fits. */
export function bip39WalletIdentity(secret: Uint8Array): RecoveredIdentity | undefined {
  if (!isBip39EntropyLength(secret.length)) return undefined;
  const w = bip39Identity(secret);
  return { kind: 'seed', scheme: 'slip39', wallet: 'bip39', fingerprint: { hex: w.fingerprint, display: shortDisplay(w.fingerprint) }, xpub: w.xpub, masterFingerprint: w.masterFingerprint };
}

/**
 * The identity to report for a SLIP-39 secret: of the known kind when there is one; otherwise the kind whose
 * fingerprint is `expected` (64 hex digits, or the first 32), or (nothing matching) a seed, the usual case.
 */
export function chooseSlip39Identity(secret: Uint8Array, kind: SecretKindName | null, expected: string | null): RecoveredIdentity | undefined {
  const kinds: SecretKindName[] = kind !== null ? [kind] : ['seed', 'ed25519', 'secp256k1', 'p256'];
  const candidates = kinds.map((k) => slip39Identity(secret, k)).filter((c): c is RecoveredIdentity => c !== undefined);
  const match = candidates.find((c) => expected !== null && fingerprintMatches(expected, c.fingerprint.hex));
  if (match !== undefined || expected === null || !kinds.includes('seed')) return match ?? candidates[0];
  // Only when nothing else matched: the wallet's BIP-39 seed costs 2,048 PBKDF2-SHA512 rounds (a few ms).
  const wallet = bip39WalletIdentity(secret);
  return wallet !== undefined && fingerprintMatches(expected, wallet.fingerprint.hex) ? wallet : candidates[0];
}

export function vssIdentity(ciphersuite: VssCiphersuite, groupPublicKey: Uint8Array): RecoveredIdentity {
  return { kind: ciphersuite, scheme: 'vss', fingerprint: groupFingerprint(ciphersuite, groupPublicKey), publicKey: bytesToHex(groupPublicKey) };
}
