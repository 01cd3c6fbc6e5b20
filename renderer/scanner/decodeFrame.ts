/**
 * The QR decoder of the app's scanner: keyshard's scan pipeline (core/qr/scan-pipeline.ts - the same one
 * `keyshard qr decode` uses) over zxing-wasm. The pipeline lives as long as the worker, so it remembers where the last
 * code was and which fallback read it, and looks there first in the next frame; its fallbacks fit a per-frame budget.
 * zxing-wasm loads its .wasm from the app's own files: Vite emits it as an asset and `locateFile` points there, so
 * nothing is fetched from a CDN (zxing-wasm's default) - the CSP and the request filter would block that anyway.
 */
import { prepareZXingModule } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { CAMERA_FRAME_BUDGET_MS, createScanPipeline, type ScanPipeline } from '../../core/qr/scan-pipeline';
import { zxingImageDecoder, type ZxingReaderModuleLike } from '../../core/qr/scan-pipeline-zxing';

let ready: Promise<ScanPipeline> | undefined;

export function prepareDecoder(): Promise<ScanPipeline> {
  ready ??= prepareZXingModule({
    overrides: {
      locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(wasmUrl, import.meta.url).href : prefix + path),
    },
    fireImmediately: true,
  }).then((module) =>
    createScanPipeline({
      decoder: zxingImageDecoder(module as unknown as ZxingReaderModuleLike),
      now: () => performance.now(),
      // Fallbacks only while the frame's time lasts; the rest run on the next frames (the page sends the newest one).
      budgetMs: CAMERA_FRAME_BUDGET_MS,
    }),
  );
  return ready;
}

/** Texts of the valid QR codes in one frame (none or one). */
export async function decodeFrame(image: ImageData): Promise<string[]> {
  const pipeline = await prepareDecoder();
  const { text } = pipeline.scan({ data: image.data, width: image.width, height: image.height, format: 'rgba' });
  return text === null ? [] : [text];
}
