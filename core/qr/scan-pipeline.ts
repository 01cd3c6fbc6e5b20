/**
 * One decoding pipeline for camera frames and image files: frame in, the QR text a decoder read in it out, or null.
 * The decoder is injected (zxing-wasm in the app and the CLI, see scan-pipeline-zxing.ts), so core stays pure.
 *
 * Why more than one decoder call: a webcam in a vault gives blurred, noisy, dim, unevenly lit, JPEG-mangled frames.
 *  1. crop: the code is usually where it was a frame ago; decoding a crop around it is several times cheaper.
 *  2. full frame, the decoder's usual local-average binarizer (what zxing alone does).
 *  3. only when that fails, fallbacks that read what it misses: a 2x box downscale (averages out sensor noise and
 *     JPEG blocks), a 3x3 box smoothing at full size (the same for codes whose modules are too small to halve), a local
 *     contrast normalisation of the halved frame (each pixel against the mean and spread of its
 *     neighbourhood: a dim code, or one half in shadow), a contrast stretch (the local binarizer treats a dim code's
 *     blocks as flat and skips them) and the global-histogram binarizer. The fallback that read the last code goes first.
 *  4. when all of that fails on consecutive frames of one still scene, their average (up to 4 frames): sensor noise
 *     falls by the square root of the count. Frames are averaged only while their coarse picture stays the same.
 * Evidence from earlier frames decides where and how to look, and adds pixels of the same still scene; it never
 * decides what the text is. Every text returned was read by the decoder (with its Reed-Solomon check) from this
 * frame's pixels, or from their average with the few frames just before it of the same scene, and passed `accept`.
 * So nothing comes out that was not in front of the camera; the UR CRC and the envelope checksum downstream reject
 * the rest (a mix of two codes at one spot fails Reed-Solomon long before that).
 */

export type ScanFrameFormat = 'gray' | 'rgba';

export interface ScanFrame {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  /** 'rgba': 4 bytes per pixel (canvas ImageData); 'gray': 1 byte per pixel. */
  readonly format: ScanFrameFormat;
}

/** An 8-bit luminance image: what every decoder call gets. */
export interface LumaImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export type Binarizer = 'local' | 'global';

export interface DecodeHints {
  readonly binarizer: Binarizer;
  /** Spend more time looking (rotations, smaller finder patterns). */
  readonly tryHarder: boolean;
}

export interface DecoderHit {
  readonly text: string;
  /** Corners of the code in the coordinates of the image the decoder was given, if it says. */
  readonly corners?: readonly Point[];
}

/** Reads at most one QR code from a luminance image; null when it reads none (or none passes its own checks). */
export type QrImageDecoder = (image: LumaImage, hints: DecodeHints) => DecoderHit | null;

export type ScanStep = 'crop' | 'full' | 'half' | 'smooth' | 'stretch' | 'normalize' | 'global' | 'average';

export interface ScanResult {
  readonly text: string | null;
  /** The step that read it (null when nothing was read). */
  readonly step: ScanStep | null;
  /** Decoder calls made for this frame. */
  readonly attempts: number;
}

export interface ScanPipelineOptions {
  readonly decoder: QrImageDecoder;
  /** Extra check on a decoded text (e.g. "is a UR"); a text it refuses is treated as not read and the next step runs. */
  readonly accept?: (text: string) => boolean;
  /**
   * Stop trying fallbacks once this much time went into one frame (ms). Default: no limit - on a loaded machine a
   * budget would skip the fallbacks exactly when the frames are hard, and the scanner drops newer frames anyway.
   */
  readonly budgetMs?: number;
  /** Clock for the budget (performance.now in the app). */
  readonly now?: () => number;
  /** Steps to skip (for measuring each one's worth). */
  readonly disable?: readonly ScanStep[];
}

export interface ScanPipeline {
  scan(frame: ScanFrame): ScanResult;
  /** Forget where the last code was (e.g. a new scan starts). */
  reset(): void;
}


const FALLBACKS: readonly ScanStep[] = ['half', 'smooth', 'normalize', 'stretch', 'global'];
/** Frames averaged at most (a hand moves; older frames blur more than they denoise). */
const MAX_STACK = 4;
/** Largest difference of 64x64 block means (gray levels) between frames of one still scene: noise and a pixel or two of shake. */
const SAME_SCENE_LEVELS = 12;
/** A crop covering more than this share of the frame saves too little to be worth a separate try. */
const MAX_CROP_SHARE = 0.5;

interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function createScanPipeline(options: ScanPipelineOptions): ScanPipeline {
  const { decoder } = options;
  const accept = options.accept ?? (() => true);
  const budgetMs = options.budgetMs ?? Infinity;
  const now = options.now ?? (() => Date.now());
  const disabled = new Set(options.disable ?? []);
  let lastRegion: Region | null = null;
  let lastFallback: ScanStep | null = null;
  // Buffers reused across frames: a camera sends the same size over and over.
  let luma: Uint8Array = new Uint8Array(0);
  let scratch: Uint8Array = new Uint8Array(0);
  let normScratch: Uint8Array = new Uint8Array(0);
  let smoothScratch: Uint8Array = new Uint8Array(0);
  let rowSums: Uint16Array = new Uint16Array(0);
  // Consecutive unread frames of one still scene, summed: their average has less sensor noise than any one of them.
  let stack: Uint16Array = new Uint16Array(0);
  let stackCount = 0;
  let stackBlocks: Float64Array | null = null;
  let stackWidth = 0;
  let stackHeight = 0;

  function lumaOf(frame: ScanFrame): LumaImage {
    checkFrame(frame);
    const { width, height } = frame;
    if (frame.format === 'gray') return { data: frame.data instanceof Uint8Array ? frame.data : new Uint8Array(frame.data.buffer, frame.data.byteOffset, width * height), width, height };
    if (luma.length !== width * height) luma = new Uint8Array(width * height);
    rgbaToLuma(frame.data, luma);
    return { data: luma, width, height };
  }

  function tryDecode(image: LumaImage, hints: DecodeHints): DecoderHit | null {
    const hit = decoder(image, hints);
    return hit !== null && typeof hit.text === 'string' && hit.text.length > 0 && accept(hit.text) ? hit : null;
  }

  function remember(hit: DecoderHit, scale: number, offsetX: number, offsetY: number, full: LumaImage): void {
    const corners = hit.corners;
    if (corners === undefined || corners.length === 0) {
      lastRegion = null;
      return;
    }
    lastRegion = regionAround(
      corners.map((p) => ({ x: p.x * scale + offsetX, y: p.y * scale + offsetY })),
      full.width,
      full.height,
    );
  }

  function runFallback(step: ScanStep, image: LumaImage): DecoderHit | null {
    if (step === 'half') {
      const half = downscale2(image, scratch);
      scratch = half.data;
      const hit = tryDecode(half, { binarizer: 'local', tryHarder: true });
      if (hit !== null) remember(hit, 2, 0, 0, image);
      return hit;
    }
    if (step === 'smooth') {
      if (rowSums.length < image.width * image.height) rowSums = new Uint16Array(image.width * image.height);
      const smoothed = boxSmooth3(image, smoothScratch, rowSums);
      smoothScratch = smoothed.data;
      const hit = tryDecode(smoothed, { binarizer: 'local', tryHarder: true });
      if (hit !== null) remember(hit, 1, 0, 0, image);
      return hit;
    }
    if (step === 'normalize') {
      const half = downscale2(image, scratch);
      const normalized = localNormalize(half, normScratch);
      scratch = half.data;
      normScratch = normalized.data;
      const hit = tryDecode(normalized, { binarizer: 'global', tryHarder: true });
      if (hit !== null) remember(hit, 2, 0, 0, image);
      return hit;
    }
    if (step === 'stretch') {
      const stretched = contrastStretch(image, scratch);
      if (stretched === null) return null; // already full range: nothing new to see
      scratch = stretched.data;
      const hit = tryDecode(stretched, { binarizer: 'local', tryHarder: true });
      if (hit !== null) remember(hit, 1, 0, 0, image);
      return hit;
    }
    const hit = tryDecode(image, { binarizer: 'global', tryHarder: true });
    if (hit !== null) remember(hit, 1, 0, 0, image);
    return hit;
  }

  function clearStack(): void {
    stackCount = 0;
    stackBlocks = null;
  }

  /**
   * Adds an unread frame to the stack of the still scene and returns the average of the stack (2 frames or more), or
   * null. A frame whose coarse picture (64x64 block means) differs from the stack's starts a new stack: only frames of
   * the same scene are averaged, so the average shows what this frame shows, with less noise.
   */
  function stackFrame(image: LumaImage): LumaImage | null {
    const blocks = blockMeans(image);
    const { width, height } = image;
    const n = width * height;
    const same = stackBlocks !== null && stackWidth === width && stackHeight === height && maxDifference(blocks, stackBlocks) < SAME_SCENE_LEVELS;
    if (!same || stackCount >= MAX_STACK) {
      if (stack.length !== n) stack = new Uint16Array(n);
      for (let i = 0; i < n; i++) stack[i] = image.data[i] as number;
      stackCount = 1;
      stackBlocks = blocks;
      stackWidth = width;
      stackHeight = height;
      return null;
    }
    for (let i = 0; i < n; i++) stack[i] = (stack[i] as number) + (image.data[i] as number);
    stackCount++;
    const out = normScratch.length >= n ? normScratch.subarray(0, n) : new Uint8Array(n);
    normScratch = out;
    const half = stackCount >> 1;
    for (let i = 0; i < n; i++) out[i] = ((stack[i] as number) + half) / stackCount;
    return { data: out, width, height };
  }

  return {
    scan(frame) {
      const start = now();
      const image = lumaOf(frame);
      let attempts = 0;
      const done = (text: string | null, step: ScanStep | null): ScanResult => ({ text, step, attempts });

      if (lastRegion !== null && !disabled.has('crop')) {
        const r = lastRegion;
        if (r.width * r.height <= MAX_CROP_SHARE * image.width * image.height) {
          const crop = cropOf(image, r, scratch);
          scratch = crop.data;
          attempts++;
          const hit = tryDecode(crop, { binarizer: 'local', tryHarder: true });
          if (hit !== null) {
            remember(hit, 1, r.x, r.y, image);
            clearStack();
            return done(hit.text, 'crop');
          }
        }
      }
      if (!disabled.has('full')) {
        attempts++;
        const hit = tryDecode(image, { binarizer: 'local', tryHarder: true });
        if (hit !== null) {
          remember(hit, 1, 0, 0, image);
          clearStack();
          return done(hit.text, 'full');
        }
      }
      lastRegion = null;
      const order = lastFallback === null ? FALLBACKS : [lastFallback, ...FALLBACKS.filter((s) => s !== lastFallback)];
      for (const step of order) {
        if (disabled.has(step)) continue;
        if (attempts > 0 && now() - start > budgetMs) break;
        attempts++;
        const hit = runFallback(step, image);
        if (hit !== null) {
          lastFallback = step;
          clearStack();
          return done(hit.text, step);
        }
      }
      if (!disabled.has('average') && !(attempts > 0 && now() - start > budgetMs)) {
        const averaged = stackFrame(image);
        if (averaged !== null) {
          attempts++;
          const hit = tryDecode(averaged, { binarizer: 'local', tryHarder: true }) ?? (attempts++, tryDecode(downscale2(averaged, scratch), { binarizer: 'local', tryHarder: true }));
          if (hit !== null) {
            clearStack();
            return done(hit.text, 'average');
          }
        }
      }
      return done(null, null);
    },
    reset() {
      clearStack();
      lastRegion = null;
      lastFallback = null;
    },
  };
}

function checkFrame(frame: ScanFrame): void {
  const { width, height, data, format } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width > 16384 || height > 16384) {
    throw new RangeError('A scan frame needs a whole-number width and height from 1 to 16384 pixels.');
  }
  const need = width * height * (format === 'rgba' ? 4 : 1);
  if (format !== 'rgba' && format !== 'gray') throw new RangeError("A scan frame's format is 'rgba' or 'gray'.");
  if (data.length < need) throw new RangeError('A scan frame has fewer pixels than its width and height say.');
}

/** Same weights as zxing-wasm's own RGBA conversion (BT.601, 10-bit fixed point). */
export function rgbaToLuma(rgba: Uint8Array | Uint8ClampedArray, out: Uint8Array): void {
  for (let i = 0, j = 0; i < out.length; i++, j += 4) {
    out[i] = (306 * (rgba[j] as number) + 601 * (rgba[j + 1] as number) + 117 * (rgba[j + 2] as number) + 512) >> 10;
  }
}

/** Bounding box of the corners, grown by half the code's size on each side (the code moves between frames). */
function regionAround(corners: readonly Point[], width: number, height: number): Region | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of corners) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) return null;
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  const grow = Math.max(maxX - minX, maxY - minY) * 0.5 + 16;
  const x = Math.max(0, Math.floor(minX - grow));
  const y = Math.max(0, Math.floor(minY - grow));
  const x2 = Math.min(width, Math.ceil(maxX + grow));
  const y2 = Math.min(height, Math.ceil(maxY + grow));
  if (x2 - x < 21 || y2 - y < 21) return null;
  return { x, y, width: x2 - x, height: y2 - y };
}

function cropOf(image: LumaImage, r: Region, buffer: Uint8Array): LumaImage {
  const out = buffer.length >= r.width * r.height ? buffer : new Uint8Array(r.width * r.height);
  for (let row = 0; row < r.height; row++) {
    const from = (r.y + row) * image.width + r.x;
    out.set(image.data.subarray(from, from + r.width), row * r.width);
  }
  return { data: out.length === r.width * r.height ? out : out.subarray(0, r.width * r.height), width: r.width, height: r.height };
}

/** Each output pixel the mean of a 2x2 block. */
export function downscale2(image: LumaImage, buffer: Uint8Array): LumaImage {
  const width = image.width >> 1;
  const height = image.height >> 1;
  const n = width * height;
  const out = buffer.length >= n ? buffer.subarray(0, n) : new Uint8Array(n);
  const src = image.data;
  const w = image.width;
  for (let y = 0; y < height; y++) {
    let i = 2 * y * w;
    let o = y * width;
    for (let x = 0; x < width; x++, i += 2, o++) {
      out[o] = ((src[i] as number) + (src[i + 1] as number) + (src[i + w] as number) + (src[i + w + 1] as number) + 2) >> 2;
    }
  }
  return { data: out, width, height };
}

/**
 * Each output pixel the mean of its 3x3 neighbourhood (edges repeat). Why: sensor noise and JPEG ringing at 10-14 gray
 * levels make the local binarizer see speckle inside modules of 2.5-5 pixels; halving the frame would shrink those
 * modules below 2 pixels, this keeps their size and cuts the noise threefold. `sums` holds width*height row sums.
 */
export function boxSmooth3(image: LumaImage, buffer: Uint8Array, sums: Uint16Array): LumaImage {
  const { width, height, data } = image;
  const n = width * height;
  const out = buffer.length >= n ? buffer.subarray(0, n) : new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const left = data[row + (x > 0 ? x - 1 : 0)] as number;
      const right = data[row + (x < width - 1 ? x + 1 : x)] as number;
      sums[row + x] = left + (data[row + x] as number) + right;
    }
  }
  for (let y = 0; y < height; y++) {
    const up = (y > 0 ? y - 1 : 0) * width;
    const row = y * width;
    const down = (y < height - 1 ? y + 1 : y) * width;
    for (let x = 0; x < width; x++) out[row + x] = ((sums[up + x] as number) + (sums[row + x] as number) + (sums[down + x] as number) + 4) / 9;
  }
  return { data: out, width, height };
}

/**
 * Maps the 1st..99th percentile of the image's levels onto 0..255. Null when that range is already wide (nothing gained).
 */
export function contrastStretch(image: LumaImage, buffer: Uint8Array): LumaImage | null {
  const src = image.data;
  const n = image.width * image.height;
  const histogram = new Uint32Array(256);
  for (let i = 0; i < n; i += 4) histogram[src[i] as number]!++; // a quarter of the pixels is plenty for percentiles
  const samples = Math.ceil(n / 4);
  const cut = Math.floor(samples * 0.01);
  let low = 0;
  for (let seen = 0; low < 255 && seen + (histogram[low] as number) <= cut; low++) seen += histogram[low] as number;
  let high = 255;
  for (let seen = 0; high > 0 && seen + (histogram[high] as number) <= cut; high--) seen += histogram[high] as number;
  if (high - low >= 160 || high <= low) return null;
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v++) table[v] = Math.max(0, Math.min(255, Math.round(((v - low) * 255) / (high - low))));
  const out = buffer.length >= n ? buffer.subarray(0, n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = table[src[i] as number] as number;
  return { data: out, width: image.width, height: image.height };
}

/**
 * Each pixel minus the mean of its (2r+1)^2 neighbourhood, divided by that neighbourhood's standard deviation
 * (integral images, so the cost does not depend on r), mapped to 0..255 around 128.
 */
export function localNormalize(image: LumaImage, buffer: Uint8Array, radius = 8): LumaImage {
  const { width, height, data } = image;
  const n = width * height;
  const w1 = width + 1;
  const sum = new Float64Array(w1 * (height + 1));
  const sq = new Float64Array(w1 * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    let rowSq = 0;
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x] as number;
      rowSum += v;
      rowSq += v * v;
      sum[(y + 1) * w1 + x + 1] = (sum[y * w1 + x + 1] as number) + rowSum;
      sq[(y + 1) * w1 + x + 1] = (sq[y * w1 + x + 1] as number) + rowSq;
    }
  }
  const out = buffer.length >= n ? buffer.subarray(0, n) : new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - radius);
    const y1 = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(width, x + radius + 1);
      const count = (y1 - y0) * (x1 - x0);
      const s = (sum[y1 * w1 + x1] as number) - (sum[y0 * w1 + x1] as number) - (sum[y1 * w1 + x0] as number) + (sum[y0 * w1 + x0] as number);
      const s2 = (sq[y1 * w1 + x1] as number) - (sq[y0 * w1 + x1] as number) - (sq[y1 * w1 + x0] as number) + (sq[y0 * w1 + x0] as number);
      const mean = s / count;
      const std = Math.sqrt(Math.max(0, s2 / count - mean * mean));
      const v = 128 + (((data[y * width + x] as number) - mean) * 64) / (std + 4);
      out[y * width + x] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return { data: out, width, height };
}

const BLOCK = 64;

function blockMeans(image: LumaImage): Float64Array {
  const bw = Math.ceil(image.width / BLOCK);
  const bh = Math.ceil(image.height / BLOCK);
  const sums = new Float64Array(bw * bh);
  const counts = new Float64Array(bw * bh);
  for (let y = 0; y < image.height; y++) {
    const row = Math.floor(y / BLOCK) * bw;
    for (let x = 0; x < image.width; x++) {
      const b = row + Math.floor(x / BLOCK);
      sums[b] = (sums[b] as number) + (image.data[y * image.width + x] as number);
      counts[b] = (counts[b] as number) + 1;
    }
  }
  for (let i = 0; i < sums.length; i++) sums[i] = (sums[i] as number) / (counts[i] as number);
  return sums;
}

function maxDifference(a: Float64Array, b: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}
