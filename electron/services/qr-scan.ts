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

let module: Promise<ZxingReaderModuleLike> | undefined;

/** zxing-wasm's reader module, loaded once per process. */
export function zxingModule(): Promise<ZxingReaderModuleLike> {
  module ??= (async () => {
    const wasmPath = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
    const bytes = readFileSync(wasmPath);
    const loaded = await prepareZXingModule({
      overrides: { wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer },
      fireImmediately: true,
    });
    return loaded as unknown as ZxingReaderModuleLike;
  })();
  return module;
}

let decoder: Promise<QrImageDecoder> | undefined;

/** The scan pipeline's decoder over that module. */
export function zxingDecoder(): Promise<QrImageDecoder> {
  decoder ??= zxingModule().then(zxingImageDecoder);
  return decoder;
}

export async function createNodeScanPipeline(options: Omit<ScanPipelineOptions, 'decoder' | 'now'> = {}): Promise<ScanPipeline> {
  return createScanPipeline({ ...options, decoder: await zxingDecoder(), now: () => performance.now() });
}
