// Where the icons live and which one shows which state. Pure path logic, so the tray can be tested anywhere.
import path from 'node:path';
import type { RuntimeStatus } from '../common/contract.js';

export type TrayState = 'pooling' | 'direct' | 'error';

export interface TrayIcon {
  /** The 1x file; Electron picks `name@2x.png` beside it on HiDPI screens by itself. */
  path: string;
  /** macOS template image: black + alpha, tinted by the menu bar for light and dark mode. */
  template: boolean;
}

/** build/icons/ inside the app (the repo in development, app.asar when packaged; electron-builder.yml ships it). */
export function iconsDir(appPath: string): string {
  return path.join(appPath, 'build', 'icons');
}

export function trayState(status: Pick<RuntimeStatus, 'state' | 'pool_enabled' | 'upstream'>): TrayState {
  // Listening is not enough: if every request fails because the API cannot be reached, the icon says so too.
  if (status.state === 'error' || (status.state === 'running' && status.upstream === 'unreachable')) return 'error';
  return status.pool_enabled ? 'pooling' : 'direct';
}

/**
 * macOS menu bar icons are templates (monochrome), so pooling and direct differ by shape there; the error icon
 * stays red on purpose, because a failed proxy should stand out. Elsewhere the coloured discs are used.
 */
export function trayIcons(dir: string, platform: NodeJS.Platform): Record<TrayState, TrayIcon> {
  const file = (name: string, template = false): TrayIcon => ({ path: path.join(dir, name), template });
  if (platform === 'darwin') {
    return { pooling: file('trayTemplate.png', true), direct: file('trayDirectTemplate.png', true), error: file('tray-error.png') };
  }
  return { pooling: file('tray-pooling.png'), direct: file('tray-direct.png'), error: file('tray-error.png') };
}

/** The window icon (Linux and Windows; macOS takes the bundle's icon). */
export function appIcon(dir: string, platform: NodeJS.Platform): string {
  return path.join(dir, platform === 'win32' ? 'icon.ico' : 'icon.png');
}
