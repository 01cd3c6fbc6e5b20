/** The scanner's frame gate (renderer/scanner/frameGate.ts), in Node: at most one frame in flight, late frames dropped. */
import { expect, test } from '@playwright/test';
import { createFrameGate } from '../../renderer/scanner/frameGate';

test('a frame offered while one is in flight is dropped, not queued', () => {
  const gate = createFrameGate();
  expect(gate.tryBegin(0)).toBe(true);
  expect(gate.busy()).toBe(true);
  expect(gate.tryBegin(100)).toBe(false);
  expect(gate.tryBegin(200)).toBe(false);
  gate.finish(250, 1);
  expect(gate.busy()).toBe(false);
  // The next frame after the answer is the newest one, not one of the two dropped.
  expect(gate.tryBegin(300)).toBe(true);
  gate.finish(20, 0);
  expect(gate.stats()).toEqual({ sent: 2, dropped: 2, decoded: 2, withText: 1, meanDecodeMs: 135, maxDecodeMs: 250 });
});

test('a frame that could not be sent frees the gate without counting', () => {
  const gate = createFrameGate();
  expect(gate.tryBegin(0)).toBe(true);
  gate.cancel();
  expect(gate.busy()).toBe(false);
  expect(gate.stats().sent).toBe(0);
  // An answer with nothing in flight changes nothing.
  gate.finish(10, 1);
  expect(gate.stats().decoded).toBe(0);
});

test('a frame stuck longer than the limit counts as a stalled decoder', () => {
  const gate = createFrameGate();
  expect(gate.stalled(10_000, 5000)).toBe(false);
  gate.tryBegin(1000);
  expect(gate.stalled(5999, 5000)).toBe(false);
  expect(gate.stalled(6001, 5000)).toBe(true);
});
