// How the desktop app reports problems without stalling the proxy, which runs in this same process:
// dialog.showErrorBox is synchronous and blocks the main process (every request waits) until someone clicks OK.
// So: background problems (uncaught errors, a failed start) are logged, shown in the tray and as a notification;
// problems with something the user just asked for get an asynchronous message box.
import type { Logger } from '../logging/log-bus.js';
import type { DialogLike } from './electron-surface.js';

export interface ProblemReporter {
  /** Something went wrong in the background: log line, tray line, notification. Never modal. */
  background(title: string, err: unknown): void;
  /** The user asked for something and it did not happen: an asynchronous message box (and a log line). */
  userAction(title: string, message: string): void;
}

export interface ProblemOptions {
  /** The runtime's logger once it exists (lines reach the window's log view and the file). */
  log(): Logger;
  dialog: Pick<DialogLike, 'showMessageBox'>;
  notify(title: string, body: string): void;
  /** Shown in the tray menu and tooltip until the next problem. */
  showInTray(message: string): void;
}

function describe(err: unknown): { message: string; detail: string } {
  if (err instanceof Error) return { message: err.message, detail: err.stack ?? err.message };
  let text: string;
  try {
    text = typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
  } catch {
    text = String(err); // circular, BigInt…: a rejection can carry anything
  }
  return { message: text, detail: text };
}

export function createProblemReporter(opts: ProblemOptions): ProblemReporter {
  let lastNotified = '';
  return {
    background(title, err) {
      const { message, detail } = describe(err);
      opts.log().error(`[DESKTOP] ${title}: ${detail}`);
      opts.showInTray(`${title}: ${message}`);
      // The same error repeating (a loop that keeps failing) notifies once; the log keeps every occurrence.
      if (message === lastNotified) return;
      lastNotified = message;
      opts.notify(`ccproxy: ${title}`, `${message}\nThe proxy keeps running; details are in the log.`);
    },
    userAction(title, message) {
      opts.log().warn(`[DESKTOP] ${title}: ${message}`);
      opts.dialog.showMessageBox({ type: 'error', title, message: title, detail: message }).catch(() => {});
    },
  };
}

/** The part of electron-log's errorHandler (electron-log/main and /node alike) used here. */
export interface ErrorHandlerLike {
  startCatching(options: { showDialog: boolean; onError(info: { error: Error; errorName?: string; processType?: string }): unknown }): void;
}

/**
 * Uncaught exceptions and unhandled rejections in the main process: electron-log catches them (so Electron's own
 * modal error box never appears), and they go to the reporter instead of electron-log's default line, so they land
 * in the runtime's log (window and file) as well as in the tray.
 */
export function catchUnhandled(handler: ErrorHandlerLike, reporter: () => ProblemReporter | null): void {
  handler.startCatching({
    showDialog: false,
    onError({ error, errorName, processType }) {
      if (processType === 'renderer') return undefined; // the page's own errors: electron-log logs them as usual
      const title = errorName === 'Unhandled rejection' ? 'unhandled rejection' : 'unexpected error';
      const r = reporter();
      if (!r) return undefined; // before the runtime exists: electron-log's own line
      r.background(title, error);
      return false; // handled: electron-log logs nothing more
    },
  });
}
