/**
 * PNG images of keyshard QR codes, for the demo's `qr/*.png` files and anything else that wants a raster file.
 * Uses `qrcode`'s PNG writer (pngjs + zlib, hence Node-only and outside core/). It builds its symbol with the same
 * `qrcode/lib/core` code as core/qr/matrix.ts, so PNG, SVG and canvas show identical modules for the same text/level.
 */
import QRCode from 'qrcode';
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
  // Validates level and text and gives the same readable "too long" error as the SVG path, before qrcode's own.
  createQrMatrix(text, { errorCorrectionLevel });
  // One PNG filter (Paeth) instead of pngjs's default of trying all five on every row: a third of the CPU (14 ms
  // instead of 40 for a version-13 frame) for a file 1% larger. A fresh object each call: qrcode writes into it.
  // (pngjs takes filterType; @types/qrcode lists only the deflate options.)
  const rendererOpts: { deflateLevel?: number; filterType: number } = { filterType: 4 };
  const png = await QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel, scale, margin, color: { dark: '#000000ff', light: '#ffffffff' }, rendererOpts });
  return new Uint8Array(png);
}

/** One PNG per text the plan needs shown: the single code, or plain parts 1..partCount in order. */
export async function renderPlanPngs(plan: QrFramePlan, options: Omit<QrPngOptions, 'errorCorrectionLevel'> = {}): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const text of planTexts(plan)) out.push(await renderQrPng(text, { ...options, errorCorrectionLevel: plan.errorCorrectionLevel }));
  return out;
}
