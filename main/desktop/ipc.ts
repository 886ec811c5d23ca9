// The Electron transport of the API contract: one `ipcMain.handle` per operation, one event channel out.
// It only checks who is calling; what is being asked is validated once, in ServerApi.call (zod), for both
// transports alike.
import type { ApiEvents, EventName } from '../common/contract.js';
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
}

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

  const unsubscribe = opts.api.subscribe(<E extends EventName>(name: E, payload: ApiEvents[E]) => {
    const contents = opts.target();
    if (!contents || contents.isDestroyed()) return;
    contents.send(EVENT_CHANNEL, name, payload);
  });

  return {
    dispose() {
      unsubscribe();
      for (const channel of channels) opts.ipcMain.removeHandler(channel);
    },
  };
}
