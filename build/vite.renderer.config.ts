// Vite config for the renderer (the React app in renderer/), built to out/renderer and served by main over app://.
// `base: './'` keeps asset URLs relative so the same build loads from app://keyshard/ and from file:// (Chromium e2e);
// `assetsInlineLimit: 0` keeps every asset (the zxing .wasm especially) a real file that the CSP's 'self' covers.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../renderer', import.meta.url));
const outDir = fileURLToPath(new URL('../out/renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir,
    emptyOutDir: true,
    assetsInlineLimit: 0,
    target: 'chrome130',
    // Chromium supports modulepreload natively; the polyfill would only add code.
    modulePreload: { polyfill: false },
    sourcemap: false,
    // One local bundle for an offline desktop app (React, core, bc-ur): size only costs load time from disk, and
    // splitting would add chunks for nothing. The warning's default (500 kB) is tuned for the web.
    chunkSizeWarningLimit: 1500,
  },
  // Nothing in the renderer may reach a network at build or run time; the dev server is not used.
  server: { host: '127.0.0.1', strictPort: true },
});
