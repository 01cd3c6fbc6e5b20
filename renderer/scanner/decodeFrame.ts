/**
 * The QR decoder, behind one function so it can be swapped after measuring another (e.g. the BarcodeDetector API).
 * zxing-wasm loads its .wasm from the app's own files: Vite emits it as an asset and `locateFile` points there, so
 * nothing is fetched from a CDN (zxing-wasm's default) - the CSP and the request filter would block that anyway.
 */
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

let ready: Promise<unknown> | undefined;

export function prepareDecoder(): Promise<unknown> {
  ready ??= prepareZXingModule({
    overrides: {
      locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(wasmUrl, import.meta.url).href : prefix + path),
    },
    fireImmediately: true,
  });
  return ready;
}

/** Texts of the valid QR codes in one frame (usually none or one). */
export async function decodeFrame(image: ImageData): Promise<string[]> {
  await prepareDecoder();
  const results = await readBarcodes(image, { formats: ['QRCode'], maxNumberOfSymbols: 1, tryHarder: true });
  return results.filter((r) => r.isValid).map((r) => r.text);
}
