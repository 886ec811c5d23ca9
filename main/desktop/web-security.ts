// Hardening of the app's one window, beyond its webPreferences: no permissions but clipboard writes, no new
// windows, no navigation away from the app's own page, no <webview>. The renderer only ever needs its own files
// (app://ccproxy, with its CSP: app-scheme.ts) and the preload's IPC bridge, so everything else is refused.
import type { SessionLike, ShellLike, WebContentsLike } from './electron-surface.js';

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for the app's own page (any query or hash): same scheme, host and path as `appUrl` (app://ccproxy/index.html). */
export function isAppPageUrl(url: string, appUrl: string): boolean {
  const a = parse(url);
  const b = parse(appUrl);
  return !!a && !!b && a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname && !a.username && !a.password;
}

/** Only plain web links may leave the app, and only to the system browser. */
export function isSafeExternalUrl(url: string): boolean {
  const u = parse(url);
  return !!u && (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '' && !u.username && !u.password;
}

export interface SecurityOptions {
  /** The renderer's page, app://ccproxy/index.html. */
  appUrl: string;
  shell: Pick<ShellLike, 'openExternal'>;
  /** Told about every refused request, for the log. */
  onBlocked?: (what: string) => void;
  /** Milliseconds, for the age of the last click (tests pass a fake clock). */
  now?: () => number;
}

/** A link opens only this soon after a click or an Enter/Space key press in the window. */
export const USER_GESTURE_MS = 2_000;

/** Input that counts as the user asking for something: a mouse click, or Enter/Space on a focused link. */
function isGesture(input: { type: string; key?: string }): boolean {
  if (input.type === 'mouseUp' || input.type === 'gestureTap') return true;
  return (input.type === 'keyDown' || input.type === 'rawKeyDown') && (input.key === 'Enter' || input.key === ' ');
}

/**
 * Writing text to the clipboard ("Copy endpoint URL" in the window) is harmless; reading it, the camera, the
 * microphone, notifications from the page, … are not needed. Only our own page can be in the window
 * (navigation is blocked), so a session-wide rule is enough.
 */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

/** Session-wide rules: a refusal for every permission but clipboard writes. */
export function hardenSession(session: SessionLike, opts: SecurityOptions): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => {
    const granted = ALLOWED_PERMISSIONS.has(permission);
    if (!granted) opts.onBlocked?.(`permission request "${permission}"`);
    callback(granted);
  });
  session.setPermissionCheckHandler((_wc, permission) => ALLOWED_PERMISSIONS.has(permission));
}

function openOutside(url: string, opts: SecurityOptions): void {
  if (!isSafeExternalUrl(url)) {
    opts.onBlocked?.(`opening ${url.slice(0, 200)}`);
    return;
  }
  opts.shell.openExternal(url).catch((err: Error) => opts.onBlocked?.(`opening ${url} failed: ${err.message}`));
}

/**
 * Per-window rules: no popups, no navigation away, no <webview>. A web link leaves the app only through the
 * window-open handler (a target=_blank link, window.open), only when it is http(s), and only right after the user
 * clicked (or pressed Enter/Space) in the window: Electron does not tell the handler whether a gesture caused
 * the request, so the window's own input events (`input-event`) are watched for one. A script that opens links
 * by itself gets nothing; a navigation (a plain link, a script setting location) never opens anything either:
 * it is refused and logged.
 */
export function guardWebContents(contents: WebContentsLike, opts: SecurityOptions): void {
  const now = opts.now ?? Date.now;
  let lastGesture = -Infinity;
  contents.on('input-event', (_event, input) => {
    if (isGesture(input)) lastGesture = now();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (now() - lastGesture > USER_GESTURE_MS) opts.onBlocked?.(`opening ${url.slice(0, 200)} without a click in the window`);
    else openOutside(url, opts);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (isAppPageUrl(event.url, opts.appUrl)) return; // a reload of our own page
    event.preventDefault();
    opts.onBlocked?.(`navigating to ${event.url.slice(0, 200)}`);
  });
  contents.on('will-attach-webview', (event) => {
    opts.onBlocked?.('attaching a <webview>');
    event.preventDefault();
  });
}
