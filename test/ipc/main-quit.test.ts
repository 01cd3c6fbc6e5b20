/**
 * The bundled main process (out/main/main.cjs built into a temp dir) against a small fake `electron`: the ceremony and
 * recovery channels are wired to real services, and quitting zeroizes them first (before-quit waits for it once;
 * closing the last window does it too).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { sealWitnessKeySync } from '../../electron/services/witness/key-file';
import { cleanTemps, custodianKeys, slip39Plan, tempDir, type Keys } from '../services/ceremony-harness';
import { slip39Backup } from '../services/recovery-fixtures';

type Fn = (...args: never[]) => unknown;
type Invoke = (event: unknown, request?: unknown) => Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;

function fakeElectron(userData: string) {
  const record: string[] = [];
  const appEvents = new Map<string, Fn>();
  const ipc = new Map<string, Invoke>();
  // The file main's open dialog answers (the test sets it before dialog:choose-file): paths come only from there.
  const dialogAnswer: { path: string | null } = { path: null };
  let ready: () => void = () => {};
  const whenReady = new Promise<void>((r) => (ready = r));
  class FakeWindow {
    on() {
      return this;
    }
    once() {
      return this;
    }
    async loadURL() {}
  }
  const session = {
    webRequest: { onBeforeRequest: () => {}, onHeadersReceived: () => {} },
    setPermissionRequestHandler: () => {},
    setPermissionCheckHandler: () => {},
    setDevicePermissionHandler: () => {},
    setSpellCheckerEnabled: () => {},
    on: () => {},
    protocol: { handle: () => {} },
    setProxy: async () => {},
  };
  const electron = {
    app: {
      isPackaged: true,
      setName: () => {},
      commandLine: { appendSwitch: () => {} },
      enableSandbox: () => {},
      requestSingleInstanceLock: () => true,
      getPath: (name: string) => {
        record.push(`getPath:${name}`);
        return userData;
      },
      quit: () => record.push('quit'),
      exit: (code: number) => record.push(`exit:${code}`),
      on: (event: string, fn: Fn) => appEvents.set(event, fn),
      whenReady: () => whenReady,
    },
    protocol: { registerSchemesAsPrivileged: () => {} },
    session: { defaultSession: session },
    ipcMain: { handle: (channel: string, fn: Invoke) => ipc.set(channel, fn), removeHandler: () => {} },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => {} },
    BrowserWindow: FakeWindow,
    dialog: {
      showOpenDialog: async () => ({ canceled: dialogAnswer.path === null, filePaths: dialogAnswer.path === null ? [] : [dialogAnswer.path] }),
      showSaveDialog: async () => ({ canceled: true }),
    },
  };
  return { electron, record, appEvents, ipc, dialogAnswer, fireReady: () => ready() };
}

const OWN_PAGE = { senderFrame: { url: 'app://keyshard/index.html', parent: null } };

let k: Keys;
let outDir: string;
let mainPath: string;

before(async () => {
  k = await custodianKeys();
  outDir = mkdtempSync(join(tmpdir(), 'keyshard-quit-'));
  const mod = (await import(pathToFileURL(join(new URL('../../', import.meta.url).pathname, 'build/build-electron.mjs')).href)) as {
    buildElectron: (o: { outDir: string; production: boolean; logLevel: string }) => Promise<{ main: string }>;
  };
  mainPath = (await mod.buildElectron({ outDir, production: true, logLevel: 'silent' })).main;
  mkdirSync(join(outDir, 'node_modules', 'electron'), { recursive: true });
  writeFileSync(join(outDir, 'node_modules', 'electron', 'index.js'), 'module.exports = new Proxy({}, { get: (_t, key) => globalThis.__keyshardFakeElectron[key] });\n');
});
after(() => {
  rmSync(outDir, { recursive: true, force: true });
  cleanTemps();
});

describe('main process: ceremony and recovery wiring, zeroize on quit', () => {
  it('serves the ceremony and recovery channels, and zeroizes both before quitting', async () => {
    const userData = tempDir('userdata');
    const fake = fakeElectron(userData);
    (globalThis as { __keyshardFakeElectron?: unknown }).__keyshardFakeElectron = fake.electron;
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      createRequire(mainPath)(mainPath);
    } finally {
      process.stderr.write = write;
    }
    fake.fireReady();
    await new Promise((r) => setTimeout(r, 100));
    const call = async (channel: string, request?: unknown) => {
      const handler = fake.ipc.get(channel);
      assert.ok(handler !== undefined, `${channel} is not registered`);
      return handler(OWN_PAGE, request);
    };

    const keyFile = join(userData, 'wendy.json');
    writeFileSync(keyFile, sealWitnessKeySync('wendy', sha256(utf8ToBytes('quit test witness')), 'quit test passphrase'));
    // A key file named by the page is refused (FILE_NOT_CHOSEN); the one chosen in main's dialog loads.
    assert.equal((await call('ceremony:load-witness-key', { path: keyFile })).error?.code, 'FILE_NOT_CHOSEN');
    fake.dialogAnswer.path = keyFile;
    assert.equal(((await call('dialog:choose-file', { purpose: 'witness-key' })).value as { path: string } | null)?.path, keyFile);
    assert.equal((await call('ceremony:load-witness-key', { path: keyFile })).ok, true);
    const started = await call('ceremony:start', { plan: slip39Plan(k) });
    assert.equal(started.ok, true, JSON.stringify(started.error));
    assert.equal((started.value as { phase: string }).phase, 'active');
    assert.ok(fake.record.includes('getPath:userData'), 'the ceremony folder is under userData');
    const b = slip39Backup(1, [{ threshold: 2, count: 3 }]);
    assert.equal(((await call('recovery:add-shard', { text: b.mnemonics[0]![0]! })).value as { outcome: string }).outcome, 'accepted');
    assert.equal(((await call('usb:list-drives')).value as unknown[]).length >= 0, true);

    // Quit: before-quit holds the quit until both services are zeroized, then quits.
    let prevented = 0;
    (fake.appEvents.get('before-quit') as (e: { preventDefault: () => void }) => void)({ preventDefault: () => prevented++ });
    assert.equal(prevented, 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(fake.record.includes('quit'), 'quit after zeroizing');
    const status = (await call('ceremony:status')).value as { phase: string };
    assert.equal(status.phase, 'not-started', 'the ceremony service was shut down (its secrets zeroized)');
    const rec = (await call('recovery:status')).value as { phase: string; shards: unknown[] };
    assert.deepEqual([rec.phase, rec.shards.length], ['idle', 0]);
    // The witness key was unloaded too: a new ceremony needs it loaded again.
    const again = await call('ceremony:start', { plan: slip39Plan(k), dir: join(userData, 'ceremonies', 'after-quit') });
    assert.equal(again.error?.code, 'WITNESS_KEY');

    // The second before-quit (the one app.quit() fires) goes through.
    (fake.appEvents.get('before-quit') as (e: { preventDefault: () => void }) => void)({ preventDefault: () => prevented++ });
    assert.equal(prevented, 1);

    // Closing the last window zeroizes (again: shutdown is idempotent) and quits.
    const quits = fake.record.filter((r) => r === 'quit').length;
    (fake.appEvents.get('window-all-closed') as () => void)();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(fake.record.filter((r) => r === 'quit').length, quits + 1);
  });
});
