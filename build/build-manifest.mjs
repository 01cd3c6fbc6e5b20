#!/usr/bin/env node
// Build attestation: the SHA-256 of the renderer bundle (out/renderer) and of the main bundle (out/main + out/preload),
// written to out/build-manifest.json, which main reads at start (electron/main/build-info.ts), shows in the About
// panel and records in every ceremony transcript, so witnesses can compare the build they run with the published one.
//
// A bundle's hash is the SHA-256 of its listing in `sha256sum` format: one line "<sha256 hex>  <relative path>\n" per
// file, sorted by path byte by byte. Anyone can recompute it without keyshard:
//   cd out/renderer && find . -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum
//   cd out && find main preload -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const MANIFEST_NAME = 'build-manifest.json';
export const MANIFEST_FORMAT = 'keyshard-build-manifest/1';

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? d.path, d.name));
}

/** Byte order of the UTF-8 paths, as `LC_ALL=C sort` gives (not the locale's order). */
const byBytes = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * The listing and its hash for the files under `base`/`dirs`, paths relative to `base` with '/' separators.
 * @param {string} base
 * @param {readonly string[]} dirs
 */
export function bundleHash(base, dirs) {
  const paths = dirs.flatMap((d) => filesUnder(join(base, d))).map((f) => relative(base, f).split(sep).join('/'));
  const lines = paths.sort(byBytes).map((p) => `${sha256(readFileSync(join(base, p)))}  ${p}\n`);
  if (lines.length === 0) throw new Error(`no files to hash under ${dirs.map((d) => join(base, d)).join(', ')}`);
  return { sha256: sha256(lines.join('')), files: lines.length };
}

/**
 * Hashes a built out/ folder (renderer/, main/, preload/) and writes out/build-manifest.json.
 * @param {{ outDir?: string, rendererDir?: string }} [options]
 */
export function writeBuildManifest(options = {}) {
  const outDir = options.outDir ?? join(root, 'out');
  const rendererDir = options.rendererDir ?? join(outDir, 'renderer');
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const renderer = bundleHash(rendererDir, ['.']);
  const main = bundleHash(outDir, ['main', 'preload']);
  // No time, host or absolute path: two builds of one commit write the same file.
  const manifest = { format: MANIFEST_FORMAT, version, renderer, main };
  writeFileSync(join(outDir, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const m = writeBuildManifest();
  console.log(`${MANIFEST_NAME}: renderer ${m.renderer.sha256} (${m.renderer.files} files), main ${m.main.sha256} (${m.main.files} files)`);
}
