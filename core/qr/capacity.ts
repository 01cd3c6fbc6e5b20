/**
 * The QR version a text needs, computed from the standard's capacities instead of building the symbol.
 *
 * Why: planning only needs the version (and so the size), but building a symbol runs Reed-Solomon coding and tries all
 * eight masks — ~100 ms of a demo's CPU went into symbols that were thrown away. Symbols are still built, by
 * ./matrix.ts, where a matrix is drawn.
 *
 * Scope: keyshard's code texts are upper-case UR text (./framing.ts), which fits QR's alphanumeric mode, and `qrcode`
 * stores such a text as one alphanumeric segment unless it holds a long run of digits (a numeric segment costs 10 bits
 * per 3 digits against 11 per 2, but needs its own 4-bit mode indicator and count field). `plainAlphanumericText` says
 * when one alphanumeric segment is certain; for any other text the caller asks `qrcode` (see qrVersionFor).
 * test/core/qr-capacity.test.ts checks the result against the version `qrcode` picks, at every version's boundary.
 */
import type { QrErrorCorrectionLevel } from './matrix';

/**
 * Data codewords (8 bits each) per version 1..40 and error-correction level: the symbol's codewords minus its
 * error-correction codewords (ISO/IEC 18004:2015, table 7).
 */
const DATA_CODEWORDS: Readonly<Record<QrErrorCorrectionLevel, readonly number[]>> = {
  L: [
    19, 34, 55, 80, 108, 136, 156, 194, 232, 274, 324, 370, 428, 461, 523, 589, 647, 721, 795, 861, 932, 1006, 1094,
    1174, 1276, 1370, 1468, 1531, 1631, 1735, 1843, 1955, 2071, 2191, 2306, 2434, 2566, 2702, 2812, 2956,
  ],
  M: [
    16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627, 669, 714, 782, 860, 914,
    1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812, 1914, 1992, 2102, 2216, 2334,
  ],
  Q: [
    13, 22, 34, 48, 62, 76, 88, 110, 132, 154, 180, 206, 244, 261, 295, 325, 367, 397, 445, 485, 512, 568, 614, 664,
    718, 754, 808, 871, 911, 985, 1033, 1115, 1171, 1231, 1286, 1354, 1426, 1502, 1582, 1666,
  ],
  H: [
    9, 16, 26, 36, 46, 60, 66, 86, 100, 122, 140, 158, 180, 197, 223, 253, 283, 313, 341, 385, 406, 442, 464, 514, 538,
    596, 628, 661, 701, 745, 793, 845, 901, 961, 986, 1054, 1096, 1142, 1222, 1276,
  ],
};

/** Mode indicator: 4 bits before every segment. */
const MODE_INDICATOR_BITS = 4;

/** Bits of data an error-correction level leaves in a version (1..40). */
export function qrDataBits(version: number, errorCorrectionLevel: QrErrorCorrectionLevel): number {
  const codewords = DATA_CODEWORDS[errorCorrectionLevel][version - 1];
  if (codewords === undefined) throw new RangeError(`QR versions are 1 to 40, not ${version}.`);
  return codewords * 8;
}

/** Length of the alphanumeric character-count field, which grows with the version (ISO/IEC 18004 table 3). */
export function alphanumericCountBits(version: number): number {
  return version <= 9 ? 9 : version <= 26 ? 11 : 13;
}

/** Bits of one alphanumeric segment of `length` characters: header, then 11 bits per pair and 6 for an odd last one. */
export function alphanumericSegmentBits(length: number, version: number): number {
  return MODE_INDICATOR_BITS + alphanumericCountBits(version) + 11 * Math.floor(length / 2) + 6 * (length % 2);
}

/** The smallest version whose data holds `length` characters as one alphanumeric segment, or undefined past 40. */
export function alphanumericVersionFor(length: number, errorCorrectionLevel: QrErrorCorrectionLevel): number | undefined {
  for (let version = 1; version <= 40; version++) {
    if (alphanumericSegmentBits(length, version) <= qrDataBits(version, errorCorrectionLevel)) return version;
  }
  return undefined;
}

/** Modules per side of a version, without the quiet zone. */
export function qrSizeOf(version: number): number {
  return 17 + 4 * version;
}

const ALPHANUMERIC_CHAR = /^[0-9A-Z $%*+\-./:]$/;

/**
 * A digit run is cheaper as a numeric segment only from 7 digits at either end of the text (the new segment's header,
 * 4 + 10..14 bits, against 2.17 bits saved per digit) or from 13 in the middle (a second alphanumeric header on top).
 * Below these lengths one alphanumeric segment is the cheapest encoding at every version, so `qrcode` chooses it.
 * UR text has digits only in the middle (part number of up to 10 digits, part count).
 */
const MAX_DIGITS_AT_END = 6;
const MAX_DIGITS_INSIDE = 12;

/** True when `text` is non-empty, all in QR's alphanumeric set, and has no digit run that a numeric segment would win. */
export function plainAlphanumericText(text: string): boolean {
  if (text.length === 0) return false;
  let run = 0;
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (run === 0) runStart = i;
      run++;
      continue;
    }
    if (!ALPHANUMERIC_CHAR.test(text[i]!)) return false;
    if (run > 0 && run > (runStart === 0 ? MAX_DIGITS_AT_END : MAX_DIGITS_INSIDE)) return false;
    run = 0;
  }
  // A text of digits only is one numeric segment; a run at the end must be short.
  if (run === text.length) return false;
  return run <= MAX_DIGITS_AT_END;
}
