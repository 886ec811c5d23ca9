// The desktop transport: the preload exposes `window.ccproxy` with contextBridge, already shaped as the
// contract's CcproxyApi (one async function per operation, plus on(event, listener) → unsubscribe), each
// forwarding over IPC. This module only checks that shape, so a preload out of step with the contract fails
// loudly at start instead of with "x is not a function" on some later click.
import { OPERATION_NAMES, type CcproxyApi } from '../main/common/contract.js';

declare global {
  interface Window {
    /** Set by the Electron preload (main/desktop/preload.ts); absent in a plain browser. */
    ccproxy?: CcproxyApi;
  }
}

export function createElectronBridge(exposed: CcproxyApi): CcproxyApi {
  const missing = [...OPERATION_NAMES, 'on'].filter((name) => typeof (exposed as unknown as Record<string, unknown>)[name] !== 'function');
  if (missing.length) {
    throw new Error(`The desktop preload does not provide ${missing.join(', ')} on window.ccproxy; rebuild the app (npm run build).`);
  }
  return exposed;
}
