// The desktop app's wiring, with Electron handed in: single instance, config, the in-process runtime, tray,
// window and IPC, quitting. main.ts only gathers the real Electron objects and calls runDesktop, so all of this
// runs in unit tests with fakes.
import { ConfigError, type LoadedConfig } from '../config/load.js';
import { PortInUseError, type Runtime } from '../runtime.js';
import type { DesktopElectron } from './electron-surface.js';
import type { TrayState, TrayIcon } from './icons.js';
import { registerIpc, type IpcHandle } from './ipc.js';
import { createTrayController, type TrayController } from './tray.js';
import { createWindowController, type WindowController } from './window.js';

export interface DesktopOptions {
  electron: DesktopElectron;
  platform: NodeJS.Platform;
  paths: { preload: string; rendererIndex: string; appIcon?: string };
  trayIcons: Record<TrayState, TrayIcon>;
  /** Reads the config (may throw ConfigError: shown, then the app quits). */
  loadConfig(): LoadedConfig;
  createRuntime(loaded: LoadedConfig): Runtime;
  /** electron-log's file directory, for "Open log folder". */
  logDir(): string;
  devTools?: boolean;
}

export interface DesktopHandle {
  runtime: Runtime;
  tray: TrayController;
  windows: WindowController;
  ipc: IpcHandle;
}

/** Starts the app; resolves once the runtime has tried to start (null when this instance is not the app). */
export async function runDesktop(opts: DesktopOptions): Promise<DesktopHandle | null> {
  const { app, dialog, Notification } = opts.electron;

  // A second launch would fight for the same port and config file: hand over to the running app and leave.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  let windows: WindowController | null = null;
  app.on('second-instance', () => windows?.show());
  // The tray keeps the app alive; Electron's default would quit when the (hidden) window is closed for good.
  app.on('window-all-closed', () => {});

  await app.whenReady();
  app.dock?.hide(); // a menu-bar app: no Dock icon (packaged builds also set LSUIElement)

  let loaded: LoadedConfig;
  try {
    loaded = opts.loadConfig();
  } catch (err) {
    const message = err instanceof ConfigError ? err.problems.map((p) => p.message).join('\n') : (err as Error).message;
    dialog.showErrorBox('ccproxy cannot start: the configuration is not valid', `${message}\n\nFix the file, then start ccproxy again.`);
    app.quit();
    return null;
  }

  const runtime = opts.createRuntime(loaded);
  const log = runtime.logBus.logger;
  // Held in a variable: a notification object that is garbage-collected loses its click handler.
  let lastNotification: unknown = null;
  const notify = (title: string, body: string) => {
    if (!Notification.isSupported()) return;
    const n = new Notification({ title, body });
    n.on('click', () => windows?.show());
    n.show();
    lastNotification = n;
  };

  windows = createWindowController({
    BrowserWindow: opts.electron.BrowserWindow,
    preloadPath: opts.paths.preload,
    rendererIndex: opts.paths.rendererIndex,
    shell: opts.electron.shell,
    icon: opts.paths.appIcon,
    devTools: opts.devTools,
    onBlocked: (what) => log.warn(`[DESKTOP] Blocked ${what}`),
    onLoadError: (err) => {
      log.error(`[DESKTOP] Cannot load the window (${err.message}); was the renderer built? Run: npm run build`);
      dialog.showErrorBox('ccproxy: the window could not be loaded', `${err.message}\n\nThe proxy keeps running; the dashboard is also at ${runtime.status().endpoint}/ui`);
    },
  });
  const win = windows;

  const ipc = registerIpc({
    ipcMain: opts.electron.ipcMain,
    api: runtime.api,
    isTrustedSender: (event) => win.isTrustedSender(event),
    target: () => win.webContents(),
    onRefused: (channel, reason) => log.warn(`[DESKTOP] Refused IPC ${channel}: ${reason}`),
  });

  const loginSupported = opts.platform === 'darwin' || opts.platform === 'win32';
  const tray = createTrayController({
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
          if (problem) dialog.showErrorBox('ccproxy: cannot open the log folder', `${dir}\n\n${problem}`);
        });
      },
      showError: (title, message) => dialog.showErrorBox(title, message),
      quit: () => app.quit(),
      loginItem: loginSupported
        ? { get: () => app.getLoginItemSettings().openAtLogin, set: (openAtLogin) => app.setLoginItemSettings({ openAtLogin }) }
        : undefined,
    },
  });

  // Quitting waits for the runtime to stop (in-flight requests get their grace period), then quits for real.
  let stopped = false;
  let stopping = false;
  app.on('before-quit', (event) => {
    win.markQuitting();
    if (stopped) return;
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    runtime
      .stop()
      .catch((err: Error) => log.error(`[SHUTDOWN] ${err.message}`))
      .finally(() => {
        stopped = true;
        ipc.dispose();
        tray.destroy();
        app.quit();
      });
  });

  try {
    await runtime.start();
  } catch (err) {
    // The runtime stays usable in the error state: the window shows the message and a new port applies live.
    const message = (err as Error).message;
    const title = err instanceof PortInUseError ? `ccproxy: port ${err.port} is in use` : 'ccproxy could not start';
    notify(title, `${message} Open ccproxy to change the port.`);
    win.show();
  }
  return { runtime, tray, windows: win, ipc };
}
