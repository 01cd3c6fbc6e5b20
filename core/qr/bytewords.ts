/**
 * Decodes the minimal form of Bytewords (BCR-2020-012) that UR bodies use: two letters per byte (a byteword's first and
 * last letter), followed by a CRC-32 (IEEE, big-endian) of the bytes.
 *
 * Why here and not bc-ur's decoder: bc-ur allocates a Buffer and a hex string per byte, about 0.5 microseconds per
 * character, so a stream of long forged texts costs main seconds before anything can be refused. This is a table
 * lookup per byte. The table is not typed in by hand: it is read once from bc-ur's own encoder (the minimal words of the
 * bytes 0..255 in order), so the two can never disagree.
 */
import { Buffer } from 'buffer';
import { crc32 } from '../crc32';
import { UR, UREncoder } from './bc-ur';

const LETTERS = 26;
const CRC_BYTES = 4;

let pairToByte: Int16Array | undefined;

/** (first letter, last letter) -> byte, -1 where no byteword has that pair. */
function lookupTable(): Int16Array {
  if (pairToByte !== undefined) return pairToByte;
  const all = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  // A UR whose CBOR is the raw bytes 0..255: its body is their 256 minimal words (512 letters), then the CRC's 8.
  const body = UREncoder.encodeSinglePart(new UR(all, 'bytes')).slice('ur:bytes/'.length);
  const table = new Int16Array(LETTERS * LETTERS).fill(-1);
  for (let i = 0; i < 256; i++) {
    const first = body.charCodeAt(2 * i) - 97;
    const last = body.charCodeAt(2 * i + 1) - 97;
    table[first * LETTERS + last] = i;
  }
  pairToByte = table;
  return table;
}

/**
 * The bytes of a minimal-Bytewords body (lower case), or undefined when a letter pair is not a byteword, the length is
 * odd or too short, or the CRC does not match.
 */
export function decodeMinimalBytewords(body: string): Uint8Array | undefined {
  if (body.length % 2 !== 0 || body.length < 2 * (CRC_BYTES + 1)) return undefined;
  const table = lookupTable();
  const out = new Uint8Array(body.length / 2);
  for (let i = 0; i < out.length; i++) {
    const first = body.charCodeAt(2 * i) - 97;
    const last = body.charCodeAt(2 * i + 1) - 97;
    if (first < 0 || first >= LETTERS || last < 0 || last >= LETTERS) return undefined;
    const value = table[first * LETTERS + last] as number;
    if (value < 0) return undefined;
    out[i] = value;
  }
  const data = out.subarray(0, out.length - CRC_BYTES);
  const c = out.subarray(out.length - CRC_BYTES);
  const stated = (((c[0] as number) << 24) | ((c[1] as number) << 16) | ((c[2] as number) << 8) | (c[3] as number)) >>> 0;
  return crc32(data) === stated ? data : undefined;
}
