// `keyshard qr encode` and `keyshard qr decode` (issue 12.7): a shard's PNG frames, read back through the scan pipeline
// the app's scanner uses, including a dim frame that zxing-wasm alone does not read.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { qrCommands } from '../../electron/cli/commands/qr';
import { planQrFrames, planTexts } from '../../core/qr/index';
import { renderFrame, sourceTexts, grayToRgba, type FrameSpec } from '../../bench/frames/generate';
import { readQrTextsFromPixels } from '../helpers/zxing';
import { runCommands } from '../helpers/cli';
import { slip39Backup } from '../services/recovery-fixtures';

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'keyshard-qr-'));
  temps.push(d);
  return d;
}
const cli = (argv: string[]) => runCommands(qrCommands, argv);
const { PNG } = createRequire(import.meta.url)('pngjs') as {
  PNG: { new (o: { width: number; height: number }): { data: Buffer }; sync: { write(p: unknown): Buffer } };
};
function writePng(path: string, rgba: Uint8ClampedArray, width: number, height: number): void {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  writeFileSync(path, PNG.sync.write(png));
}

describe('keyshard qr', () => {
  const backup = slip39Backup(1, [{ threshold: 2, count: 3 }]);

  it('encode writes the PNG of a KS1 shard, owner-only, and decode reads back the text the app would show', async () => {
    const dir = tempDir();
    const shard = join(dir, 'alice.ks');
    writeFileSync(shard, `${backup.texts[0]![0]}\n`);
    const out = join(dir, 'qr');
    const enc = await cli(['qr', 'encode', '--out', out, '--json', shard]);
    assert.equal(enc.code, 0, enc.stderr);
    const written = JSON.parse(enc.stdout) as { kind: string; partCount: number; files: string[] };
    assert.deepEqual(readdirSync(out), ['alice.png']);
    assert.equal(statSync(join(out, 'alice.png')).mode & 0o777, 0o600);
    const expected = planTexts(planQrFrames(backup.binaries[0]![0]!));
    assert.equal(written.partCount, expected.length);
    const dec = await cli(['qr', 'decode', '--json', ...written.files]);
    assert.equal(dec.code, 0, dec.stderr);
    const results = JSON.parse(dec.stdout) as { file: string; text: string | null; ms: number }[];
    assert.deepEqual(results.map((r) => [r.file, r.text]), written.files.map((f, i) => [f, expected[i]]));
    for (const r of results) assert.ok(typeof r.ms === 'number' && r.ms >= 0);
    // Never replaces a file.
    const again = await cli(['qr', 'encode', '--out', out, shard]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /FILE_EXISTS|already exists/);
  });

  it('decode reads a dim frame zxing-wasm alone misses, and gives null (exit 1) for an image without a code', async () => {
    const dir = tempDir();
    const text = sourceTexts()[4]!;
    const spec: FrameSpec = { text, modulePx: 4, rotationDeg: 3, perspective: 0, blurSigma: 0.5, noiseSigma: 1.5, ink: 124, paper: 136, lightMin: 1, shadow: 1, jpegQuality: 0 };
    const frame = renderFrame(spec, 31);
    const rgba = grayToRgba(frame);
    assert.deepEqual(await readQrTextsFromPixels(rgba, frame.width, frame.height), [], 'zxing alone reads this frame: the test frame is too easy');
    const dim = join(dir, 'dim.png');
    writePng(dim, rgba, frame.width, frame.height);
    const blank = join(dir, 'blank.png');
    writePng(blank, new Uint8ClampedArray(64 * 48 * 4).fill(200), 64, 48);
    const r = await cli(['qr', 'decode', '--json', dim, blank]);
    assert.equal(r.code, 1);
    const results = JSON.parse(r.stdout) as { file: string; text: string | null }[];
    assert.deepEqual(results.map((x) => [x.file, x.text]), [[dim, text], [blank, null]]);
  });

  it('refuses what is not a PNG, and a shard file that is not a clear shard, with typed errors', async () => {
    const dir = tempDir();
    const notPng = join(dir, 'x.png');
    writeFileSync(notPng, 'not an image');
    const r = await cli(['qr', 'decode', '--json', notPng]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /FILE_READ/);
    assert.match(r.stderr, /not a PNG/);
    const notShard = join(dir, 'x.ks');
    writeFileSync(notShard, 'hello');
    const e = await cli(['qr', 'encode', '--out', dir, '--json', notShard]);
    assert.equal(e.code, 1);
    assert.match(e.stderr, /ENVELOPE_FORMAT/);
  });
});
