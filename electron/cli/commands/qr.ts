/**
 * `keyshard qr encode` and `keyshard qr decode`: a shard's QR codes as PNG files, and the texts in images read through
 * the same scan pipeline as the app's scanner (core/qr/scan-pipeline.ts over zxing-wasm).
 */
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeEnvelope, encodeEnvelope, envelopeFromText, ENVELOPE_FORMAT_VERSION, ENVELOPE_MAGIC, wipeEnvelope } from '../../../core/envelope';
import { KeyshardError } from '../../../core/errors';
import { planQrFrames, planTexts } from '../../../core/qr/index';
import type { ScanFrame } from '../../../core/qr/scan-pipeline';
import { createNodeScanPipeline } from '../../services/qr-scan';
import { renderQrPng } from '../../services/qr-image';
import type { CliCommand } from '../command';
import { outputFolder, readInputFile, writeNewFile } from '../files';
import type { CliIo } from '../io';

/** A camera still or a screenshot is a few MB; 32 MiB leaves room for a large uncompressed PNG and no more. */
const MAX_IMAGE_BYTES = 32 * 1024 * 1024;
const MAX_IMAGE_PIXELS = 40_000_000;

function usage(message: string): KeyshardError {
  return new KeyshardError('INVALID_ARGUMENT', message, { usage: true });
}

interface PngModule {
  PNG: { sync: { read(data: Uint8Array): { width: number; height: number; data: Uint8Array } } };
}

/** PNG pixels as RGBA (pngjs, which qrcode already brings). */
function pngPixels(path: string, bytes: Uint8Array): ScanFrame {
  const isPng = bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  if (!isPng) throw new KeyshardError('FILE_READ', `${path} is not a PNG image. Save the picture as PNG and try again.`, { path, reason: 'image' });
  const width = (bytes[16]! << 24) | (bytes[17]! << 16) | (bytes[18]! << 8) | bytes[19]!;
  const height = (bytes[20]! << 24) | (bytes[21]! << 16) | (bytes[22]! << 8) | bytes[23]!;
  if (width <= 0 || height <= 0 || width * height > MAX_IMAGE_PIXELS || width > 16384 || height > 16384) {
    throw new KeyshardError('FILE_READ', `${path} is ${width}x${height} pixels; keyshard reads images up to 16384 pixels a side and ${MAX_IMAGE_PIXELS} in all. Use a smaller picture.`, { path, reason: 'image' });
  }
  const { PNG } = createRequire(import.meta.url)('pngjs') as PngModule;
  let image;
  try {
    image = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch {
    throw new KeyshardError('FILE_READ', `${path} is a damaged PNG image; it could not be read. Take or save the picture again.`, { path, reason: 'image' });
  }
  return { data: image.data, width: image.width, height: image.height, format: 'rgba' };
}

/** The binary envelope of a KS1 text or binary .ks shard file (what the app's QR codes hold). */
function envelopeBytes(path: string, data: Uint8Array): Uint8Array {
  const binary = data.length > 3 && data[0] === ENVELOPE_MAGIC[0] && data[1] === ENVELOPE_MAGIC[1] && data[2] === ENVELOPE_FORMAT_VERSION;
  if (binary) {
    wipeEnvelope(decodeEnvelope(data)); // checks it before it goes on screen or paper
    return data;
  }
  const text = new TextDecoder().decode(data).trim();
  if (!text.startsWith('KS1')) {
    throw new KeyshardError(
      'ENVELOPE_FORMAT',
      `${path} is not a keyshard shard in the clear (KS1 text or binary .ks). An encrypted shard (.age, .asc, .p11) is opened first: keyshard shard open --reveal.`,
      { path },
    );
  }
  const envelope = envelopeFromText(text);
  try {
    return encodeEnvelope(envelope);
  } finally {
    wipeEnvelope(envelope);
  }
}

export function createQrCommands(): readonly CliCommand[] {
  const encode: CliCommand = {
    group: 'qr',
    action: 'encode',
    summary: "write the PNG frames of a shard's QR code (one, or the animated parts)",
    help: [
      'Usage: keyshard qr encode [--out DIR] [--scale N] [--json] FILE',
      '',
      "Writes the QR code the app shows for the shard in FILE (KS1 text or binary .ks): one PNG for a small shard, or",
      'the numbered plain parts of the animated code (any partCount of them, or a few more, recover the shard).',
      'The files are new (never replacing one), readable by their owner only: an unencrypted shard is secret.',
      '',
      '  --out DIR     folder for the PNGs (created if missing; default: the current folder)',
      '  --scale N     pixels per module, 1..64 (default 8)',
      '  --json        {"kind","partCount","files":[...]}',
    ].join('\n'),
    options: { values: ['out', 'scale'], booleans: ['json'], positionals: { min: 1, max: 1, names: 'one shard FILE' } },
    async run(args, io: CliIo) {
      const file = args.positionals[0]!;
      const out = args.values.get('out') ?? '.';
      const scaleText = args.values.get('scale');
      const scale = scaleText === undefined ? 8 : Number(scaleText);
      if (!Number.isInteger(scale) || scale < 1 || scale > 64) throw usage('--scale is a whole number of pixels per module from 1 to 64.');
      const data = await readInputFile(file);
      const bytes = envelopeBytes(file, data);
      const plan = planQrFrames(bytes);
      const texts = planTexts(plan);
      if (out !== '.') await outputFolder(out);
      const stem = basename(file).replace(/\.[^.]*$/, '') || 'shard';
      const files: string[] = [];
      for (const [i, text] of texts.entries()) {
        const path = join(out, texts.length === 1 ? `${stem}.png` : `${stem}-${String(i + 1).padStart(2, '0')}.png`);
        await writeNewFile(path, await renderQrPng(text, { scale, errorCorrectionLevel: plan.errorCorrectionLevel }), 'the QR image');
        files.push(path);
      }
      if (args.booleans.get('json') === true) io.stdout(`${JSON.stringify({ kind: plan.kind, partCount: texts.length, files })}\n`);
      else io.stdout(`${plan.kind === 'single' ? 'One QR code' : `An animated QR code of ${texts.length} parts`}: ${files.join(', ')}\n`);
      return 0;
    },
  };

  const decode: CliCommand = {
    group: 'qr',
    action: 'decode',
    summary: "read the QR code in each PNG image, with the app scanner's decoding pipeline",
    help: [
      'Usage: keyshard qr decode [--json] IMAGE...',
      '',
      "Reads the QR code in each PNG image through the same decoding pipeline as the app's camera scanner (zxing-wasm",
      'with crop, downscale, contrast and binarizer fallbacks). Images are read in the order given, as a camera would',
      "send them, so a code found in one is looked for first in the same place in the next. A text is printed only",
      'when the decoder read it (with its error correction) in that image; an image without a readable code gives null.',
      'The text of an unencrypted shard is secret: keep the output off shared screens and logs.',
      '',
      '  --json        [{"file","text":"..."|null,"ms":N}] (ms: decoding only, not reading the file)',
      '',
      'Exit code 0 when every image gave a text, 1 when one did not.',
    ].join('\n'),
    options: { booleans: ['json'], positionals: { min: 1, max: 10_000, names: 'one or more IMAGE files' } },
    async run(args, io: CliIo) {
      const pipeline = await createNodeScanPipeline();
      const results: { file: string; text: string | null; ms: number }[] = [];
      for (const file of args.positionals) {
        const frame = pngPixels(file, await readInputFile(file, MAX_IMAGE_BYTES));
        const t0 = performance.now();
        const { text } = pipeline.scan(frame);
        results.push({ file, text, ms: Number((performance.now() - t0).toFixed(2)) });
      }
      if (args.booleans.get('json') === true) io.stdout(`${JSON.stringify(results)}\n`);
      else for (const r of results) io.stdout(`${r.file}: ${r.text ?? '(no QR code read)'}\n`);
      return results.every((r) => r.text !== null) ? 0 : 1;
    },
  };
  return [encode, decode];
}

export const qrCommands: readonly CliCommand[] = createQrCommands();
