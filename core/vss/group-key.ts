/**
 * Public keys of secret scalars, and the short fingerprint of a group key that screens and witnesses read.
 */
import { type Fingerprint, fingerprintOf, keyIdentity } from '../fingerprint';
import { KeyshardError } from '../errors';
import { type Ciphersuite, getSuite } from './ciphersuites';
import { decodeSecret } from './inputs';

/**
 * The suite's plain public key of a secret scalar: SerializeElement(G·secret), 32 bytes for ed25519 and
 * 33-byte compressed for secp256k1 / P-256. For ed25519 this is G·scalar, not RFC 8032's
 * getPublicKey(seed) (which hashes a seed first); FROST(Ed25519) signatures verify under it with plain Ed25519.
 */
export function publicKeyOf(ciphersuite: Ciphersuite, secret: Uint8Array): Uint8Array {
  const suite = getSuite(ciphersuite);
  return suite.basePointTimes(decodeSecret(suite, secret, 'The secret'));
}

/**
 * A short public fingerprint of a group key for screens: keyshard's ceremony fingerprint (core/fingerprint.ts)
 * of the key, i.e. SHA-256("keyshard/fingerprint/v1" || 0x00 || ciphersuite || 0x00 || groupPublicKey), with
 * ciphersuite the ASCII name ("ed25519", "secp256k1", "p256") and the key as RFC 9591 serializes it. `display`
 * is its first 128 bits as eight groups of four upper-case hex digits.
 */
export function groupFingerprint(ciphersuite: Ciphersuite, groupPublicKey: Uint8Array): Fingerprint {
  const suite = getSuite(ciphersuite);
  if (!(groupPublicKey instanceof Uint8Array) || !suite.isValidPoint(groupPublicKey)) {
    throw new KeyshardError('INVALID_ARGUMENT', `The group public key is not a valid ${suite.id} point (${suite.pointLength} bytes).`);
  }
  return fingerprintOf(keyIdentity(suite.id, groupPublicKey));
}
