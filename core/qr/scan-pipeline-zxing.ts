/**
 * The scan pipeline's decoder on top of a loaded zxing-wasm reader module (3.1.x), typed by shape only so core imports
 * nothing: the app's worker and the CLI each load the module their own way and hand it here.
 *
 * Why the module's pixmap entry rather than `readBarcodes(imageData)`: that one takes RGBA only and converts it to gray
 * in JavaScript on every call; the pipeline already holds gray pixels (and crops, halves and stretches of them), so it
 * passes them straight in. The option object is zxing-wasm's own encoding (enum names as indexes, formats as a list).
 */
import type { DecodeHints, DecoderHit, LumaImage, QrImageDecoder } from './scan-pipeline';

interface ZxingPoint {
  x: number;
  y: number;
}

interface ZxingResult {
  isValid: boolean;
  text: string;
  position: { topLeft: ZxingPoint; topRight: ZxingPoint; bottomRight: ZxingPoint; bottomLeft: ZxingPoint };
}

/** The parts of zxing-wasm's ZXingReaderModule this adapter uses. */
export interface ZxingReaderModuleLike {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  readBarcodesFromPixmap(ptr: number, width: number, height: number, options: object): ZxingResultVector;
}

/** An embind std::vector handle: its C++ side lives until `delete()` is called (garbage collection does not free it). */
interface ZxingResultVector {
  size(): number;
  get(i: number): ZxingResult;
  delete(): void;
}

/** zxing-wasm's BINARIZERS order: LocalAverage, GlobalHistogram, FixedThreshold, BoolCast. */
const BINARIZER_INDEX = { local: 0, global: 1 } as const;

function zxingOptions(hints: DecodeHints): object {
  return {
    formats: 'QRCode',
    tryHarder: hints.tryHarder,
    tryRotate: true,
    // Not each image inverted as well: that doubles the cost of every try that reads nothing (a failing 1280x720 frame:
    // 13.5 -> 8 ms of CPU), and keyshard's codes are dark on light. The pipeline's 'invert' step reads the other kind.
    tryInvert: false,
    tryDownscale: true,
    tryDenoise: false,
    binarizer: BINARIZER_INDEX[hints.binarizer],
    isPure: false,
    downscaleFactor: 3,
    downscaleThreshold: 500,
    minLineCount: 2,
    maxNumberOfSymbols: 1,
    validateOptionalChecksum: false,
    returnErrors: false,
    eanAddOnSymbol: 0, // Ignore
    textMode: 2, // HRI
    characterSet: 0, // Unknown
    tryCode39ExtendedMode: true,
  };
}

export function zxingImageDecoder(module: ZxingReaderModuleLike): QrImageDecoder {
  const optionsFor = {
    local: { harder: zxingOptions({ binarizer: 'local', tryHarder: true }), quick: zxingOptions({ binarizer: 'local', tryHarder: false }) },
    global: { harder: zxingOptions({ binarizer: 'global', tryHarder: true }), quick: zxingOptions({ binarizer: 'global', tryHarder: false }) },
  };
  return (image: LumaImage, hints: DecodeHints): DecoderHit | null => {
    const n = image.width * image.height;
    const ptr = module._malloc(n);
    if (!ptr) throw new RangeError('The QR decoder ran out of memory for one frame.');
    let results: ZxingResultVector;
    try {
      module.HEAPU8.set(image.data.subarray(0, n), ptr);
      const options = optionsFor[hints.binarizer][hints.tryHarder ? 'harder' : 'quick'];
      results = module.readBarcodesFromPixmap(ptr, image.width, image.height, options);
    } finally {
      module._free(ptr);
    }
    // Why delete: an undeleted result vector kept about 0.6 KB of JS heap and more native memory per call, so a
    // scanner at 10 frames a second grew without bound (bench/scanner-memory.bench.ts: +54 MiB RSS over 8,000 frames).
    try {
      for (let i = 0; i < results.size(); i++) {
        const r = results.get(i);
        // isValid: zxing's own checks passed (format info, Reed-Solomon); anything else is not a read.
        if (r.isValid && r.text.length > 0) {
          const p = r.position;
          return { text: r.text, corners: [p.topLeft, p.topRight, p.bottomRight, p.bottomLeft].map((c) => ({ x: c.x, y: c.y })) };
        }
      }
      return null;
    } finally {
      results.delete();
    }
  };
}
