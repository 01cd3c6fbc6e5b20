/**
 * The public identity of a recovered secret, computed the way the ceremony computed the fingerprint it recorded
 * (core/fingerprint.ts): a seed by its BIP-32 root, a plain key by its public key, a FROST group secret by its group
 * key. When the kind is not known (SLIP-39 words with no transcript), every kind the secret's length allows is tried
 * and the one whose fingerprint matches the expected fingerprint wins.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { fingerprintOf, keyIdentity, seedIdentity } from '../../../core/fingerprint';
import { fingerprintMatches } from '../../../core/recovery-trust';
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

/**
 * The identity to report for a SLIP-39 secret: of the known kind when there is one; otherwise the kind whose
 * fingerprint is `expected` (64 hex digits, or the first 32), or (nothing matching) a seed, the usual case.
 */
export function chooseSlip39Identity(secret: Uint8Array, kind: SecretKindName | null, expected: string | null): RecoveredIdentity | undefined {
  const kinds: SecretKindName[] = kind !== null ? [kind] : ['seed', 'ed25519', 'secp256k1', 'p256'];
  const candidates = kinds.map((k) => slip39Identity(secret, k)).filter((c): c is RecoveredIdentity => c !== undefined);
  return candidates.find((c) => expected !== null && fingerprintMatches(expected, c.fingerprint.hex)) ?? candidates[0];
}

export function vssIdentity(ciphersuite: VssCiphersuite, groupPublicKey: Uint8Array): RecoveredIdentity {
  return { kind: ciphersuite, scheme: 'vss', fingerprint: groupFingerprint(ciphersuite, groupPublicKey), publicKey: bytesToHex(groupPublicKey) };
}
