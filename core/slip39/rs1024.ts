/**
 * The RS1024 checksum of SLIP-39: a Reed-Solomon code over GF(1024) that guarantees detection of any error touching
 * at most three words. Its customization string ("shamir", or "shamir_extendable" for extendable backups) is fed in
 * before the data, so a share cannot pass as the other kind of backup.
 */
import { CHECKSUM_LENGTH_WORDS, CUSTOMIZATION_STRING_EXTENDABLE, CUSTOMIZATION_STRING_ORIG } from './constants';

const GENERATOR = [
  0xe0e040, 0x1c1c080, 0x3838100, 0x7070200, 0xe0e0009, 0x1c0c2412, 0x38086c24, 0x3090fc48, 0x21b1f890, 0x3f3f120,
] as const;

function customization(extendable: boolean): number[] {
  const text = extendable ? CUSTOMIZATION_STRING_EXTENDABLE : CUSTOMIZATION_STRING_ORIG;
  return Array.from(text, (c) => c.charCodeAt(0));
}

function polymod(values: Iterable<number>): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 20;
    chk = ((chk & 0xfffff) << 10) ^ v;
    for (let i = 0; i < 10; i++) chk ^= -((top >>> i) & 1) & GENERATOR[i]!;
  }
  return chk >>> 0;
}

/** The three checksum words (10-bit values) for the given data words. */
export function createChecksum(data: readonly number[], extendable: boolean): number[] {
  const mod = polymod([...customization(extendable), ...data, ...new Array<number>(CHECKSUM_LENGTH_WORDS).fill(0)]) ^ 1;
  const out: number[] = [];
  for (let i = CHECKSUM_LENGTH_WORDS - 1; i >= 0; i--) out.push((mod >>> (10 * i)) & 1023);
  return out;
}

/** True when `words` (data followed by its three checksum words) carries a valid checksum. */
export function verifyChecksum(words: readonly number[], extendable: boolean): boolean {
  return polymod([...customization(extendable), ...words]) === 1;
}
