/** Shared by the SLIP-39 tests (not a test file itself). */
import { pbkdf2Sync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import type { RandomSource } from '../../core/random';
import type { GroupSpec, Pbkdf2 } from '../../core/slip39/index';

/** Deterministic random bytes: SHA-256(seed || counter) blocks. For tests only. */
export function seededRandom(seed: number | Uint8Array): RandomSource {
  const seedBytes = typeof seed === 'number' ? new TextEncoder().encode(`seed:${seed}`) : seed.slice();
  let counter = 0;
  let pool = new Uint8Array(0);
  return (length: number) => {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (pool.length === 0) {
        const block = new Uint8Array(seedBytes.length + 4);
        block.set(seedBytes);
        new DataView(block.buffer).setUint32(seedBytes.length, counter++);
        pool = sha256(block);
      }
      const take = Math.min(pool.length, length - filled);
      out.set(pool.subarray(0, take), filled);
      pool = pool.subarray(take);
      filled += take;
    }
    return out;
  };
}

export const nodePbkdf2: Pbkdf2 = (password, salt, iterations, dkLen) => pbkdf2Sync(password, salt, iterations, dkLen, 'sha256');

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export type Vector = [description: string, mnemonics: string[], masterSecretHex: string, xprv: string];

export function loadVectors(): Vector[] {
  return JSON.parse(readFileSync(new URL('../../../shared/slip39/vectors.json', import.meta.url), 'utf8')) as Vector[];
}

/** A valid SLIP-39 layout: 1..maxGroups groups, each T-of-N with T=1 only when N=1, and a group threshold. */
export function layoutArb(maxGroups = 4, maxMembers = 5): fc.Arbitrary<{ groupThreshold: number; groups: GroupSpec[] }> {
  const group = fc.integer({ min: 1, max: maxMembers }).chain((count) =>
    (count === 1 ? fc.constant(1) : fc.integer({ min: 2, max: count })).map((threshold) => ({ threshold, count })),
  );
  return fc
    .array(group, { minLength: 1, maxLength: maxGroups })
    .chain((groups) => fc.integer({ min: 1, max: groups.length }).map((groupThreshold) => ({ groupThreshold, groups })));
}

/** An even secret length from 16 to 32 bytes, and the secret. */
export const secretArb: fc.Arbitrary<Uint8Array> = fc
  .integer({ min: 8, max: 16 })
  .chain((half) => fc.uint8Array({ minLength: 2 * half, maxLength: 2 * half }));

/** SLIP-39 passphrases: printable ASCII. */
export const passphraseArb: fc.Arbitrary<string> = fc.string({ unit: fc.integer({ min: 32, max: 126 }).map((c) => String.fromCharCode(c)), maxLength: 12 });

/** Picks `k` distinct items (k between min and all) using fast-check's shuffles. */
export function subsetArb<T>(items: readonly T[], minSize: number): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...items], { minLength: Math.min(minSize, items.length) });
}
