/**
 * Types for the runtime seam ./bc-ur.js, which re-exports `@ngraveio/bc-ur` 1.1.13.
 *
 * Why a seam instead of importing the package directly: bc-ur's own .d.ts files start with
 * `/// <reference types="node" />`, and that directive pulls all of @types/node into whatever program imports them —
 * including `tsc -p core/tsconfig.json`, whose whole point is to fail when core/ touches Node globals. Importing through
 * this file keeps the purity check honest. Only the members keyshard uses are declared; test/core/qr-seams.test.ts
 * assigns the real package to these declarations under the Node-typed compile, so drift in the real API fails tsc.
 *
 * bc-ur calls the `Buffer` global internally. In Node that is the built-in; a browser bundle must set
 * `globalThis.Buffer ??= Buffer` (from the `buffer` package) before any of this runs (see NOTES.md). Inputs passed in
 * must be real Buffers of that same class (`Buffer.from(bytes)` from 'buffer').
 */
import type { Buffer } from 'buffer';

export declare class UR {
  constructor(cborPayload: Buffer, type?: string);
  /** Wraps bytes as a `bytes` UR (CBOR byte string). */
  static fromBuffer(buf: Buffer): UR;
  /** CBOR-decodes the payload; for a `bytes` UR a Buffer, but anything CBOR can hold for other input. */
  decodeCBOR(): unknown;
  get type(): string;
  get cbor(): Buffer;
}

export declare class UREncoder {
  /** Parts are fountain-coded: numbers 1..fragmentsLength are the plain fragments, later ones XOR mixes. */
  constructor(ur: UR, maxFragmentLength?: number, firstSeqNum?: number, minFragmentLength?: number);
  get fragmentsLength(): number;
  get messageLength(): number;
  /** Advances the sequence number by one and returns that part as lower-case `ur:type/seq-len/bytewords`. */
  nextPart(): string;
  static encodeSinglePart(ur: UR): string;
}

export declare class URDecoder {
  constructor(fountainDecoder?: undefined, type?: string);
  /** Decodes a single-part UR body (bytewords with CRC-32); throws on a bad checksum or word. */
  static decode(message: string): UR;
  /** Splits `ur:type/...` into the type and the path components (lower-cased); throws on a bad scheme or type. */
  static parse(message: string): [string, string[]];
  /** Parses `seq-len`; throws when malformed or zero. */
  static parseSequenceComponent(s: string): number[];
  /** Feeds one part; false when it does not belong (other type, other message) or the decoder is done. Throws on garbage. */
  receivePart(s: string): boolean;
  resultUR(): UR;
  isComplete(): boolean;
  isSuccess(): boolean;
  isError(): boolean;
  resultError(): string;
  expectedPartCount(): number;
  expectedPartIndexes(): number[];
  receivedPartIndexes(): number[];
  estimatedPercentComplete(): number;
  getProgress(): number;
}

/**
 * The 0-based fragment indexes XORed into part `seqNum` of a `seqLength`-part message with CRC-32 `checksum`
 * ([seqNum - 1] for the plain parts). Seeded from (seqNum, checksum), so any decoder can redo the encoder's choice.
 */
export declare function chooseFragments(seqNum: number, seqLength: number, checksum: number): number[];
