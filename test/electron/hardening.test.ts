/**
 * Fails if any wall around the renderer is removed or weakened: web preferences, CSP, the request filter, permission
 * decisions, menu, Chromium switches, and the glue in electron/main/main.ts that wires them to Electron.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Session, WebContents } from 'electron';
import { APP_ENTRY_URL, APP_ORIGIN, isAppUrl, WINDOW_TITLE } from '../../electron/main/app-origin';
import { buildCsp, CONTENT_SECURITY_POLICY, CSP_DIRECTIVES, parseCsp } from '../../electron/main/csp';
import { buildMenuTemplate, menuRoles } from '../../electron/main/menu';
import { runtimeMode } from '../../electron/main/mode';
import { createCameraGate, decidePermissionCheck, decidePermissionRequest } from '../../electron/main/permissions';
import { decideRequest, isRequestAllowed } from '../../electron/main/request-policy';
import { applySessionHardening, DEAD_PROXY } from '../../electron/main/session-hardening';
import { CHROMIUM_SWITCHES } from '../../electron/main/switches';
import { hardenWebContents } from '../../electron/main/web-contents-hardening';
import { createWebPreferences } from '../../electron/main/web-preferences';

const mainSource = readFileSync(new URL('../../electron/main/main.ts', import.meta.url), 'utf8');
const sessionSource = readFileSync(new URL('../../electron/main/session-hardening.ts', import.meta.url), 'utf8');
const contentsSource = readFileSync(new URL('../../electron/main/web-contents-hardening.ts', import.meta.url), 'utf8');

describe('web preferences', () => {
  for (const devTools of [false, true]) {
    it(`keep every isolation setting (devTools ${devTools})`, () => {
      const prefs = createWebPreferences({ preloadPath: '/x/preload.cjs', devTools });
      assert.equal(prefs.contextIsolation, true);
      assert.equal(prefs.sandbox, true);
      assert.equal(prefs.nodeIntegration, false);
      assert.equal(prefs.nodeIntegrationInWorker, false);
      assert.equal(prefs.nodeIntegrationInSubFrames, false);
      assert.equal(prefs.webviewTag, false);
      assert.equal(prefs.webSecurity, true);
      assert.equal(prefs.allowRunningInsecureContent, false);
      assert.equal(prefs.experimentalFeatures, false);
      assert.equal(prefs.spellcheck, false);
      assert.equal(prefs.navigateOnDragDrop, false);
      assert.equal(prefs.enableBlinkFeatures, undefined);
      assert.equal(prefs.devTools, devTools);
      assert.equal(prefs.preload, '/x/preload.cjs');
      assert.ok(!('additionalArguments' in prefs), 'no extra renderer switches');
    });
  }

  it('DevTools only for an unpackaged app with KEYSHARD_DEV=1', () => {
    assert.deepEqual(runtimeMode({ isPackaged: false, env: {} }), { production: true, devTools: false });
    assert.deepEqual(runtimeMode({ isPackaged: false, env: { KEYSHARD_DEV: '1' } }), { production: false, devTools: true });
    assert.deepEqual(runtimeMode({ isPackaged: true, env: { KEYSHARD_DEV: '1' } }), { production: true, devTools: false });
    assert.deepEqual(runtimeMode({ isPackaged: false, env: { KEYSHARD_DEV: 'true', NODE_ENV: 'development' } }), { production: true, devTools: false });
  });
});

describe('content security policy', () => {
  const csp = parseCsp(CONTENT_SECURITY_POLICY);
  const allSources = [...csp.values()].flat();

  it("default-src 'self', scripts from 'self' (+ wasm) only", () => {
    assert.deepEqual(csp.get('default-src'), ["'self'"]);
    assert.deepEqual(csp.get('script-src'), ["'self'", "'wasm-unsafe-eval'"]);
  });

  it('has no eval, no inline script, no remote sources anywhere', () => {
    for (const bad of ["'unsafe-eval'", "'unsafe-inline'", "'unsafe-hashes'", "'strict-dynamic'", '*', 'http:', 'https:', 'ws:', 'wss:', 'ftp:', 'file:', 'filesystem:']) {
      assert.ok(!allSources.includes(bad), `CSP must not contain ${bad}`);
    }
    assert.ok(!allSources.some((s) => /^(https?|wss?|ftp):\/\//i.test(s) || s.includes('*')), 'no host sources or wildcards');
    assert.ok(!(csp.get('script-src') ?? []).includes('data:') && !(csp.get('script-src') ?? []).includes('blob:'));
  });

  it('locks down objects, base, forms, framing; limits workers, images, media, connections', () => {
    for (const d of ['object-src', 'base-uri', 'form-action', 'frame-ancestors', 'frame-src']) assert.deepEqual(csp.get(d), ["'none'"], d);
    assert.deepEqual(csp.get('worker-src'), ["'self'"]);
    assert.deepEqual(csp.get('connect-src'), ["'self'"]);
    assert.deepEqual(csp.get('style-src'), ["'self'"]);
    assert.deepEqual(csp.get('img-src'), ["'self'", 'data:', 'blob:']);
    assert.deepEqual(csp.get('media-src'), ["'self'", 'blob:', 'mediastream:']);
  });

  it('the string is built from the directive table', () => {
    assert.equal(CONTENT_SECURITY_POLICY, buildCsp(CSP_DIRECTIVES));
    assert.ok(Object.isFrozen(CSP_DIRECTIVES));
  });
});

describe('request filter', () => {
  const prod = { devTools: false };
  it('allows our own files and data:/blob: URLs the page made', () => {
    for (const url of ['app://keyshard/index.html', 'app://keyshard/assets/index-abc.js', 'app://keyshard/assets/zxing_reader.wasm', 'data:image/png;base64,AAAA', 'blob:app://keyshard/6c1b-4e']) {
      assert.equal(isRequestAllowed(url, prod), true, url);
    }
  });

  it('cancels every network scheme and every other local one', () => {
    for (const url of [
      'http://example.com/',
      'https://example.com/',
      'HTTPS://EXAMPLE.COM/',
      'http://127.0.0.1:9/',
      'https://[::1]/',
      'ws://example.com/socket',
      'wss://example.com/socket',
      'ftp://example.com/file',
      'file:///etc/passwd',
      'chrome://settings',
      'chrome-extension://abc/x.js',
      'devtools://devtools/bundled/inspector.html',
      'app://other/index.html',
      'app://keyshard.evil/x',
      'blob:https://example.com/uuid',
      'javascript:alert(1)',
      'about:blank',
      'not a url',
    ]) {
      assert.equal(isRequestAllowed(url, prod), false, url);
    }
  });

  it('lets the DevTools front end load only in development', () => {
    assert.equal(isRequestAllowed('devtools://devtools/bundled/inspector.html', { devTools: true }), true);
    assert.equal(isRequestAllowed('https://example.com/', { devTools: true }), false);
    const decision = decideRequest('https://example.com/', prod);
    assert.ok(!decision.allow && decision.reason.includes('https:'));
  });

  it('our own origin is exactly app://keyshard/', () => {
    assert.equal(APP_ORIGIN, 'app://keyshard');
    assert.equal(APP_ENTRY_URL, 'app://keyshard/index.html');
    assert.equal(isAppUrl(APP_ENTRY_URL), true);
    assert.equal(WINDOW_TITLE, 'keyshard — key ceremony');
  });
});

describe('permissions', () => {
  const page = 'app://keyshard/index.html';
  function gate() {
    let now = 0;
    return { camera: createCameraGate({ now: () => now, maxMs: 1000 }), advance: (ms: number) => (now += ms) };
  }

  it('deny the camera until a scan screen asks, allow it (video only) while open, deny after release', () => {
    const { camera } = gate();
    const video = { permission: 'media', mediaTypes: ['video'], requestingUrl: page };
    assert.equal(decidePermissionRequest(video, camera), false);
    assert.equal(decidePermissionCheck({ permission: 'media', mediaType: 'video', requestingOrigin: APP_ORIGIN }, camera), false);
    camera.allow();
    assert.equal(decidePermissionRequest(video, camera), true);
    assert.equal(decidePermissionCheck({ permission: 'media', mediaType: 'video', requestingOrigin: APP_ORIGIN }, camera), true);
    camera.release();
    assert.equal(decidePermissionRequest(video, camera), false);
    assert.equal(decidePermissionCheck({ permission: 'media', mediaType: 'video', requestingOrigin: APP_ORIGIN }, camera), false);
  });

  it('never the microphone, screen capture, or the camera for another origin, even while the gate is open', () => {
    const { camera } = gate();
    camera.allow();
    for (const mediaTypes of [['audio'], ['video', 'audio'], [], undefined]) {
      assert.equal(decidePermissionRequest({ permission: 'media', mediaTypes, requestingUrl: page }, camera), false, JSON.stringify(mediaTypes));
    }
    assert.equal(decidePermissionRequest({ permission: 'media', mediaTypes: ['video'], requestingUrl: 'https://example.com/' }, camera), false);
    assert.equal(decidePermissionRequest({ permission: 'media', mediaTypes: ['video'], requestingUrl: undefined }, camera), false);
    assert.equal(decidePermissionCheck({ permission: 'media', mediaType: 'audio', requestingOrigin: APP_ORIGIN }, camera), false);
    assert.equal(decidePermissionCheck({ permission: 'media', mediaType: 'unknown', requestingOrigin: APP_ORIGIN }, camera), false);
    assert.equal(decidePermissionCheck({ permission: 'media', mediaType: 'video', requestingOrigin: 'file://' }, camera), false);
  });

  it('deny every other permission, always', () => {
    const { camera } = gate();
    camera.allow();
    const others = ['geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'fullscreen', 'midi', 'midiSysex', 'pointerLock', 'keyboardLock', 'openExternal', 'idle-detection', 'window-management', 'storage-access', 'top-level-storage-access', 'speaker-selection', 'mediaKeySystem', 'fileSystem', 'hid', 'serial', 'usb', 'unknown'];
    for (const permission of others) {
      assert.equal(decidePermissionRequest({ permission, mediaTypes: ['video'], requestingUrl: page }, camera), false, permission);
      assert.equal(decidePermissionCheck({ permission, mediaType: 'video', requestingOrigin: APP_ORIGIN }, camera), false, permission);
    }
  });

  it('a camera grant lapses by itself', () => {
    const { camera, advance } = gate();
    camera.allow();
    advance(999);
    assert.equal(camera.isAllowed(), true);
    advance(1);
    assert.equal(camera.isAllowed(), false);
  });
});

describe('menu and switches', () => {
  it('production menus have no reload and no developer tools; development adds them', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const prod = menuRoles(buildMenuTemplate({ devTools: false, platform }));
      for (const role of ['reload', 'forceReload', 'toggleDevTools']) assert.ok(!prod.includes(role), `${platform}: ${role}`);
      const dev = menuRoles(buildMenuTemplate({ devTools: true, platform }));
      for (const role of ['reload', 'toggleDevTools']) assert.ok(dev.includes(role), `${platform} dev: ${role}`);
    }
  });

  it('Chromium runs behind a dead proxy with background networking off', () => {
    const switches = new Map(CHROMIUM_SWITCHES.map(([name, value]) => [name, value]));
    assert.equal(switches.get('proxy-server'), 'socks5://127.0.0.1:9');
    assert.equal(switches.get('proxy-bypass-list'), '<-loopback>');
    assert.ok(switches.has('disable-background-networking'));
    assert.equal(DEAD_PROXY.mode, 'fixed_servers');
    for (const scheme of ['http', 'https', 'ftp']) assert.ok(DEAD_PROXY.proxyRules.includes(`${scheme}=127.0.0.1:9`), scheme);
    assert.ok(DEAD_PROXY.proxyRules.includes('socks=socks5://127.0.0.1:9'));
    assert.equal(DEAD_PROXY.proxyBypassRules, '<-loopback>');
  });
});

describe('the glue still wires every wall', () => {
  const wiring: Array<[string, string, RegExp]> = [
    ['main.ts', mainSource, /app\.requestSingleInstanceLock\(\)/],
    ['main.ts', mainSource, /app\.on\('second-instance'/],
    ['main.ts', mainSource, /app\.on\('web-contents-created',[\s\S]*?hardenWebContents\(/],
    ['main.ts', mainSource, /protocol\.registerSchemesAsPrivileged\(/],
    ['main.ts', mainSource, /applySessionHardening\(session\.defaultSession/],
    ['main.ts', mainSource, /webPreferences: createWebPreferences\(/],
    ['main.ts', mainSource, /registerIpcHandlers\(\s*ipcMain/],
    ['main.ts', mainSource, /Menu\.setApplicationMenu\(Menu\.buildFromTemplate\(buildMenuTemplate\(/],
    ['main.ts', mainSource, /appendSwitch\(name, value\)/],
    ['main.ts', mainSource, /app\.enableSandbox\(\)/],
    ['main.ts', mainSource, /title: WINDOW_TITLE/],
    ['main.ts', mainSource, /loadURL\(APP_ENTRY_URL\)/],
    ['session-hardening.ts', sessionSource, /webRequest\.onBeforeRequest\(/],
    ['session-hardening.ts', sessionSource, /setPermissionRequestHandler\(/],
    ['session-hardening.ts', sessionSource, /setPermissionCheckHandler\(/],
    ['session-hardening.ts', sessionSource, /setDevicePermissionHandler\(\(\) => false\)/],
    ['session-hardening.ts', sessionSource, /setProxy\(DEAD_PROXY\)/],
    ['session-hardening.ts', sessionSource, /protocol\.handle\(APP_SCHEME/],
    ['web-contents-hardening.ts', contentsSource, /setWindowOpenHandler\(/],
    ['web-contents-hardening.ts', contentsSource, /'will-navigate'/],
    ['web-contents-hardening.ts', contentsSource, /'will-redirect'/],
    ['web-contents-hardening.ts', contentsSource, /'will-attach-webview'/],
  ];
  for (const [file, source, pattern] of wiring) {
    it(`${file}: ${pattern.source}`, () => assert.match(source, pattern));
  }

  it('main.ts never loads remote or file:// content and never weakens a preference inline', () => {
    assert.doesNotMatch(mainSource, /loadFile\(|file:\/\/|https?:\/\//);
    assert.doesNotMatch(mainSource, /nodeIntegration|contextIsolation|sandbox:\s*false|webSecurity|openDevTools|bypassCSP: true|setPermissionRequestHandler\(null\)/);
    assert.match(mainSource, /privileges: \{ standard: true, secure: true, supportFetchAPI: true/);
  });
});

// --- fake Electron objects ----------------------------------------------------------------------------------------

type Listener = (...args: never[]) => unknown;

function fakeSession() {
  const calls: string[] = [];
  const events = new Map<string, Listener>();
  const handlers: Record<string, Listener> = {};
  let proxy: unknown;
  let spellchecker: boolean | undefined;
  const ses = {
    webRequest: {
      onBeforeRequest: (listener: Listener) => {
        calls.push('onBeforeRequest');
        handlers['beforeRequest'] = listener;
      },
      onHeadersReceived: (listener: Listener) => {
        calls.push('onHeadersReceived');
        handlers['headersReceived'] = listener;
      },
    },
    setPermissionRequestHandler: (h: Listener) => {
      calls.push('setPermissionRequestHandler');
      handlers['permissionRequest'] = h;
    },
    setPermissionCheckHandler: (h: Listener) => {
      calls.push('setPermissionCheckHandler');
      handlers['permissionCheck'] = h;
    },
    setDevicePermissionHandler: (h: Listener) => {
      calls.push('setDevicePermissionHandler');
      handlers['devicePermission'] = h;
    },
    setSpellCheckerEnabled: (on: boolean) => {
      spellchecker = on;
    },
    on: (event: string, listener: Listener) => {
      events.set(event, listener);
    },
    protocol: {
      handle: (scheme: string, h: Listener) => {
        calls.push(`protocol.handle:${scheme}`);
        handlers['protocol'] = h;
      },
    },
    setProxy: async (config: unknown) => {
      calls.push('setProxy');
      proxy = config;
    },
  };
  return { session: ses as unknown as Session, calls, events, handlers, proxy: () => proxy, spellchecker: () => spellchecker };
}

function beforeRequest(listener: Listener | undefined, url: string): { cancel?: boolean } {
  let response: { cancel?: boolean } | undefined;
  (listener as (d: { url: string }, cb: (r: { cancel?: boolean }) => void) => void)({ url }, (r) => (response = r));
  assert.ok(response, 'callback called');
  return response;
}

describe('applySessionHardening on a fake session', () => {
  async function hardened(devTools = false) {
    const fake = fakeSession();
    const logs: string[] = [];
    let now = 0;
    const camera = createCameraGate({ now: () => now, maxMs: 60_000 });
    await applySessionHardening(fake.session, { rendererDir: '/nonexistent', camera, devTools, log: (m) => logs.push(m) });
    return { ...fake, logs, camera, advance: (ms: number) => (now += ms) };
  }

  it('registers every wall', async () => {
    const { calls, events, proxy, spellchecker } = await hardened();
    assert.deepEqual(calls.sort(), [
      'onBeforeRequest',
      'onHeadersReceived',
      'protocol.handle:app',
      'setDevicePermissionHandler',
      'setPermissionCheckHandler',
      'setPermissionRequestHandler',
      'setProxy',
    ]);
    assert.deepEqual(proxy(), DEAD_PROXY);
    assert.equal(spellchecker(), false);
    assert.ok(events.has('will-download'));
  });

  it('the request listener cancels the network and lets app:// through', async () => {
    const { handlers, logs } = await hardened();
    assert.deepEqual(beforeRequest(handlers['beforeRequest'], 'app://keyshard/index.html'), { cancel: false });
    for (const url of ['https://example.com/', 'http://10.0.0.1/', 'ws://x/', 'wss://x/', 'ftp://x/', 'file:///etc/passwd', 'devtools://devtools/x']) {
      assert.deepEqual(beforeRequest(handlers['beforeRequest'], url), { cancel: true }, url);
    }
    assert.ok(logs.some((l) => l.startsWith('request cancelled: https://example.com')));
    assert.ok(!logs.some((l) => l.includes('/etc/passwd')), 'logs carry scheme and host only');
  });

  it('in development the DevTools front end may load, the network still may not', async () => {
    const { handlers } = await hardened(true);
    assert.deepEqual(beforeRequest(handlers['beforeRequest'], 'devtools://devtools/x'), { cancel: false });
    assert.deepEqual(beforeRequest(handlers['beforeRequest'], 'https://example.com/'), { cancel: true });
  });

  it('the headers listener puts our CSP on every response, replacing any other', async () => {
    const { handlers } = await hardened();
    let out: { responseHeaders?: Record<string, string | string[]> } | undefined;
    (handlers['headersReceived'] as (d: unknown, cb: (r: typeof out) => void) => void)(
      { url: 'app://keyshard/', responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } },
      (r) => (out = r),
    );
    assert.deepEqual(out?.responseHeaders, { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('the permission handlers deny everything but the gated camera', async () => {
    const { handlers, camera } = await hardened();
    const request = (permission: string, details: Record<string, unknown>) => {
      let granted: boolean | undefined;
      (handlers['permissionRequest'] as (w: unknown, p: string, cb: (g: boolean) => void, d: unknown) => void)({}, permission, (g) => (granted = g), details);
      return granted;
    };
    const check = (permission: string, origin: string, details: Record<string, unknown>) =>
      (handlers['permissionCheck'] as (w: unknown, p: string, o: string, d: unknown) => boolean)(null, permission, origin, details);
    const video = { mediaTypes: ['video'], requestingUrl: 'app://keyshard/index.html' };

    assert.equal(request('media', video), false);
    assert.equal(check('media', APP_ORIGIN, { mediaType: 'video' }), false);
    camera.allow();
    assert.equal(request('media', video), true);
    assert.equal(check('media', APP_ORIGIN, { mediaType: 'video' }), true);
    assert.equal(request('media', { mediaTypes: ['audio'], requestingUrl: 'app://keyshard/index.html' }), false);
    assert.equal(request('geolocation', { requestingUrl: 'app://keyshard/index.html' }), false);
    assert.equal(request('notifications', { requestingUrl: 'app://keyshard/index.html' }), false);
    assert.equal(check('geolocation', APP_ORIGIN, {}), false);
    camera.release();
    assert.equal(request('media', video), false);
    assert.equal((handlers['devicePermission'] as (d: unknown) => boolean)({ deviceType: 'usb', origin: APP_ORIGIN }), false);
  });

  it('downloads are refused', async () => {
    const { events } = await hardened();
    let prevented = false;
    (events.get('will-download') as (e: { preventDefault: () => void }) => void)({ preventDefault: () => (prevented = true) });
    assert.equal(prevented, true);
  });

  it('the app:// handler is installed and refuses other hosts', async () => {
    const { handlers } = await hardened();
    const response = await (handlers['protocol'] as (r: Request) => Promise<Response>)(new Request('app://other/index.html'));
    assert.equal(response.status, 404);
  });
});

describe('hardenWebContents on a fake WebContents', () => {
  function fakeContents() {
    const events = new Map<string, Listener>();
    let openHandler: Listener | undefined;
    const contents = {
      on: (event: string, listener: Listener) => {
        events.set(event, listener);
        return contents;
      },
      setWindowOpenHandler: (h: Listener) => {
        openHandler = h;
      },
    };
    return { contents: contents as unknown as WebContents, events, openHandler: () => openHandler };
  }

  it('prevents navigation, redirects and webviews, and denies new windows', () => {
    const fake = fakeContents();
    const logs: string[] = [];
    hardenWebContents(fake.contents, (m) => logs.push(m));
    for (const [event, url] of [
      ['will-navigate', 'https://example.com/phish'],
      ['will-navigate', 'app://keyshard/other.html'],
      ['will-redirect', 'https://example.com/'],
      ['will-attach-webview', 'app://keyshard/'],
    ] as const) {
      let prevented = false;
      const listener = fake.events.get(event) as ((e: { preventDefault: () => void }, url: string) => void) | undefined;
      assert.ok(listener, `${event} listener registered`);
      listener({ preventDefault: () => (prevented = true) }, url);
      assert.equal(prevented, true, `${event} ${url}`);
    }
    const decision = (fake.openHandler() as (d: { url: string }) => { action: string })({ url: 'https://example.com/' });
    assert.deepEqual(decision, { action: 'deny' });
    assert.ok(logs.every((l) => !l.includes('/phish')));
  });
});
