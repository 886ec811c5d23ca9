// The Electron transport of the API contract: one `ipcMain.handle` per operation, one event channel out.
// It only checks who is calling; what is being asked is validated once, in ServerApi.call (zod), for both
// transports alike.
import type { ApiEvents, EventName, LogEntry } from '../common/contract.js';
import { OPERATION_NAMES } from '../common/contract.js';
import { ApiRequestError, type ServerApi } from '../api/server-api.js';
import { EVENT_CHANNEL, operationChannel } from './channels.js';
import type { IpcMainLike, IpcSenderEvent, WebContentsLike } from './electron-surface.js';

export interface IpcOptions {
  ipcMain: IpcMainLike;
  api: ServerApi;
  /** The sender check (our window, our page); see WindowController.isTrustedSender. */
  isTrustedSender(event: IpcSenderEvent): boolean;
  /** Where events go; null while there is no window. */
  target(): WebContentsLike | null;
  /** Told about refused calls, for the log. */
  onRefused?: (channel: string, reason: string) => void;
}

export interface IpcHandle {
  /** Removes the handlers and stops the event subscription. */
  dispose(): void;
  /**
   * Paused (the window is hidden or minimized): no stats timer, no log lines sent. Resuming first sends what the
   * page missed (the log lines since the pause, the current status and stats), then the live events again.
   * Starts paused: there is no window yet.
   */
  setPaused(paused: boolean): void;
}

type Pending = Array<[EventName, ApiEvents[EventName]]>;

export function registerIpc(opts: IpcOptions): IpcHandle {
  const channels: string[] = [];
  for (const op of OPERATION_NAMES) {
    const channel = operationChannel(op);
    opts.ipcMain.handle(channel, async (event, ...args) => {
      if (!opts.isTrustedSender(event)) {
        const from = event.senderFrame?.url ?? 'a frame that is gone';
        opts.onRefused?.(channel, `untrusted sender ${from.slice(0, 200)}`);
        throw new Error(`${channel} refused: the caller is not the ccproxy window`);
      }
      // The preload passes at most one argument; anything else did not come through it.
      if (args.length > 1) {
        opts.onRefused?.(channel, `${args.length} arguments`);
        throw new Error(`${channel} refused: expected at most one argument`);
      }
      try {
        return await opts.api.call(op, args[0]);
      } catch (err) {
        if (err instanceof ApiRequestError) {
          opts.onRefused?.(channel, err.message);
          // A plain Error: Electron passes only the message to the renderer anyway, and says so.
          throw new Error(err.message);
        }
        throw err;
      }
    });
    channels.push(channel);
  }

  let unsubscribe: (() => void) | null = null;
  let disposed = false;
  /** The newest log line the page has (sent by us, or in the buffer it fetched itself when it loaded). */
  let lastLogSeq = 0;
  /** Live events held back while a resume sends the missed ones first, so the order stays right. */
  let held: Pending | null = null;

  const deliver = <E extends EventName>(name: E, payload: ApiEvents[E]) => {
    if (name === 'log') {
      const seq = (payload as LogEntry).seq;
      if (seq <= lastLogSeq) return;
      lastLogSeq = seq;
    }
    const contents = opts.target();
    if (!contents || contents.isDestroyed()) return;
    contents.send(EVENT_CHANNEL, name, payload);
  };
  // The page loads the log buffer itself; only lines after it are ours to send.
  void opts.api
    .call('getLogs', undefined)
    .then((entries) => {
      lastLogSeq = Math.max(lastLogSeq, entries.at(-1)?.seq ?? 0);
    })
    .catch(() => {}); // then the first resume sends the whole buffer; the page drops what it has by seq

  async function catchUp(): Promise<void> {
    const [entries, status, stats] = await Promise.all([
      opts.api.call('getLogs', undefined),
      opts.api.call('getStatus', undefined),
      opts.api.call('getStats', undefined),
    ]);
    const live = held;
    held = null;
    if (!unsubscribe || disposed) return; // paused again meanwhile
    for (const entry of entries) deliver('log', entry);
    deliver('status', status);
    deliver('stats', stats);
    for (const [name, payload] of live ?? []) deliver(name, payload);
  }

  function setPaused(paused: boolean): void {
    if (disposed) return;
    if (paused) {
      unsubscribe?.();
      unsubscribe = null;
      held = null;
      return;
    }
    if (unsubscribe) return;
    held = [];
    unsubscribe = opts.api.subscribe(<E extends EventName>(name: E, payload: ApiEvents[E]) => {
      if (held) held.push([name, payload]);
      else deliver(name, payload);
    });
    void catchUp().catch(() => {
      held = null;
    });
  }

  return {
    setPaused,
    dispose() {
      disposed = true;
      unsubscribe?.();
      unsubscribe = null;
      for (const channel of channels) opts.ipcMain.removeHandler(channel);
    },
  };
}
