/**
 * Forged QR streams, made with bc-ur's own encoder: what a hostile code (or a page feeding main) could send to make a
 * fountain decoder work for nothing. Not a test file itself.
 */
import { Buffer } from 'buffer';
import { UR, UREncoder } from '@ngraveio/bc-ur';
import { chooseFragments } from '@ngraveio/bc-ur/dist/fountainUtils';

/** Parts `first..first+count-1` of `payloadLength` bytes cut into fragments of exactly `fragmentLength` bytes. */
export function forgedParts(payloadLength: number, fragmentLength: number, first: number, count: number): { texts: string[]; partCount: number } {
  const ur = UR.fromBuffer(Buffer.alloc(payloadLength, 0x5a));
  const encoder = new UREncoder(ur, fragmentLength, first - 1, fragmentLength);
  const texts: string[] = [];
  for (let i = 0; i < count; i++) texts.push(encoder.nextPart().toUpperCase());
  return { texts, partCount: encoder.fragmentsLength };
}

/** `UR:BYTES/<seqNum>-<seqLength>/<bytewords of cbor, with a valid CRC>`. */
export function partText(seqNum: number, seqLength: number, cbor: Uint8Array): string {
  const body = UREncoder.encodeSinglePart(new UR(Buffer.from(cbor), 'bytes')).split('/')[1];
  return `UR:BYTES/${seqNum}-${seqLength}/${body}`.toUpperCase();
}

function cborUint(n: number): number[] {
  return [0x1a, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

/** The CBOR of one part, [seqNum, seqLength, messageLength, checksum, fragment], built by hand. */
export function partCbor(seqNum: number, seqLength: number, messageLength: number, checksum: number, fragment: Uint8Array): Uint8Array {
  const fragmentHead = fragment.length < 24 ? [0x40 + fragment.length] : [0x59, fragment.length >> 8, fragment.length & 255];
  return Uint8Array.from([0x85, ...cborUint(seqNum), ...cborUint(seqLength), ...cborUint(messageLength), ...cborUint(checksum), ...fragmentHead, ...fragment]);
}

/**
 * Mixed parts (numbers past the plain count) of a 65,545-byte message cut into 1-byte fragments, as a forger sends
 * them: 65,545 parts announced, each a valid UR part that bc-ur's decoder accepts. Built by hand because bc-ur's encoder
 * itself needs seconds per mixed part of such a message.
 */
export function oneByteFragmentStream(count: number): string[] {
  const parts = 65_545;
  return Array.from({ length: count }, (_, i) => partText(parts + 1 + i, parts, partCbor(parts + 1 + i, parts, parts, 0x1234_5678, Uint8Array.of(i & 255))));
}

/**
 * Milliseconds `f` takes: `ms` on the wall clock, and `cpuMs` of this process's CPU time, which is what the call held
 * the (single) JS thread for. On a machine shared by many jobs the wall clock counts waiting for a core too, so bounds
 * are asserted on CPU time and the wall clock only loosely.
 */
export function timed<T>(f: () => T): { value: T; ms: number; cpuMs: number } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = f();
  const used = process.cpuUsage(cpu);
  return { value, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

export async function timedAsync<T>(f: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = await f();
  const used = process.cpuUsage(cpu);
  return { value, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * Mixed parts of `plan` that can never complete its message: each mixes plain fragments 1 and 2 both or neither, so no
 * combination of them separates the two. A forger's way to keep a fountain decoder working without end.
 */
export function unsolvableMixedParts(plan: { partCount: number; part(seqNum: number): string }, checksum: number, count: number): string[] {
  const out: string[] = [];
  for (let seq = plan.partCount + 1; out.length < count; seq++) {
    const indexes = chooseFragments(seq, plan.partCount, checksum);
    if (indexes.length > 1 && indexes.includes(0) === indexes.includes(1)) out.push(plan.part(seq));
  }
  return out;
}
