/**
 * RFC 4648 base32 (alphabet A–Z 2–7), uppercase, without '=' padding.
 *
 * Why base32: every character is in the QR alphanumeric set ([0-9A-Z $%*+-./:]), so a QR code stores it at
 * 5.5 bits per character instead of 8 in byte mode, and a person can read it off paper without case or
 * 0/O, 1/I/L confusion (0, 1, 8 and 9 are not in the alphabet).
 *
 * The data encoded here usually holds secret share material, so the character <-> value mapping is computed
 * arithmetically (no table indexed by a secret value, no branch on it). Error paths may branch: they only run
 * on input that is already invalid.
 */

/** Value (0..31) -> character code. A–Z for 0..25, 2–7 for 26..31. */
function valueToCharCode(v: number): number {
  // (25 - v) >> 31 is -1 when v >= 26, else 0: shift from 'A'+v to '2'+(v-26) without branching.
  return v + 65 + (((25 - v) >> 31) & (50 - 26 - 65));
}

/**
 * Character code -> value (0..31), or -1 when the character is not in the alphabet.
 * Accepts lower case a–z as well (paper copies get typed in any case).
 */
function charCodeToValue(c: number): number {
  const upper = c & ~0x20; // folds a–z onto A–Z; digits are checked on the unfolded code
  // in-range masks: -1 when inside, 0 when outside
  const isLetter = ~(((upper - 65) | (90 - upper)) >> 31);
  const isDigit = ~(((c - 50) | (55 - c)) >> 31);
  const letterValue = upper - 65;
  const digitValue = c - 24;
  return (isLetter & letterValue) | (isDigit & digitValue) | (~(isLetter | isDigit) & -1);
}

/** Encodes bytes as uppercase base32 without padding. */
export function encodeBase32(bytes: Uint8Array): string {
  const chars: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) {
    buffer = ((buffer << 8) | (bytes[i] as number)) & 0xfff; // at most 4 + 8 bits are pending
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      chars.push(valueToCharCode((buffer >> bits) & 31));
    }
  }
  if (bits > 0) chars.push(valueToCharCode((buffer << (5 - bits)) & 31));
  buffer = 0;
  const out = String.fromCharCode(...chars);
  chars.fill(0);
  return out;
}

/**
 * Encodes bytes as uppercase base32 into ASCII character codes: the same characters as encodeBase32, with no string
 * made, so the caller can wipe them (a shard's text in main, issue 16.3). The caller wipes the result.
 */
export function encodeBase32Ascii(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil((bytes.length * 8) / 5));
  let at = 0;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) {
    buffer = ((buffer << 8) | (bytes[i] as number)) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out[at++] = valueToCharCode((buffer >> bits) & 31);
    }
  }
  if (bits > 0) out[at++] = valueToCharCode((buffer << (5 - bits)) & 31);
  buffer = 0;
  return out;
}

export interface Base32Decoded {
  /** The whole bytes the characters encode (a trailing partial byte is dropped). */
  readonly bytes: Uint8Array;
  /**
   * False when the text is not what encodeBase32 would produce for `bytes`: a length no byte count gives
   * (1, 3 or 6 characters past a multiple of 8), or unused low bits of the last character that are not zero.
   */
  readonly canonical: boolean;
  /** True when the length is one no byte count produces (so there is a stray character at the end). */
  readonly danglingCharacters: boolean;
}

/** Lengths mod 8 that encodeBase32 can produce (0, 2, 4, 5, 7 characters past a full 5-byte group). */
function isValidLength(length: number): boolean {
  const r = length % 8;
  return r === 0 || r === 2 || r === 4 || r === 5 || r === 7;
}

/**
 * Decodes base32 (either case, no padding, no whitespace: strip it first).
 * Returns the position (0-based) of the first character outside the alphabet as `badIndex` instead of throwing,
 * so the caller can phrase the error for its own context.
 */
export function decodeBase32(text: string): Base32Decoded | { readonly badIndex: number } {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let invalid = 0;
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const v = charCodeToValue(text.charCodeAt(i));
    invalid |= v >> 31; // -1 once any character was invalid
    buffer = ((buffer << 5) | (v & 31)) & 0xfff; // at most 7 + 5 bits are pending
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  const leftover = buffer & ((1 << bits) - 1);
  buffer = 0;
  if (invalid !== 0) {
    out.fill(0);
    let badIndex = 0;
    while (badIndex < text.length && charCodeToValue(text.charCodeAt(badIndex)) >= 0) badIndex++;
    return { badIndex };
  }
  const danglingCharacters = !isValidLength(text.length);
  return { bytes: out, canonical: !danglingCharacters && leftover === 0, danglingCharacters };
}
