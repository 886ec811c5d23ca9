// Electron main-process entry (bundled to dist/main/desktop/main.js). The only module that imports `electron` at
// runtime besides the preload: it gathers the real objects and hands them to runDesktop, which does the rest.
// Logging is electron-log/node, not electron-log/main: the /main flavour registers IPC handlers
// (`__ELECTRON_LOG__`) for renderer logging with no sender check as soon as it is imported, and the page logs
// nothing through it. The file transport is the same; only its folder is taken from Electron below.
import path from 'node:path';
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeImage, Notification, powerMonitor, protocol, shell, Tray } from 'electron';
import log from 'electron-log/node';
import { loadConfig } from '../config/load.js';
import type { ElectronLogLike } from '../logging/log-bus.js';
import { defaultPlugins } from '../proxy/plugins.js';
import { createRuntime } from '../runtime/runtime.js';
import { desktopPaths } from './app-paths.js';
import { desktopPortAdvice, runDesktop } from './bootstrap.js';
import { configFlag } from './launch-args.js';

// One name everywhere, whatever package.json says: it decides the userData and log folders
// (~/.config/ccproxy, ~/Library/Logs/ccproxy, %APPDATA%\ccproxy). Must happen before anything reads them.
app.setName('ccproxy');
app.setPath('userData', path.join(app.getPath('appData'), 'ccproxy'));
// Windows shows toasts only for an app id that matches the Start Menu shortcut (electron-builder.yml `appId`).
if (process.platform === 'win32') app.setAppUserModelId('dev.ccproxy.desktop');

// electron-log/node names its folder after the app: ~/.config/ccproxy/logs (XDG_CONFIG_HOME), ~/Library/Logs/ccproxy,
// %APPDATA%\ccproxy\logs, the folders electron-log/main would pick. Set on the shared settings, so the logger the
// runtime creates from this one (log-bus.ts) writes there too; package.json's name would say ccproxy-desktop.
log.transports.file.setAppName('ccproxy');

const appPath = app.getAppPath(); // the checkout in development, …/resources/app.asar when packaged
const paths = desktopPaths(appPath, process.platform);

runDesktop({
  electron: { app, Tray, Menu, BrowserWindow, ipcMain, nativeImage, shell, clipboard, dialog, Notification, powerMonitor, protocol },
  platform: process.platform,
  paths,
  trayIcons: paths.trayIcons,
  argv: process.argv,
  appPath,
  execPath: process.execPath,
  errorHandler: log.errorHandler,
  loadConfig: () => loadConfig({ configPath: configFlag(process.argv) }),
  createRuntime: (loaded) =>
    createRuntime({
      loaded,
      logBase: log as unknown as ElectronLogLike,
      console: !app.isPackaged,
      fileLog: true, // electron-log's file transport: main.log, rotated to main.old.log past 5 MiB (log-bus.ts)
      plugins: defaultPlugins(),
      portAdvice: desktopPortAdvice, // the app reads no --port flag: the window's Settings is the way
      // The request history beside the app's other data (~/.config/ccproxy, ~/Library/Application Support/ccproxy, %APPDATA%\ccproxy).
      historyPath: path.join(app.getPath('userData'), 'history.db'),
    }),
  logDir: () => path.dirname(log.transports.file.getFile().path),
  devTools: !app.isPackaged,
}).catch((err: Error) => {
  // runDesktop fails only before the runtime serves anything (it catches the runtime's own start errors), so a
  // blocking box stalls nothing here; the app exits right after it.
  log.error(`[DESKTOP] ccproxy failed to start: ${err.stack ?? err.message}`);
  dialog.showErrorBox('ccproxy failed to start', err.stack ?? err.message);
  app.exit(1);
});
