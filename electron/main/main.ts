/**
 * Electron main process entry (bundled to out/main/main.cjs by build/build-electron.mjs). Thin glue: every decision
 * lives in a small module beside this one (app-origin, csp, request-policy, permissions, app-protocol,
 * session-hardening, web-contents-hardening, web-preferences, menu) that tests import without Electron.
 * test/electron/hardening.test.ts reads this file's text to make sure each wall is still wired.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, protocol, session } from 'electron';
import { createIpcHandlers } from '../ipc/handlers';
import { registerIpcHandlers } from '../ipc/register';
import { checkAirGap } from '../services/airgap/index';
import { APP_ENTRY_URL, APP_SCHEME, WINDOW_TITLE } from './app-origin';
import { KEYSHARD_VERSION } from './build-info';
import { createLog } from './log';
import { buildMenuTemplate } from './menu';
import { runtimeMode } from './mode';
import { createCameraGate } from './permissions';
import { applySessionHardening } from './session-hardening';
import { CHROMIUM_SWITCHES } from './switches';
import { hardenWebContents } from './web-contents-hardening';
import { createWebPreferences } from './web-preferences';

const log = createLog('main');
const mode = runtimeMode({ isPackaged: app.isPackaged, env: process.env });

// out/main/main.cjs -> out/preload/preload.cjs and out/renderer/.
const outDir = join(__dirname, '..');
const preloadPath = join(outDir, 'preload', 'preload.cjs');
const rendererDir = join(outDir, 'renderer');

// --- before ready -------------------------------------------------------------------------------------------------
app.setName('keyshard');
for (const [name, value] of CHROMIUM_SWITCHES) app.commandLine.appendSwitch(name, value);
app.enableSandbox();

// A privileged standard scheme: a real origin for 'self', secure-context APIs (camera), fetch of our own .wasm.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } },
]);

// One ceremony window at a time: a second launch focuses the first instead of starting a parallel ceremony.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start();
}

function start(): void {
  const camera = createCameraGate();
  let mainWindow: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // Every WebContents (the window, and anything that tries to appear later) gets the navigation/window/webview walls.
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, createLog('contents'));
  });

  app.on('window-all-closed', () => app.quit());

  app
    .whenReady()
    .then(async () => {
      await applySessionHardening(session.defaultSession, { rendererDir, camera, devTools: mode.devTools, log: createLog('session') });

      registerIpcHandlers(
        ipcMain,
        createIpcHandlers({
          appInfo: () => ({ name: 'keyshard', version: KEYSHARD_VERSION, platform: process.platform, arch: process.arch, production: mode.production }),
          checkAirGap: () => checkAirGap(),
          camera,
          log: createLog('ipc'),
        }),
        createLog('ipc'),
      );

      Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate({ devTools: mode.devTools, platform: process.platform })));

      mainWindow = new BrowserWindow({
        title: WINDOW_TITLE,
        width: 1200,
        height: 820,
        minWidth: 800,
        minHeight: 600,
        show: false,
        backgroundColor: '#ffffff',
        webPreferences: createWebPreferences({ preloadPath, devTools: mode.devTools }),
      });
      // The window title says what this is, whatever the page's <title> does.
      mainWindow.on('page-title-updated', (event) => event.preventDefault());
      mainWindow.once('ready-to-show', () => mainWindow?.show());
      mainWindow.on('closed', () => {
        mainWindow = null;
      });
      await mainWindow.loadURL(APP_ENTRY_URL);
    })
    .catch((e: unknown) => {
      log(`start failed: ${e instanceof Error ? e.name : typeof e}`);
      app.exit(1);
    });
}
