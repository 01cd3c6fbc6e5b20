/**
 * At most one camera frame in flight to the decoder. A frame that comes while the decoder is busy is dropped, not
 * queued: a queue would fall further behind the live picture with every slow frame, and an old frame is worth
 * nothing once a newer one exists. Also keeps the numbers the scanner reports (decode time, frames dropped).
 */
export interface FrameStats {
  /** Frames sent to the decoder. */
  readonly sent: number;
  /** Frames skipped because the decoder was still busy. */
  readonly dropped: number;
  /** Frames the decoder answered. */
  readonly decoded: number;
  /** Answered frames in which at least one code was read. */
  readonly withText: number;
  /** Mean and max time the worker spent per frame (pixels + decode), in ms. */
  readonly meanDecodeMs: number;
  readonly maxDecodeMs: number;
}

export interface FrameGate {
  /** True when a frame may be sent now (and marks it in flight); false counts a dropped frame. */
  tryBegin(now: number): boolean;
  /** The decoder answered the frame in flight. */
  finish(decodeMs: number, textCount: number): void;
  /** The frame could not be sent after all (no picture yet); frees the gate without counting it. */
  cancel(): void;
  /** True when a frame has been in flight longer than `limitMs` (the decoder hangs). */
  stalled(now: number, limitMs: number): boolean;
  busy(): boolean;
  stats(): FrameStats;
}

export function createFrameGate(): FrameGate {
  let inFlightSince: number | null = null;
  let sent = 0;
  let dropped = 0;
  let decoded = 0;
  let withText = 0;
  let totalMs = 0;
  let maxMs = 0;
  return {
    tryBegin(now) {
      if (inFlightSince !== null) {
        dropped++;
        return false;
      }
      inFlightSince = now;
      sent++;
      return true;
    },
    finish(decodeMs, textCount) {
      if (inFlightSince === null) return;
      inFlightSince = null;
      decoded++;
      if (textCount > 0) withText++;
      totalMs += decodeMs;
      maxMs = Math.max(maxMs, decodeMs);
    },
    cancel() {
      if (inFlightSince === null) return;
      inFlightSince = null;
      sent--;
    },
    stalled(now, limitMs) {
      return inFlightSince !== null && now - inFlightSince > limitMs;
    },
    busy() {
      return inFlightSince !== null;
    },
    stats() {
      return { sent, dropped, decoded, withText, meanDecodeMs: decoded ? totalMs / decoded : 0, maxDecodeMs: maxMs };
    },
  };
}
