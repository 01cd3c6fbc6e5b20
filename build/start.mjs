#!/usr/bin/env node
// `npm start`: build the renderer (Vite) and main + preload (esbuild), find the Electron binary (fetching it once if it
// is missing), and launch the app. Without a binary and without network access it explains what to do and exits 1.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectron } from './build-electron.mjs';
import { writeBuildManifest } from './build-manifest.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const INSTALL_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * The Electron executable, or a reason it is missing. `require('electron')` returns the path (honouring
 * ELECTRON_OVERRIDE_DIST_PATH) or throws when the package was installed without its binary.
 */
function findElectron() {
  const require = createRequire(join(root, 'package.json'));
  let resolved;
  try {
    const entry = require.resolve('electron');
    delete require.cache[entry]; // re-read path.txt after an install attempt
    resolved = require('electron');
  } catch {
    // The electron package throws when it was installed without its binary (no path.txt, no dist/).
    return { ok: false, reason: 'node_modules/electron was installed without its binary' };
  }
  if (typeof resolved !== 'string') return { ok: false, reason: 'require("electron") did not return a path' };
  if (!existsSync(resolved)) return { ok: false, reason: `${resolved} does not exist` };
  return { ok: true, path: resolved };
}

async function buildAll() {
  const { build } = await import('vite');
  await build({ configFile: join(root, 'build/vite.renderer.config.ts'), logLevel: 'warn' });
  await buildElectron({ production: process.env.KEYSHARD_DEV !== '1' });
  writeBuildManifest();
  console.log('keyshard: built out/renderer, out/main/main.cjs and out/preload/preload.cjs');
}

function explainMissingElectron(firstReason, installStatus) {
  const lines = [
    '',
    'keyshard: cannot start the app window: there is no Electron binary on this machine.',
    `  What happened: ${firstReason}; fetching it with \`node node_modules/electron/install.js\` ${installStatus}.`,
    '  To fix it, either:',
    '    - give this machine network access to the Electron download mirror once (github.com/electron/electron/releases,',
    '      or the mirror named by ELECTRON_MIRROR) and run `npm start` again, or',
    `    - set ELECTRON_OVERRIDE_DIST_PATH to the directory of an installed Electron ${readElectronVersion()} and run \`npm start\` again.`,
    '  Meanwhile the same ceremony runs headless: `npx keyshard demo --out DIR`.',
    '',
  ];
  process.stderr.write(lines.join('\n'));
}

function readElectronVersion() {
  try {
    return createRequire(join(root, 'package.json'))('electron/package.json').version;
  } catch {
    return '(the version in package.json)';
  }
}

async function main() {
  await buildAll();

  let electron = findElectron();
  if (!electron.ok) {
    const firstReason = electron.reason;
    console.log('keyshard: no Electron binary yet; trying to fetch it once (node node_modules/electron/install.js) ...');
    const install = spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: INSTALL_TIMEOUT_MS,
      encoding: 'utf8',
    });
    electron = findElectron();
    if (!electron.ok) {
      const detail = install.error
        ? `could not run (${install.error.message})`
        : `failed (exit ${install.status}${firstLine(install.stderr) ? `: ${firstLine(install.stderr)}` : ''})`;
      explainMissingElectron(firstReason, detail);
      process.exitCode = 1;
      return;
    }
  }

  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would turn the binary into plain Node
  const child = spawn(electron.path, [join(root, 'out/main/main.cjs')], { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

function firstLine(text) {
  return (text ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

main().catch((e) => {
  process.stderr.write(`keyshard: start failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
