/**
 * End to end through real images: payload -> plan -> PNG files (qrcode's writer) -> zxing-wasm (an independent QR reader
 * compiled from ZXing-C++) -> text -> assembler -> payload.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { KeyshardError } from '../../core/errors';
import { createQrAssembler, createQrMatrix, planQrFrames, type QrErrorCorrectionLevel } from '../../core/qr/index';
import { renderPlanPngs, renderQrPng } from '../../electron/services/qr-image';
import { cameraFrames } from '../helpers/qr-stream';
import { seededBytes, seededRng } from '../helpers/prng';
import { readQrTexts } from '../helpers/zxing';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngSize(png: Uint8Array): { width: number; height: number } {
  assert.deepEqual(Array.from(png.subarray(0, 8)), PNG_SIGNATURE, 'PNG signature');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  assert.equal(String.fromCharCode(...png.subarray(12, 16)), 'IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Reads one image with zxing and expects exactly one code whose text is `expected`. */
async function scanPng(png: Uint8Array, expected: string): Promise<string> {
  const texts = await readQrTexts(png);
  assert.deepEqual(texts, [expected], 'zxing reads back exactly the text we encoded');
  return texts[0] as string;
}

describe('renderQrPng + zxing-wasm', () => {
  it('round-trips 100 B (single), 1 KB and 4 KB (animated) through PNG images', async (t) => {
    for (const length of [100, 1024, 4096]) {
      const payload = seededBytes(100 + length, length);
      const plan = planQrFrames(payload);
      const pngs = await renderPlanPngs(plan);
      const asm = createQrAssembler();
      let version: number;
      if (plan.kind === 'single') {
        assert.equal(length, 100);
        assert.equal(pngs.length, 1);
        version = plan.version;
        assert.equal(asm.receive(await scanPng(pngs[0] as Uint8Array, plan.text)).status, 'complete');
      } else {
        assert.ok(length > 100);
        assert.equal(pngs.length, plan.partCount);
        version = plan.frameVersion;
        // Scan the images in reverse order, as a camera joining the loop late might.
        for (let i = pngs.length - 1; i >= 0; i--) {
          const r = asm.receive(await scanPng(pngs[i] as Uint8Array, plan.part(i + 1)));
          assert.equal(r.status, i === 0 ? 'complete' : 'progress');
        }
      }
      assert.deepEqual(asm.result(), payload);
      const { width, height } = pngSize(pngs[0] as Uint8Array);
      assert.equal(width, (17 + 4 * version + 2 * 4) * 8, 'default scale 8, margin 4');
      assert.equal(height, width);
      const bytes = pngs.reduce((n, p) => n + p.length, 0);
      t.diagnostic(
        `${length} B: ${plan.kind === 'single' ? 'single code' : `${plan.partCount} parts`}, version ${version}, ` +
          `${width}x${height} px, PNG ${pngs.length === 1 ? `${bytes} bytes` : `${Math.round(bytes / pngs.length)} bytes each, ${bytes} total`}`,
      );
    }
  });

  it('4 KB through images with a lossy camera: parts in random order, ~25% dropped, repeats', async (t) => {
    const payload = seededBytes(7, 4096);
    const plan = planQrFrames(payload);
    assert.equal(plan.kind, 'animated');
    if (plan.kind !== 'animated') return;
    const asm = createQrAssembler();
    const cache = new Map<number, string>(); // image per part number, decoded once
    let frames = 0;
    for (const frame of cameraFrames(plan, seededRng(2024))) {
      frames++;
      let text = cache.get(frame.seqNum);
      if (text === undefined) {
        text = await scanPng(await renderQrPng(frame.text), frame.text);
        cache.set(frame.seqNum, text);
      }
      const r = asm.receive(text);
      assert.notEqual(r.status, 'rejected', r.error?.message);
      if (r.status === 'complete') break;
      assert.ok(frames < 400, 'should complete well before 400 frames');
    }
    assert.deepEqual(asm.result(), payload);
    t.diagnostic(`4 KB lossy scan: complete after ${asm.progress().received} distinct parts (${frames} frames incl. repeats, ${plan.partCount} plain parts)`);
  });

  it('every error-correction level renders codes that zxing reads', async () => {
    for (const level of ['L', 'M', 'Q', 'H'] as QrErrorCorrectionLevel[]) {
      const plan = planQrFrames(seededBytes(40, 300), { errorCorrectionLevel: level });
      const [png] = await renderPlanPngs(plan, { scale: 3, margin: 2 });
      const text = plan.kind === 'single' ? plan.text : plan.part(1);
      await scanPng(png as Uint8Array, text);
    }
  });

  it('honours scale and margin, and refuses bad ones or text no QR code can hold', async () => {
    const text = 'UR:BYTES/HDCXLKAHSSQZWFVSLOFZOXWKRTCMSGATAEVD';
    const { size } = createQrMatrix(text);
    const small = await renderQrPng(text, { scale: 2, margin: 1 });
    assert.equal(pngSize(small).width, (size + 2) * 2);
    await scanPng(small, text);
    assert.equal(pngSize(await renderQrPng(text, { scale: 5, margin: 4 })).width, (size + 8) * 5);
    for (const opts of [{ scale: 0 }, { scale: 65 }, { scale: 1.5 }, { margin: -1 }, { margin: 65 }]) {
      await assert.rejects(renderQrPng(text, opts), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT');
    }
    await assert.rejects(renderQrPng('A'.repeat(5000)), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT');
    await assert.rejects(renderQrPng(''), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT');
  });

  it('draws every pixel as the matrix says (read back by pngjs, an independent PNG decoder), widths not a multiple of 8 included', async () => {
    // pngjs comes with qrcode; no types of its own.
    const { PNG } = createRequire(import.meta.url)('pngjs') as { PNG: { sync: { read(b: Buffer): { width: number; height: number; data: Buffer } } } };
    const cases = [
      { text: 'UR:BYTES/HDCXLKAHSSQZWFVSLOFZOXWKRTCMSGATAEVD', scale: 8, margin: 4, level: 'M' as const },
      { text: 'keyshard', scale: 3, margin: 1, level: 'H' as const },
      { text: 'A'.repeat(300), scale: 1, margin: 0, level: 'L' as const },
    ];
    for (const c of cases) {
      const matrix = createQrMatrix(c.text, { errorCorrectionLevel: c.level });
      const image = PNG.sync.read(Buffer.from(await renderQrPng(c.text, { scale: c.scale, margin: c.margin, errorCorrectionLevel: c.level })));
      const width = (matrix.size + 2 * c.margin) * c.scale;
      assert.equal(image.width, width);
      assert.equal(image.height, width);
      let dark = 0;
      for (let y = 0; y < width; y++) {
        for (let x = 0; x < width; x++) {
          const want = matrix.isDark(Math.floor(y / c.scale) - c.margin, Math.floor(x / c.scale) - c.margin) ? 0 : 255;
          const at = (y * width + x) * 4;
          assert.deepEqual([...image.data.subarray(at, at + 4)], [want, want, want, 255], `${c.text.slice(0, 12)} pixel ${x},${y}`);
          if (want === 0) dark++;
        }
      }
      assert.equal(dark, matrix.modules.reduce((n, m) => n + m, 0) * c.scale * c.scale);
    }
  });
});
