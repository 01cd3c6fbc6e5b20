#!/usr/bin/env node
// Bundles the Electron main process and the preload with esbuild into out/. Needs no Electron binary.
//
// Formats:
// - main  -> out/main/main.cjs, CommonJS. Electron loads CommonJS mains synchronously, so everything that must happen
//   before `ready` (privileged scheme registration, the single-instance lock, Chromium switches) runs before it, with
//   no top-level-await ordering traps (see Electron's ESM caveats); native modules (graphene-pk11 -> pkcs11js) are
//   plain `require`s. The sources are ESM TypeScript; `import.meta.url` is shimmed from __filename. Top-level await is
//   not available in code the main process imports.
// - preload -> out/preload/preload.cjs, CommonJS for the sandbox (a sandboxed preload cannot be ESM and may only
//   require 'electron'). Bundled for the browser platform so any Node import fails the build; checked below to
//   import nothing but 'electron'.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Never bundled: Electron itself and native addons (they are loaded from node_modules at run time). */
export const MAIN_EXTERNALS = ['electron', 'graphene-pk11', 'pkcs11js'];

/** Electron 41 runs Chromium 146 and Node 24; these targets are safely below both. */
const NODE_TARGET = 'node22';
const CHROME_TARGET = 'chrome130';

/**
 * @param {{ outDir?: string, production?: boolean, write?: boolean, logLevel?: import('esbuild').LogLevel, plugins?: import('esbuild').Plugin[] }} [options]
 *   `plugins` only for tests (the reproducibility test changes one byte of a source on the way in).
 * @returns {Promise<{ outDir: string, main: string, preload: string }>}
 */
export async function buildElectron(options = {}) {
  const outDir = options.outDir ?? join(root, 'out');
  const production = options.production ?? true;
  const logLevel = options.logLevel ?? 'warning';
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const main = join(outDir, 'main', 'main.cjs');
  const preload = join(outDir, 'preload', 'preload.cjs');

  await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'electron/main/main.ts')],
    outfile: main,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: NODE_TARGET,
    external: MAIN_EXTERNALS,
    sourcemap: production ? false : 'linked',
    minify: false,
    legalComments: 'none',
    logLevel,
    plugins: options.plugins ?? [],
    banner: { js: "'use strict';\nconst __keyshard_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
    define: {
      'import.meta.url': '__keyshard_import_meta_url',
      __KEYSHARD_VERSION__: JSON.stringify(version),
    },
  });

  // The OpenPGP helper (issue 16.3): main starts it as a utility process for each OpenPGP encryption or opening,
  // so openpgp.js's copies of a shard's text die with it. It sits next to main.cjs, where main looks for it.
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'electron/services/protection/openpgp-child.ts')],
    outfile: join(outDir, 'main', 'openpgp-child.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: NODE_TARGET,
    external: MAIN_EXTERNALS,
    sourcemap: false,
    minify: false,
    legalComments: 'none',
    logLevel,
    banner: { js: "'use strict';\nconst __keyshard_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__keyshard_import_meta_url' },
  });

  const preloadResult = await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'electron/preload/preload.ts')],
    outfile: preload,
    bundle: true,
    platform: 'browser',
    format: 'cjs',
    target: CHROME_TARGET,
    external: ['electron'],
    sourcemap: false,
    minify: false,
    legalComments: 'none',
    logLevel,
    metafile: true,
  });
  assertPreloadIsTiny(preloadResult.metafile);

  return { outDir, main, preload };
}

/** The preload may import only 'electron' and may bundle only our own bridge and channel list (no zod, no core). */
function assertPreloadIsTiny(metafile) {
  const output = Object.values(metafile.outputs)[0];
  const imports = (output?.imports ?? []).map((i) => i.path);
  const foreign = imports.filter((p) => p !== 'electron');
  const inputs = Object.keys(metafile.inputs);
  const unexpected = inputs.filter((p) => !/^electron\/(preload|ipc\/channels)/.test(p));
  if (foreign.length > 0 || unexpected.length > 0) {
    throw new Error(
      `preload bundle must import only 'electron' and bundle only electron/preload and electron/ipc/channels; ` +
        `imports: ${foreign.join(', ') || '-'}; bundled: ${unexpected.join(', ') || '-'}`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const production = !process.argv.includes('--dev');
  const { main, preload } = await buildElectron({ production, logLevel: 'info' });
  console.log(`built ${relative(root, main)} and ${relative(root, preload)}${production ? '' : ' (dev: with source maps)'}`);
}
