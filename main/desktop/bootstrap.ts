// The desktop app's wiring, with Electron handed in: single instance, config, the in-process runtime, tray,
// window and IPC, quitting. main.ts only gathers the real Electron objects and calls runDesktop, so all of this
// runs in unit tests with fakes.
//
// The proxy runs in this same process, so nothing here may block the event loop once the runtime exists: no
// dialog.showErrorBox (synchronous) after that point, only notifications and asynchronous message boxes.
import path from 'node:path';
import { ConfigError, type LoadedConfig } from '../config/load.js';
import { PortInUseError, type Runtime } from '../runtime/runtime.js';
import { installAppMenu } from './app-menu.js';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppSchemeHandler } from './app-scheme.js';
import type { DesktopElectron } from './electron-surface.js';
import type { TrayState, TrayIcon } from './icons.js';
import { registerIpc, type IpcHandle } from './ipc.js';
import { isHiddenLaunch } from './launch-args.js';
import { createLoginItem } from './login-item.js';
import { catchUnhandled, createProblemReporter, type ErrorHandlerLike, type ProblemReporter } from './problems.js';
import { installQuitHandling, type QuitController } from './quit.js';
import { createTrayController, type TrayController } from './tray.js';
import { createWindowController, type WindowController } from './window.js';

export interface DesktopOptions {
  electron: DesktopElectron;
  platform: NodeJS.Platform;
  paths: { preload: string; rendererIndex: string; appIcon?: string };
  trayIcons: Record<TrayState, TrayIcon>;
  /** process.argv: `--hidden` (a login launch) keeps the window closed. */
  argv?: readonly string[];
  /** app.getAppPath() and process.execPath, for "Start at login" when running unpackaged. */
  appPath?: string;
  execPath?: string;
  /** electron-log's errorHandler: uncaught errors go to the log and the tray instead of Electron's modal box. */
  errorHandler?: ErrorHandlerLike;
  /** Reads the config (may throw ConfigError: shown, then the app quits). */
  loadConfig(): LoadedConfig;
  createRuntime(loaded: LoadedConfig): Runtime;
  /** electron-log's file directory, for "Open log folder". */
  logDir(): string;
  devTools?: boolean;
  /** Added to shutdown_grace: how long Quit waits for the runtime at most (default 5 s). */
  quitMarginMs?: number;
  /** How long the runtime gets when the OS ends the session (default 3 s). */
  osShutdownCapMs?: number;
}

/** The Settings view with the port field focused (the renderer reads the page's fragment). */
export const PORT_SETTING_VIEW = 'settings/server.port';

export interface DesktopHandle {
  runtime: Runtime;
  tray: TrayController;
  windows: WindowController;
  ipc: IpcHandle;
  quit: QuitController;
  problems: ProblemReporter;
}

/** The end of the port-in-use message in the desktop's words (runtime option `portAdvice`; the CLI's names --port). */
export const desktopPortAdvice = (_port: number, free: number | null): string => (free === null ? 'change the port in Settings.' : `change the port in Settings (${free} is free).`);

/** Starts the app; resolves once the runtime has tried to start (null when this instance is not the app). */
export async function runDesktop(opts: DesktopOptions): Promise<DesktopHandle | null> {
  const { app, dialog, Notification, protocol } = opts.electron;

  // A second launch would fight for the same port and config file: hand over to the running app and leave.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  let windows: WindowController | null = null;
  let problems: ProblemReporter | null = null;
  if (opts.errorHandler) catchUnhandled(opts.errorHandler, () => problems);
  app.on('second-instance', () => windows?.show());
  // macOS: opening the running app again (Finder, Spotlight, Dock) emits `activate`, not `second-instance`.
  app.on('activate', () => windows?.show());
  // The tray keeps the app alive; Electron's default would quit when the (hidden) window is closed for good.
  app.on('window-all-closed', () => {});
  // Only possible before the app is ready: app:// becomes a standard, secure origin of its own.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

  await app.whenReady();
  // The window's page, its script and styles: served from dist/renderer only (app-scheme.ts).
  protocol.handle(APP_SCHEME, createAppSchemeHandler(path.dirname(opts.paths.rendererIndex)));
  app.dock?.hide(); // a menu-bar app: no Dock icon (packaged builds also set LSUIElement)
  installAppMenu(opts.electron.Menu, opts.platform);

  let loaded: LoadedConfig;
  try {
    loaded = opts.loadConfig();
  } catch (err) {
    // The one blocking box: nothing is served yet, and the app quits right after it.
    const message = err instanceof ConfigError ? err.problems.map((p) => p.message).join('\n') : (err as Error).message;
    dialog.showErrorBox('ccproxy cannot start: the configuration is not valid', `${message}\n\nFix the file, then start ccproxy again.`);
    app.quit();
    return null;
  }

  const runtime = opts.createRuntime(loaded);
  const log = runtime.logBus.logger;
  // Held in a variable: a notification object that is garbage-collected loses its click handler.
  let lastNotification: unknown = null;
  const notify = (title: string, body: string, view?: string) => {
    if (!Notification.isSupported()) return;
    const n = new Notification({ title, body });
    n.on('click', () => windows?.show(view));
    n.show();
    lastNotification = n;
  };
  let tray: TrayController | null = null;
  const reporter = createProblemReporter({ log: () => log, dialog, notify, showInTray: (message) => tray?.showProblem(message) });
  problems = reporter;
  let ipc: IpcHandle | null = null;
  let startPromise: Promise<unknown> | null = null;

  windows = createWindowController({
    BrowserWindow: opts.electron.BrowserWindow,
    preloadPath: opts.paths.preload,
    shell: opts.electron.shell,
    icon: opts.paths.appIcon,
    devTools: opts.devTools,
    onBlocked: (what) => log.warn(`[DESKTOP] Blocked ${what}`),
    onLoadError: (err) => {
      log.error(`[DESKTOP] Cannot load the window (${err.message}); was the renderer built? Run: npm run build`);
      // The window opens while the runtime starts: wait for the real endpoint (port 0 means "any") to name it.
      void (startPromise ?? Promise.resolve())
        .catch(() => {})
        .then(() => reporter.userAction('ccproxy: the window could not be loaded', `${err.message}\n\nThe proxy keeps running; the dashboard is also at ${runtime.status().endpoint}/ui`));
    },
    onRendererGone: (details, reloading) => {
      const what = `The window's page process is gone (${details.reason}, exit code ${details.exitCode})`;
      if (reloading) log.warn(`[DESKTOP] ${what}; reloading it`);
      else reporter.background('the window keeps crashing', new Error(`${what} again; not reloading it any more. The dashboard is also at ${runtime.status().endpoint}/ui`));
    },
    onVisibilityChange: (visible) => ipc?.setPaused(!visible),
  });
  const win = windows;

  ipc = registerIpc({
    ipcMain: opts.electron.ipcMain,
    api: runtime.api,
    isTrustedSender: (event) => win.isTrustedSender(event),
    target: () => win.webContents(),
    onRefused: (channel, reason) => log.warn(`[DESKTOP] Refused IPC ${channel}: ${reason}`),
  });
  const channels = ipc;

  // Windows tells windows, not the app, that the session ends (WM_ENDSESSION goes to every top-level window, hidden
  // ones too), and a tray launch has no window: a hidden 1×1 window that never loads a page is there to hear it.
  const sessionWindow = opts.platform === 'win32' ? new opts.electron.BrowserWindow({ show: false, width: 1, height: 1, skipTaskbar: true, focusable: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false } }) : null;

  const quit = installQuitHandling({
    app,
    runtime,
    started: () => startPromise ?? Promise.resolve(),
    log,
    marginMs: opts.quitMarginMs,
    osCapMs: opts.osShutdownCapMs,
    flushLog: () => runtime.logBus.flush(),
    onStopping: () => {
      win.markQuitting();
      tray?.setStopping();
    },
    onStopped: () => {
      channels.dispose();
      tray?.destroy();
      if (sessionWindow && !sessionWindow.isDestroyed()) sessionWindow.destroy();
    },
  });
  // The OS ends the session: stop quickly and never hold it up (quit.ts). powerMonitor's `shutdown` exists on
  // Linux (logind's PrepareForShutdown) and macOS (shutdown, restart, logout); Windows has `session-end`.
  if (opts.platform === 'win32') {
    sessionWindow?.on('session-end', () => quit.sessionEnding('Windows session end (log off, shutdown or restart)'));
    // Nobody can see this window, so a close request for it comes from outside: `taskkill` without /F, an
    // installer or uninstaller asking the app to close. It is a Quit (bounded drain), not a window closing.
    sessionWindow?.on('close', (event) => {
      if (quit.stopping) return;
      event.preventDefault();
      app.quit();
    });
  }
  else opts.electron.powerMonitor.on('shutdown', (event) => quit.sessionEnding('system shutdown or logout', event));

  const loginItem = createLoginItem({ app, platform: opts.platform, execPath: opts.execPath ?? process.execPath, appPath: opts.appPath ?? process.cwd() });
  tray = createTrayController({
    Tray: opts.electron.Tray,
    Menu: opts.electron.Menu,
    nativeImage: opts.electron.nativeImage,
    runtime,
    icons: opts.trayIcons,
    platform: opts.platform,
    actions: {
      openWindow: () => win.show(),
      copyText: (text) => opts.electron.clipboard.writeText(text),
      openLogFolder: () => {
        const dir = opts.logDir();
        void opts.electron.shell.openPath(dir).then((problem) => {
          if (problem) reporter.userAction('ccproxy: cannot open the log folder', `${dir}\n\n${problem}`);
        });
      },
      showError: (title, message) => reporter.userAction(title, message),
      quit: () => app.quit(),
      forceQuit: () => quit.forceExit('"Quit now" chosen while stopping'),
      loginItem,
    },
  });

  // A manual launch shows the window at once (a desktop without a tray, e.g. stock GNOME, still gets the app);
  // a login launch stays in the tray.
  const wasOpenedAtLogin = opts.platform === 'darwin' && app.isPackaged && app.getLoginItemSettings().wasOpenedAtLogin === true;
  if (!isHiddenLaunch(opts.argv ?? [], wasOpenedAtLogin)) win.show();

  startPromise = runtime.start();
  try {
    await startPromise;
  } catch (err) {
    // The runtime stays usable in the error state: the window shows the message and a new port applies live.
    if (!quit.stopping) {
      if (err instanceof PortInUseError) {
        // The desktop app reads no --port flag: the way out is the Settings view, opened on the port field.
        // The message ends with the runtime's `portAdvice`, which main.ts sets to the desktop's words.
        notify(`ccproxy: port ${err.port} is in use`, err.message, PORT_SETTING_VIEW);
        win.show(PORT_SETTING_VIEW);
      } else {
        notify('ccproxy could not start', `${(err as Error).message} Open ccproxy to see why.`);
        win.show();
      }
    }
  }
  return { runtime, tray, windows: win, ipc: channels, quit, problems: reporter };
}
