// Who may talk to the proxy: local Host names only (DNS rebinding), no cross-origin browser pages unless
// allowed, and the optional client token. Runs before any route.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.js';
import { ProxyError } from './errors.js';
import { proxyCredential } from './headers.js';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '[::]']);

function hostnameOf(hostHeader: string): string {
  // "[::1]:8000" → "[::1]"; "localhost:8000" → "localhost"
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(hostHeader.trim().toLowerCase());
  return m ? m[1]! : '';
}

export function isAllowedHost(hostHeader: string | undefined, config: Config): boolean {
  if (!hostHeader) return false;
  const name = hostnameOf(hostHeader);
  if (LOCAL_HOSTS.has(name) || name.endsWith('.localhost')) return true;
  const bind = config.server.host.toLowerCase();
  if (!WILDCARD_BINDS.has(bind) && (name === bind || name === `[${bind}]`)) return true;
  return config.security.allowed_hosts.some((h) => h.toLowerCase() === name);
}

/** Same-origin: the page was served by this proxy under the same Host. */
export function isSameOrigin(origin: string, hostHeader: string | undefined): boolean {
  try {
    const o = new URL(origin);
    return (o.protocol === 'http:' || o.protocol === 'https:') && !!hostHeader && o.host.toLowerCase() === hostHeader.toLowerCase();
  } catch {
    return false;
  }
}

export function isAllowedOrigin(origin: string, request: FastifyRequest, config: Config): boolean {
  return isSameOrigin(origin, request.headers.host) || config.security.allowed_origins.includes(origin) || config.security.allowed_origins.includes('*');
}

/** A request another site's page made (not a navigation the user followed to the dashboard). */
function isCrossSiteSubresource(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== 'cross-site' && site !== 'same-site') return false;
  const isDashboardNavigation = request.headers['sec-fetch-mode'] === 'navigate' && (request.routeOptions.url ?? '').startsWith('/ui');
  return !isDashboardNavigation;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The dashboard's own files hold no data, and a browser cannot add a header to a page, script or style load. */
const TOKEN_FREE_ROUTES = new Set(['/ui', '/ui/', '/ui/*', '/health']);
/** EventSource cannot send headers, so the dashboard's event stream may carry the token as ?token=. */
const QUERY_TOKEN_ROUTES = new Set(['/admin/api/events']);

function presentedTokens(request: FastifyRequest, config: Config, route: string): string[] {
  const tokens: string[] = [];
  const own = request.headers['x-ccproxy-token'];
  if (typeof own === 'string') tokens.push(own);
  const query = (request.query ?? {}) as Record<string, unknown>;
  if (QUERY_TOKEN_ROUTES.has(route) && typeof query.token === 'string') tokens.push(query.token);
  // When the proxy holds the upstream credential, clients may send the proxy token as their "API key",
  // which is what ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN make Claude Code and the SDKs do.
  if (proxyCredential(config.upstream)) {
    const key = request.headers['x-api-key'];
    if (typeof key === 'string') tokens.push(key);
    const auth = request.headers.authorization;
    if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) tokens.push(auth.replace(/^bearer\s+/i, ''));
  }
  return tokens;
}

/** Throws a ProxyError for a request that must be refused; adds CORS headers for an allowed cross-origin one. */
export function checkRequest(request: FastifyRequest, reply: FastifyReply, config: Config): void {
  if (!isAllowedHost(request.headers.host, config)) {
    throw new ProxyError(403, 'permission_error', `Host "${request.headers.host ?? ''}" is not a local name; add it to [security] allowed_hosts to accept it.`);
  }
  const origin = request.headers.origin;
  if (origin && origin !== 'null' && !isSameOrigin(origin, request.headers.host)) {
    if (!isAllowedOrigin(origin, request, config)) {
      throw new ProxyError(403, 'permission_error', `Cross-origin request from ${origin} refused; add it to [security] allowed_origins to allow it.`);
    }
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
  } else if (origin === 'null') {
    throw new ProxyError(403, 'permission_error', 'Requests from opaque origins (file://, sandboxed pages) are refused.');
  } else if (!origin && isCrossSiteSubresource(request)) {
    // No Origin on a browser GET from <img>/<script>: Fetch Metadata still tells us another site asked.
    throw new ProxyError(403, 'permission_error', 'Cross-site browser request refused; add the page\'s origin to [security] allowed_origins to allow it.');
  }
  const required = config.security.auth_token;
  // The matched route pattern, not the raw URL: Fastify has already decoded and normalised the path.
  const route = request.routeOptions.url ?? '';
  const exempt = request.method === 'OPTIONS' || ((request.method === 'GET' || request.method === 'HEAD') && TOKEN_FREE_ROUTES.has(route));
  if (required && !exempt) {
    if (!presentedTokens(request, config, route).some((t) => safeEqual(t, required))) {
      // x-should-retry: false, as the API itself says on a 401: Claude Code otherwise retries a 401 ten times
      // with back-off (minutes of silence) before it shows this message.
      throw new ProxyError(401, 'authentication_error', 'This proxy requires a client token: send it as the x-ccproxy-token header ([security] auth_token).', {
        'x-should-retry': 'false',
      });
    }
  }
}
