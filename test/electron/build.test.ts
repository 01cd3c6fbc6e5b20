/**
 * The build needs no Electron binary: bundle main and preload into a temp dir and check what they import.
 * Also validates build/electron-builder.yml against electron-builder's own schema (offline).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = new URL('../../', import.meta.url);
const rootPath = root.pathname;
const outDir = mkdtempSync(join(tmpdir(), 'keyshard-out-'));
after(() => rmSync(outDir, { recursive: true, force: true }));

function requiredModules(code: string): string[] {
  return [...new Set([...code.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1] ?? ''))].sort();
}

describe('build/build-electron.mjs', () => {
  it('bundles main (CommonJS) and preload (CommonJS, electron only) without an Electron binary', async () => {
    const mod = (await import(pathToFileURL(join(rootPath, 'build/build-electron.mjs')).href)) as {
      buildElectron: (o: { outDir: string; production: boolean; logLevel: string }) => Promise<{ main: string; preload: string }>;
      MAIN_EXTERNALS: string[];
    };
    const { main, preload } = await mod.buildElectron({ outDir, production: true, logLevel: 'silent' });
    assert.equal(main, join(outDir, 'main', 'main.cjs'));
    assert.equal(preload, join(outDir, 'preload', 'preload.cjs'));

    const preloadCode = readFileSync(preload, 'utf8');
    assert.deepEqual(requiredModules(preloadCode), ['electron']);
    assert.doesNotMatch(preloadCode, /zod|KeyshardError|node:/);
    assert.match(preloadCode, /exposeInMainWorld\("keyshard"/);

    const mainCode = readFileSync(main, 'utf8');
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const externals = requiredModules(mainCode).filter((m) => !builtins.has(m));
    for (const m of externals) assert.ok(mod.MAIN_EXTERNALS.includes(m), `main requires ${m} at run time`);
    assert.ok(externals.includes('electron'));
    assert.doesNotMatch(mainCode, /import\.meta/, 'import.meta is shimmed in the CommonJS bundle');
    assert.doesNotMatch(mainCode, /__KEYSHARD_VERSION__/, 'the version is baked in');
    const version = JSON.parse(readFileSync(join(rootPath, 'package.json'), 'utf8')).version as string;
    assert.ok(mainCode.includes(JSON.stringify(version)));
  });

  it('bundles the OpenPGP helper next to main.cjs (issue 16.3): Node built-ins only, and it encrypts and opens a shard', async () => {
    // Built by the test above into the same outDir.
    const helper = join(outDir, 'main', 'openpgp-child.cjs');
    const code = readFileSync(helper, 'utf8');
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    assert.deepEqual(requiredModules(code).filter((m) => !builtins.has(m)), [], 'the helper needs nothing from node_modules at run time');
    assert.doesNotMatch(code, /import\.meta/, 'import.meta is shimmed in the CommonJS bundle');
    // The built file itself runs the request (with Node here; the app starts it as a utility process).
    const { generateOpenPgpKey, openProtectedBytes, protectShardText, useOpenPgpLauncher } = await import('../../electron/services/protection/index');
    const started: string[] = [];
    const { spawnNodeHelper } = await import('../../electron/services/protection/openpgp-process');
    useOpenPgpLauncher(() => {
      started.push(helper);
      return spawnNodeHelper([helper]);
    });
    const bob = await generateOpenPgpKey('Bob');
    const text = new TextEncoder().encode('KS1ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');
    const file = await protectShardText(text, { kind: 'openpgp', publicKeyArmored: bob.publicKeyArmored });
    const opened = await openProtectedBytes(file.data, { kind: 'openpgp', privateKeyArmored: bob.privateKeyArmored });
    assert.equal(new TextDecoder().decode(opened), 'KS1ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');
    assert.equal(started.length, 2);
  });
});

describe('build/electron-builder.yml', () => {
  it('is valid for electron-builder, Linux AppImage + deb, from out/, with no publishing', async () => {
    // app-builder-lib and js-yaml come with electron-builder; the schema check runs offline.
    const require = createRequire(join(rootPath, 'package.json'));
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const yaml = require('js-yaml') as { load: (text: string) => unknown };
    const config = yaml.load(readFileSync(join(rootPath, 'build/electron-builder.yml'), 'utf8')) as {
      appId?: string;
      productName?: string;
      publish?: unknown;
      files?: string[];
      extraMetadata?: { main?: string };
      linux?: { target?: string[] };
      electronFuses?: Record<string, boolean>;
    };
    await validateConfiguration(config, new DebugLogger(false));
    assert.equal(config.productName, 'keyshard');
    assert.match(config.appId ?? '', /^[a-z]+(\.[a-z]+)+$/);
    assert.equal(config.publish, null);
    assert.deepEqual(config.linux?.target, ['AppImage', 'deb']);
    assert.equal(config.extraMetadata?.main, 'out/main/main.cjs');
    assert.ok(config.files?.includes('out/**/*'));
    assert.equal(config.electronFuses?.['runAsNode'], false);
    assert.equal(config.electronFuses?.['enableNodeCliInspectArguments'], false);
    assert.equal(config.electronFuses?.['grantFileProtocolExtraPrivileges'], false);
  });
});
