/**
 * Entropy for a ceremony: the OS CSPRNG always, plus (optionally) random bytes from an HSM and dice rolls typed in by
 * the people in the room. The sources are mixed by hashing, so the output is as unpredictable as the best of them:
 * someone who controls or knows all sources but one still cannot predict it.
 *
 *   ikm  = for each source, in order:  u16 len(name) || name || u32 len(bytes) || bytes
 *   salt = "keyshard/entropy/v1 salt"
 *   info = "keyshard/entropy/v1 output" || u32 length || u16 number of sources
 *   out  = HKDF-SHA256(ikm, salt, info, length)          (RFC 5869, @noble/hashes)
 *
 * The length prefixes make the concatenation unambiguous (no two different source lists give the same ikm), and the
 * names (not the values) say which sources went in. Only the names and counts are ever recorded: `os-csprng`,
 * `pkcs11-rng`, `dice-99-rolls`.
 *
 * Dice: each roll of a fair six-sided die gives log2(6) ≈ 2.585 bits, so 50 rolls give 129 bits (enough for a
 * 128-bit secret) and 100 rolls give 258 bits (enough for 256). Dice are an addition to the OS CSPRNG, never a
 * replacement, so fewer rolls still help and cannot hurt.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { KeyshardError } from '../../../core/errors';
import type { RandomSource } from '../../../core/random';

export const ENTROPY_DOMAIN = 'keyshard/entropy/v1';
export const OS_SOURCE_NAME = 'os-csprng';
export const HSM_SOURCE_NAME = 'pkcs11-rng';
/** Bits of entropy in one roll of a fair six-sided die. */
export const BITS_PER_DIE_ROLL = Math.log2(6);
/** HKDF-SHA256 can give at most 255 blocks of 32 bytes. */
export const MAX_ENTROPY_OUTPUT = 255 * 32;
/** Bytes asked from the OS and from the HSM: 256 bits each, whatever the output length. */
export const SOURCE_BYTES = 32;
/** Far more than anyone types in; bounds the work and the buffer. */
export const MAX_DICE_ROLLS = 10_000;

/** One source's bytes under its name. The bytes are secret; the name is public. */
export interface EntropyInput {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** What a source name may look like: what core/ceremony.ts accepts as a name (never a value). */
const SOURCE_NAME = /^[a-z][a-z0-9]{0,15}(?:-[a-z0-9]{1,16}){0,5}$/;

/** Whole bits of entropy in `rolls` rolls of a fair die (floor of rolls × log2 6). */
export function diceBits(rolls: number): number {
  return Math.floor(rolls * BITS_PER_DIE_ROLL + 1e-9);
}

/** How many die rolls give at least `bits` bits: 50 for 128, 100 for 256. */
export function rollsForBits(bits: number): number {
  return Math.ceil(bits / BITS_PER_DIE_ROLL - 1e-9);
}

/** The recorded name of a dice source: `dice-99-rolls`. */
export function diceSourceName(rolls: number): string {
  return `dice-${rolls}-rolls`;
}

/**
 * Reads typed dice rolls: the digits 1 to 6, with spaces, tabs and line breaks allowed between them for readability.
 * Returns one byte per roll (the face minus one, 0..5). Any other character is refused, naming its position (1-based)
 * but not the character. The result is secret: the caller wipes it.
 */
export function parseDiceRolls(text: string): Uint8Array {
  if (typeof text !== 'string') throw new KeyshardError('INVALID_ARGUMENT', 'Dice rolls must be typed as text: the digits 1 to 6.');
  const out = new Uint8Array(Math.min(text.length, MAX_DICE_ROLLS + 1));
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c < 0x31 || c > 0x36) {
      out.fill(0);
      throw new KeyshardError(
        'INVALID_ARGUMENT',
        `Dice rolls are the digits 1 to 6 (spaces and line breaks may separate them). Character ${i + 1} is something else: ` +
          'correct it (a 0 or a 7-9 is a typo; roll that die again) and enter the rolls again.',
        { position: i + 1 },
      );
    }
    if (n >= MAX_DICE_ROLLS) {
      out.fill(0);
      throw new KeyshardError('INVALID_ARGUMENT', `Enter at most ${MAX_DICE_ROLLS} dice rolls; 100 rolls already give 258 bits.`, { max: MAX_DICE_ROLLS });
    }
    out[n++] = c - 0x31;
  }
  if (n === 0) {
    out.fill(0);
    throw new KeyshardError('INVALID_ARGUMENT', 'No dice rolls were entered. Type the rolls (digits 1 to 6), or leave dice out.');
  }
  const rolls = out.slice(0, n);
  out.fill(0);
  return rolls;
}

function u16(n: number): Uint8Array {
  return Uint8Array.of((n >>> 8) & 0xff, n & 0xff);
}

function u32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/**
 * Mixes the sources into exactly `length` bytes (see the header for the construction). Deterministic: the same
 * sources in the same order give the same bytes; changing any one source changes them. The inputs are not modified;
 * the caller wipes them. The result is secret: the caller wipes it too.
 */
export function mixEntropy(inputs: readonly EntropyInput[], length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 1 || length > MAX_ENTROPY_OUTPUT) {
    throw new KeyshardError('INVALID_ARGUMENT', `Entropy output must be 1 to ${MAX_ENTROPY_OUTPUT} bytes.`, { length });
  }
  if (inputs.length === 0) throw new KeyshardError('INVALID_ARGUMENT', 'At least one entropy source is needed (the OS random generator).');
  const names = new Set<string>();
  let total = 0;
  for (const input of inputs) {
    if (typeof input.name !== 'string' || !SOURCE_NAME.test(input.name)) {
      throw new KeyshardError('INVALID_ARGUMENT', 'An entropy source name is lowercase words joined by dashes, such as os-csprng.');
    }
    if (names.has(input.name)) throw new KeyshardError('INVALID_ARGUMENT', `The entropy source ${input.name} is listed twice.`, { source: input.name });
    names.add(input.name);
    if (!(input.bytes instanceof Uint8Array) || input.bytes.length === 0) {
      throw new KeyshardError('ENTROPY_SOURCE', `The entropy source ${input.name} gave no bytes. Check the source and gather entropy again.`, { source: input.name });
    }
    total += 2 + input.name.length + 4 + input.bytes.length;
  }
  const ikm = new Uint8Array(total);
  let p = 0;
  for (const input of inputs) {
    const name = utf8ToBytes(input.name);
    ikm.set(u16(name.length), p);
    ikm.set(name, p + 2);
    p += 2 + name.length;
    ikm.set(u32(input.bytes.length), p);
    ikm.set(input.bytes, p + 4);
    p += 4 + input.bytes.length;
  }
  const info = new Uint8Array([...utf8ToBytes(`${ENTROPY_DOMAIN} output`), ...u32(length), ...u16(inputs.length)]);
  try {
    return hkdf(sha256, ikm, utf8ToBytes(`${ENTROPY_DOMAIN} salt`), info, length);
  } finally {
    ikm.fill(0);
  }
}

/** Where the bytes come from. The OS CSPRNG is required; the HSM is optional (e.g. C_GenerateRandom on a token). */
export interface EntropySources {
  readonly os: RandomSource;
  readonly hsm?: (length: number) => Promise<Uint8Array>;
}

export interface EntropyRequest {
  /** Bytes wanted. */
  readonly length: number;
  /** Typed dice rolls (digits 1-6), optional. */
  readonly diceRolls?: string;
  /** Also draw from the HSM (needs `sources.hsm`). */
  readonly useHsm?: boolean;
}

export interface GatheredEntropy {
  /** Exactly `length` mixed bytes. SECRET: the caller wipes them. */
  readonly bytes: Uint8Array;
  /** Names of the sources that went in, in mixing order: what the transcript records. */
  readonly sources: readonly string[];
  readonly diceRolls: number;
  /** Whole bits the dice contributed (0 without dice). */
  readonly diceBits: number;
}

function checkSourceBytes(name: string, bytes: unknown, minLength: number): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length < minLength) {
    throw new KeyshardError('ENTROPY_SOURCE', `The entropy source ${name} returned fewer than ${minLength} bytes. Check it and gather entropy again.`, { source: name });
  }
  // A source stuck at zero adds nothing and points at a broken device: say so instead of mixing it in silently.
  let any = 0;
  for (let i = 0; i < bytes.length; i++) any |= bytes[i] as number;
  if (any === 0) {
    bytes.fill(0);
    throw new KeyshardError('ENTROPY_SOURCE', `The entropy source ${name} returned only zero bytes; it is broken. Gather entropy without it, or fix it first.`, {
      source: name,
    });
  }
  return bytes;
}

/**
 * Draws from every source asked for and mixes them into `length` bytes. Every intermediate buffer is wiped before
 * this returns (also on failure).
 */
export async function gatherEntropy(request: EntropyRequest, sources: EntropySources): Promise<GatheredEntropy> {
  const inputs: EntropyInput[] = [];
  try {
    inputs.push({ name: OS_SOURCE_NAME, bytes: checkSourceBytes(OS_SOURCE_NAME, sources.os(SOURCE_BYTES), SOURCE_BYTES) });
    if (request.useHsm === true) {
      if (sources.hsm === undefined) {
        throw new KeyshardError('ENTROPY_SOURCE', 'No HSM is connected for random bytes. Connect the token, or gather entropy without it.', { source: HSM_SOURCE_NAME });
      }
      let bytes: Uint8Array;
      try {
        bytes = await sources.hsm(SOURCE_BYTES);
      } catch (e) {
        if (e instanceof KeyshardError) throw e;
        throw new KeyshardError('ENTROPY_SOURCE', 'The HSM did not return random bytes. Check the token and try again, or gather entropy without it.', {
          source: HSM_SOURCE_NAME,
        });
      }
      inputs.push({ name: HSM_SOURCE_NAME, bytes: checkSourceBytes(HSM_SOURCE_NAME, bytes, 16) });
    }
    let rolls = 0;
    if (request.diceRolls !== undefined) {
      const dice = parseDiceRolls(request.diceRolls);
      rolls = dice.length;
      inputs.push({ name: diceSourceName(rolls), bytes: dice });
    }
    const bytes = mixEntropy(inputs, request.length);
    return { bytes, sources: inputs.map((i) => i.name), diceRolls: rolls, diceBits: diceBits(rolls) };
  } finally {
    for (const i of inputs) i.bytes.fill(0);
  }
}
