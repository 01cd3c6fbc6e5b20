/**
 * One SLIP-39 share and its mnemonic form.
 *
 *   id (15 bits) | ext (1) | e (4) | group index (4) | group threshold-1 (4) | group count-1 (4)
 *   | member index (4) | member threshold-1 (4) | padded share value | RS1024 checksum (30 bits)
 *
 * The share value is left-padded with zero bits to a whole number of 10-bit words: a 16-byte value takes 13 words
 * (20-word mnemonic), a 32-byte value 26 words (33-word mnemonic). Padding longer than 8 bits cannot come from a
 * valid secret length, and non-zero padding bits mean the share is damaged.
 */
import { KeyshardError } from '../errors';
import { suggestWord } from './suggest';
import {
  GROUP_PARAMS_LENGTH_WORDS,
  ID_EXP_LENGTH_WORDS,
  ID_LENGTH_BITS,
  MAX_ITERATION_EXPONENT,
  MAX_SHARE_COUNT,
  METADATA_LENGTH_WORDS,
  MIN_MNEMONIC_LENGTH_WORDS,
  MIN_STRENGTH_BITS,
  RADIX_BITS,
} from './constants';
import { createChecksum, verifyChecksum } from './rs1024';
import { wordAt, wordIndex, wordIndexOfAscii } from './wordlist';

export interface Slip39Share {
  /** Random 15-bit number shared by every share of one backup. */
  readonly identifier: number;
  /** Extendable backup flag: the identifier is not part of the encryption salt, and the checksum says "shamir_extendable". */
  readonly extendable: boolean;
  /** PBKDF2 work: 10000 << e iterations in total. */
  readonly iterationExponent: number;
  /** 0-based. */
  readonly groupIndex: number;
  readonly groupThreshold: number;
  readonly groupCount: number;
  /** 0-based. */
  readonly memberIndex: number;
  readonly memberThreshold: number;
  /** Secret. */
  readonly value: Uint8Array;
}

/** Where a share came from in the caller's list (1-based), for messages; undefined when it stands alone. */
export type ShareNumber = number | undefined;

/** Unknown words that get a spelling hint (the rest are listed by position only). */
const MAX_SUGGESTIONS = 8;
/** Longest mnemonic searched for a single wrong word (a 64-byte secret takes 59 words). */
const MAX_LOCATE_WORDS = 64;

function whichShare(n: ShareNumber): string {
  return n === undefined ? 'The share' : `Share ${n}`;
}

/** Splits a typed or scanned mnemonic into lowercase words, tolerating case and any surrounding or repeated spaces. */
export function mnemonicWords(mnemonic: string): string[] {
  const trimmed = mnemonic.trim().toLowerCase();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

/** Number of words in the mnemonic of a value of `valueLength` bytes. */
export function mnemonicLengthForValue(valueLength: number): number {
  return METADATA_LENGTH_WORDS + Math.ceil((valueLength * 8) / RADIX_BITS);
}

function checkShareFields(share: Slip39Share): void {
  const bad = (what: string): never => {
    throw new KeyshardError('SLIP39_PARAMETERS', `Cannot encode this share: ${what}.`);
  };
  const int = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;
  if (!int(share.identifier, 0, (1 << ID_LENGTH_BITS) - 1)) bad('the identifier must fit in 15 bits');
  if (!int(share.iterationExponent, 0, MAX_ITERATION_EXPONENT)) bad(`the iteration exponent must be 0 to ${MAX_ITERATION_EXPONENT}`);
  if (!int(share.groupCount, 1, MAX_SHARE_COUNT)) bad(`the group count must be 1 to ${MAX_SHARE_COUNT}`);
  if (!int(share.groupThreshold, 1, share.groupCount)) bad('the group threshold must be 1 to the group count');
  if (!int(share.groupIndex, 0, share.groupCount - 1)) bad('the group index must be below the group count');
  if (!int(share.memberThreshold, 1, MAX_SHARE_COUNT)) bad(`the member threshold must be 1 to ${MAX_SHARE_COUNT}`);
  if (!int(share.memberIndex, 0, MAX_SHARE_COUNT - 1)) bad(`the member index must be 0 to ${MAX_SHARE_COUNT - 1}`);
  if (share.value.length * 8 < MIN_STRENGTH_BITS || share.value.length % 2 !== 0) {
    throw new KeyshardError('SECRET_LENGTH', `A share value must be an even number of bytes, at least ${MIN_STRENGTH_BITS / 8} (got ${share.value.length}).`, {
      length: share.value.length,
    });
  }
}

/** Packs bytes into `wordCount` 10-bit words, zero bits first (big-endian). Loops depend only on lengths. */
function bytesToWordIndices(bytes: Uint8Array, wordCount: number): number[] {
  const padding = wordCount * RADIX_BITS - bytes.length * 8;
  const out = new Array<number>(wordCount).fill(0);
  for (let w = 0; w < wordCount; w++) {
    let word = 0;
    for (let b = 0; b < RADIX_BITS; b++) {
      const j = w * RADIX_BITS + b - padding;
      const bit = j >= 0 ? (bytes[j >> 3]! >> (7 - (j & 7))) & 1 : 0;
      word = (word << 1) | bit;
    }
    out[w] = word;
  }
  return out;
}

/** The twenty metadata bits (identifier, flag, exponent, group and member fields) as four words. */
function metadataIndices(share: Slip39Share): number[] {
  const idExp = (share.identifier << 5) | ((share.extendable ? 1 : 0) << 4) | share.iterationExponent;
  const groupParams =
    (share.groupIndex << 16) |
    ((share.groupThreshold - 1) << 12) |
    ((share.groupCount - 1) << 8) |
    (share.memberIndex << 4) |
    (share.memberThreshold - 1);
  return [idExp >> 10, idExp & 1023, groupParams >> 10, groupParams & 1023];
}

/**
 * The share's mnemonic words. The returned strings are secret, and JS strings are immutable and cannot be wiped: they
 * live until the garbage collector reuses their memory. Only the intermediate number arrays are zeroized here.
 */
export function encodeShareWords(share: Slip39Share): string[] {
  checkShareFields(share);
  const valueIndices = bytesToWordIndices(share.value, Math.ceil((share.value.length * 8) / RADIX_BITS));
  const data = [...metadataIndices(share), ...valueIndices];
  const all = [...data, ...createChecksum(data, share.extendable)];
  const words = all.map(wordAt);
  valueIndices.fill(0);
  data.fill(0);
  all.fill(0);
  return words;
}

/**
 * The share's mnemonic as bytes: lowercase ASCII words separated by single spaces (the SLIP-39 payload of a shard
 * envelope), made from the word list's letters without making a string of any word, so the caller can wipe it.
 */
export function encodeShareAscii(share: Slip39Share): Uint8Array {
  checkShareFields(share);
  const valueIndices = bytesToWordIndices(share.value, Math.ceil((share.value.length * 8) / RADIX_BITS));
  const data = [...metadataIndices(share), ...valueIndices];
  const all = [...data, ...createChecksum(data, share.extendable)];
  try {
    let length = all.length - 1;
    for (const i of all) length += wordAt(i).length;
    const out = new Uint8Array(length);
    let at = 0;
    all.forEach((index, k) => {
      if (k > 0) out[at++] = 0x20;
      const word = wordAt(index);
      for (let c = 0; c < word.length; c++) out[at++] = word.charCodeAt(c);
    });
    return out;
  } finally {
    valueIndices.fill(0);
    data.fill(0);
    all.fill(0);
  }
}

/** The share's mnemonic (words joined by single spaces). See encodeShareWords about wiping. */
export function encodeShare(share: Slip39Share): string {
  return encodeShareWords(share).join(' ');
}

function extendableFlagOf(indices: readonly number[]): boolean {
  return ((indices[1]! >> 4) & 1) === 1;
}

function checksumHolds(indices: readonly number[]): boolean {
  return verifyChecksum(indices, extendableFlagOf(indices));
}

/**
 * If changing exactly one word would make the checksum valid, that word's 1-based position. RS1024 words differ in
 * at least four places, so with a single wrong word the answer is exact; with more it may be absent (or, rarely with
 * three or more, misleading: messages phrase it as "if only one word is wrong").
 */
export function locateSingleWrongWord(indices: readonly number[]): number | undefined {
  // The search is quadratic in the length; real shares have at most a few dozen words.
  if (indices.length > MAX_LOCATE_WORDS) return undefined;
  const trial = indices.slice();
  try {
    for (let p = 0; p < trial.length; p++) {
      const original = trial[p]!;
      for (let v = 0; v < 1024; v++) {
        if (v === original) continue;
        trial[p] = v;
        if (checksumHolds(trial)) return p + 1;
      }
      trial[p] = original;
    }
    return undefined;
  } finally {
    trial.fill(0);
  }
}

/** Word indices of an ASCII mnemonic (single spaces between words); unknown words by position, as wordsToIndices. */
function asciiToIndices(mnemonic: Uint8Array, n: ShareNumber): number[] {
  const indices: number[] = [];
  const unknown: { position: number }[] = [];
  let start = 0;
  for (let i = 0; i <= mnemonic.length; i++) {
    if (i < mnemonic.length && mnemonic[i] !== 0x20) continue;
    const index = i > start ? wordIndexOfAscii(mnemonic, start, i) : undefined;
    if (index === undefined) unknown.push({ position: indices.length + unknown.length + 1 });
    else indices.push(index);
    start = i + 1;
  }
  const first = unknown[0];
  if (first !== undefined) {
    indices.fill(0);
    const others = unknown.slice(1).map((u) => u.position);
    const more = others.length > 0 ? ` ${others.length} more word(s) of this share are not in the list either.` : '';
    throw new KeyshardError('SLIP39_WORD', `${whichShare(n)}: word ${first.position} is not a SLIP-39 word. Check its spelling against the SLIP-39 word list.${more}`, {
      ...(n === undefined ? {} : { share: n }),
      position: first.position,
      unknownWords: unknown,
    });
  }
  return indices;
}

function wordsToIndices(words: readonly string[], n: ShareNumber, suggest: boolean): number[] {
  const indices: number[] = [];
  const unknown: { position: number; suggestion?: string }[] = [];
  words.forEach((word, i) => {
    const index = wordIndex(word);
    if (index === undefined) {
      // Hints cost a pass over the word list each; a pasted page of garbage should not take seconds.
      const suggestion = suggest && unknown.length < MAX_SUGGESTIONS ? suggestWord(word) : undefined;
      unknown.push(suggestion === undefined ? { position: i + 1 } : { position: i + 1, suggestion });
    } else {
      indices.push(index);
    }
  });
  const first = unknown[0];
  if (first !== undefined) {
    indices.fill(0);
    // The guessed word stays in the details, for a screen to offer: a message ends up in logs and on stderr, and a
    // real word of the share is part of the secret.
    const hint = 'Check its spelling against the SLIP-39 word list.';
    const others = unknown.slice(1).map((u) => u.position);
    const listed = others.length > 10 ? `${others.slice(0, 10).join(', ')}, ...` : others.join(', ');
    const more = others.length > 0 ? ` ${others.length} more word(s) of this share are not in the list either (positions ${listed}).` : '';
    throw new KeyshardError('SLIP39_WORD', `${whichShare(n)}: word ${first.position} is not a SLIP-39 word. ${hint}${more}`, {
      ...(n === undefined ? {} : { share: n }),
      position: first.position,
      ...(first.suggestion === undefined ? {} : { suggestion: first.suggestion }),
      unknownWords: unknown,
    });
  }
  return indices;
}

export interface DecodeOptions {
  /** Look up a fix hint for unknown words (default true). Off where nobody will see it: hints cost a word-list pass each. */
  readonly suggest?: boolean;
}

/**
 * Decodes a mnemonic into a share, checking the words, the length, the checksum, the parameters and the padding.
 * Errors name the share (by `shareNumber`) and word positions but never repeat the words themselves.
 */
export function decodeShare(mnemonic: string, shareNumber?: number, options?: DecodeOptions): Slip39Share {
  return decodeIndices(wordsToIndices(mnemonicWords(mnemonic), shareNumber, options?.suggest ?? true), shareNumber);
}

/**
 * `decodeShare` of a mnemonic held as bytes: lowercase ASCII words separated by single spaces (a shard envelope's
 * SLIP-39 payload). No string of a word is made, so nothing of the share is left in memory that cannot be wiped; an
 * unknown word is named by its position only (a spelling hint would need the word as a string).
 */
export function decodeShareAscii(mnemonic: Uint8Array, shareNumber?: number): Slip39Share {
  return decodeIndices(asciiToIndices(mnemonic, shareNumber), shareNumber);
}

/** Checks and decodes a share's word indices (wiped here). */
function decodeIndices(indices: number[], n: ShareNumber): Slip39Share {
  const count = indices.length;
  const where = n === undefined ? {} : { share: n };
  try {
    if (count < MIN_MNEMONIC_LENGTH_WORDS) {
      throw new KeyshardError(
        'SLIP39_LENGTH',
        `${whichShare(n)} has ${count} word(s), but a SLIP-39 share has at least ${MIN_MNEMONIC_LENGTH_WORDS} (20 for a 128-bit secret, 33 for 256-bit). Look for missing words.`,
        { ...where, words: count, minimum: MIN_MNEMONIC_LENGTH_WORDS },
      );
    }
    const valueWords = indices.length - METADATA_LENGTH_WORDS;
    const paddingBits = (valueWords * RADIX_BITS) % 16;
    const checksumOk = checksumHolds(indices);
    if (paddingBits > 8) {
      // A length no secret can have. With a valid checksum the share is well formed but its secret length is not
      // (as in official vector 40); otherwise a word was most likely lost or added while copying.
      if (checksumOk) {
        throw new KeyshardError(
          'SECRET_LENGTH',
          `${whichShare(n)} is well formed but its ${count} words cannot hold a valid secret (an even number of bytes, at least 16). It was made by faulty software and cannot be used.`,
          { ...where, words: count },
        );
      }
      throw new KeyshardError(
        'SLIP39_LENGTH',
        `${whichShare(n)} has ${count} words, a count no SLIP-39 share has (usually 20 or 33). A word is probably missing or written twice; compare with the paper copy.`,
        { ...where, words: count },
      );
    }
    if (!checksumOk) {
      const suspect = locateSingleWrongWord(indices);
      const unusual = count === 20 || count === 33 ? '' : ` Note that it has ${count} words where most shares have 20 or 33: a word may be missing or extra.`;
      throw new KeyshardError(
        'SLIP39_CHECKSUM',
        `${whichShare(n)} fails its checksum: a word is wrong, missing, extra or two words are swapped.` +
          (suspect === undefined ? ' Compare every word with the paper copy.' : ` If only one word is wrong, it is word ${suspect}.`) +
          unusual,
        suspect === undefined ? { ...where, words: count } : { ...where, words: count, suspectPosition: suspect },
      );
    }

    const idExp = (indices[0]! << 10) | indices[1]!;
    const groupParams = (indices[ID_EXP_LENGTH_WORDS]! << 10) | indices[ID_EXP_LENGTH_WORDS + 1]!;
    const fields = {
      identifier: idExp >> 5,
      extendable: ((idExp >> 4) & 1) === 1,
      iterationExponent: idExp & 0xf,
      groupIndex: (groupParams >> 16) & 0xf,
      groupThreshold: ((groupParams >> 12) & 0xf) + 1,
      groupCount: ((groupParams >> 8) & 0xf) + 1,
      memberIndex: (groupParams >> 4) & 0xf,
      memberThreshold: (groupParams & 0xf) + 1,
    };
    if (fields.groupThreshold > fields.groupCount) {
      throw new KeyshardError(
        'SLIP39_PARAMETERS',
        `${whichShare(n)} says ${fields.groupThreshold} groups are needed out of only ${fields.groupCount}, which is impossible: the share is damaged or was made by faulty software.`,
        { ...where, groupThreshold: fields.groupThreshold, groupCount: fields.groupCount },
      );
    }
    if (fields.groupIndex >= fields.groupCount) {
      throw new KeyshardError(
        'SLIP39_PARAMETERS',
        `${whichShare(n)} claims to be in group ${fields.groupIndex + 1} of only ${fields.groupCount}: the share is damaged or was made by faulty software.`,
        { ...where, groupIndex: fields.groupIndex, groupCount: fields.groupCount },
      );
    }

    const valueStart = ID_EXP_LENGTH_WORDS + GROUP_PARAMS_LENGTH_WORDS;
    const value = new Uint8Array((valueWords * RADIX_BITS - paddingBits) / 8);
    let padding = 0;
    for (let k = 0; k < valueWords * RADIX_BITS; k++) {
      const bit = (indices[valueStart + Math.floor(k / RADIX_BITS)]! >> (RADIX_BITS - 1 - (k % RADIX_BITS))) & 1;
      const j = k - paddingBits;
      if (j < 0) padding |= bit;
      else value[j >> 3] = value[j >> 3]! | (bit << (7 - (j & 7)));
    }
    if (padding !== 0) {
      value.fill(0);
      throw new KeyshardError(
        'SLIP39_PADDING',
        `${whichShare(n)} has invalid padding (its first value word is out of range) although its checksum holds: it was probably made by faulty software. It cannot be used.`,
        where,
      );
    }
    return { ...fields, value };
  } finally {
    indices.fill(0);
  }
}

