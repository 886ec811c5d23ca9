// The app's one window (settings, stats, logs). Created on the first "Open", then kept: closing only hides it,
// so reopening is instant and the renderer keeps its state; it is destroyed only when the app quits.
import { APP_PAGE_URL } from './app-scheme.js';
import type { BrowserWindowCtor, BrowserWindowLike, IpcSenderEvent, SessionLike, ShellLike, WebContentsLike } from './electron-surface.js';
import { guardWebContents, hardenSession, isAppPageUrl } from './web-security.js';

export interface WindowControllerOptions {
  BrowserWindow: BrowserWindowCtor;
  /** Absolute path of the CommonJS preload (dist/main/desktop/preload.cjs). */
  preloadPath: string;
  /** The page, served by the app's scheme (app-scheme.ts); APP_PAGE_URL unless a test says otherwise. */
  pageUrl?: string;
  shell: Pick<ShellLike, 'openExternal'>;
  /** Window icon for Linux and Windows. */
  icon?: string;
  /** Allow DevTools (development only). */
  devTools?: boolean;
  onBlocked?: (what: string) => void;
  onLoadError?: (err: Error) => void;
  /** The clock for "right after a click" (web-security.ts); tests pass a fake one. */
  now?: () => number;
  /** The page's process died; `reloading` is false once it keeps dying without ever finishing a load. */
  onRendererGone?: (details: { reason: string; exitCode: number }, reloading: boolean) => void;
  /** The window became visible (shown, restored) or not (hidden, minimized, closed). */
  onVisibilityChange?: (visible: boolean) => void;
}

/** Crashes in a row, with no completed load between them, after which the window stops reloading. */
export const MAX_RENDERER_RELOADS = 3;

export interface WindowController {
  /** The renderer's app://ccproxy URL: the only page allowed in the window and the only trusted IPC sender. */
  readonly appUrl: string;
  /**
   * Creates the window if needed, then shows, restores and focuses it. `view` opens a view of the page (its
   * fragment, e.g. 'settings/server.port': the Settings view with that field focused).
   */
  show(view?: string): void;
  /** From now on `close` really closes (the app is quitting). */
  markQuitting(): void;
  /** The live window, if any. */
  window(): BrowserWindowLike | null;
  /** Shown and not minimized: someone can see it. */
  isVisible(): boolean;
  /** Where events go: the window's webContents while it exists. */
  webContents(): WebContentsLike | null;
  /** IPC gate: the caller must be our window's webContents showing our own page. */
  isTrustedSender(event: IpcSenderEvent): boolean;
}

export function createWindowController(opts: WindowControllerOptions): WindowController {
  const appUrl = opts.pageUrl ?? APP_PAGE_URL;
  const hardened = new WeakSet<SessionLike>();
  const security = { appUrl, shell: opts.shell, onBlocked: opts.onBlocked, now: opts.now };
  let win: BrowserWindowLike | null = null;
  let quitting = false;

  const live = (): BrowserWindowLike | null => (win && !win.isDestroyed() ? win : null);

  const urlFor = (view?: string) => (view ? `${appUrl}#${view}` : appUrl);
  const load = (w: BrowserWindowLike, url: string) =>
    w.loadURL(url).catch((err: Error) => {
      opts.onLoadError?.(err);
      if (!w.isDestroyed()) w.show(); // an empty window beats an invisible one; the error is reported
    });

  function create(view?: string): BrowserWindowLike {
    const w = new opts.BrowserWindow({
      width: 1000,
      height: 760,
      minWidth: 640,
      minHeight: 480,
      show: false, // shown on ready-to-show, so there is no white flash
      title: 'ccproxy',
      icon: opts.icon,
      autoHideMenuBar: true,
      webPreferences: {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        webviewTag: false,
        spellcheck: false,
        devTools: opts.devTools ?? false,
        preload: opts.preloadPath,
      },
    });
    const session = w.webContents.session;
    if (!hardened.has(session)) {
      hardenSession(session, security);
      hardened.add(session);
    }
    guardWebContents(w.webContents, security);
    w.on('close', (event) => {
      if (quitting) return;
      // A tray app keeps running with its window closed; hiding also keeps the renderer's state.
      event.preventDefault();
      w.hide();
    });
    w.on('closed', () => {
      if (win === w) win = null;
    });
    w.once('ready-to-show', () => {
      w.show();
      w.focus();
    });
    const visibility = () => opts.onVisibilityChange?.(!w.isDestroyed() && w.isVisible() && !w.isMinimized());
    for (const event of ['show', 'hide', 'minimize', 'restore'] as const) w.on(event, visibility);
    w.on('closed', () => opts.onVisibilityChange?.(false));

    // A dead renderer leaves a blank window for good unless it is reloaded. A page that crashes while loading
    // would crash again: reloads stop after a few in a row without a completed load.
    let crashesInARow = 0;
    w.webContents.on('did-finish-load', () => {
      crashesInARow = 0;
    });
    w.webContents.on('render-process-gone', (_event, details) => {
      if (details.reason === 'clean-exit' || w.isDestroyed()) return; // closing, not crashing
      crashesInARow++;
      const reloading = crashesInARow <= MAX_RENDERER_RELOADS;
      opts.onRendererGone?.(details, reloading);
      if (reloading) w.webContents.reload();
    });
    void load(w, urlFor(view));
    return w;
  }

  return {
    appUrl,
    show(view) {
      const existing = live();
      if (!existing) {
        win = create(view);
        return;
      }
      // Same page, another fragment: Chromium moves within the loaded page (no reload; the page follows hashchange).
      if (view) void load(existing, urlFor(view));
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
    },
    markQuitting() {
      quitting = true;
    },
    window: live,
    isVisible() {
      const w = live();
      return !!w && w.isVisible() && !w.isMinimized();
    },
    webContents: () => {
      const w = live();
      return w && !w.webContents.isDestroyed() ? w.webContents : null;
    },
    isTrustedSender(event) {
      const contents = live()?.webContents;
      if (!contents || event.sender.id !== contents.id) return false;
      // senderFrame is null once the frame navigated away or died: no answer for it either.
      return !!event.senderFrame && isAppPageUrl(event.senderFrame.url, appUrl);
    },
  };
}
