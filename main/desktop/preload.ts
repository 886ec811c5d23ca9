// The preload, bundled to CommonJS (dist/main/desktop/preload.cjs): a sandboxed preload cannot be an ES module,
// and it may only require `electron` (no node:* modules), which is why everything it uses is plain TypeScript.
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './preload-api.js';

contextBridge.exposeInMainWorld('ccproxy', createPreloadApi(ipcRenderer));
