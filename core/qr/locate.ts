/**
 * Where in a frame a QR code probably is, found without a decoder: a code is the one patch of a camera frame whose
 * 4x4-pixel means swing hard between dark and light over a short distance (its modules), where paper, a desk, a light
 * gradient or a soft shadow change slowly and sensor noise averages out in the means.
 *
 * Why: zxing reports no position when it fails, so without this every fallback (smoothing, upscaling, other
 * binarizers) has to run on the whole 1280x720 frame. Run on the located region instead, they cost a fifth to a
 * twentieth as much, which is what lets them fit a frame's time budget. Only where to look comes from here; what the
 * text is still comes from the decoder reading those pixels.
 */
import type { LumaImage } from './scan-pipeline';

export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Pixels averaged into one cell (noise falls 4x, modules of up to ~4 px still show). */
const CELL = 4;
/** Cells per tile side: a tile is 32x32 pixels. */
const TILE = 8;
/** A tile belongs to the code when its spread is at least this share of the busiest tile's. */
const SHARE = 0.3;
/** Below this spread (gray levels of the cell means) nothing in the frame looks like a code. */
const MIN_SPREAD = 3;

/**
 * The bounding box (grown by one tile on each side, clipped to the frame) of the largest connected group of busy
 * tiles, or null when no tile is busy. Cost: one pass over the pixels.
 */
export function locateCode(image: LumaImage): Region | null {
  const { width, height, data } = image;
  const cw = Math.floor(width / CELL);
  const ch = Math.floor(height / CELL);
  if (cw < TILE || ch < TILE) return null;
  const cells = new Float32Array(cw * ch);
  for (let y = 0; y < ch * CELL; y++) {
    const row = y * width;
    const crow = (y >> 2) * cw;
    for (let x = 0; x < cw * CELL; x += CELL) {
      const i = row + x;
      cells[crow + (x >> 2)] = (cells[crow + (x >> 2)] as number) + (data[i] as number) + (data[i + 1] as number) + (data[i + 2] as number) + (data[i + 3] as number);
    }
  }
  // Spread of a tile: mean absolute difference between neighbouring cell means (a light gradient gives almost none).
  const tw = Math.ceil(cw / TILE);
  const th = Math.ceil(ch / TILE);
  const spread = new Float32Array(tw * th);
  const count = new Float32Array(tw * th);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const v = cells[y * cw + x] as number;
      let d = 0;
      let k = 0;
      if (x + 1 < cw) {
        d += Math.abs(v - (cells[y * cw + x + 1] as number));
        k++;
      }
      if (y + 1 < ch) {
        d += Math.abs(v - (cells[(y + 1) * cw + x] as number));
        k++;
      }
      if (k === 0) continue;
      const t = Math.floor(y / TILE) * tw + Math.floor(x / TILE);
      spread[t] = (spread[t] as number) + d / k / (CELL * CELL);
      count[t] = (count[t] as number) + 1;
    }
  }
  let max = 0;
  for (let t = 0; t < spread.length; t++) {
    spread[t] = (count[t] as number) > 0 ? (spread[t] as number) / (count[t] as number) : 0;
    max = Math.max(max, spread[t] as number);
  }
  if (max < MIN_SPREAD) return null;
  const threshold = max * SHARE;
  // Connected groups of busy tiles (8-neighbours); keep the one with the most spread in all.
  const group = new Int32Array(tw * th).fill(-1);
  let best: { x0: number; y0: number; x1: number; y1: number; weight: number } | null = null;
  const stack: number[] = [];
  for (let start = 0; start < spread.length; start++) {
    if (group[start] !== -1 || (spread[start] as number) < threshold) continue;
    group[start] = start;
    stack.push(start);
    const box = { x0: tw, y0: th, x1: -1, y1: -1, weight: 0 };
    while (stack.length > 0) {
      const t = stack.pop() as number;
      const tx = t % tw;
      const ty = (t - tx) / tw;
      box.x0 = Math.min(box.x0, tx);
      box.y0 = Math.min(box.y0, ty);
      box.x1 = Math.max(box.x1, tx);
      box.y1 = Math.max(box.y1, ty);
      box.weight += spread[t] as number;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = tx + dx;
          const ny = ty + dy;
          if (nx < 0 || ny < 0 || nx >= tw || ny >= th) continue;
          const n = ny * tw + nx;
          if (group[n] !== -1 || (spread[n] as number) < threshold) continue;
          group[n] = start;
          stack.push(n);
        }
      }
    }
    if (best === null || box.weight > best.weight) best = box;
  }
  if (best === null) return null;
  const px = CELL * TILE;
  const x = Math.max(0, (best.x0 - 1) * px);
  const y = Math.max(0, (best.y0 - 1) * px);
  const x2 = Math.min(width, (best.x1 + 2) * px);
  const y2 = Math.min(height, (best.y1 + 2) * px);
  return { x, y, width: x2 - x, height: y2 - y };
}
