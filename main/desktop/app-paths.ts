// Where the built app's files are, relative to Electron's app path (the checkout in development, …/app.asar when
// packaged). The single place that knows the build layout of scripts/build.mjs; a test checks it against dist/.
import path from 'node:path';
import { appIcon, iconsDir, trayIcons, type TrayIcon, type TrayState } from './icons.js';

export interface DesktopPaths {
  /** The CommonJS preload bundle (a sandboxed preload cannot be an ES module). */
  preload: string;
  rendererIndex: string;
  /** Window icon (Linux, Windows); macOS takes the bundle's icon. */
  appIcon?: string;
  trayIcons: Record<TrayState, TrayIcon>;
}

export function desktopPaths(appPath: string, platform: NodeJS.Platform): DesktopPaths {
  const icons = iconsDir(appPath);
  return {
    preload: path.join(appPath, 'dist', 'main', 'desktop', 'preload.cjs'),
    rendererIndex: path.join(appPath, 'dist', 'renderer', 'index.html'),
    appIcon: platform === 'darwin' ? undefined : appIcon(icons, platform),
    trayIcons: trayIcons(icons, platform),
  };
}
