/**
 * Two image steps of the scan pipeline for codes its other steps miss, each run on the located code only (a few
 * hundred pixels a side), so they fit a frame's time budget.
 */
import type { LumaImage } from './scan-pipeline';

/**
 * Unsharp mask: each pixel pushed away from the mean of its (2r+1)^2 box by `amount` times the difference. Why: a lens
 * blur of about half a module (sigma 0.45 module) smears the 1:1:3:1:1 finder patterns until the local binarizer merges
 * the one-module rings; pushing each pixel away from its neighbourhood's mean restores the edges. r = 2, amount 3 read
 * the blur bursts of the benchmark's set that nothing else reads.
 */
export function unsharpMask(image: LumaImage, radius = 2, amount = 3): LumaImage {
  const { width, height, data } = image;
  const blurred = boxMean(data, width, height, radius);
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) {
    const v = data[i] as number;
    const s = v + amount * (v - (blurred[i] as number));
    out[i] = s < 0 ? 0 : s > 255 ? 255 : s;
  }
  return { data: out, width, height };
}

/**
 * Bilinear 2x upscale (pixel centres kept). Why: after a 3x3 smoothing has taken out sensor noise, modules of 2.6-3.3
 * pixels are too narrow for the local binarizer's window and finder search; at twice the size they are not, and the
 * interpolation adds no detail that was not there.
 */
export function upscale2(image: LumaImage): LumaImage {
  const { width: w, height: h, data } = image;
  const W = w * 2;
  const H = h * 2;
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(h - 1, Math.max(0, (y - 0.5) / 2));
    const y0 = Math.floor(sy);
    const y1 = Math.min(h - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < W; x++) {
      const sx = Math.min(w - 1, Math.max(0, (x - 0.5) / 2));
      const x0 = Math.floor(sx);
      const x1 = Math.min(w - 1, x0 + 1);
      const fx = sx - x0;
      const top = (data[y0 * w + x0] as number) * (1 - fx) + (data[y0 * w + x1] as number) * fx;
      const bottom = (data[y1 * w + x0] as number) * (1 - fx) + (data[y1 * w + x1] as number) * fx;
      out[y * W + x] = top * (1 - fy) + bottom * fy + 0.5;
    }
  }
  return { data: out, width: W, height: H };
}

/** Mean of each pixel's (2r+1)^2 box (clipped at the edges), by running sums along rows then columns. */
function boxMean(data: Uint8Array, width: number, height: number, r: number): Float32Array {
  const rows = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    let sum = 0;
    for (let x = 0; x <= Math.min(r, width - 1); x++) sum += data[base + x] as number;
    for (let x = 0; x < width; x++) {
      const lo = Math.max(0, x - r);
      const hi = Math.min(width - 1, x + r);
      rows[base + x] = sum / (hi - lo + 1);
      if (x + r + 1 < width) sum += data[base + x + r + 1] as number;
      if (x - r >= 0) sum -= data[base + x - r] as number;
    }
  }
  const out = new Float32Array(width * height);
  for (let x = 0; x < width; x++) {
    let sum = 0;
    for (let y = 0; y <= Math.min(r, height - 1); y++) sum += rows[y * width + x] as number;
    for (let y = 0; y < height; y++) {
      const lo = Math.max(0, y - r);
      const hi = Math.min(height - 1, y + r);
      out[y * width + x] = sum / (hi - lo + 1);
      if (y + r + 1 < height) sum += rows[(y + r + 1) * width + x] as number;
      if (y - r >= 0) sum -= rows[(y - r) * width + x] as number;
    }
  }
  return out;
}
