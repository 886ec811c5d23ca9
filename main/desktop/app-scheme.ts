// The window's page is served on the app's own scheme, app://ccproxy/…, by protocol.handle, never from file://.
// A file:// page with Electron's file privileges could read any local file (fetch('file:///etc/hostname')) and run
// scripts from other folders; a privileged custom scheme is an origin of its own, so 'self' in the CSP means
// exactly the files below dist/renderer, and the grantFileProtocolExtraPrivileges fuse can be off (Electron's
// security checklist, item 18). Plain Node (fs + the Fetch API's Response), so it is tested without Electron.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { CustomSchemeLike } from './electron-surface.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'ccproxy';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The window's one page. */
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;

/**
 * standard: relative URLs and an origin of its own; secure: a secure context (like https); supportFetchAPI: the
 * page's module script and styles are fetched through it. No corsEnabled, no bypassCSP.
 */
export const APP_SCHEME_PRIVILEGES: CustomSchemeLike = { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } };

/**
 * Sent with every response of the scheme (the page also carries its own meta CSP): scripts, styles and images only
 * from app://ccproxy itself, no connections (the window talks to the app over IPC only), no plugins, no forms,
 * no framing, and no file: anywhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': CONTENT_SECURITY_POLICY } });
}

/** The protocol.handle handler: GET app://ccproxy/<file> → that file of `rootDir`, nothing outside it. */
export function createAppSchemeHandler(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return plain(404, 'Not found');
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    let root: string;
    let file: string;
    try {
      root = await fs.realpath(rootDir);
      file = await fs.realpath(path.join(root, rel));
    } catch {
      return plain(404, 'Not found');
    }
    // Symlinks and `..` resolved first: only files really inside the renderer folder are served.
    if (rel.includes('\0') || !file.startsWith(root + path.sep)) return plain(404, 'Not found');
    let body: Buffer;
    try {
      body = await fs.readFile(file);
    } catch {
      return plain(404, 'Not found');
    }
    const headers = {
      'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    };
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}
