/**
 * Fake camera videos for Chromium (`--use-file-for-fake-video-capture=<file>.y4m`), drawn from keyshard's own QR
 * output: the module matrix core/qr builds for every drawing path, of code texts from core/qr's planQrFrames.
 *
 * Format (YUV4MPEG2, 4:2:0): the header line, then per frame "FRAME\n" + the Y plane (W*H bytes) + U and V planes
 * (W/2*H/2 bytes each, 128 = no colour). Chromium plays the file at its header's frame rate and loops it. A 640x480
 * frame is 460 KB, so videos stay a few frames long.
 */
import { writeFileSync } from 'node:fs';
import { createQrMatrix, type QrMatrix } from '../../core/qr/index';
import { seededRng } from '../helpers/prng';

export const WIDTH = 640;
export const HEIGHT = 480;

export interface DrawOptions {
  /** Rotation of the code in degrees (positive = clockwise). */
  readonly tiltDegrees?: number;
  /** 1 = black on white; lower brings dark and light modules towards grey. */
  readonly contrast?: number;
  /** Uniform noise added to every pixel, +-noise (0..127). */
  readonly noise?: number;
  /** Seed for the noise. */
  readonly seed?: number;
  /** Part of the frame height the code (with its quiet zone) fills, 0..1. */
  readonly fill?: number;
}

const QUIET_ZONE = 4;
/** The desk or screen around the code: a mid grey, so the quiet zone reads as the code's own white. */
const BACKGROUND = 96;

/** One frame's Y (luma) plane with the QR code of `text` drawn in the middle. */
export function drawCode(text: string, options: DrawOptions = {}): Uint8Array {
  return drawMatrix(createQrMatrix(text), options);
}

export function drawMatrix(matrix: QrMatrix, options: DrawOptions = {}): Uint8Array {
  const { tiltDegrees = 0, contrast = 1, noise = 0, seed = 1, fill = 0.9 } = options;
  const modules = matrix.size + 2 * QUIET_ZONE;
  const modulePx = Math.max(1, Math.floor((HEIGHT * fill) / modules));
  const half = (modules * modulePx) / 2;
  const dark = Math.round(128 - 127 * contrast);
  const light = Math.round(128 + 127 * contrast);
  const angle = (-tiltDegrees * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const rng = seededRng(seed);
  const y = new Uint8Array(WIDTH * HEIGHT);
  for (let py = 0; py < HEIGHT; py++) {
    for (let px = 0; px < WIDTH; px++) {
      // Inverse rotation about the frame centre: which point of the upright code lands on this pixel.
      const dx = px + 0.5 - WIDTH / 2;
      const dy = py + 0.5 - HEIGHT / 2;
      const ux = cos * dx - sin * dy + half;
      const uy = sin * dx + cos * dy + half;
      let value = BACKGROUND;
      if (ux >= 0 && uy >= 0 && ux < 2 * half && uy < 2 * half) {
        const col = Math.floor(ux / modulePx) - QUIET_ZONE;
        const row = Math.floor(uy / modulePx) - QUIET_ZONE;
        value = matrix.isDark(row, col) ? dark : light;
      }
      if (noise > 0) value += Math.round((rng() * 2 - 1) * noise);
      y[py * WIDTH + px] = Math.max(0, Math.min(255, value));
    }
  }
  return y;
}

/** Writes the frames (Y planes) as a .y4m video at `fps` frames per second. */
export function writeY4m(path: string, frames: readonly Uint8Array[], fps = 10): void {
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const frameTag = Buffer.from('FRAME\n', 'ascii');
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2), 128);
  const parts: Buffer[] = [header];
  for (const f of frames) {
    if (f.length !== WIDTH * HEIGHT) throw new Error(`a frame is ${WIDTH}x${HEIGHT} luma bytes`);
    parts.push(frameTag, Buffer.from(f.buffer, f.byteOffset, f.byteLength), chroma, chroma);
  }
  writeFileSync(path, Buffer.concat(parts));
}

/** A video of one code, steady (two identical frames: the file loops). */
export function singleCodeVideo(path: string, text: string, options: DrawOptions = {}): void {
  const frame = drawCode(text, options);
  writeY4m(path, [frame, frame]);
}

/** An animated code: each text shown for `framesEach` frames, in order, then the file loops. */
export function animatedVideo(path: string, texts: readonly string[], framesEach = 1, options: DrawOptions = {}): void {
  const frames: Uint8Array[] = [];
  for (const t of texts) {
    const f = drawCode(t, options);
    for (let i = 0; i < framesEach; i++) frames.push(f);
  }
  writeY4m(path, frames);
}

/** One code as a camera sees a badly held phone: tilted, low contrast, noisy (each frame with fresh noise). */
export function roughCodeVideo(path: string, text: string, options: DrawOptions = {}): void {
  const base: DrawOptions = { tiltDegrees: 4, contrast: 0.55, noise: 40, fill: 0.85, ...options };
  writeY4m(path, [drawCode(text, { ...base, seed: 11 }), drawCode(text, { ...base, seed: 12 }), drawCode(text, { ...base, seed: 13 })]);
}
