// Quitting. Two paths, because the user and the OS want different things:
//  - the user's Quit (tray, Ctrl+Q, SIGTERM/SIGINT, which Electron turns into app.quit()): `before-quit` is held
//    while the runtime stops (in-flight requests get [server] shutdown_grace), then Electron quits for real.
//    Bounded: if stop() hangs (a stream that never ends), the app exits anyway after the grace plus a margin.
//    A quit during warm-up waits for start() to settle first: stopping a runtime whose start() is still running
//    would let start() open the listener (or the config watcher) after stop() returned.
//  - the OS ending the session (powerMonitor `shutdown` on Linux and macOS, a window's `session-end` on Windows,
//    where `before-quit` is never emitted): the runtime stops with a short cap (OS_SHUTDOWN_CAP_MS), then the app
//    exits. Nothing waits on the OS: a `before-quit` that follows (macOS's terminate, systemd's SIGTERM) is let
//    through instead of held, since holding it is what interrupts a logout.
import type { Logger } from '../logging/log-bus.js';
import type { AppLike, PreventableEvent } from './electron-surface.js';

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
  /** Writes buffered log lines out before an exit (the [SHUTDOWN] lines must reach the file). */
  flushLog?(): void;
  /** Added to shutdown_grace for the bound. */
  marginMs?: number;
  /** The cap when the OS ends the session (default OS_SHUTDOWN_CAP_MS). */
  osCapMs?: number;
}

export interface QuitController {
  /** True once a quit has begun. */
  readonly stopping: boolean;
  /** "Quit now": exit without waiting for the runtime any longer. */
  forceExit(reason: string): void;
  /**
   * The OS is shutting down, restarting or logging out (`what` names the event for the log): stop within the
   * short cap, then exit. The event is prevented when it can be (Electron then asks the OS for that much time).
   */
  sessionEnding(what: string, event?: PreventableEvent): void;
}

export const QUIT_MARGIN_MS = 5_000;
/** At OS shutdown or logout: how long the runtime gets, at most. The OS itself gives apps about 5 s. */
export const OS_SHUTDOWN_CAP_MS = 3_000;

export function installQuitHandling(opts: QuitOptions): QuitController {
  const { app, log } = opts;
  let stopping = false;
  let stopped = false;
  let exited = false;
  let sessionEnding = false;
  let capTimer: ReturnType<typeof setTimeout> | undefined;

  function finish(): void {
    if (stopped) return;
    stopped = true;
    clearTimeout(capTimer);
    opts.onStopped();
  }

  function exit(code: number): void {
    exited = true;
    opts.flushLog?.();
    app.exit(code);
  }

  function forceExit(reason: string): void {
    if (exited) return;
    log.error(`[SHUTDOWN] ${reason}; exiting without waiting further`);
    finish();
    exit(1);
  }

  /** Stops the runtime (after start() settled), bounded by `boundMs`; then `done` unless the bound fired first. */
  function stopWithin(boundMs: number, onTimeout: () => void, done: () => void): void {
    stopping = true;
    opts.onStopping();
    const timer = setTimeout(onTimeout, boundMs);
    opts
      .started()
      .catch(() => {}) // a failed start is reported elsewhere; there is still a runtime to stop
      .then(() => opts.runtime.stop())
      .catch((err: Error) => log.error(`[SHUTDOWN] ${err.message}`))
      .finally(() => {
        clearTimeout(timer);
        if (exited) return;
        finish();
        done();
      });
  }

  app.on('before-quit', (event) => {
    if (stopped || sessionEnding) return; // the runtime is down, or the OS is ending the session: never hold it
    event.preventDefault();
    if (stopping) return;
    const graceS = opts.runtime.config().server.shutdown_grace;
    const boundMs = graceS * 1000 + (opts.marginMs ?? QUIT_MARGIN_MS);
    stopWithin(boundMs, () => forceExit(`Not stopped after ${Math.round(boundMs / 1000)} s (shutdown_grace ${graceS} s + margin)`), () => app.quit());
  });

  return {
    get stopping() {
      return stopping;
    },
    forceExit,
    sessionEnding(what, event) {
      if (sessionEnding || exited) return;
      sessionEnding = true;
      event?.preventDefault();
      const capMs = opts.osCapMs ?? OS_SHUTDOWN_CAP_MS;
      log.info(`[SHUTDOWN] ${what}: stopping within ${capMs / 1000} s`);
      if (stopped) return exit(0);
      const onTimeout = () => forceExit(`Not stopped within ${capMs / 1000} s of ${what}`);
      // A user's Quit may already be draining: the cap replaces its longer bound.
      if (stopping) {
        capTimer = setTimeout(onTimeout, capMs);
        return;
      }
      stopWithin(capMs, onTimeout, () => exit(0));
    },
  };
}
