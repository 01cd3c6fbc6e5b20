/**
 * The scan pipeline (core/qr/scan-pipeline.ts) with zxing-wasm for Node: `keyshard qr decode`, the benchmarks and tests.
 * The .wasm comes from node_modules (zxing-wasm would fetch it from a CDN by default; keyshard stays offline).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { prepareZXingModule } from 'zxing-wasm/reader';
import { createScanPipeline, type QrImageDecoder, type ScanPipeline, type ScanPipelineOptions } from '../../core/qr/scan-pipeline';
import { zxingImageDecoder, type ZxingReaderModuleLike } from '../../core/qr/scan-pipeline-zxing';

let decoder: Promise<QrImageDecoder> | undefined;

/** zxing-wasm's reader, loaded once per process. */
export function zxingDecoder(): Promise<QrImageDecoder> {
  decoder ??= (async () => {
    const wasmPath = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
    const bytes = readFileSync(wasmPath);
    const module = await prepareZXingModule({
      overrides: { wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer },
      fireImmediately: true,
    });
    return zxingImageDecoder(module as unknown as ZxingReaderModuleLike);
  })();
  return decoder;
}

export async function createNodeScanPipeline(options: Omit<ScanPipelineOptions, 'decoder' | 'now'> = {}): Promise<ScanPipeline> {
  return createScanPipeline({ ...options, decoder: await zxingDecoder(), now: () => performance.now() });
}
