// The tray (menu bar) icon and its menu: the whole app when the window is closed. The icon shows the state at a
// glance, and the menu is rebuilt from the runtime's status every time it changes, so it never shows stale values.
import type { RuntimeStatus, SaveResult, SettingsPatch, SettingsView } from '../common/contract.js';
import type { MenuApi, MenuItemConstructorOptions, NativeImageApi, TrayCtor, TrayLike } from './electron-surface.js';
import { trayState, type TrayIcon, type TrayState } from './icons.js';
import type { LoginItem } from './login-item.js';

/** What the tray needs from the runtime (a real Runtime fits). */
export interface TrayRuntime {
  status(): RuntimeStatus;
  onStatus(listener: (status: RuntimeStatus) => void): () => void;
  saveSettings(patch: SettingsPatch): Promise<SaveResult>;
  settingsView(): Pick<SettingsView, 'sources' | 'env_overrides'>;
  /** The request history, when the runtime keeps one: reset() moves a damaged file aside (never deletes) and reopens. */
  history?: { reset(): { moved_to: string | null; history: string } };
}

export interface TrayActions {
  openWindow(): void;
  copyText(text: string): void;
  openLogFolder(): void;
  /** The user asked for something and it did not happen (an asynchronous message box: never a blocking one). */
  showError(title: string, message: string): void;
  quit(): void;
  /** While stopping: exit at once, dropping what is still in flight. */
  forceQuit(): void;
  /** Absent where Electron cannot do it (Linux): the menu item is left out then. */
  loginItem?: Pick<LoginItem, 'state' | 'set'>;
}

export interface TrayOptions {
  Tray: TrayCtor;
  Menu: MenuApi;
  nativeImage: NativeImageApi;
  runtime: TrayRuntime;
  actions: TrayActions;
  icons: Record<TrayState, TrayIcon>;
  platform: NodeJS.Platform;
}

export interface TrayController {
  /** Re-reads the status and redraws icon, tooltip and menu. */
  refresh(): void;
  /** The state the icon shows now. */
  state(): TrayState;
  /** Quit has begun: "Stopping…" instead of the status, and Quit becomes "Quit now". */
  setStopping(): void;
  /** A background problem (uncaught error, failed load): a menu line and the tooltip show it until the next. */
  showProblem(message: string): void;
  destroy(): void;
}

const POOL_ENABLED = 'pool_settings.enabled';

export function statusLine(status: RuntimeStatus): string {
  switch (status.state) {
    case 'running':
      return status.upstream === 'unreachable' ? `Running at ${status.endpoint} · upstream unreachable` : `Running at ${status.endpoint}`;
    case 'starting':
      return `Starting at ${status.endpoint}…`;
    case 'error':
      return `Not running: ${status.endpoint}`;
    default:
      return 'Stopped';
  }
}

/** The first sentence of an error, short enough for a menu line. */
function shortError(message: string): string {
  const first = message.split(/(?<=\.)\s/)[0] ?? message;
  return first.length > 90 ? `${first.slice(0, 89)}…` : first;
}

export function tooltip(status: RuntimeStatus, stopping = false): string {
  if (stopping) return 'ccproxy: stopping…';
  if (status.state === 'error') return `ccproxy: not running (${shortError(status.error ?? 'error')})`;
  return `ccproxy ${status.pool_enabled ? '(pooling)' : '(direct, no pool)'}: ${statusLine(status)}`;
}

export function createTrayController(opts: TrayOptions): TrayController {
  const { runtime, actions } = opts;
  const images = new Map<TrayState, ReturnType<NativeImageApi['createFromPath']>>();
  const imageFor = (state: TrayState) => {
    let image = images.get(state);
    if (!image) {
      const icon = opts.icons[state];
      image = opts.nativeImage.createFromPath(icon.path);
      if (icon.template) image.setTemplateImage(true);
      images.set(state, image);
    }
    return image;
  };

  let shown: TrayState = trayState(runtime.status());
  const tray: TrayLike = new opts.Tray(imageFor(shown));
  /** The value being saved, while a save runs (the checkbox shows it, disabled, until the save is done). */
  let savingPooling: boolean | null = null;
  let stopping = false;
  let problem: string | null = null;

  async function setPooling(enabled: boolean): Promise<void> {
    savingPooling = enabled;
    refresh();
    try {
      const result = await runtime.saveSettings({ pool_settings: { enabled } });
      if (!result.ok) actions.showError('ccproxy: pooling not changed', result.errors.map((e) => e.message).join('\n'));
    } catch (err) {
      actions.showError('ccproxy: pooling not changed', (err as Error).message);
    } finally {
      savingPooling = null;
      refresh(); // Electron already flipped the checkbox; put it back to the truth if the save failed
    }
  }

  function resetHistory(): void {
    try {
      const result = runtime.history!.reset();
      if (result.history !== 'on') actions.showError('ccproxy: history still off', `${result.history}${result.moved_to ? `\nThe old file was moved to ${result.moved_to}.` : ''}`);
    } catch (err) {
      actions.showError('ccproxy: history not reset', (err as Error).message);
    }
    refresh();
  }

  function menuTemplate(status: RuntimeStatus): MenuItemConstructorOptions[] {
    const view = runtime.settingsView();
    const source = view.sources[POOL_ENABLED];
    // A value from the environment wins over the file, so the checkbox could not change anything.
    const lockedBy = source === 'env' ? view.env_overrides[POOL_ENABLED] : source === 'cli' ? 'a command-line flag' : null;
    if (stopping) {
      // Nothing else makes sense while the proxy drains; a second Quit must still do something.
      return [
        { id: 'status', label: 'Stopping… (finishing open requests)', enabled: false },
        { type: 'separator' },
        { id: 'quit', label: 'Quit now (drop open requests)', click: () => actions.forceQuit() },
      ];
    }
    const items: MenuItemConstructorOptions[] = [{ id: 'status', label: statusLine(status), enabled: false }];
    if (status.state === 'error' && status.error) items.push({ id: 'error', label: shortError(status.error), enabled: false });
    const historyOff = status.history?.startsWith('off') ? status.history.replace(/^off:?\s*/, '') : null;
    if (historyOff !== null && runtime.history) {
      // The proxy serves without it; the file is kept, and moved aside only on this click.
      items.push(
        { id: 'history-off', label: `History off: ${shortError(historyOff || 'not recording')}`, enabled: false },
        { id: 'reset-history', label: 'Reset history (a damaged file is moved aside, never deleted)', click: () => resetHistory() },
      );
    }
    if (problem) items.push({ id: 'problem', label: `⚠ ${shortError(problem)} (Open log folder)`, click: () => actions.openLogFolder() });
    items.push(
      {
        id: 'pooling',
        label: lockedBy ? `Pooling enabled (set by ${lockedBy})` : savingPooling !== null ? 'Pooling enabled (saving…)' : 'Pooling enabled',
        type: 'checkbox',
        checked: savingPooling ?? status.pool_enabled,
        enabled: !lockedBy && savingPooling === null,
        click: () => void setPooling(!runtime.status().pool_enabled),
      },
      { type: 'separator' },
      { id: 'open', label: 'Open ccproxy…', click: () => actions.openWindow() },
      { id: 'copy-endpoint', label: 'Copy endpoint URL', click: () => actions.copyText(runtime.status().endpoint) },
      { id: 'log-folder', label: 'Open log folder', click: () => actions.openLogFolder() },
    );
    const loginItem = actions.loginItem;
    if (loginItem) {
      const login = loginItem.state();
      items.push({
        id: 'login',
        label: login.note ? `Start at login (${login.note})` : 'Start at login',
        type: 'checkbox',
        checked: login.checked,
        enabled: login.available,
        click: () => {
          const wanted = !login.checked;
          try {
            loginItem.set(wanted);
            const now = loginItem.state();
            // The OS can refuse or hold it back (macOS approval, Task Manager): say so instead of flipping back silently.
            if (now.checked !== wanted) {
              actions.showError('ccproxy: start at login not changed', now.needsApproval
                ? 'macOS needs your approval: open System Settings › General › Login Items and allow ccproxy.'
                : `The system did not take the change${now.note ? ` (${now.note})` : ''}.`);
            }
          } catch (err) {
            actions.showError('ccproxy: start at login not changed', (err as Error).message);
          }
          refresh();
        },
      });
    }
    items.push({ type: 'separator' }, { id: 'quit', label: 'Quit', click: () => actions.quit() });
    return items;
  }

  function refresh(): void {
    const status = runtime.status();
    const next = trayState(status);
    if (next !== shown) {
      tray.setImage(imageFor(next));
      shown = next;
    }
    tray.setToolTip(problem && !stopping ? `${tooltip(status)} (problem: ${shortError(problem)})` : tooltip(status, stopping));
    tray.setContextMenu(opts.Menu.buildFromTemplate(menuTemplate(status)));
  }

  // A left click opens the window on Windows and Linux; on macOS a click opens the menu, as users expect there.
  if (opts.platform !== 'darwin') tray.on('click', () => actions.openWindow());
  const offStatus = runtime.onStatus(() => refresh());
  refresh();

  return {
    refresh,
    state: () => shown,
    setStopping() {
      stopping = true;
      refresh();
    },
    showProblem(message) {
      problem = message;
      refresh();
    },
    destroy() {
      offStatus();
      tray.destroy();
    },
  };
}
