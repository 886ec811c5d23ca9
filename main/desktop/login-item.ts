// "Start at login", only where Electron can register something that really starts ccproxy, with the state the
// OS reports (not the state we asked for). Electron 45: `path` and `args` exist on Windows only; macOS always
// registers the app bundle, so an unpackaged run there would register Electron.app itself; Linux has no API.
import { HIDDEN_FLAG } from './launch-args.js';
import type { AppLike, LoginItemReport } from './electron-surface.js';

export interface LoginItemState {
  /** What the checkbox shows: the OS will really start ccproxy at login. */
  checked: boolean;
  /** Clickable? (false where it cannot work, e.g. unpackaged on macOS) */
  available: boolean;
  /** Shown beside the label when the state needs explaining; null when there is nothing to say. */
  note: string | null;
  /** macOS 13+: registered, but waits for the user's approval in System Settings. */
  needsApproval: boolean;
}

export interface LoginItem {
  state(): LoginItemState;
  /** Asks the OS; read state() afterwards for what it actually did. */
  set(openAtLogin: boolean): void;
}

export interface LoginItemOptions {
  app: Pick<AppLike, 'isPackaged' | 'getLoginItemSettings' | 'setLoginItemSettings'>;
  platform: NodeJS.Platform;
  /** process.execPath: the Electron binary in development, the app's own executable when packaged. */
  execPath: string;
  /** app.getAppPath(): what the bare Electron binary must be given to run this app. */
  appPath: string;
}

/** Undefined where there is no login-item API at all (Linux): the menu item is left out. */
export function createLoginItem(opts: LoginItemOptions): LoginItem | undefined {
  const { app, platform } = opts;
  if (platform !== 'darwin' && platform !== 'win32') return undefined;

  if (platform === 'darwin' && !app.isPackaged) {
    // Registering would start Electron's default app at login, not ccproxy.
    const unavailable: LoginItemState = { checked: false, available: false, note: 'installed app only', needsApproval: false };
    return { state: () => unavailable, set: () => {} };
  }

  // Windows: the run key names the executable and its arguments; unpackaged, the executable is the bare Electron
  // binary, which needs the app folder (quoted: the registry value is one command line) to run ccproxy.
  const query =
    platform === 'win32'
      ? { path: opts.execPath, args: app.isPackaged ? [HIDDEN_FLAG] : [`"${opts.appPath}"`, HIDDEN_FLAG] }
      : undefined;

  return {
    state(): LoginItemState {
      const report: LoginItemReport = query ? app.getLoginItemSettings(query) : app.getLoginItemSettings();
      if (report.status === 'requires-approval') {
        return { checked: false, available: true, note: 'allow it in System Settings › Login Items', needsApproval: true };
      }
      if (report.status === 'not-found') {
        // SMAppService's notFound: no login item is registered for the app (what macOS reports before the first
        // "Start at login", wherever the app is). Simply off; nothing for the user to move or fix.
        return { checked: false, available: true, note: null, needsApproval: false };
      }
      if (report.openAtLogin && report.executableWillLaunchAtLogin === false) {
        return { checked: false, available: true, note: 'disabled in Task Manager › Startup apps', needsApproval: false };
      }
      const checked = report.status !== undefined ? report.status === 'enabled' : report.openAtLogin;
      return { checked, available: true, note: null, needsApproval: false };
    },
    set(openAtLogin: boolean) {
      app.setLoginItemSettings(query ? { openAtLogin, ...query } : { openAtLogin });
    },
  };
}
