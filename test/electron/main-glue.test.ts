/**
 * Runs the real bundled main process (out/main/main.cjs, built into a temp dir) against a fake `electron` module, so
 * the glue in electron/main/main.ts is exercised without an Electron binary: what happens before ready, what the
 * window gets, which IPC channels exist and that they check the sender.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CHANNELS } from '../../electron/ipc/channels';
import { CHROMIUM_SWITCHES } from '../../electron/main/switches';
import { DEAD_PROXY } from '../../electron/main/session-hardening';

type Fn = (...args: never[]) => unknown;

function createFakeElectron(options: { gotLock: boolean }) {
  const record: string[] = [];
  const appEvents = new Map<string, Fn>();
  const ipcHandlers = new Map<string, Fn>();
  const windows: FakeWindow[] = [];
  const sessionCalls: string[] = [];
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const switches: Array<[string, string | undefined]> = [];
  let privileged: unknown;
  let menuTemplate: unknown;

  class FakeWindow {
    readonly options: { title?: string; webPreferences?: Record<string, unknown> };
    readonly events = new Map<string, Fn>();
    loadedUrl: string | undefined;
    constructor(opts: FakeWindow['options']) {
      this.options = opts;
      windows.push(this);
    }
    on(event: string, fn: Fn) {
      this.events.set(event, fn);
      return this;
    }
    once(event: string, fn: Fn) {
      return this.on(event, fn);
    }
    async loadURL(url: string) {
      this.loadedUrl = url;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {
      record.push('focus');
    }
    show() {}
  }

  const fakeSession = {
    webRequest: { onBeforeRequest: () => sessionCalls.push('onBeforeRequest'), onHeadersReceived: () => sessionCalls.push('onHeadersReceived') },
    setPermissionRequestHandler: () => sessionCalls.push('setPermissionRequestHandler'),
    setPermissionCheckHandler: () => sessionCalls.push('setPermissionCheckHandler'),
    setDevicePermissionHandler: () => sessionCalls.push('setDevicePermissionHandler'),
    setSpellCheckerEnabled: (on: boolean) => sessionCalls.push(`setSpellCheckerEnabled:${on}`),
    on: (event: string) => sessionCalls.push(`on:${event}`),
    protocol: { handle: (scheme: string) => sessionCalls.push(`protocol.handle:${scheme}`) },
    setProxy: async (config: unknown) => {
      sessionCalls.push(`setProxy:${JSON.stringify(config)}`);
    },
  };

  const electron = {
    app: {
      isPackaged: false,
      setName: (name: string) => record.push(`setName:${name}`),
      commandLine: { appendSwitch: (name: string, value?: string) => switches.push([name, value]) },
      enableSandbox: () => record.push('enableSandbox'),
      requestSingleInstanceLock: () => {
        record.push('requestSingleInstanceLock');
        return options.gotLock;
      },
      quit: () => record.push('quit'),
      exit: (code: number) => record.push(`exit:${code}`),
      on: (event: string, fn: Fn) => appEvents.set(event, fn),
      whenReady: () => ready,
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => {
        record.push('registerSchemesAsPrivileged');
        privileged = schemes;
      },
    },
    session: { defaultSession: fakeSession },
    ipcMain: { handle: (channel: string, fn: Fn) => ipcHandlers.set(channel, fn), removeHandler: () => {} },
    Menu: {
      buildFromTemplate: (template: unknown) => {
        menuTemplate = template;
        return template;
      },
      setApplicationMenu: () => record.push('setApplicationMenu'),
    },
    BrowserWindow: FakeWindow,
  };
  return {
    electron,
    record,
    appEvents,
    ipcHandlers,
    windows,
    sessionCalls,
    switches,
    privileged: () => privileged,
    menuTemplate: () => menuTemplate,
    fireReady: resolveReady,
  };
}

let outDir: string;
let mainPath: string;

before(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'keyshard-glue-'));
  const mod = (await import(pathToFileURL(join(new URL('../../', import.meta.url).pathname, 'build/build-electron.mjs')).href)) as {
    buildElectron: (o: { outDir: string; production: boolean; logLevel: string }) => Promise<{ main: string }>;
  };
  mainPath = (await mod.buildElectron({ outDir, production: true, logLevel: 'silent' })).main;
  // Node resolves require('electron') from out/main/ upward: out/node_modules/electron wins over the real package.
  // A proxy, so each test's fake is used although Node caches the module.
  mkdirSync(join(outDir, 'node_modules', 'electron'), { recursive: true });
  writeFileSync(join(outDir, 'node_modules', 'electron', 'index.js'), 'module.exports = new Proxy({}, { get: (_t, key) => globalThis.__keyshardFakeElectron[key] });\n');
});
after(() => rmSync(outDir, { recursive: true, force: true }));

function loadMain(fake: ReturnType<typeof createFakeElectron>): void {
  const g = globalThis as { __keyshardFakeElectron?: unknown };
  g.__keyshardFakeElectron = fake.electron;
  const req = createRequire(mainPath);
  delete req.cache[mainPath];
  const write = process.stderr.write.bind(process.stderr);
  // The app logs refusals on stderr; keep the test output clean.
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    req(mainPath);
  } finally {
    process.stderr.write = write;
  }
}

describe('bundled main process against a fake electron', () => {
  it('before ready: name, switches, sandbox, privileged app:// scheme, single-instance lock', () => {
    const fake = createFakeElectron({ gotLock: true });
    loadMain(fake);
    assert.deepEqual(fake.record, ['setName:keyshard', 'enableSandbox', 'registerSchemesAsPrivileged', 'requestSingleInstanceLock']);
    assert.deepEqual(fake.switches, CHROMIUM_SWITCHES.map(([n, v]) => [n, v]));
    assert.deepEqual(fake.privileged(), [
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } },
    ]);
    assert.ok(fake.appEvents.has('second-instance'));
    assert.ok(fake.appEvents.has('web-contents-created'));
    assert.ok(fake.appEvents.has('window-all-closed'));
  });

  it('a second instance quits at once and creates nothing', async () => {
    const fake = createFakeElectron({ gotLock: false });
    loadMain(fake);
    fake.fireReady();
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(fake.record.includes('quit'));
    assert.equal(fake.windows.length, 0);
    assert.equal(fake.ipcHandlers.size, 0);
    assert.equal(fake.appEvents.size, 0);
  });

  it('after ready: hardened session, IPC with sender checks, production menu, one hardened window on app://', async () => {
    const fake = createFakeElectron({ gotLock: true });
    loadMain(fake);
    fake.fireReady();
    await new Promise((r) => setTimeout(r, 50));

    assert.deepEqual(
      [...fake.sessionCalls].sort(),
      [
        'on:will-download',
        'onBeforeRequest',
        'onHeadersReceived',
        'protocol.handle:app',
        'setDevicePermissionHandler',
        'setPermissionCheckHandler',
        'setPermissionRequestHandler',
        `setProxy:${JSON.stringify(DEAD_PROXY)}`,
        'setSpellCheckerEnabled:false',
      ].sort(),
    );
    assert.deepEqual([...fake.ipcHandlers.keys()].sort(), [...CHANNELS].sort());
    assert.ok(fake.record.includes('setApplicationMenu'));
    assert.ok(!JSON.stringify(fake.menuTemplate()).includes('toggleDevTools'));

    assert.equal(fake.windows.length, 1);
    const win = fake.windows[0]!;
    assert.equal(win.options.title, 'keyshard — key ceremony');
    assert.equal(win.loadedUrl, 'app://keyshard/index.html');
    const prefs = win.options.webPreferences ?? {};
    assert.equal(prefs['preload'], join(outDir, 'preload', 'preload.cjs'));
    assert.equal(prefs['contextIsolation'], true);
    assert.equal(prefs['sandbox'], true);
    assert.equal(prefs['nodeIntegration'], false);
    assert.equal(prefs['devTools'], false, 'unpackaged without KEYSHARD_DEV=1 is production');

    // The page title cannot replace the window title.
    let prevented = false;
    (win.events.get('page-title-updated') as (e: { preventDefault: () => void }) => void)({ preventDefault: () => (prevented = true) });
    assert.equal(prevented, true);

    // IPC: our page gets an answer, anything else is refused.
    const info = fake.ipcHandlers.get('app:info') as (event: unknown, request: unknown) => Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;
    const own = await info({ senderFrame: { url: 'app://keyshard/index.html', parent: null } }, undefined);
    assert.equal(own.ok, true);
    assert.deepEqual(Object.keys(own.value as object).sort(), ['arch', 'build', 'name', 'platform', 'production', 'version']);
    // No out/build-manifest.json beside this bundle: no hash is claimed.
    assert.equal((own.value as { build: unknown }).build, null);
    assert.equal((own.value as { production: boolean }).production, true);
    const foreign = await info({ senderFrame: { url: 'https://example.com/', parent: null } }, undefined);
    assert.equal(foreign.error?.code, 'IPC_SENDER_REFUSED');

    // Every WebContents created later gets the navigation walls.
    const contentsEvents = new Map<string, Fn>();
    let openHandler: Fn | undefined;
    const contents = {
      on: (event: string, fn: Fn) => {
        contentsEvents.set(event, fn);
        return contents;
      },
      setWindowOpenHandler: (fn: Fn) => (openHandler = fn),
    };
    (fake.appEvents.get('web-contents-created') as (e: unknown, c: unknown) => void)({}, contents);
    assert.deepEqual([...contentsEvents.keys()].sort(), ['will-attach-webview', 'will-navigate', 'will-redirect']);
    assert.deepEqual((openHandler as (d: { url: string }) => unknown)({ url: 'https://example.com/' }), { action: 'deny' });

    // A second launch focuses this window.
    (fake.appEvents.get('second-instance') as () => void)();
    assert.ok(fake.record.includes('focus'));
  });
});
