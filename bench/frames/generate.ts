/**
 * A seeded set of degraded 1280x720 camera frames showing keyshard's own shard QR codes (single codes and animated
 * parts, from core/qr), for the decode benchmark and the scan pipeline's tests. Frames are made on demand from
 * (seed, category, index): the repository keeps this generator, not the images.
 *
 * Each frame: the code's module matrix drawn on a sheet of paper (quiet zone + margin) over a textured background,
 * placed by a homography (size, rotation, perspective), supersampled 2x2; then, in the order a camera adds them:
 * uneven light, lens blur, lost contrast, sensor noise, JPEG-like compression (8x8 DCT quantisation with the JPEG
 * luminance table), 8-bit quantisation. Categories push one of these hard; `webcam` mixes them all at moderate levels.
 * Frames come in bursts of BURST_LENGTH showing one sheet (as a camera does), so a scanner may use the last frame.
 *
 * Presets (FRAME_PRESETS): `harsh` is the set every run so far used. `issue` is the same frames (same codes, placement,
 * noise seeds) with each category's hard parameters moved part of the way back towards the clean frame, by one
 * severity for the single-degradation categories and one for the webcam mixes. The two severities were chosen by
 * zxing-wasm alone, never by keyshard's pipeline: on seed 1, zxing alone reads about what issue 15 says it reads on its
 * set (99% of frames, 85% of webcam mixes); the decode bench prints that calibration on every run.
 */
import { createQrMatrix, planQrFrames, planTexts } from '../../core/qr/index';
import { seededBytes, seededRng, type Rng } from '../../test/helpers/prng';

export const FRAME_WIDTH = 1280;
/** Consecutive frames showing the same sheet in the same place (a hand shakes it by a pixel or two). */
export const BURST_LENGTH = 4;
export const FRAME_HEIGHT = 720;
/** The `issue` preset's severities (see FRAME_PRESETS): calibrated by zxing-wasm alone on seed 1. */
const ISSUE_SEVERITY = 0.7;
const ISSUE_WEBCAM_SEVERITY = 0.8;

export const CATEGORIES = ['small', 'rotation', 'perspective', 'blur', 'noise', 'contrast', 'light', 'jpeg', 'webcam'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface GrayFrame {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export interface TestFrame {
  readonly category: Category;
  readonly index: number;
  /** The text the code in the frame holds. */
  readonly text: string;
  readonly frame: GrayFrame;
}

/** How to draw one frame; every field drawn from the seeded generator by category. */
export interface FrameSpec {
  text: string;
  /** Pixels per module. */
  modulePx: number;
  rotationDeg: number;
  /** Corner displacement as a share of the code's size (0 = flat). */
  perspective: number;
  /** Lens blur, Gaussian sigma in pixels. */
  blurSigma: number;
  /** Sensor noise, Gaussian sigma in gray levels. */
  noiseSigma: number;
  /** Levels of the printed code as the camera sees them (before light and noise). */
  ink: number;
  paper: number;
  /** Darkest share of the light field over the frame (1 = even light). */
  lightMin: number;
  /** A soft-edged shadow across the frame at this factor (1 = none). */
  shadow: number;
  /** JPEG quality 1..100, or 0 for none. */
  jpegQuality: number;
  /** Hand shake between frames of a burst: up to this many pixels each way (default 1.5). */
  shakePx?: number;
}

/** keyshard's codes: single codes for envelopes of a few sizes, and animated parts of 1, 4 and 16 KB envelopes. */
export function sourceTexts(seed = 1): string[] {
  const texts: string[] = [];
  for (const size of [90, 160, 260, 420]) {
    texts.push(...planTexts(planQrFrames(seededBytes(seed + size, size))));
  }
  for (const size of [1024, 4096, 16384]) {
    const plan = planQrFrames(seededBytes(seed + size, size));
    if (plan.kind !== 'animated') throw new Error('expected an animated plan');
    // Plain and mixed parts, a handful of each envelope.
    texts.push(...plan.parts(4, 1), ...plan.parts(4, plan.partCount + 3));
  }
  return texts;
}

const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();

/** How hard a set is: 1 = each category's full range (harsh), 0 = the clean frame every category starts from. */
export interface FramePreset {
  readonly name: string;
  /** For small, rotation, perspective, blur, noise, contrast, light and jpeg. */
  readonly severity: number;
  /** For the webcam mixes. */
  readonly webcamSeverity: number;
}

export const FRAME_PRESETS = {
  harsh: { name: 'harsh', severity: 1, webcamSeverity: 1 },
  issue: { name: 'issue', severity: ISSUE_SEVERITY, webcamSeverity: ISSUE_WEBCAM_SEVERITY },
} as const satisfies Record<string, FramePreset>;

export type FramePresetName = keyof typeof FRAME_PRESETS;

/** A spec moved `t` of the way from the clean frame `base` to the category's `hard` one. JPEG "none" counts as 100. */
function blendSpec(base: FrameSpec, hard: FrameSpec, t: number): FrameSpec {
  if (t >= 1) return hard;
  const mix = (a: number, b: number) => a + t * (b - a);
  const quality = (q: number) => (q === 0 ? 100 : q);
  const jpeg = hard.jpegQuality === 0 ? base.jpegQuality : Math.round(mix(quality(base.jpegQuality), hard.jpegQuality));
  return {
    ...hard,
    modulePx: mix(base.modulePx, hard.modulePx),
    rotationDeg: mix(base.rotationDeg, hard.rotationDeg),
    perspective: mix(base.perspective, hard.perspective),
    blurSigma: mix(base.blurSigma, hard.blurSigma),
    noiseSigma: mix(base.noiseSigma, hard.noiseSigma),
    ink: mix(base.ink, hard.ink),
    paper: mix(base.paper, hard.paper),
    lightMin: mix(base.lightMin, hard.lightMin),
    shadow: mix(base.shadow, hard.shadow),
    jpegQuality: jpeg >= 100 ? 0 : jpeg,
  };
}

/** The spec of frame `index` of `category`: a pure function of its arguments. */
export function frameSpec(category: Category, index: number, texts: readonly string[], seed = 1, preset: FramePreset = FRAME_PRESETS.harsh): FrameSpec {
  // Frames come in bursts of BURST_LENGTH, as from a camera: one sheet held still, a new noise pattern each frame.
  const burst = Math.floor(index / BURST_LENGTH);
  const rng = seededRng(seed * 7919 + CATEGORIES.indexOf(category) * 100_003 + burst * 31);
  const text = texts[Math.floor(rng() * texts.length)] as string;
  // A clean, sharp, evenly lit code of comfortable size; each category then makes one thing hard.
  const spec: FrameSpec = {
    text,
    modulePx: between(rng, 3.5, 6),
    rotationDeg: between(rng, -8, 8),
    perspective: between(rng, 0, 0.04),
    blurSigma: between(rng, 0.4, 0.8),
    noiseSigma: between(rng, 2, 5),
    ink: between(rng, 25, 45),
    paper: between(rng, 200, 235),
    lightMin: between(rng, 0.85, 1),
    shadow: 1,
    jpegQuality: 0,
  };
  const base = { ...spec };
  switch (category) {
    case 'small':
      spec.modulePx = between(rng, 1.8, 2.6);
      spec.blurSigma = between(rng, 0.3, 0.55);
      break;
    case 'rotation':
      spec.rotationDeg = between(rng, 0, 360);
      break;
    case 'perspective':
      spec.perspective = between(rng, 0.1, 0.2);
      spec.rotationDeg = between(rng, -20, 20);
      break;
    case 'blur':
      spec.blurSigma = spec.modulePx * between(rng, 0.3, 0.45);
      break;
    case 'noise':
      spec.noiseSigma = between(rng, 18, 36);
      break;
    case 'contrast': {
      const mid = between(rng, 70, 190);
      const range = between(rng, 14, 30);
      spec.ink = mid - range / 2;
      spec.paper = mid + range / 2;
      spec.noiseSigma = between(rng, 1, 3);
      break;
    }
    case 'light':
      spec.lightMin = between(rng, 0.12, 0.35);
      spec.shadow = rng() < 0.5 ? between(rng, 0.3, 0.5) : 1;
      break;
    case 'jpeg':
      spec.jpegQuality = Math.round(between(rng, 8, 25));
      spec.noiseSigma = between(rng, 3, 8);
      break;
    case 'webcam': {
      spec.modulePx = between(rng, 2.6, 5);
      spec.rotationDeg = between(rng, -25, 25);
      spec.perspective = between(rng, 0.04, 0.14);
      spec.blurSigma = spec.modulePx * between(rng, 0.15, 0.3);
      spec.noiseSigma = between(rng, 6, 14);
      const mid = between(rng, 90, 170);
      const range = between(rng, 45, 120);
      spec.ink = mid - range / 2;
      spec.paper = mid + range / 2;
      spec.lightMin = between(rng, 0.45, 0.85);
      spec.shadow = rng() < 0.3 ? between(rng, 0.55, 0.75) : 1;
      spec.jpegQuality = Math.round(between(rng, 35, 75));
      break;
    }
  }
  return blendSpec(base, spec, category === 'webcam' ? preset.webcamSeverity : preset.severity);
}

/**
 * Draws the frame a spec describes. `seed` drives placement, background and light; `noiseSeed` (default: seed) the
 * frame's own hand shake and sensor noise, so frames of one burst share the first and differ in the second.
 */
export function renderFrame(spec: FrameSpec, seed: number, noiseSeed = seed): GrayFrame {
  const rng = seededRng(seed);
  const frameRng = seededRng(noiseSeed ^ 0x5bd1e995);
  const width = FRAME_WIDTH;
  const height = FRAME_HEIGHT;
  const matrix = createQrMatrix(spec.text);
  const quiet = 4;
  const margin = 2; // paper beyond the quiet zone
  const total = matrix.size + 2 * (quiet + margin);
  // Placement: a rotated, corner-jittered square (unit side first), scaled down if it would not fit the frame.
  const theta = (spec.rotationDeg * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const base: [number, number][] = [[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]];
  const unit = base.map(([u, v]) => {
    const ju = u + (rng() * 2 - 1) * spec.perspective;
    const jv = v + (rng() * 2 - 1) * spec.perspective;
    return [ju * cos - jv * sin, ju * sin + jv * cos] as [number, number];
  });
  const extentX = Math.max(...unit.map((p) => p[0])) - Math.min(...unit.map((p) => p[0]));
  const extentY = Math.max(...unit.map((p) => p[1])) - Math.min(...unit.map((p) => p[1]));
  const side = Math.min(total * spec.modulePx, (width - 12) / extentX, (height - 12) / extentY);
  const local = unit.map(([x, y]) => [x * side, y * side] as [number, number]);
  const minX = Math.min(...local.map((p) => p[0]));
  const maxX = Math.max(...local.map((p) => p[0]));
  const minY = Math.min(...local.map((p) => p[1]));
  const maxY = Math.max(...local.map((p) => p[1]));
  const shake = noiseSeed === seed ? 0 : 2 * (spec.shakePx ?? 1.5);
  const shakeX = shake === 0 ? 0 : (frameRng() - 0.5) * shake;
  const shakeY = shake === 0 ? 0 : (frameRng() - 0.5) * shake;
  const cx = between(rng, -minX + 4, Math.max(-minX + 4, width - maxX - 4)) + shakeX;
  const cy = between(rng, -minY + 4, Math.max(-minY + 4, height - maxY - 4)) + shakeY;
  const quad = local.map(([x, y]) => [x + cx, y + cy] as [number, number]);
  // Image -> code coordinates (modules from the paper's corner).
  const toCode = homography(quad, [[0, 0], [total, 0], [total, total], [0, total]]);

  // Background: a smooth gradient with a few soft blobs (a desk, a sleeve).
  const field = new Float32Array(width * height);
  const bg0 = between(rng, 60, 140);
  const gx = between(rng, -0.05, 0.05);
  const gy = between(rng, -0.05, 0.05);
  const blobs = Array.from({ length: 4 }, () => ({ x: rng() * width, y: rng() * height, r: between(rng, 40, 200), d: between(rng, -50, 50) }));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) field[y * width + x] = bg0 + gx * x + gy * y;
  for (const b of blobs) {
    for (let y = Math.max(0, Math.floor(b.y - b.r)); y < Math.min(height, Math.ceil(b.y + b.r)); y++) {
      for (let x = Math.max(0, Math.floor(b.x - b.r)); x < Math.min(width, Math.ceil(b.x + b.r)); x++) {
        const dx = x - b.x;
        const dy = y - b.y;
        field[y * width + x] = (field[y * width + x] as number) + b.d * Math.max(0, 1 - Math.sqrt(dx * dx + dy * dy) / b.r);
      }
    }
  }

  // The sheet, supersampled 2x2 within its bounding box.
  const [h0, h1, h2, h3, h4, h5, h6, h7] = toCode as [number, number, number, number, number, number, number, number];
  const x0 = Math.max(0, Math.floor(Math.min(...quad.map((p) => p[0]))));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(...quad.map((p) => p[0]))));
  const y0 = Math.max(0, Math.floor(Math.min(...quad.map((p) => p[1]))));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...quad.map((p) => p[1]))));
  const offset = quiet + margin;
  const { size, modules } = matrix;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      let sum = 0;
      let inside = 0;
      for (const sy of [0.25, 0.75]) {
        for (const sx of [0.25, 0.75]) {
          const px = x + sx;
          const py = y + sy;
          const w = h6 * px + h7 * py + 1;
          const u = (h0 * px + h1 * py + h2) / w;
          const v = (h3 * px + h4 * py + h5) / w;
          if (u < 0 || v < 0 || u >= total || v >= total) continue;
          inside++;
          const col = Math.floor(u) - offset;
          const row = Math.floor(v) - offset;
          const dark = col >= 0 && row >= 0 && col < size && row < size && modules[row * size + col] === 1;
          sum += dark ? spec.ink : spec.paper;
        }
      }
      if (inside > 0) {
        const i = y * width + x;
        field[i] = (sum + (4 - inside) * (field[i] as number)) / 4;
      }
    }
  }

  // Uneven light: a linear falloff in a random direction, and maybe a soft shadow edge.
  if (spec.lightMin < 1 || spec.shadow < 1) {
    const angle = rng() * 2 * Math.PI;
    const dx = Math.cos(angle);
    const dy = Math.sin(angle);
    const span = Math.abs(dx) * width + Math.abs(dy) * height;
    const start = Math.min(0, dx * width) + Math.min(0, dy * height);
    const sAngle = rng() * 2 * Math.PI;
    const sx = Math.cos(sAngle);
    const sy = Math.sin(sAngle);
    const sEdge = sx * cx + sy * cy + between(rng, -0.2, 0.2) * side;
    const soft = Math.max(4, side * 0.05);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const t = (dx * x + dy * y - start) / span;
        let light = spec.lightMin + (1 - spec.lightMin) * t;
        if (spec.shadow < 1) {
          const s = (sx * x + sy * y - sEdge) / soft;
          const inShadow = s <= -1 ? 1 : s >= 1 ? 0 : (1 - s) / 2;
          light *= 1 - (1 - spec.shadow) * inShadow;
        }
        field[y * width + x] = (field[y * width + x] as number) * light;
      }
    }
  }

  if (spec.blurSigma > 0.1) gaussianBlur(field, width, height, spec.blurSigma);

  if (spec.noiseSigma > 0) {
    for (let i = 0; i < field.length; i += 2) {
      // Box-Muller: two normal samples per pair of uniforms.
      const r = Math.sqrt(-2 * Math.log(1 - frameRng())) * spec.noiseSigma;
      const a = 2 * Math.PI * frameRng();
      field[i] = (field[i] as number) + r * Math.cos(a);
      if (i + 1 < field.length) field[i + 1] = (field[i + 1] as number) + r * Math.sin(a);
    }
  }

  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(field[i] as number)));
  if (spec.jpegQuality > 0) jpegRoundTrip(out, width, height, spec.jpegQuality);
  return { data: out, width, height };
}

/** The frames of a category, made one at a time (a 1280x720 frame is ~1 MB gray, ~3.7 MB RGBA). */
export function* categoryFrames(category: Category, count: number, seed = 1, texts = sourceTexts(seed), preset: FramePreset = FRAME_PRESETS.harsh): Generator<TestFrame> {
  for (let index = 0; index < count; index++) yield categoryFrame(category, index, seed, texts, preset);
}

/** Frame `index` of a category alone (what categoryFrames gives at that index). */
export function categoryFrame(category: Category, index: number, seed = 1, texts = sourceTexts(seed), preset: FramePreset = FRAME_PRESETS.harsh): TestFrame {
  const spec = frameSpec(category, index, texts, seed, preset);
  const placement = seed * 1_000_003 + CATEGORIES.indexOf(category) * 10_007 + Math.floor(index / BURST_LENGTH);
  return { category, index, text: spec.text, frame: renderFrame(spec, placement, placement * 64 + (index % BURST_LENGTH) + 1) };
}

export function grayToRgba(gray: GrayFrame): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(gray.width * gray.height * 4);
  for (let i = 0, j = 0; i < gray.data.length; i++, j += 4) {
    const v = gray.data[i] as number;
    rgba[j] = v;
    rgba[j + 1] = v;
    rgba[j + 2] = v;
    rgba[j + 3] = 255;
  }
  return rgba;
}

/**
 * The projective map taking the four `from` points to the four `to` points, as [a,b,c,d,e,f,g,h] with
 * u = (a x + b y + c) / (g x + h y + 1), v = (d x + e y + f) / (g x + h y + 1).
 */
function homography(from: readonly [number, number][], to: readonly [number, number][]): number[] {
  const rows: number[][] = [];
  for (let k = 0; k < 4; k++) {
    const [x, y] = from[k] as [number, number];
    const [u, v] = to[k] as [number, number];
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // Gauss-Jordan elimination with partial pivoting on the 8x9 augmented matrix.
  for (let c = 0; c < 8; c++) {
    let pivot = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(rows[r]![c]!) > Math.abs(rows[pivot]![c]!)) pivot = r;
    [rows[c], rows[pivot]] = [rows[pivot]!, rows[c]!];
    const p = rows[c]![c]!;
    for (let k = c; k < 9; k++) rows[c]![k]! /= p;
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = rows[r]![c]!;
      if (f === 0) continue;
      for (let k = c; k < 9; k++) rows[r]![k]! -= f * rows[c]![k]!;
    }
  }
  return rows.map((r) => r[8]!);
}

/** Three box blurs approximate a Gaussian (widths from the standard sigma-to-boxes formula). */
function gaussianBlur(data: Float32Array, width: number, height: number, sigma: number): void {
  const n = 3;
  const ideal = Math.sqrt((12 * sigma * sigma) / n + 1);
  let wl = Math.floor(ideal);
  if (wl % 2 === 0) wl--;
  const m = Math.round((12 * sigma * sigma - n * wl * wl - 4 * n * wl - 3 * n) / (-4 * wl - 4));
  const tmp = new Float32Array(data.length);
  for (let i = 0; i < n; i++) {
    const r = ((i < m ? wl : wl + 2) - 1) / 2;
    if (r < 1) continue;
    boxPass(data, tmp, width, height, r, 1, width);
    boxPass(tmp, data, height, width, r, width, 1);
  }
}

/** One running-sum box blur of radius r along lines: `lines` lines of `length` samples, `step` apart, lines `stride` apart. */
function boxPass(src: Float32Array, dst: Float32Array, lines: number, length: number, r: number, stride: number, step: number): void {
  // Fractional radius: blend the two neighbouring integer radii.
  const r0 = Math.floor(r);
  const frac = r - r0;
  for (let line = 0; line < lines; line++) {
    const base = line * stride;
    const at = (k: number) => src[base + Math.max(0, Math.min(length - 1, k)) * step] as number;
    let sum = 0;
    for (let k = -r0; k <= r0; k++) sum += at(k);
    for (let k = 0; k < length; k++) {
      const edge = frac > 0 ? frac * (at(k - r0 - 1) + at(k + r0 + 1)) : 0;
      dst[base + k * step] = (sum + edge) / (2 * r0 + 1 + 2 * frac);
      sum += at(k + r0 + 1) - at(k - r0);
    }
  }
}

/** The JPEG standard's luminance quantisation table (Annex K), in row order. */
const LUMA_QUANT = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56,
  68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

const COS = (() => {
  const t = new Float64Array(64);
  for (let x = 0; x < 8; x++) for (let u = 0; u < 8; u++) t[x * 8 + u] = Math.cos(((2 * x + 1) * u * Math.PI) / 16) * (u === 0 ? Math.SQRT1_2 : 1) / 2;
  return t;
})();

/** What a JPEG encoder at `quality` does to a gray image: 8x8 DCT, quantise with the scaled table, back again. */
function jpegRoundTrip(img: Uint8Array, width: number, height: number, quality: number): void {
  const scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
  const q = LUMA_QUANT.map((v) => Math.max(1, Math.min(255, Math.floor((v * scale + 50) / 100))));
  const block = new Float64Array(64);
  const tmp = new Float64Array(64);
  for (let by = 0; by + 8 <= height; by += 8) {
    for (let bx = 0; bx + 8 <= width; bx += 8) {
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) block[y * 8 + x] = (img[(by + y) * width + bx + x] as number) - 128;
      // Forward DCT: rows then columns.
      for (let y = 0; y < 8; y++) for (let u = 0; u < 8; u++) {
        let s = 0;
        for (let x = 0; x < 8; x++) s += block[y * 8 + x]! * COS[x * 8 + u]!;
        tmp[y * 8 + u] = s;
      }
      for (let u = 0; u < 8; u++) for (let v = 0; v < 8; v++) {
        let s = 0;
        for (let y = 0; y < 8; y++) s += tmp[y * 8 + u]! * COS[y * 8 + v]!;
        const k = v * 8 + u;
        block[k] = Math.round(s / q[k]!) * q[k]!;
      }
      // Inverse DCT: columns then rows.
      for (let u = 0; u < 8; u++) for (let y = 0; y < 8; y++) {
        let s = 0;
        for (let v = 0; v < 8; v++) s += block[v * 8 + u]! * COS[y * 8 + v]!;
        tmp[y * 8 + u] = s;
      }
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
        let s = 0;
        for (let u = 0; u < 8; u++) s += tmp[y * 8 + u]! * COS[x * 8 + u]!;
        img[(by + y) * width + bx + x] = Math.max(0, Math.min(255, Math.round(s + 128)));
      }
    }
  }
}
