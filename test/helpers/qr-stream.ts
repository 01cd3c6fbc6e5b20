/**
 * What a camera watching an animated QR loop delivers: it joins the loop at some part, sees frames slightly out of
 * order, misses about a quarter of them, and reads some twice.
 */
import type { AnimatedQrPlan } from '../../core/qr/index';
import { shuffleInPlace, type Rng } from './prng';

export interface CameraModel {
  dropRate: number;
  repeatRate: number;
  /** Frames within a window of this many consecutive parts arrive in random order. */
  window: number;
}

export const TYPICAL_CAMERA: CameraModel = { dropRate: 0.25, repeatRate: 0.15, window: 6 };

export interface SeenFrame {
  seqNum: number;
  text: string;
}

/** Endless: the caller stops when the assembler completes (and caps the count so a bug cannot loop forever). */
export function* cameraFrames(plan: AnimatedQrPlan, rng: Rng, model: CameraModel = TYPICAL_CAMERA): Generator<SeenFrame> {
  let next = 1 + Math.floor(rng() * plan.partCount); // joins the loop anywhere among the plain parts
  const delivered: SeenFrame[] = [];
  for (;;) {
    const batch: number[] = [];
    for (let i = 0; i < model.window; i++) batch.push(next++);
    for (const seqNum of shuffleInPlace(batch, rng)) {
      if (rng() < model.dropRate) continue;
      const frame = { seqNum, text: plan.part(seqNum) };
      delivered.push(frame);
      yield frame;
      if (rng() < model.repeatRate) yield delivered[Math.floor(rng() * delivered.length)] as SeenFrame;
    }
  }
}
