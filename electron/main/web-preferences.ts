import type { WebPreferences } from 'electron';

/**
 * The renderer's web preferences. Every value that matters for isolation is spelled out, even where it is Electron's
 * default, so a future default change or a careless edit shows up in test/electron/hardening.test.ts.
 */
export function createWebPreferences(options: { preloadPath: string; devTools: boolean }): WebPreferences {
  return {
    preload: options.preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    // The spellchecker downloads dictionaries from a Google CDN: off on an air-gapped machine.
    spellcheck: false,
    devTools: options.devTools,
  };
}
