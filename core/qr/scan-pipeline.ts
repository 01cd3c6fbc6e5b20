/**
 * One decoding pipeline for camera frames and image files: frame in, the QR text a decoder read in it out, or null.
 * The decoder is injected (zxing-wasm in the app and the CLI, see scan-pipeline-zxing.ts), so core stays pure.
 *
 * Why more than one decoder call: a webcam in a vault gives blurred, noisy, dim, unevenly lit, JPEG-mangled frames.
 *  1. crop: the code is usually where it was a frame ago; decoding a crop around it is several times cheaper.
 *  2. full frame, the decoder's usual local-average binarizer: exactly what zxing alone does, so a frame zxing reads
 *     costs what zxing costs.
 *  3. only when that fails, fallbacks on the region where the code probably is (locate.ts; the whole frame when
 *     nothing stands out): a 2x upscale (modules of about 3 px), the average of the last frames of one still scene,
 *     each aligned onto this one first (register.ts; sensor noise falls by the square root of the count), a 2x box
 *     downscale (averages out sensor noise and JPEG blocks), a 3x3 box smoothing, an unsharp mask (lens blur of half a
 *     module), a 2x upscale of the smoothed region (small modules under heavy noise), a local contrast normalisation
 *     (a dim code, or one half in shadow), a contrast stretch, the global-histogram binarizer, and the inverted region
 *     (a light-on-dark code: the decoder is not asked to invert every try). The fallback that read the last code goes
 *     first.
 *  4. time budget (`budgetMs`): an unread frame always gets one fallback (the next in turn), however long the full-frame
 *     try took; further ones run only while the frame's budget lasts, judged by what each step cost
 *     before; the ones left over run first on the next frame, so a still scene gets every fallback within a few frames
 *     and no frame takes much longer than zxing alone.
 * Evidence from earlier frames decides where and how to look, and adds pixels of the same still scene; it never
 * decides what the text is. Every text returned was read by the decoder (with its Reed-Solomon check) from this
 * frame's pixels, or from their average with the few frames just before it of the same scene, and passed `accept`.
 * So nothing comes out that was not in front of the camera; the UR CRC and the envelope checksum downstream reject
 * the rest (a mix of two codes at one spot fails Reed-Solomon long before that).
 */
import { locateCode } from './locate';
import { registerShift, type Shift } from './register';
import { unsharpMask, upscale2 } from './scan-filters';

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

export type ScanStep = 'crop' | 'full' | 'half' | 'enlarge' | 'smooth' | 'sharpen' | 'upscale' | 'stretch' | 'normalize' | 'global' | 'average' | 'invert';

export interface ScanResult {
  readonly text: string | null;
  /** The step that read it (null when nothing was read). */
  readonly step: ScanStep | null;
  /** Tries made for this frame (crop, full frame, each fallback). */
  readonly attempts: number;
  /** The fallbacks tried on this frame, in order (the rest waited for a later frame's budget, or were disabled). */
  readonly tried: readonly ScanStep[];
}

export interface ScanPipelineOptions {
  readonly decoder: QrImageDecoder;
  /** Extra check on a decoded text (e.g. "is a UR"); a text it refuses is treated as not read and the next step runs. */
  readonly accept?: (text: string) => boolean;
  /**
   * Time for one frame (ms): after the one fallback every unread frame gets, a further one starts only if what it cost
   * before still fits; the rest run first on the next frame. Default: no limit (one image file: `keyshard qr decode`).
   * The camera scanner sets one, so a hard scene costs each frame about what zxing alone costs plus one fallback on the
   * located code, and the fallbacks spread over the frames that follow.
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


/**
 * The camera scanner's time for one frame (ms): issue 15's p95 target. A frame past it is not waited for: the worker
 * drops the frames that arrive meanwhile, so time spent on one hard frame is time not spent on the newer ones.
 */
export const CAMERA_FRAME_BUDGET_MS = 20;

/**
 * In this order, after the one that read the last code. On a loaded machine a frame gets one fallback, so
 * the first ones matter most: of the benchmark's frames zxing alone misses (both presets, seed 1), the enlarged region
 * reads the small modules of the issue preset's hardest webcam burst, the aligned average reads every frame of a burst
 * after its first that any step reads, and the half size reads the noisiest ones.
 */
const FALLBACKS: readonly ScanStep[] = ['enlarge', 'average', 'half', 'smooth', 'sharpen', 'upscale', 'normalize', 'stretch', 'global', 'invert'];
/** Upscaling a region bigger than this (pixels) costs more than a whole frame's try: its modules are not small anyway. */
const MAX_UPSCALE_PIXELS = 400 * 400;
/** Frames averaged at most (a hand moves; older frames blur more than they denoise). */
const MAX_STACK = 4;
/** Largest difference of 64x64 block means (gray levels) between frames of one still scene: noise and a pixel or two of shake. */
const SAME_SCENE_LEVELS = 12;
/** Levels (1st..99th percentile) from which a contrast stretch gains nothing. */
const STRETCH_BELOW_LEVELS = 160;
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
  // Fallbacks left over when a frame's budget ran out: the next frame starts with them.
  let cursor = 0;
  // What each fallback cost per pixel before (ms), to judge whether it fits what is left of a frame's budget.
  const costPerPixel = new Map<ScanStep, number>();
  // Buffers reused across frames: a camera sends the same size over and over.
  let luma: Uint8Array = new Uint8Array(0);
  let scratch: Uint8Array = new Uint8Array(0);
  let normScratch: Uint8Array = new Uint8Array(0);
  let smoothScratch: Uint8Array = new Uint8Array(0);
  let rowSums: Uint16Array = new Uint16Array(0);
  // Copies of the last unread frames of one still scene, the current one last: aligned and averaged, they have less
  // sensor noise than any one of them. `spare` keeps dropped copies for reuse (a camera sends the same size).
  let stack: Uint8Array[] = [];
  let spare: Uint8Array[] = [];
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

  const LOCAL = { binarizer: 'local', tryHarder: true } as const;
  const GLOBAL = { binarizer: 'global', tryHarder: true } as const;

  /** Runs one fallback on `area` (the located code, or the whole frame at offset 0,0). Null: not read, or not applicable. */
  function runFallback(step: ScanStep, area: LumaImage, at: Region, image: LumaImage): DecoderHit | null {
    // The decoder's corners are in the coordinates of the image it was given: `scale` and `at` map them back.
    const decode = (input: LumaImage, hints: DecodeHints, scale: number): DecoderHit | null => {
      const hit = tryDecode(input, hints);
      if (hit !== null) remember(hit, scale, at.x, at.y, image);
      return hit;
    };
    const smoothed = (): LumaImage => {
      const n = area.width * area.height;
      if (rowSums.length < n) rowSums = new Uint16Array(n);
      const out = boxSmooth3(area, smoothScratch, rowSums);
      smoothScratch = out.data.buffer === smoothScratch.buffer ? smoothScratch : out.data;
      return out;
    };
    switch (step) {
      case 'half': {
        const half = downscale2(area, scratch);
        scratch = half.data.buffer === scratch.buffer ? scratch : half.data;
        return decode(half, LOCAL, 2);
      }
      case 'smooth':
        return decode(smoothed(), LOCAL, 1);
      case 'sharpen':
        return decode(unsharpMask(area), LOCAL, 1);
      case 'enlarge':
        return decode(upscale2(area), LOCAL, 0.5);
      case 'upscale':
        return decode(upscale2(smoothed()), LOCAL, 0.5);
      case 'normalize': {
        const half = downscale2(area, scratch);
        scratch = half.data.buffer === scratch.buffer ? scratch : half.data;
        const normalized = localNormalize(half, normScratch);
        normScratch = normalized.data.buffer === normScratch.buffer ? normScratch : normalized.data;
        return decode(normalized, GLOBAL, 2);
      }
      case 'stretch': {
        const stretched = contrastStretch(area, new Uint8Array(area.width * area.height));
        return stretched === null ? null : decode(stretched, LOCAL, 1); // null: already full range, nothing new to see
      }
      case 'global':
        return decode(area, GLOBAL, 1);
      case 'average': {
        const averaged = stackAverage(at, image);
        // Small modules read once enlarged (as 'enlarge' does for one frame); a larger region at half size.
        return (
          decode(averaged, LOCAL, 1) ??
          (at.width * at.height <= MAX_UPSCALE_PIXELS ? decode(upscale2(averaged), LOCAL, 0.5) : decode(downscale2(averaged, new Uint8Array(0)), LOCAL, 2))
        );
      }
      case 'invert': {
        // The decoder is not asked to try each image inverted (that doubles the cost of every unread try): keyshard's
        // codes are dark on light. A light-on-dark code is read here, a few frames later.
        const inverted = new Uint8Array(area.width * area.height);
        for (let i = 0; i < inverted.length; i++) inverted[i] = 255 - (area.data[i] as number);
        return decode({ data: inverted, width: area.width, height: area.height }, LOCAL, 1);
      }
      default:
        return null;
    }
  }

  function clearStack(): void {
    spare = [...spare, ...stack].slice(0, MAX_STACK);
    stack = [];
    stackBlocks = null;
  }

  /**
   * Adds an unread frame to the stack of the still scene (the oldest leaves past MAX_STACK). A frame whose coarse
   * picture (64x64 block means) differs from the last one's starts a new stack: only frames of the same scene are
   * averaged, so the average shows what this frame shows, with less noise.
   */
  function stackFrame(image: LumaImage): void {
    const blocks = blockMeans(image);
    const { width, height } = image;
    const n = width * height;
    const same = stackBlocks !== null && stackWidth === width && stackHeight === height && maxDifference(blocks, stackBlocks) < SAME_SCENE_LEVELS;
    if (!same) clearStack();
    else if (stack.length >= MAX_STACK) spare.push(stack.shift() as Uint8Array);
    let copy = spare.pop();
    if (copy === undefined || copy.length !== n) copy = new Uint8Array(n);
    copy.set(image.data.subarray(0, n));
    stack.push(copy);
    stackBlocks = blocks;
    stackWidth = width;
    stackHeight = height;
  }

  /**
   * The average of the stacked frames over one region, each earlier frame first shifted onto the current one (a hand
   * moves the code a pixel or two between frames; unaligned, small modules blur away in the average).
   */
  function stackAverage(r: Region, current: LumaImage): LumaImage {
    const shifts: Shift[] = stack.map((f, k) => (k === stack.length - 1 ? { dx: 0, dy: 0 } : registerShift(current, { data: f, width: stackWidth, height: stackHeight }, r)));
    const sums = new Uint16Array(r.width * r.height);
    stack.forEach((f, k) => {
      const { dx, dy } = shifts[k] as Shift;
      for (let row = 0; row < r.height; row++) {
        const y = Math.min(stackHeight - 1, Math.max(0, r.y + row + dy)) * stackWidth;
        for (let x = 0; x < r.width; x++) {
          const i = row * r.width + x;
          sums[i] = (sums[i] as number) + (f[y + Math.min(stackWidth - 1, Math.max(0, r.x + x + dx))] as number);
        }
      }
    });
    const count = stack.length;
    const out = new Uint8Array(r.width * r.height);
    for (let i = 0; i < out.length; i++) out[i] = ((sums[i] as number) + (count >> 1)) / count;
    return { data: out, width: r.width, height: r.height };
  }

  /** Steps with nothing to try on this frame: no earlier frame to average with, a region too big to enlarge, or one whose levels already span the range (nothing to stretch). */
  function applies(step: ScanStep, pixels: number, levels: number): boolean {
    if (step === 'average') return stack.length >= 2;
    if (step === 'stretch') return levels < STRETCH_BELOW_LEVELS;
    if (step === 'enlarge' || step === 'upscale') return pixels <= MAX_UPSCALE_PIXELS;
    return true;
  }

  return {
    scan(frame) {
      const start = now();
      const image = lumaOf(frame);
      let attempts = 0;
      const tried: ScanStep[] = [];
      const done = (text: string | null, step: ScanStep | null): ScanResult => ({ text, step, attempts, tried });
      const read = (text: string, step: ScanStep): ScanResult => {
        clearStack();
        cursor = 0;
        return done(text, step);
      };

      if (lastRegion !== null && !disabled.has('crop')) {
        const r = lastRegion;
        if (r.width * r.height <= MAX_CROP_SHARE * image.width * image.height) {
          const crop = cropOf(image, r, scratch);
          scratch = crop.data.buffer === scratch.buffer ? scratch : crop.data;
          attempts++;
          const hit = tryDecode(crop, LOCAL);
          if (hit !== null) {
            remember(hit, 1, r.x, r.y, image);
            return read(hit.text, 'crop');
          }
        }
      }
      if (!disabled.has('full')) {
        attempts++;
        const hit = tryDecode(image, LOCAL);
        if (hit !== null) {
          remember(hit, 1, 0, 0, image);
          return read(hit.text, 'full');
        }
      }
      lastRegion = null;
      if (!disabled.has('average')) stackFrame(image);
      // Where the fallbacks look: the located code, or the whole frame when it does not stand out (or is most of it).
      const found = locateCode(image);
      const whole: Region = { x: 0, y: 0, width: image.width, height: image.height };
      const at = found !== null && found.width * found.height <= MAX_CROP_SHARE * image.width * image.height ? found : whole;
      const area = at === whole ? image : cropOf(image, at, new Uint8Array(at.width * at.height));
      const pixels = at.width * at.height;
      const levels = levelRange(area);
      const order = (lastFallback === null ? FALLBACKS : [lastFallback, ...FALLBACKS.filter((s) => s !== lastFallback)]).filter((s) => !disabled.has(s));
      let skipped = -1;
      for (let k = 0; k < order.length; k++) {
        const i = (cursor + k) % order.length;
        const step = order[i] as ScanStep;
        if (!applies(step, pixels, levels.high - levels.low)) {
          // Not tried: the next frame comes back to it (averaging has something to add from the second frame on).
          if (skipped < 0) skipped = i;
          continue;
        }
        const cost = costPerPixel.get(step);
        const elapsed = now() - start;
        // The first fallback of an unread frame always runs: on a slow or loaded machine the full-frame try alone can
        // take the whole budget, and the scanner would then read only what zxing alone reads. The budget limits the rest.
        if (tried.length > 0 && (elapsed >= budgetMs || (cost !== undefined && elapsed + cost * pixels > budgetMs))) {
          // Does not fit: the next frame starts with it. Its cost estimate decays slowly, so one slow run under load bars
          // it not for good, while a step that really does not fit runs only now and then (once in ~15 frames or more).
          if (cost !== undefined) costPerPixel.set(step, cost * 0.98);
          if (skipped < 0) skipped = i;
          continue;
        }
        attempts++;
        tried.push(step);
        const t0 = now();
        const hit = runFallback(step, area, at, image);
        const spent = (now() - t0) / pixels;
        costPerPixel.set(step, cost === undefined ? spent : 0.7 * cost + 0.3 * spent);
        if (hit !== null) {
          lastFallback = step;
          return read(hit.text, step);
        }
      }
      cursor = skipped < 0 ? 0 : skipped;
      return done(null, null);
    },
    reset() {
      clearStack();
      lastRegion = null;
      lastFallback = null;
      cursor = 0;
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
  const { low, high } = levelRange(image);
  if (high - low >= STRETCH_BELOW_LEVELS || high <= low) return null;
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v++) table[v] = Math.max(0, Math.min(255, Math.round(((v - low) * 255) / (high - low))));
  const out = buffer.length >= n ? buffer.subarray(0, n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = table[src[i] as number] as number;
  return { data: out, width: image.width, height: image.height };
}

/** The 1st and 99th percentile of an image's levels (from a quarter of its pixels: plenty for percentiles). */
export function levelRange(image: LumaImage): { low: number; high: number } {
  const src = image.data;
  const n = image.width * image.height;
  const histogram = new Uint32Array(256);
  for (let i = 0; i < n; i += 4) histogram[src[i] as number]!++;
  const cut = Math.floor(Math.ceil(n / 4) * 0.01);
  let low = 0;
  for (let seen = 0; low < 255 && seen + (histogram[low] as number) <= cut; low++) seen += histogram[low] as number;
  let high = 255;
  for (let seen = 0; high > 0 && seen + (histogram[high] as number) <= cut; high--) seen += histogram[high] as number;
  return { low, high };
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
