/**
 * The decoder worker: turns each transferred ImageBitmap into pixels on an OffscreenCanvas and reads QR codes from
 * them with decodeFrame. One frame at a time (the page never sends a second before the first is answered).
 */
import { decodeFrame, prepareDecoder } from './decodeFrame';
import type { FromDecoder, ToDecoder } from './protocol';

let canvas: OffscreenCanvas | null = null;
let context: OffscreenCanvasRenderingContext2D | null = null;

function post(message: FromDecoder): void {
  self.postMessage(message);
}

function pixelsOf(bitmap: ImageBitmap): ImageData {
  const { width, height } = bitmap;
  if (canvas === null || canvas.width !== width || canvas.height !== height) {
    canvas = new OffscreenCanvas(width, height);
    context = canvas.getContext('2d', { willReadFrequently: true });
  }
  if (context === null) throw new Error('no 2d context');
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, width, height);
}

self.onmessage = async (event: MessageEvent<ToDecoder>) => {
  const message = event.data;
  if (message.type === 'init') {
    const t0 = performance.now();
    try {
      await prepareDecoder();
      post({ type: 'ready', initMs: performance.now() - t0 });
    } catch {
      post({ type: 'init-failed' });
    }
    return;
  }
  const t0 = performance.now();
  let texts: string[] = [];
  let failed = false;
  let t1 = t0;
  try {
    const image = pixelsOf(message.bitmap);
    t1 = performance.now();
    texts = await decodeFrame(image);
  } catch {
    failed = true;
  } finally {
    message.bitmap.close();
  }
  const t2 = performance.now();
  post({ type: 'result', id: message.id, texts, readMs: t1 - t0, decodeMs: t2 - t1, failed });
};
