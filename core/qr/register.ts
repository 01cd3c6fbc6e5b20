/**
 * How far a hand moved a code between two frames of one still scene: the whole-pixel shift that best lays an earlier
 * frame over the current one, on the region where the code is.
 *
 * Why: averaging the last frames of a scene cuts sensor noise by the square root of their count, but a hand-held code
 * shakes by a pixel or two between frames, and an unaligned average of modules of 3 px blurs them away (the
 * benchmark's webcam bursts: no unaligned average read a frame that an aligned one reads). Whole pixels are enough:
 * what is left (under half a pixel) blurs a module less than the camera's own blur does.
 */
import type { LumaImage } from './scan-pipeline';
import type { Region } from './locate';

/** Largest shift looked for, each way (pixels): a hand's shake between two frames a tenth of a second apart. */
export const MAX_SHIFT = 4;
/** Every STRIDE-th pixel of every STRIDE-th row is compared: a code's edges are everywhere, a sample is plenty. */
const STRIDE = 3;
/** The first pass over every shift uses a sparser sample; the second refines within a pixel of its best. */
const COARSE_STRIDE = 6;

export interface Shift {
  readonly dx: number;
  readonly dy: number;
}

/**
 * The shift (dx, dy), each in -MAX_SHIFT..MAX_SHIFT, for which pixel (x + dx, y + dy) of `earlier` best matches pixel
 * (x, y) of `current` over region `r` (least sum of absolute differences over a sample). Both are whole frames of the
 * same size. Ties keep the smaller shift, so a flat or unchanged scene gives (0, 0).
 */
export function registerShift(current: LumaImage, earlier: LumaImage, r: Region): Shift {
  const { width, height } = current;
  if (earlier.width !== width || earlier.height !== height) throw new RangeError('Only frames of one size can be aligned.');
  // Sampled pixels stay inside the frame for every shift looked for.
  const x0 = Math.max(r.x, MAX_SHIFT);
  const x1 = Math.min(r.x + r.width, width - MAX_SHIFT);
  const y0 = Math.max(r.y, MAX_SHIFT);
  const y1 = Math.min(r.y + r.height, height - MAX_SHIFT);
  const search = (shifts: readonly Shift[], stride: number): Shift => {
    let best = shifts[0] as Shift;
    let bestCost = Infinity;
    for (const s of shifts) {
      const cost = difference(current.data, earlier.data, width, x0, x1, y0, y1, s.dy * width + s.dx, stride, bestCost);
      if (cost < bestCost) {
        bestCost = cost;
        best = s;
      }
    }
    return best;
  };
  const coarse = search(SHIFTS, COARSE_STRIDE);
  return search(SHIFTS.filter((s) => Math.abs(s.dx - coarse.dx) <= 1 && Math.abs(s.dy - coarse.dy) <= 1), STRIDE);
}

/** Every shift looked for, nearest first (so a tie keeps the smaller one). */
const SHIFTS: readonly Shift[] = (() => {
  const shifts: Shift[] = [];
  for (let dy = -MAX_SHIFT; dy <= MAX_SHIFT; dy++) for (let dx = -MAX_SHIFT; dx <= MAX_SHIFT; dx++) shifts.push({ dx, dy });
  return shifts.sort((p, q) => p.dx * p.dx + p.dy * p.dy - (q.dx * q.dx + q.dy * q.dy));
})();

/** Sum of absolute differences over a sample, given up once it reaches `bound` (a better shift is already known). */
function difference(a: Uint8Array, b: Uint8Array, width: number, x0: number, x1: number, y0: number, y1: number, offset: number, stride: number, bound: number): number {
  let cost = 0;
  for (let y = y0; y < y1 && cost < bound; y += stride) {
    const row = y * width;
    for (let x = x0; x < x1; x += stride) {
      const d = (a[row + x] as number) - (b[row + x + offset] as number);
      cost += d < 0 ? -d : d;
    }
  }
  return cost;
}
