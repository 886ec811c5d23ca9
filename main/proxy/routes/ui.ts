// The browser dashboard: the built renderer (dist/renderer) under /ui, with a strict CSP.
// Files are served by hand with fs: @fastify/static is not installed, and a handful of small files do not
// justify a dependency. Only regular files inside the folder are served (no traversal, no symlink escape).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { AppDeps } from '../deps.js';
import { compressThisScope } from '../compression.js';

export const DASHBOARD_CSP =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * <repo>/dist/renderer, found from this module's location: from source (tsx, vitest) it lives in
 * main/proxy/routes, bundled it lives in dist/main; either way the nearest folder holding package.json is
 * the app root.
 */
export function findRendererDir(start = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'renderer');
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start, '..', '..', '..', 'dist', 'renderer');
    dir = parent;
  }
}

/** The real path of `rel` inside `root`, or null when it is missing, not a file, or outside the folder. */
function resolveInside(root: string, rel: string): string | null {
  if (rel.includes('\0')) return null;
  let realRoot: string;
  let real: string;
  try {
    realRoot = fs.realpathSync(root);
    real = fs.realpathSync(path.resolve(realRoot, rel));
  } catch {
    return null;
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return null;
  return fs.statSync(real).isFile() ? real : null;
}

function secureHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache');
}

/** The dashboard's routes, serving the renderer from `rendererDir` (tests give their own folder). */
export function uiRoutes(rendererDir = findRendererDir()): FastifyPluginAsync<AppDeps> {
  return async (app) => {
    await compressThisScope(app);
    async function sendFile(reply: FastifyReply, rel: string): Promise<FastifyReply> {
      secureHeaders(reply);
      if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send('The ccproxy dashboard has not been built: run npm run build (it writes dist/renderer), then reload.');
      }
      const file = resolveInside(rendererDir, rel);
      if (!file) return reply.code(404).type('text/plain; charset=utf-8').send(`No dashboard file ${rel}`);
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      return reply.code(200).type(type).send(await fs.promises.readFile(file));
    }

    // index.html uses relative asset URLs (the desktop app loads it from disk), so the page must sit at /ui/.
    app.get('/ui', (request, reply) => {
      const query = request.url.indexOf('?');
      return secureHeaders(reply).redirect(`/ui/${query === -1 ? '' : request.url.slice(query)}`, 302);
    });
    app.get<{ Params: { '*': string } }>('/ui/*', (request, reply) => {
      let rel: string;
      try {
        rel = decodeURIComponent(request.params['*'] ?? '');
      } catch {
        return secureHeaders(reply).code(400).type('text/plain; charset=utf-8').send('Malformed path');
      }
      return sendFile(reply, rel === '' ? 'index.html' : rel);
    });
  };
}
