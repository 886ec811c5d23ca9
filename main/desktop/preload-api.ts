// What the preload exposes as `window.ccproxy`: exactly the contract's CcproxyApi over ipcRenderer. Kept apart
// from preload.ts (the only part touching electron) so it can be tested with a fake ipcRenderer.
import type { ApiEvents, CcproxyApi, EventName } from '../common/contract.js';
import { EVENT_NAMES, OPERATION_NAMES } from '../common/contract.js';
import { EVENT_CHANNEL, operationChannel } from './channels.js';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

// Electron prefixes errors from ipcMain.handle; the page should see the API's own message only.
const INVOKE_PREFIX = /^Error invoking remote method '[^']*': (?:Error: )?/;

type AnyListener = (payload: ApiEvents[EventName]) => void;

export function createPreloadApi(ipc: IpcRendererLike): CcproxyApi {
  const listeners = new Map<EventName, Set<AnyListener>>(EVENT_NAMES.map((name) => [name, new Set<AnyListener>()]));

  // One ipcRenderer listener for all events; the raw IpcRendererEvent (with its `sender`) never reaches the page.
  ipc.on(EVENT_CHANNEL, (_event, name, payload) => {
    const set = listeners.get(name as EventName);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload as ApiEvents[EventName]);
      } catch (err) {
        console.error(`ccproxy: a "${String(name)}" listener threw`, err);
      }
    }
  });

  const api: Record<string, unknown> = {};
  for (const op of OPERATION_NAMES) {
    const channel = operationChannel(op);
    api[op] = async (...args: unknown[]) => {
      try {
        // At most one argument goes over; the main process validates it (a payload on a void operation included).
        return await ipc.invoke(channel, ...args.slice(0, 1));
      } catch (err) {
        throw new Error(String((err as Error)?.message ?? err).replace(INVOKE_PREFIX, ''));
      }
    };
  }
  api.on = (event: EventName, listener: AnyListener) => {
    const set = listeners.get(event);
    if (!set) throw new TypeError(`Unknown ccproxy event "${String(event)}" (known: ${EVENT_NAMES.join(', ')})`);
    if (typeof listener !== 'function') throw new TypeError('ccproxy.on needs a listener function');
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  };
  return Object.freeze(api) as unknown as CcproxyApi;
}
