import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import QRCode from 'qrcode';
import { KeyshardError } from '../../core/errors';
import { createQrMatrix, matrixToSvg, planQrFrames, planTexts, qrToSvg, type QrErrorCorrectionLevel } from '../../core/qr/index';
import { readQrTextsFromPixels } from '../helpers/zxing';
import { seededBytes } from '../helpers/prng';

/**
 * A strict little XML well-formedness check, enough for the SVG we emit: one root element, balanced tags, quoted
 * attributes without raw '<' or stray '&', text without raw '<', only the five predefined entities, no control chars.
 * Throws with the position of the first problem.
 */
function assertWellFormedXml(xml: string): { root: string; elements: string[] } {
  const stack: string[] = [];
  const elements: string[] = [];
  let root: string | undefined;
  let i = 0;
  const name = /^[A-Za-z_][\w.-]*/;
  const entityOk = (s: string) => !/&(?!(?:lt|gt|amp|quot|apos);)/.test(s);
  assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml), 'control character in XML');
  while (i < xml.length) {
    if (xml[i] !== '<') {
      const end = xml.indexOf('<', i);
      const text = xml.slice(i, end === -1 ? xml.length : end);
      assert.ok(stack.length > 0 || text.trim() === '', `text outside the root at ${i}`);
      assert.ok(entityOk(text), `bad entity in text at ${i}`);
      i = end === -1 ? xml.length : end;
      continue;
    }
    const close = xml.indexOf('>', i);
    assert.ok(close !== -1, `unterminated tag at ${i}`);
    const tag = xml.slice(i + 1, close);
    if (tag.startsWith('/')) {
      const n = tag.slice(1);
      assert.equal(stack.pop(), n, `mismatched </${n}> at ${i}`);
    } else {
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const m = name.exec(body);
      assert.ok(m, `bad element name at ${i}`);
      let rest = body.slice(m[0].length);
      const seen = new Set<string>();
      while (rest.trim() !== '') {
        const a = /^\s+([A-Za-z_:][\w:.-]*)="([^"<]*)"/.exec(rest);
        assert.ok(a, `bad attribute near ${i}: ${rest.slice(0, 30)}`);
        assert.ok(!seen.has(a[1] as string), `duplicate attribute ${a[1]}`);
        seen.add(a[1] as string);
        assert.ok(entityOk(a[2] as string), `bad entity in attribute ${a[1]}`);
        rest = rest.slice(a[0].length);
      }
      if (stack.length === 0) {
        assert.equal(root, undefined, 'more than one root element');
        root = m[0];
      }
      elements.push(m[0]);
      if (!selfClosing) stack.push(m[0]);
    }
    i = close + 1;
  }
  assert.equal(stack.length, 0, `unclosed <${stack.join('><')}>`);
  assert.ok(root, 'no root element');
  return { root, elements };
}

/** Reads the dark modules back out of our path data: every subpath is one horizontal run `Mx yhNv1h-Nz`. */
function modulesFromSvg(svg: string): { side: number; dark: Set<string> } {
  const side = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  assert.ok(side > 0, 'square viewBox');
  const d = /<path fill="#[0-9a-fA-F]+" d="([^"]*)"\/>/.exec(svg)?.[1];
  assert.ok(d !== undefined, 'one path');
  const run = /M(\d+) (\d+)h(\d+)v1h-(\d+)z/y;
  const dark = new Set<string>();
  while (run.lastIndex < d.length) {
    const m = run.exec(d);
    assert.ok(m, `unexpected path data at ${run.lastIndex}`);
    const [x, y, len, back] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    assert.equal(len, back);
    for (let k = 0; k < len; k++) {
      const key = `${y},${x + k}`;
      assert.ok(!dark.has(key), 'runs do not overlap');
      dark.add(key);
    }
  }
  return { side, dark };
}

/** Rasterises our SVG (runs of dark modules on white) into RGBA pixels, as a browser would. */
function rasterise(svg: string, pixelsPerModule: number) {
  const { side, dark } = modulesFromSvg(svg);
  const width = side * pixelsPerModule;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const key of dark) {
    const [row, col] = key.split(',').map(Number) as [number, number];
    for (let dy = 0; dy < pixelsPerModule; dy++) {
      for (let dx = 0; dx < pixelsPerModule; dx++) {
        const p = ((row * pixelsPerModule + dy) * width + col * pixelsPerModule + dx) * 4;
        data[p] = data[p + 1] = data[p + 2] = 0;
      }
    }
  }
  return { data, width, height: width };
}

describe('QR matrix', () => {
  it('matches the matrix of the qrcode package for the same text and level', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom<QrErrorCorrectionLevel>('L', 'M', 'Q', 'H'),
        (length, level) => {
          const text = planTexts(planQrFrames(seededBytes(length, length), { errorCorrectionLevel: level }))[0] as string;
          const ours = createQrMatrix(text, { errorCorrectionLevel: level });
          const theirs = QRCode.create(text, { errorCorrectionLevel: level });
          assert.equal(ours.size, theirs.modules.size);
          assert.equal(ours.size, 17 + 4 * ours.version);
          assert.equal(ours.version, theirs.version);
          for (let r = 0; r < ours.size; r++) {
            for (let c = 0; c < ours.size; c++) assert.equal(ours.isDark(r, c), Boolean(theirs.modules.get(r, c)));
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('holds modules as 0/1 and answers false outside the symbol', () => {
    const m = createQrMatrix('UR:BYTES/HELLO');
    assert.ok(m.modules.every((v) => v === 0 || v === 1));
    assert.equal(m.isDark(0, 0), true, 'finder pattern corner is dark');
    assert.equal(m.isDark(-1, 0), false);
    assert.equal(m.isDark(0, m.size), false);
    assert.equal(m.isDark(0.5, 0), false);
  });

  it('refuses empty text, unknown levels and text too long for any QR code', () => {
    for (const f of [
      () => createQrMatrix(''),
      () => createQrMatrix('A', { errorCorrectionLevel: 'Z' as never }),
      () => createQrMatrix('A'.repeat(4297), { errorCorrectionLevel: 'L' }),
    ]) {
      assert.throws(f, (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT');
    }
    // 4296 alphanumeric characters is exactly the version 40-L capacity.
    assert.equal(createQrMatrix('A'.repeat(4296), { errorCorrectionLevel: 'L' }).version, 40);
  });
});

describe('qrToSvg', () => {
  it('is well-formed XML whose modules are exactly the qrcode matrix, with the quiet zone', () => {
    for (const length of [20, 300, 4096]) {
      const plan = planQrFrames(seededBytes(length, length));
      const text = planTexts(plan)[0] as string;
      for (const margin of [0, 2, 4]) {
        const svg = qrToSvg(text, { margin });
        const { root, elements } = assertWellFormedXml(svg);
        assert.equal(root, 'svg');
        assert.deepEqual(elements, ['svg', 'rect', 'path']);
        const theirs = QRCode.create(text, { errorCorrectionLevel: 'M' });
        const { side, dark } = modulesFromSvg(svg);
        assert.equal(side, theirs.modules.size + 2 * margin, 'module count per side');
        let expectedDark = 0;
        for (let r = 0; r < theirs.modules.size; r++) {
          for (let c = 0; c < theirs.modules.size; c++) {
            const isDark = Boolean(theirs.modules.get(r, c));
            if (isDark) expectedDark++;
            assert.equal(dark.has(`${r + margin},${c + margin}`), isDark, `module ${r},${c}`);
          }
        }
        assert.equal(dark.size, expectedDark, 'dark module count');
      }
    }
  });

  it('decodes with zxing after rasterising, for a single code and an animated frame', async () => {
    const single = planQrFrames(seededBytes(30, 120));
    const frames = planQrFrames(seededBytes(31, 2000));
    assert.equal(single.kind, 'single');
    assert.equal(frames.kind, 'animated');
    for (const text of [planTexts(single)[0] as string, planTexts(frames)[3] as string]) {
      const { data, width, height } = rasterise(qrToSvg(text), 4);
      assert.deepEqual(await readQrTextsFromPixels(data, width, height), [text]);
    }
  });

  it('escapes the title, sets the size, and refuses colours or sizes that could break out of an attribute', () => {
    const svg = qrToSvg('UR:BYTES/HELLO', { title: 'Shard <2> of "5" & Bob\'s\u0007', size: '60mm', dark: '#123', light: '#fefefe' });
    const { elements } = assertWellFormedXml(svg);
    assert.deepEqual(elements, ['svg', 'title', 'rect', 'path']);
    assert.match(svg, /<title>Shard &lt;2&gt; of &quot;5&quot; &amp; Bob&apos;s<\/title>/);
    assert.match(svg, / width="60mm" height="60mm"/);
    assert.match(svg, /<path fill="#123"/);
    for (const opts of [{ dark: 'red"/><script>' }, { light: 'url(#x)' }, { size: '10" onload="x' }, { margin: -1 }, { margin: 1.5 }]) {
      assert.throws(() => qrToSvg('UR:BYTES/HELLO', opts), (e: unknown) => e instanceof KeyshardError && e.code === 'INVALID_ARGUMENT');
    }
  });

  it('matrixToSvg draws a given matrix (e.g. one already built for a canvas)', () => {
    const m = createQrMatrix('UR:BYTES/HELLO', { errorCorrectionLevel: 'H' });
    assert.equal(matrixToSvg(m), qrToSvg('UR:BYTES/HELLO', { errorCorrectionLevel: 'H' }));
    assert.notEqual(matrixToSvg(m), qrToSvg('UR:BYTES/HELLO', { errorCorrectionLevel: 'L' }));
  });
});
