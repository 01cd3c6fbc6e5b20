/**
 * Reads the CBOR body of one multi-part UR (BCR-2020-005): the array
 *   [seqNum, seqLength, messageLength, checksum, fragment]
 * of four unsigned integers (at most 32 bits) and one byte string, and nothing after it.
 *
 * Read by hand rather than by bc-ur's CBOR decoder so that the sizes a part announces are known, and checked, before
 * any part of bc-ur that allocates or works by those sizes sees the part. Returns undefined for anything else.
 */

export interface UrPartHeader {
  readonly seqNum: number;
  readonly seqLength: number;
  readonly messageLength: number;
  readonly checksum: number;
  readonly fragment: Uint8Array;
}

const MAJOR_UNSIGNED = 0;
const MAJOR_BYTES = 2;
const MAJOR_ARRAY = 4;

interface Head {
  readonly major: number;
  readonly value: number;
  readonly next: number;
}

/** One CBOR item head at `at`: its major type and argument (up to 32 bits; longer arguments are refused). */
function readHead(bytes: Uint8Array, at: number): Head | undefined {
  const first = bytes[at];
  if (first === undefined) return undefined;
  const major = first >> 5;
  const info = first & 0x1f;
  if (info < 24) return { major, value: info, next: at + 1 };
  const width = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : 0;
  if (width === 0 || at + 1 + width > bytes.length) return undefined;
  let value = 0;
  for (let i = 1; i <= width; i++) value = value * 256 + (bytes[at + i] as number);
  return { major, value, next: at + 1 + width };
}

export function readUrPartHeader(bytes: Uint8Array): UrPartHeader | undefined {
  const array = readHead(bytes, 0);
  if (array === undefined || array.major !== MAJOR_ARRAY || array.value !== 5) return undefined;
  const numbers: number[] = [];
  let at = array.next;
  for (let i = 0; i < 4; i++) {
    const item = readHead(bytes, at);
    if (item === undefined || item.major !== MAJOR_UNSIGNED) return undefined;
    numbers.push(item.value);
    at = item.next;
  }
  const fragmentHead = readHead(bytes, at);
  if (fragmentHead === undefined || fragmentHead.major !== MAJOR_BYTES) return undefined;
  if (fragmentHead.next + fragmentHead.value !== bytes.length) return undefined; // short, or trailing bytes
  const [seqNum, seqLength, messageLength, checksum] = numbers as [number, number, number, number];
  return { seqNum, seqLength, messageLength, checksum, fragment: bytes.subarray(fragmentHead.next) };
}

/** The contents of `bytes` when they are exactly one CBOR byte string (a `bytes` UR's message); undefined otherwise. */
export function cborByteString(bytes: Uint8Array): Uint8Array | undefined {
  const head = readHead(bytes, 0);
  if (head === undefined || head.major !== MAJOR_BYTES || head.next + head.value !== bytes.length) return undefined;
  return bytes.subarray(head.next);
}
