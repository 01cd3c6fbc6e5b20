/**
 * Types for the runtime seam ./qrcode-core.js, which re-exports `create` from `qrcode/lib/core/qrcode.js` — the pure
 * part of `qrcode` 1.5.4 (symbol construction only: no fs, no canvas, no PNG). Its only host dependency is the
 * `TextEncoder` global (Node, browsers, workers all have it).
 *
 * Why a seam: that file ships no types, and @types/qrcode (which describes only the package root) references Node types,
 * which would leak into core's purity check. test/core/qr-seams.test.ts checks these declarations against @types/qrcode.
 */

export type QrCoreErrorCorrectionLevel = 'L' | 'M' | 'Q' | 'H';

export interface QrCoreBitMatrix {
  /** Modules per side. */
  readonly size: number;
  /** Row-major, size*size entries; non-zero = dark module. */
  readonly data: Uint8Array;
  get(row: number, col: number): number | boolean;
}

export interface QrCoreSymbol {
  readonly modules: QrCoreBitMatrix;
  /** QR version 1..40 (size = 17 + 4 * version). */
  readonly version: number;
}

export interface QrCoreOptions {
  errorCorrectionLevel?: QrCoreErrorCorrectionLevel;
  version?: number;
}

/** Builds the smallest symbol that holds `text` at the level; throws a plain Error when no version can hold it. */
export declare function create(text: string, options?: QrCoreOptions): QrCoreSymbol;
