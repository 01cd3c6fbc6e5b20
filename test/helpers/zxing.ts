/**
 * zxing-wasm (ZXing-C++ compiled to WebAssembly) set up for Node tests: an independent QR reader, so tests check
 * what a real scanner sees in our images rather than what our own code thinks it drew.
 * By default zxing-wasm fetches its .wasm from a CDN; here the bytes come from node_modules (no network).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

let ready: Promise<unknown> | undefined;

export function zxingReady(): Promise<unknown> {
  if (ready === undefined) {
    const wasmPath = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
    const wasmBinary = readFileSync(wasmPath);
    ready = prepareZXingModule({
      overrides: { wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength) as ArrayBuffer },
      fireImmediately: true,
    });
  }
  return ready;
}

/** Texts of the valid QR codes zxing finds in a PNG (or any image file format it reads). */
export async function readQrTexts(image: Uint8Array): Promise<string[]> {
  await zxingReady();
  const results = await readBarcodes(image, { formats: ['QRCode'], maxNumberOfSymbols: 4 });
  return results.filter((r) => r.isValid).map((r) => r.text);
}

/** Same for raw RGBA pixels (what a canvas or a camera frame gives). */
export async function readQrTextsFromPixels(data: Uint8ClampedArray, width: number, height: number): Promise<string[]> {
  await zxingReady();
  const results = await readBarcodes({ data, width, height } as never, { formats: ['QRCode'], maxNumberOfSymbols: 4 });
  return results.filter((r) => r.isValid).map((r) => r.text);
}
