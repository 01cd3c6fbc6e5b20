/** Shared by the vss tests: a deterministic random source, error-code assertions, the RFC 9591 vectors. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { RNG } from '@noble/curves/abstract/frost.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { KeyshardError, type KeyshardErrorCode } from '../../core/errors';
import type { RandomSource } from '../../core/random';
import type { Ciphersuite } from '../../core/vss/index';

export const SUITES: readonly Ciphersuite[] = ['ed25519', 'secp256k1', 'p256'];

/** SHA-256 in counter mode over a seed: reproducible bytes so a failing property can be replayed. */
export function seededRandom(seed: Uint8Array | number): RandomSource {
  const key = typeof seed === 'number' ? new Uint8Array(new Uint32Array([seed]).buffer) : Uint8Array.from(seed);
  let counter = 0;
  return (length: number) => {
    const out = new Uint8Array(length);
    for (let off = 0; off < length; off += 32) {
      const block = sha256(concatBytes(key, new Uint8Array(new Uint32Array([counter++]).buffer)));
      out.set(block.subarray(0, Math.min(32, length - off)), off);
    }
    return out;
  };
}

/** The same stream typed as noble's RNG, for calling noble directly. */
export function seededNobleRng(seed: Uint8Array | number): RNG {
  const random = seededRandom(seed);
  return ((length = 32) => random(length)) as RNG;
}

/** Asserts fn throws a KeyshardError with this code, and returns it for further checks. */
export function throwsCode(fn: () => unknown, code: KeyshardErrorCode, label?: string): KeyshardError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof KeyshardError, `${label ?? code}: expected a KeyshardError, got ${String(caught)}`);
  assert.equal(caught.code, code, `${label ?? code}: ${caught.message}`);
  return caught;
}

/** No secret material in a message: none of the given hex strings (either case) appears in it. */
export function assertNoHex(message: string, secrets: readonly string[]): void {
  const lower = message.toLowerCase();
  for (const s of secrets) {
    assert.ok(!lower.includes(s.toLowerCase()), `message leaks a secret value: ${message}`);
    // Also no long prefix of it (e.g. a truncated echo).
    assert.ok(!lower.includes(s.toLowerCase().slice(0, 16)), `message leaks part of a secret value: ${message}`);
  }
}

export interface RfcVector {
  config: { MAX_PARTICIPANTS: string; MIN_PARTICIPANTS: string; NUM_PARTICIPANTS: string; name: string };
  inputs: {
    participant_list: number[];
    group_secret_key: string;
    verifying_key_key: string;
    message: string;
    share_polynomial_coefficients: string[];
    participant_shares: { identifier: number; participant_share: string }[];
  };
  final_output: { sig: string };
}

export function loadVector(suite: Ciphersuite): RfcVector {
  const url = new URL(`../../../shared/rfc9591/${suite}-vectors.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as RfcVector;
}
