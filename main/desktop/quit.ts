// Quitting: the runtime is stopped first (in-flight requests get [server] shutdown_grace), then Electron quits for
// real. Bounded: if stop() hangs (a stream that never ends, a stuck socket), the app exits anyway after the grace
// period plus a margin. A quit during warm-up waits for start() to settle first: stopping a runtime whose start()
// is still running would let start() open the listener (or the config watcher) after stop() returned.
import type { Logger } from '../logging/log-bus.js';
import type { AppLike } from './electron-surface.js';

export interface QuitOptions {
  app: Pick<AppLike, 'on' | 'quit' | 'exit'>;
  runtime: { stop(): Promise<void>; config(): { server: { shutdown_grace: number } } };
  /** Settles when runtime.start() has (resolved or rejected). */
  started(): Promise<unknown>;
  log: Logger;
  /** The quit has begun: windows may really close from now on; the tray says "Stopping…". */
  onStopping(): void;
  /** Last step before Electron quits (or the forced exit): IPC handlers and the tray go away. */
  onStopped(): void;
  /** Added to shutdown_grace for the bound. */
  marginMs?: number;
}

export interface QuitController {
  /** True once a quit has begun. */
  readonly stopping: boolean;
  /** "Quit now": exit without waiting for the runtime any longer. */
  forceExit(reason: string): void;
}

export const QUIT_MARGIN_MS = 5_000;

export function installQuitHandling(opts: QuitOptions): QuitController {
  const { app, log } = opts;
  let stopping = false;
  let stopped = false;
  let exited = false;

  function finish(): void {
    if (stopped) return;
    stopped = true;
    opts.onStopped();
  }

  function forceExit(reason: string): void {
    if (exited) return;
    exited = true;
    log.error(`[SHUTDOWN] ${reason}; exiting without waiting further`);
    finish();
    app.exit(1);
  }

  app.on('before-quit', (event) => {
    if (stopped) return; // the runtime is down: let Electron close the windows and quit
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    opts.onStopping();
    const graceS = opts.runtime.config().server.shutdown_grace;
    const boundMs = graceS * 1000 + (opts.marginMs ?? QUIT_MARGIN_MS);
    const timer = setTimeout(() => forceExit(`Not stopped after ${Math.round(boundMs / 1000)} s (shutdown_grace ${graceS} s + margin)`), boundMs);
    opts
      .started()
      .catch(() => {}) // a failed start is reported elsewhere; there is still a runtime to stop
      .then(() => opts.runtime.stop())
      .catch((err: Error) => log.error(`[SHUTDOWN] ${err.message}`))
      .finally(() => {
        clearTimeout(timer);
        if (exited) return;
        finish();
        app.quit();
      });
  });

  return {
    get stopping() {
      return stopping;
    },
    forceExit,
  };
}
