#!/usr/bin/env node
// Bundles the `keyshard` command ahead of time with esbuild into out/cli/, so that no TypeScript is compiled when it
// runs. `npm install` / `npm ci` run this as the `prepare` script; bin/keyshard.mjs runs the result.
//
// - ESM with code splitting: the entry holds the argument parser and the list of commands; each command group
//   (and OpenPGP, zod, QR, ...) is a chunk loaded only when a command of that group runs. `keyshard --help`
//   parses a few kilobytes instead of megabytes.
// - Native and wasm packages stay in node_modules (graphene-pk11 -> pkcs11js, zxing-wasm): loaded at run time.
// - Chunks are named by their content. A build puts new chunks in place first and then renames the entry over the old
//   one, so a run (or a concurrent build, as test files do) never sees a half-written command; chunks that no entry
//   reaches any more are removed once they are an hour old.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Never bundled: native addons and the wasm QR reader (they find their files in node_modules). */
export const CLI_EXTERNALS = ['electron', 'graphene-pk11', 'pkcs11js', 'zxing-wasm'];

const STALE_CHUNK_MS = 60 * 60 * 1000;

/** Chunk file names reachable from the entry, following the relative imports in each file. */
function reachableChunks(outDir) {
  const seen = new Set();
  const visit = (file) => {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/["'](?:\.\/|\.\/chunks\/)([\w.-]+\.mjs)["']/g)) {
      const name = m[1];
      if (seen.has(name) || !existsSync(join(outDir, 'chunks', name))) continue;
      seen.add(name);
      visit(join(outDir, 'chunks', name));
    }
  };
  visit(join(outDir, 'keyshard.mjs'));
  visit(join(outDir, 'openpgp-child.mjs'));
  return seen;
}

/** @param {{ outDir?: string, logLevel?: import('esbuild').LogLevel }} [options] */
export async function buildCli(options = {}) {
  const outDir = options.outDir ?? join(root, 'out', 'cli');
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const staging = `${outDir}.tmp-${process.pid}-${Date.now()}`;
  const { build } = await import('esbuild');
  try {
    await build({
      absWorkingDir: root,
      // openpgp-child: the OpenPGP helper process that protection/openpgp-process.ts starts (issue 16.3).
      entryPoints: { keyshard: join(root, 'electron/cli/bin.ts'), 'openpgp-child': join(root, 'electron/services/protection/openpgp-child.ts') },
      outdir: staging,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: CLI_EXTERNALS,
      chunkNames: 'chunks/[name]-[hash]',
      legalComments: 'none',
      logLevel: options.logLevel ?? 'warning',
      // CommonJS packages inside an ESM bundle still call require() for Node built-ins.
      banner: { js: "import { createRequire as __keyshardCreateRequire } from 'node:module';\nconst require = __keyshardCreateRequire(import.meta.url);" },
      define: { __KEYSHARD_VERSION__: JSON.stringify(version) },
    });
    mkdirSync(join(outDir, 'chunks'), { recursive: true });
    for (const name of readdirSync(join(staging, 'chunks'))) {
      const target = join(outDir, 'chunks', name);
      if (!existsSync(target)) renameSync(join(staging, 'chunks', name), target);
    }
    renameSync(join(staging, 'openpgp-child.mjs'), join(outDir, 'openpgp-child.mjs'));
    renameSync(join(staging, 'keyshard.mjs'), join(outDir, 'keyshard.mjs'));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const keep = reachableChunks(outDir);
  for (const name of readdirSync(join(outDir, 'chunks'))) {
    const file = join(outDir, 'chunks', name);
    if (!keep.has(name) && Date.now() - statSync(file).mtimeMs > STALE_CHUNK_MS) rmSync(file, { force: true });
  }
  return { outDir, entry: join(outDir, 'keyshard.mjs') };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // An install without dev dependencies (npm install --omit=dev) has no esbuild: say so, and let the install finish.
  const esbuildThere = await import('esbuild').then(() => true, () => false);
  if (!esbuildThere) {
    console.warn('keyshard: esbuild is not installed (an install without dev dependencies), so the keyshard command was not built. Run `npm install` with dev dependencies, then `npm run build:cli`.');
  } else {
    const { entry } = await buildCli();
    console.log(`keyshard CLI bundled: ${entry}`);
  }
}
