// Picks the transport: Electron IPC when the preload exposed window.ccproxy, else HTTP + SSE (the /ui page).
import type { CcproxyApi } from '../main/common/contract.js';
import { createElectronBridge } from './bridge-electron.js';
import { createHttpBridge } from './bridge-http.js';

export type TransportName = 'electron' | 'http';

export function pickBridge(): { api: CcproxyApi; transport: TransportName } {
  if (window.ccproxy) return { api: createElectronBridge(window.ccproxy), transport: 'electron' };
  return { api: createHttpBridge(), transport: 'http' };
}
