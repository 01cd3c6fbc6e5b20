/**
 * The randomness used to split the secret (SLIP-39 identifier and polynomial coefficients, FROST coefficients).
 * Each draw mixes a 32-byte seed from the ceremony's entropy step (OS + HSM + dice) with a fresh 32 bytes from the
 * OS CSPRNG and a counter, through HKDF-SHA256. Either input alone being unpredictable makes every draw
 * unpredictable, and no two draws repeat even if the OS generator were stuck.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../../core/errors';
import type { RandomSource } from '../../../core/random';

const SALT = utf8ToBytes('keyshard/split-random/v1');
const MAX_DRAW = 255 * 32;

export interface SplitRandom {
  readonly random: RandomSource;
  /** Wipes the seed copy; later draws throw. */
  wipe(): void;
}

export function splitRandomSource(seed: Uint8Array, os: RandomSource): SplitRandom {
  if (seed.length !== 32) throw new KeyshardError('INTERNAL', 'The split seed must be 32 bytes.');
  const own = Uint8Array.from(seed);
  let counter = 0;
  let wiped = false;
  return {
    random(length: number): Uint8Array {
      if (wiped) throw new KeyshardError('SECRET_DESTROYED', 'The split randomness was already wiped; the split is over.');
      if (!Number.isInteger(length) || length < 1 || length > MAX_DRAW) {
        throw new KeyshardError('INTERNAL', `A random draw of ${length} bytes is out of range.`);
      }
      const fresh = os(32);
      const ikm = new Uint8Array(64);
      ikm.set(own, 0);
      ikm.set(fresh.subarray(0, 32), 32);
      fresh.fill(0);
      counter += 1;
      const info = Uint8Array.of((counter >>> 24) & 0xff, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff, (length >>> 8) & 0xff, length & 0xff);
      try {
        return hkdf(sha256, ikm, SALT, info, length);
      } finally {
        ikm.fill(0);
      }
    },
    wipe() {
      wiped = true;
      own.fill(0);
    },
  };
}
