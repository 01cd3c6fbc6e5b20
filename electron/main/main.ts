/**
 * Electron main process entry (bundled to out/main/main.cjs by build/build-electron.mjs). Thin glue: every decision
 * lives in a small module beside this one (app-origin, csp, request-policy, permissions, app-protocol,
 * session-hardening, web-contents-hardening, web-preferences, menu) that tests import without Electron.
 * test/electron/hardening.test.ts reads this file's text to make sure each wall is still wired.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, utilityProcess } from 'electron';
import { KeyshardError } from '../../core/errors';
import type { RandomSource } from '../../core/random';
import { createCeremonyHost } from '../ipc/ceremony-host';
import { createIpcHandlers } from '../ipc/handlers';
import { createSigningHost } from '../ipc/handlers-signing';
import { createHsmHost } from '../ipc/hsm-host';
import { registerIpcHandlers } from '../ipc/register';
import { checkAirGap } from '../services/airgap/index';
import { createCeremonyService } from '../services/ceremony/index';
import { COMMON_MODULE_PATHS } from '../services/hsm/module-paths';
import { openProtected, openProtectedBytes, protectShardText, useOpenPgpLauncher } from '../services/protection/index';
import { createLifecycleService } from '../services/lifecycle/index';
import { createExtendService } from '../services/extend/index';
import { createRecoveryService } from '../services/recovery/index';
import { defaultDriveLister } from '../services/usb/index';
import { APP_ENTRY_URL, APP_SCHEME, WINDOW_TITLE } from './app-origin';
import { KEYSHARD_VERSION, readBuildAttestation } from './build-info';
import { fileDialogSpec } from './file-dialog';
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
/** The bundle hashes this build was made with (null without out/build-manifest.json): About panel and transcripts. */
const buildAttestation = readBuildAttestation(outDir);

/** The OS CSPRNG. */
const random: RandomSource = (length) => new Uint8Array(randomBytes(length));

// --- before ready -------------------------------------------------------------------------------------------------
app.setName('keyshard');
for (const [name, value] of CHROMIUM_SWITCHES) app.commandLine.appendSwitch(name, value);
app.enableSandbox();

// A privileged standard scheme: a real origin for 'self', secure-context APIs (camera), fetch of our own .wasm.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } },
]);

/** How long quitting waits, after the secrets are wiped, for calls still under way to finish. */
const QUIT_GRACE_MS = 3000;

// One ceremony window at a time: a second launch focuses the first instead of starting a parallel ceremony.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start();
}

function start(): void {
  const camera = createCameraGate();
  let mainWindow: BrowserWindow | null = null;

  // PKCS#11 tokens: the module the person chooses (hsm:select-module), by default the first usual one found here
  // (SoftHSM2 first). No PIN supplier: every PIN comes with the request that uses it, from the renderer's PIN entry.
  // Changing the module while a ceremony runs is refused: its tokens were checked through the module it started with.
  const hsm = createHsmHost({
    // The native PKCS#11 binding is loaded only when a token is first used: without tokens keyshard needs none.
    open: async (modulePath) => (await import('../services/hsm/index')).openHsm(modulePath),
    known: COMMON_MODULE_PATHS,
    beforeSelect: async () => {
      if ((await ceremonies.status()).phase === 'active') {
        throw new KeyshardError('CEREMONY_TRANSITION', 'A ceremony is running with the tokens of the current PKCS#11 module; finish or abort it before choosing another module.');
      }
    },
  });

  // Removable drives plugged in now: USB handoffs write, and recovery reads, only on a drive listed at that moment.
  const drives = defaultDriveLister();

  // OpenPGP encryption and opening of a shard run in a short-lived utility process (issue 16.3): openpgp.js's own
  // copies of the shard's text die with it. Not Node's child_process: the runAsNode fuse is off in the packaged app.
  // One message each way on the utility process's port; main ends the helper once its answer is in.
  useOpenPgpLauncher((entry) => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'keyshard OpenPGP', stdio: 'ignore' });
    return {
      send: (frame, sent) => {
        child.postMessage(frame);
        sent();
      },
      onAnswer: (listener) =>
        child.once('message', (message: unknown) => {
          const answer = ArrayBuffer.isView(message) ? new Uint8Array(message.buffer.slice(message.byteOffset, message.byteOffset + message.byteLength)) : new Uint8Array(0);
          if (ArrayBuffer.isView(message)) new Uint8Array(message.buffer, message.byteOffset, message.byteLength).fill(0);
          listener(answer);
          child.kill();
        }),
      onExit: (listener) => child.once('exit', (code) => listener(code)),
      kill: () => child.kill(),
    };
  });

  // The ceremony: one service per ceremony folder, under userData/ceremonies/ unless the person chooses a folder.
  // Secrets live here in main only, in the services' secret stores.
  const ceremonies = createCeremonyHost({
    listDrives: () => drives.list(),
    ceremoniesRoot: () => join(app.getPath('userData'), 'ceremonies'),
    // The person picks a folder in main's own dialog; the page never names one main would write to.
    chooseFolder: async () => {
      const options = { title: 'Choose the folder for this ceremony', properties: ['openDirectory' as const] };
      const r = mainWindow === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(mainWindow, options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    createService: (transcriptDir, ports) =>
      createCeremonyService({
        clock: () => new Date(),
        random,
        airgap: { check: () => checkAirGap() },
        transcriptDir,
        usb: ports.usb,
        hsm: hsm.ceremonyHsm,
        protect: protectShardText,
        openProtected: openProtectedBytes,
        build: buildAttestation,
      }),
    random,
    clock: () => new Date(),
  });
  // Recovery reads shards from the custodians' tokens (through the chosen module) and from the drives listed now.
  const recovery = createRecoveryService({ openProtected, hsm: hsm.ceremonyHsm, listDrives: () => drives.list() });
  // Refresh and repair (issue 17): each ceremony's transcript in a folder of its own under userData/lifecycle/.
  const lifecycle = createLifecycleService({
    clock: () => new Date(),
    random,
    airgap: { check: () => checkAirGap() },
    transcriptDir: () => join(app.getPath('userData'), 'lifecycle'),
    openProtected,
    hsm: hsm.ceremonyHsm,
    // A helper's shard file on their USB stick, read from a drive listed at that moment (as recovery reads it).
    listDrives: () => drives.list(),
  });
  // SLIP-39 share extension (issue 17.2): its transcripts under userData/extend/, one folder per ceremony.
  const extend = createExtendService({ clock: () => new Date(), random, airgap: { check: () => checkAirGap() }, transcriptDir: () => join(app.getPath('userData'), 'extend'), openProtected, hsm: hsm.ceremonyHsm });
  // Threshold signing and custody checks (issue 17): a signer's share is held only while they sign.
  // A custodian's shard may be read off their stick or token there too, as refresh and repair read it.
  const signing = createSigningHost({ clock: () => new Date(), random, devices: { openProtected, hsm: hsm.ceremonyHsm, listDrives: () => drives.list() } });

  // On the way out every secret is zeroized: the ceremony's (recording nothing: a later resume says what was lost),
  // the witness keys, the recovery's shares and result. before-quit holds the quit until that is done. Each shutdown
  // wipes the moment it is called; what it then waits for (a call still under way on a token or a drive) may never
  // end, so the quit waits for that only QUIT_GRACE_MS.
  let zeroizedForQuit = false;
  const zeroizeThenQuit = (): void => {
    signing.signer.clear();
    signing.drill.clear();
    signing.held.clear();
    const settled = Promise.allSettled([ceremonies.shutdown(), recovery.shutdown(), lifecycle.shutdown(), extend.shutdown()]);
    const late = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), QUIT_GRACE_MS).unref());
    void Promise.race([settled, late]).then((results) => {
      if (results === 'late') log('zeroize on quit: a call was still under way (its secrets were wiped); quitting without waiting for it');
      else for (const r of results) if (r.status === 'rejected') log(`zeroize on quit: ${r.reason instanceof Error ? r.reason.name : typeof r.reason}`);
      zeroizedForQuit = true;
      app.quit();
    });
  };

  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // Every WebContents (the window, and anything that tries to appear later) gets the navigation/window/webview walls.
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, createLog('contents'));
  });

  app.on('window-all-closed', zeroizeThenQuit);
  app.on('before-quit', (event) => {
    if (zeroizedForQuit) return;
    event.preventDefault();
    zeroizeThenQuit();
  });

  app
    .whenReady()
    .then(async () => {
      await applySessionHardening(session.defaultSession, { rendererDir, camera, devTools: mode.devTools, log: createLog('session') });

      registerIpcHandlers(
        ipcMain,
        createIpcHandlers({
          appInfo: () => ({ name: 'keyshard', version: KEYSHARD_VERSION, platform: process.platform, arch: process.arch, production: mode.production, build: buildAttestation }),
          checkAirGap: () => checkAirGap(),
          camera,
          ceremony: ceremonies,
          recovery,
          lifecycle,
          extend,
          signing,
          hsm,
          listDrives: () => drives.list(),
          // Files are chosen in main's own dialog; what then uses the path checks it as before.
          chooseFile: async ({ purpose, suggestedName }) => {
            const spec = fileDialogSpec(purpose, app.getPath('home'), suggestedName);
            const common = { title: spec.title, buttonLabel: spec.buttonLabel, filters: spec.filters.map((f) => ({ name: f.name, extensions: [...f.extensions] })), ...(spec.defaultPath === undefined ? {} : { defaultPath: spec.defaultPath }) };
            if (spec.kind === 'save') {
              const r = mainWindow === null ? await dialog.showSaveDialog(common) : await dialog.showSaveDialog(mainWindow, common);
              return r.canceled || r.filePath === undefined || r.filePath === '' ? null : r.filePath;
            }
            const options = { ...common, properties: ['openFile' as const] };
            const r = mainWindow === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(mainWindow, options);
            return r.canceled ? null : (r.filePaths[0] ?? null);
          },
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
