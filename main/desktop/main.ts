// Electron main-process entry (bundled to dist/main/desktop/main.js). The only module that imports `electron` at
// runtime besides the preload: it gathers the real objects and hands them to runDesktop, which does the rest.
import path from 'node:path';
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeImage, Notification, shell, Tray } from 'electron';
import log from 'electron-log/main';
import { loadConfig } from '../config/load.js';
import type { ElectronLogLike } from '../logging/log-bus.js';
import { defaultPlugins } from '../proxy/plugins.js';
import { createRuntime } from '../runtime.js';
import { runDesktop } from './bootstrap.js';
import { appIcon, iconsDir, trayIcons } from './icons.js';

// One name everywhere, whatever package.json says: it decides the userData and log folders
// (~/.config/ccproxy, ~/Library/Logs/ccproxy, %APPDATA%\ccproxy). Must happen before anything reads them.
app.setName('ccproxy');
app.setPath('userData', path.join(app.getPath('appData'), 'ccproxy'));
// Windows shows toasts only for an app id that matches the Start Menu shortcut (electron-builder.yml `appId`).
if (process.platform === 'win32') app.setAppUserModelId('dev.ccproxy.desktop');

/** `--config FILE` or `--config=FILE` (Electron's and Chromium's own switches are ignored). */
function configFlag(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (i < 0) return undefined;
  return argv[i]!.includes('=') ? argv[i]!.slice('--config='.length) : argv[i + 1];
}

const appPath = app.getAppPath(); // the repo in development, …/resources/app.asar when packaged
const icons = iconsDir(appPath);

runDesktop({
  electron: { app, Tray, Menu, BrowserWindow, ipcMain, nativeImage, shell, clipboard, dialog, Notification },
  platform: process.platform,
  paths: {
    preload: path.join(appPath, 'dist', 'main', 'desktop', 'preload.cjs'),
    rendererIndex: path.join(appPath, 'dist', 'renderer', 'index.html'),
    appIcon: process.platform === 'darwin' ? undefined : appIcon(icons, process.platform),
  },
  trayIcons: trayIcons(icons, process.platform),
  loadConfig: () => loadConfig({ configPath: configFlag(process.argv) }),
  createRuntime: (loaded) =>
    createRuntime({
      loaded,
      logBase: log as unknown as ElectronLogLike,
      console: !app.isPackaged,
      fileLog: true, // electron-log's file transport: main.log, rotated to main.old.log past 5 MiB (log-bus.ts)
      plugins: defaultPlugins(),
    }),
  logDir: () => path.dirname(log.transports.file.getFile().path),
  devTools: !app.isPackaged,
}).catch((err: Error) => {
  dialog.showErrorBox('ccproxy failed to start', err.stack ?? err.message);
  app.exit(1);
});
