/**
 * PNG images of keyshard QR codes, for the demo's `qr/*.png` files and anything else that wants a raster file.
 * The modules come from core/qr/matrix.ts (the same symbol as SVG and canvas); the file is a 1-bit grayscale PNG written
 * here with node:zlib (hence Node-only and outside core/). One bit a pixel instead of qrcode's RGBA writer (32 bits a
 * pixel, filtered and deflated): a tenth of the bytes to filter and deflate, and a smaller file.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from '../../core/crc32';
import { KeyshardError } from '../../core/errors';
import { createQrMatrix, DEFAULT_ERROR_CORRECTION_LEVEL, planTexts, type QrErrorCorrectionLevel, type QrFramePlan } from '../../core/qr/index';

export interface QrPngOptions {
  /** Pixels per module (1..64). 8 makes a version-13 frame 616 px wide with the default margin. */
  scale?: number;
  /** Quiet zone in modules (0..64). The QR standard asks for 4. */
  margin?: number;
  errorCorrectionLevel?: QrErrorCorrectionLevel;
}

export const DEFAULT_PNG_SCALE = 8;
export const DEFAULT_PNG_MARGIN = 4;

export async function renderQrPng(text: string, options: QrPngOptions = {}): Promise<Uint8Array> {
  const scale = options.scale ?? DEFAULT_PNG_SCALE;
  const margin = options.margin ?? DEFAULT_PNG_MARGIN;
  const errorCorrectionLevel = options.errorCorrectionLevel ?? DEFAULT_ERROR_CORRECTION_LEVEL;
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) {
    throw new KeyshardError('INVALID_ARGUMENT', 'QR image scale must be a whole number of pixels per module from 1 to 64.', { scale });
  }
  if (!Number.isInteger(margin) || margin < 0 || margin > 64) {
    throw new KeyshardError('INVALID_ARGUMENT', 'QR image margin must be a whole number of modules from 0 to 64 (4 is standard).', { margin });
  }
  // Validates level and text and gives the same readable "too long" error as the SVG path.
  const matrix = createQrMatrix(text, { errorCorrectionLevel });
  return pngOfMatrix(matrix.modules, matrix.size, scale, margin);
}

/** PNG chunk: length, type, data, CRC-32 of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A 1-bit grayscale PNG (bit 1 = white) of size x size modules, `scale` pixels each, inside `margin` light modules. */
function pngOfMatrix(modules: Uint8Array, size: number, scale: number, margin: number): Uint8Array {
  const width = (size + 2 * margin) * scale;
  const rowBytes = 1 + Math.ceil(width / 8); // filter byte (0, none) + packed pixels
  const raw = new Uint8Array(rowBytes * width).fill(0xff);
  for (let y = 0; y < width; y++) raw[y * rowBytes] = 0;
  for (let r = 0; r < size; r++) {
    // Draw one pixel row of module row r, then copy it to the other scale - 1 pixel rows.
    const first = (margin + r) * scale * rowBytes;
    for (let c = 0; c < size; c++) {
      if (modules[r * size + c] !== 1) continue;
      for (let x = (margin + c) * scale, end = x + scale; x < end; x++) raw[first + 1 + (x >> 3)]! &= ~(0x80 >> (x & 7));
    }
    for (let k = 1; k < scale; k++) raw.copyWithin(first + k * rowBytes, first, first + rowBytes);
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, width);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, grayscale, deflate, adaptive filtering, no interlace
  const parts = [PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', new Uint8Array(deflateSync(raw))), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** One PNG per text the plan needs shown: the single code, or plain parts 1..partCount in order. */
export async function renderPlanPngs(plan: QrFramePlan, options: Omit<QrPngOptions, 'errorCorrectionLevel'> = {}): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const text of planTexts(plan)) out.push(await renderQrPng(text, { ...options, errorCorrectionLevel: plan.errorCorrectionLevel }));
  return out;
}
