// The small slices of Electron that the desktop modules use. Modules take these instead of importing `electron`,
// so unit tests can hand in fakes (the Electron binary is absent on CI machines). The checks at the bottom make
// `tsc` prove that Electron's real objects fit these slices, so the fakes cannot drift from the real API.
import type {
  App,
  BrowserWindow,
  BrowserWindowConstructorOptions,
  Clipboard,
  Dialog,
  IpcMain,
  IpcMainInvokeEvent,
  Menu,
  MenuItemConstructorOptions,
  NativeImage,
  Notification,
  PowerMonitor,
  Protocol,
  Session,
  Shell,
  Tray,
  WebContents,
} from 'electron';

export type { BrowserWindowConstructorOptions, MenuItemConstructorOptions };

export interface PreventableEvent {
  preventDefault(): void;
}

/** What app.getLoginItemSettings reports; the platform-only fields are absent elsewhere. */
export interface LoginItemReport {
  openAtLogin: boolean;
  /** macOS 13+: 'requires-approval' when the user must allow it in System Settings › Login Items. */
  status?: 'not-registered' | 'enabled' | 'requires-approval' | 'not-found';
  /** macOS: this launch was a login launch. */
  wasOpenedAtLogin?: boolean;
  /** Windows: false when the entry exists but is disabled in Task Manager › Startup apps. */
  executableWillLaunchAtLogin?: boolean;
}
/** `path` and `args` are Windows-only in Electron 45 (macOS always registers the app bundle). */
export interface LoginItemRequest {
  openAtLogin: boolean;
  path?: string;
  args?: string[];
}

export interface AppLike {
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  /** Starts the quit sequence: before-quit, windows closed, will-quit, quit (each may be prevented). */
  quit(): void;
  /** Ends the process at once: no events, no window close handlers. */
  exit(exitCode?: number): void;
  readonly isPackaged: boolean;
  /** Only on macOS. */
  readonly dock: { hide(): void } | undefined;
  getLoginItemSettings(options?: { path?: string; args?: string[] }): LoginItemReport;
  setLoginItemSettings(settings: LoginItemRequest): void;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'will-quit', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
}

/**
 * powerMonitor: `shutdown` is emitted on Linux and macOS when the system is about to shut down or log out. Electron's
 * docs give the listener a preventable event (its typings give none): preventing it asks the OS for time to exit.
 */
export interface PowerMonitorLike {
  on(event: 'shutdown', listener: (event?: PreventableEvent) => void): unknown;
}

/** The privileges the app's own scheme gets (Electron's CustomScheme). */
export interface CustomSchemeLike {
  scheme: string;
  privileges?: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean; corsEnabled?: boolean; stream?: boolean; codeCache?: boolean };
}

export interface ProtocolLike {
  /** Before the app is ready only. */
  registerSchemesAsPrivileged(customSchemes: CustomSchemeLike[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/** Images and menus go back into Electron untouched, so they keep Electron's own types (fakes cast to them). */
export type ImageLike = NativeImage;
export type MenuLike = Menu;
export interface NativeImageApi {
  createFromPath(path: string): ImageLike;
}

export interface MenuApi {
  buildFromTemplate(template: MenuItemConstructorOptions[]): MenuLike;
  setApplicationMenu(menu: MenuLike | null): void;
}

export interface TrayLike {
  setImage(image: ImageLike): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: MenuLike | null): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}
export type TrayCtor = new (image: ImageLike) => TrayLike;

export interface SessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  readonly webRequest: {
    onHeadersReceived(
      listener: (
        details: { url: string; resourceType: string; responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void,
    ): void;
  };
}

export interface WebContentsLike {
  readonly id: number;
  readonly session: SessionLike;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  reload(): void;
  on(event: 'will-navigate', listener: (event: PreventableEvent & { url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string; exitCode: number }) => void): unknown;
  on(event: 'did-finish-load', listener: () => void): unknown;
  /** Every input event sent to the page (mouse, keys): how a click is told from a script. */
  on(event: 'input-event', listener: (event: unknown, input: { type: string; key?: string }) => void): unknown;
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isVisible(): boolean;
  isDestroyed(): boolean;
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  /** Visibility changes: the window's event subscriptions pause while it cannot be seen. */
  on(event: 'show' | 'hide' | 'minimize' | 'restore', listener: () => void): unknown;
  /** Windows only, sent to every top-level window (hidden ones too): log off, shutdown or restart. */
  on(event: 'session-end', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  destroy(): void;
}
export type BrowserWindowCtor = new (options: BrowserWindowConstructorOptions) => BrowserWindowLike;

/** What an `ipcMain.handle` listener is told about the caller. */
export interface IpcSenderEvent {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string } | null;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface ShellLike {
  openExternal(url: string): Promise<void>;
  /** Resolves to an error message, or "" on success. */
  openPath(path: string): Promise<string>;
}
export interface ClipboardLike {
  writeText(text: string): void;
}
export interface DialogLike {
  /** Synchronous and modal: it stalls the main process (and so the proxy). Only before the runtime exists. */
  showErrorBox(title: string, content: string): void;
  /** Asynchronous: the event loop (and the proxy) keeps running while it is open. */
  showMessageBox(options: { type: 'error' | 'warning' | 'info'; title: string; message: string; detail?: string; buttons?: string[] }): Promise<unknown>;
}
export interface NotificationLike {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}
export interface NotificationCtor {
  new (options: { title: string; body: string }): NotificationLike;
  isSupported(): boolean;
}

/** Everything main.ts takes from `electron` and hands to the desktop modules. */
export interface DesktopElectron {
  app: AppLike;
  Tray: TrayCtor;
  Menu: MenuApi;
  BrowserWindow: BrowserWindowCtor;
  ipcMain: IpcMainLike;
  nativeImage: NativeImageApi;
  shell: ShellLike;
  clipboard: ClipboardLike;
  dialog: DialogLike;
  Notification: NotificationCtor;
  powerMonitor: PowerMonitorLike;
  protocol: ProtocolLike;
}

// ---- Proof that Electron 45's own types fit the slices above: a mismatch fails `tsc --noEmit`. ----
interface RealElectron {
  app: App;
  tray: Tray;
  Tray: typeof Tray;
  session: Session;
  webContents: WebContents;
  window: BrowserWindow;
  BrowserWindow: typeof BrowserWindow;
  invokeEvent: IpcMainInvokeEvent;
  ipcMain: IpcMain;
  shell: Shell;
  clipboard: Clipboard;
  dialog: Dialog;
  notification: Notification;
  Notification: typeof Notification;
  powerMonitor: PowerMonitor;
  protocol: Protocol;
}
interface Slices {
  app: AppLike;
  tray: TrayLike;
  Tray: TrayCtor;
  session: SessionLike;
  webContents: WebContentsLike;
  window: BrowserWindowLike;
  BrowserWindow: BrowserWindowCtor;
  invokeEvent: IpcSenderEvent;
  ipcMain: IpcMainLike;
  shell: ShellLike;
  clipboard: ClipboardLike;
  dialog: DialogLike;
  notification: NotificationLike;
  Notification: NotificationCtor;
  powerMonitor: PowerMonitorLike;
  protocol: ProtocolLike;
}
/** Never called; it exists for the assignment tsc checks (a conditional type is stricter about overloads). */
export function electronFitsTheSlices(real: RealElectron): Slices {
  return real;
}
