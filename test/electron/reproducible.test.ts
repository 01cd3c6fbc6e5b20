/**
 * The build is reproducible: the renderer (Vite) and main + preload (esbuild) built twice from the same sources into
 * two temp folders give the same build-manifest.json, byte for byte; and the hashes are not blind: the same build
 * with one byte of one source changed on the way in (a plugin, the tree is not touched) gives a different hash.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const rootPath = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'keyshard-repro-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Manifest {
  format: string;
  version: string;
  renderer: { sha256: string; files: number };
  main: { sha256: string; files: number };
}
interface OneByte {
  /** Source file (path ends with) and the text in it to change. */
  readonly renderer: { file: RegExp; from: string; to: string };
  readonly main: { file: RegExp; from: string; to: string };
}

const load = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(join(rootPath, rel)).href)) as T;

function changeOnce(code: string, from: string, to: string): string {
  assert.equal(to.length, from.length, 'a one-byte change');
  const at = code.indexOf(from);
  assert.ok(at >= 0, `"${from}" is in the source`);
  return code.slice(0, at) + to + code.slice(at + from.length);
}

/**
 * The renderer byte to change is taken from the English catalogue as it is now (the first 'key': 'text' entry), not
 * a fixed sentence: screen strings move between files, and a sentence no longer in its file would only fail here.
 */
function catalogueChange(): { from: string; to: string } {
  const source = readFileSync(join(rootPath, 'renderer/i18n/en.ts'), 'utf8');
  const m = /^\s*'[\w.-]+': ('[^'\\\n]{8,}'),?$/m.exec(source);
  assert.ok(m, "renderer/i18n/en.ts has a 'key': 'text' entry");
  const from = m[1]!;
  // Same length, one character different, still a valid string literal.
  const last = from.at(-2) === '!' ? '?' : '!';
  return { from, to: `${from.slice(0, -2)}${last}'` };
}

async function buildInto(name: string, change?: OneByte): Promise<{ manifest: Manifest; text: string; ms: number }> {
  const outDir = join(work, name);
  const t0 = performance.now();
  const vite = await load<typeof import('vite')>('node_modules/vite/dist/node/index.js');
  const { buildElectron } = await load<{ buildElectron: (o: object) => Promise<unknown> }>('build/build-electron.mjs');
  const { writeBuildManifest } = await load<{ writeBuildManifest: (o: { outDir: string }) => Manifest }>('build/build-manifest.mjs');
  const r = change?.renderer;
  // How many files each plugin changed: a file that is not in the build would otherwise pass unchanged, unnoticed.
  const changed = { renderer: 0, main: 0 };
  await vite.build({
    configFile: join(rootPath, 'build/vite.renderer.config.ts'),
    logLevel: 'silent',
    build: { outDir: join(outDir, 'renderer'), emptyOutDir: true },
    plugins: r
      ? [{ name: 'one-byte', enforce: 'pre', transform: (code: string, id: string) => (r.file.test(id) ? (changed.renderer++, changeOnce(code, r.from, r.to)) : null) }]
      : [],
  });
  const m = change?.main;
  await buildElectron({
    outDir,
    production: true,
    logLevel: 'silent',
    plugins: m
      ? [
          {
            name: 'one-byte',
            setup: (b: { onLoad: (f: { filter: RegExp }, cb: (a: { path: string }) => { contents: string; loader: 'ts' }) => void }) =>
              b.onLoad({ filter: m.file }, (a) => (changed.main++, { contents: changeOnce(readFileSync(a.path, 'utf8'), m.from, m.to), loader: 'ts' })),
          },
        ]
      : [],
  });
  if (r) assert.equal(changed.renderer, 1, `the renderer build read ${r.file} once`);
  if (m) assert.equal(changed.main, 1, `the main build read ${m.file} once`);
  const manifest = writeBuildManifest({ outDir });
  return { manifest, text: readFileSync(join(outDir, 'build-manifest.json'), 'utf8'), ms: Math.round(performance.now() - t0) };
}

describe('reproducible build', () => {
  it('two builds of the same sources give the same manifest; one changed byte changes the hash', { timeout: 240_000 }, async () => {
    const a = await buildInto('a');
    const b = await buildInto('b');
    const c = await buildInto('c', {
      renderer: { file: /renderer\/i18n\/en\.ts$/, ...catalogueChange() },
      main: { file: /electron\/main\/main\.ts$/, from: "app.setName('keyshard')", to: "app.setName('Keyshard')" },
    });
    console.log(`build times (renderer + main + manifest): ${a.ms} ms, ${b.ms} ms, ${c.ms} ms; renderer ${a.manifest.renderer.sha256}, main ${a.manifest.main.sha256}`);

    assert.match(a.manifest.renderer.sha256, /^[0-9a-f]{64}$/);
    assert.match(a.manifest.main.sha256, /^[0-9a-f]{64}$/);
    assert.equal(a.manifest.main.files, 3, 'main.cjs, openpgp-child.cjs and preload.cjs, no source maps in a production build');
    assert.equal(b.text, a.text, 'the second build wrote the same manifest');
    assert.doesNotMatch(a.text, new RegExp(work.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no absolute path in the manifest');

    assert.notEqual(c.manifest.renderer.sha256, a.manifest.renderer.sha256, 'one byte in a screen changes the renderer hash');
    assert.notEqual(c.manifest.main.sha256, a.manifest.main.sha256, 'one byte in main changes the main hash');
  });
});
