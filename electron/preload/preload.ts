/**
 * The preload: sandboxed, CommonJS (built by build/build-electron.mjs). In a sandboxed renderer a preload can use only
 * a few Electron modules; it uses two. It exposes `window.keyshard = { invoke }` and nothing else - no ipcRenderer, no
 * Node, no event objects.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createKeyshardBridge } from './bridge';

contextBridge.exposeInMainWorld('keyshard', createKeyshardBridge(ipcRenderer));
