/**
 * QR framing throughput for 1 KB and 4 KB payloads. Run: node --import tsx bench/qr.bench.ts
 *
 * Each of keyshard's steps is printed next to a peer doing the same job in the same run:
 *  - framing (plan + every plain part) vs bare @ngraveio/bc-ur UREncoder.encodeWhole()
 *  - assembling (createQrAssembler over the plain parts) vs a bare bc-ur URDecoder (no format/mismatch checks)
 *  - symbol building: core createQrMatrix vs qrcode.create (the same code, through the package entry)
 *  - images: qrToSvg and renderQrPng per frame, and zxing-wasm reading a PNG back (what a scanner costs per frame)
 */
import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import { UR, UREncoder, URDecoder } from '@ngraveio/bc-ur';
import QRCode from 'qrcode';
import { createQrAssembler, createQrMatrix, planQrFrames, planTexts, qrToSvg } from '../core/qr/index';
import { renderQrPng } from '../electron/services/qr-image';
import { readQrTexts, zxingReady } from '../test/helpers/zxing';
import { seededBytes } from '../test/helpers/prng';

/** Runs fn repeatedly for about `budgetMs` (after one warm-up call) and returns ms per call. */
async function time(fn: () => unknown, budgetMs = 400): Promise<number> {
  await fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    await fn();
    n++;
  }
  return (performance.now() - start) / n;
}

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
const rate = (bytes: number, ms: number) => `${((bytes / 1024) / (ms / 1000)).toFixed(0)} KB/s`;

async function main() {
  await zxingReady();
  console.log(`node ${process.version}, ${process.arch}`);
  for (const size of [1024, 4096]) {
    const payload = seededBytes(size, size);
    const plan = planQrFrames(payload);
    const texts = planTexts(plan);
    const frame = texts[0] as string;
    console.log(`\n== ${size} B payload: ${plan.kind === 'single' ? 'single code' : `${plan.partCount} parts, version ${plan.frameVersion}`}`);

    const plan1 = await time(() => planTexts(planQrFrames(payload)));
    const peerPlan = await time(() => new UREncoder(UR.fromBuffer(Buffer.from(payload)), 200).encodeWhole());
    console.log(`frame    keyshard plan + parts   ${fmt(plan1).padStart(9)}  ${rate(size, plan1).padStart(10)}   | bc-ur encodeWhole ${fmt(peerPlan)}`);
    console.log(`         (keyshard also sizes the single code and the frames with qrcode, which dominates the difference)`);

    const asm = await time(() => {
      const a = createQrAssembler();
      for (const t of texts) a.receive(t);
      return a.result();
    });
    const peerAsm = await time(() => {
      const d = new URDecoder();
      for (const t of texts) d.receivePart(t);
      return d.resultUR().decodeCBOR();
    });
    console.log(`assemble keyshard assembler      ${fmt(asm).padStart(9)}  ${rate(size, asm).padStart(10)}   | bc-ur URDecoder ${fmt(peerAsm)}`);

    const mat = await time(() => createQrMatrix(frame));
    const peerMat = await time(() => QRCode.create(frame, { errorCorrectionLevel: 'M' }));
    console.log(`symbol   createQrMatrix / frame  ${fmt(mat).padStart(9)}               | qrcode.create ${fmt(peerMat)}`);

    const svg = await time(() => qrToSvg(frame));
    const png = await time(() => renderQrPng(frame));
    const pngBytes = await renderQrPng(frame);
    const read = await time(() => readQrTexts(pngBytes));
    console.log(`image    qrToSvg / frame         ${fmt(svg).padStart(9)}  (${qrToSvg(frame).length} chars)`);
    console.log(`         renderQrPng / frame     ${fmt(png).padStart(9)}  (${pngBytes.length} bytes)`);
    console.log(`scan     zxing-wasm read / PNG   ${fmt(read).padStart(9)}  -> all ${texts.length} frames ~${fmt(read * texts.length)}`);
  }
}

await main();
