// Hardening of the app's one window, beyond its webPreferences: a CSP, no permissions but clipboard writes, no
// new windows, no navigation away from the app's own page, no <webview>. The renderer only ever needs its own
// files and the preload's IPC bridge, so everything else is refused.
import type { SessionLike, ShellLike, WebContentsLike } from './electron-surface.js';

/**
 * Sent as a header on the app's documents, in addition to the meta CSP in renderer/index.html. The meta tag is the
 * one relied on: webRequest header hooks have not reliably fired for file:// pages (test/unit/desktop-csp.test.ts
 * proves the meta tag applies there). When the header does apply, it is the stricter of the two:
 * `connect-src 'none'`, since in Electron the renderer talks only via IPC.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for the app's own page (any query or hash): same file: path as `appUrl`. */
export function isAppPageUrl(url: string, appUrl: string): boolean {
  const a = parse(url);
  const b = parse(appUrl);
  if (!a || !b || a.protocol !== 'file:' || b.protocol !== 'file:' || a.host !== b.host) return false;
  const norm = (u: URL) => {
    const p = decodeURIComponent(u.pathname);
    // Windows paths are case-insensitive and the drive letter's case varies between APIs.
    return /^\/[a-zA-Z]:\//.test(p) ? p.toLowerCase() : p;
  };
  return norm(a) === norm(b);
}

/** Only plain web links may leave the app, and only to the system browser. */
export function isSafeExternalUrl(url: string): boolean {
  const u = parse(url);
  return !!u && (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '' && !u.username && !u.password;
}

export interface SecurityOptions {
  /** The renderer's file:// URL. */
  appUrl: string;
  shell: Pick<ShellLike, 'openExternal'>;
  /** Told about every refused request, for the log. */
  onBlocked?: (what: string) => void;
}

/**
 * Writing text to the clipboard ("Copy endpoint URL" in the window) is harmless; reading it, the camera, the
 * microphone, notifications from the page, … are not needed. Only our own page can be in the window
 * (navigation is blocked), so a session-wide rule is enough.
 */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

/** Session-wide rules: the CSP header on the app's documents and a refusal for every permission. */
export function hardenSession(session: SessionLike, opts: SecurityOptions): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const isDocument = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    if (!isDocument || !details.url.startsWith('file:')) {
      callback({});
      return;
    }
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
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

/** Per-window rules: no popups (web links go to the browser), no navigation away, no <webview>. */
export function guardWebContents(contents: WebContentsLike, opts: SecurityOptions): void {
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url, opts);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (isAppPageUrl(event.url, opts.appUrl)) return; // a reload of our own page
    event.preventDefault();
    openOutside(event.url, opts);
  });
  contents.on('will-attach-webview', (event) => {
    opts.onBlocked?.('attaching a <webview>');
    event.preventDefault();
  });
}
