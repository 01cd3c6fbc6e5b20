/**
 * Is a witness's public key a real signing key? A plan record or a loaded key that pins all zeros, the identity point,
 * a small-order point (ed25519) or a point off the curve (P-256) would let anybody "sign": for such keys a forged
 * signature can verify, or the pinned key names nobody. Every place that pins or loads a witness key asks here first.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { hexToBytes } from '@noble/hashes/utils.js';

export type WitnessKeyAlgorithm = 'ed25519' | 'ecdsa-p256';

/**
 * Keys found usable, by algorithm and hex: a ceremony asks about its two or three witness keys at every plan record,
 * start, load and sign-off, and the torsion check is a full scalar multiplication (~1 ms) each time. The answer is a
 * pure function of these strings, so a usable key is kept; at most MAX_USABLE_KEPT, then it starts afresh.
 */
const usableKeys = new Set<string>();
const MAX_USABLE_KEPT = 64;

/** Why this public key (lowercase hex) is not usable as the algorithm's witness key, or null when it is. */
export function witnessPublicKeyProblem(algorithm: WitnessKeyAlgorithm, publicKeyHex: string): string | null {
  if (typeof publicKeyHex !== 'string' || !/^(?:[0-9a-f]{2})+$/.test(publicKeyHex)) return 'it is not lowercase hex';
  const cacheKey = `${algorithm}/${publicKeyHex}`;
  if (usableKeys.has(cacheKey)) return null;
  const problem = keyProblem(algorithm, publicKeyHex);
  if (problem === null) {
    if (usableKeys.size >= MAX_USABLE_KEPT) usableKeys.clear();
    usableKeys.add(cacheKey);
  }
  return problem;
}

function keyProblem(algorithm: WitnessKeyAlgorithm, publicKeyHex: string): string | null {
  const bytes = hexToBytes(publicKeyHex);
  if (bytes.every((b) => b === 0)) return 'it is all zeros, which is no key at all';
  if (algorithm === 'ed25519') {
    if (bytes.length !== 32) return 'an Ed25519 public key is 32 bytes';
    let point;
    try {
      point = ed25519.Point.fromBytes(bytes, false);
    } catch {
      return 'it is not a point on the Ed25519 curve';
    }
    if (point.is0()) return 'it is the identity point, which any signature would match';
    if (point.isSmallOrder()) return 'it is a small-order point, for which signatures can be forged';
    if (!point.isTorsionFree()) return 'it has a small-order component; a key made by a real key generator never has one';
    return null;
  }
  if (algorithm === 'ecdsa-p256') {
    if (bytes.length !== 33 && bytes.length !== 65) return 'a P-256 public key is 33 or 65 bytes (SEC1)';
    try {
      const point = p256.Point.fromBytes(bytes);
      point.assertValidity();
      if (point.is0()) return 'it is the identity point';
    } catch {
      return 'it is not a point on the P-256 curve';
    }
    return null;
  }
  return 'only ed25519 and ecdsa-p256 witness keys are supported';
}
