// Which HTTP proxy (if any) the upstream is reached through. [upstream] proxy_url wins; otherwise the environment,
// read the way undici's EnvHttpProxyAgent reads it (and curl, the SDKs and Claude Code much the same):
// https_proxy / HTTPS_PROXY for an https upstream (falling back to http_proxy / HTTP_PROXY), http_proxy /
// HTTP_PROXY for an http one, lower case first; NO_PROXY / no_proxy lists hosts (with an optional :port, a
// leading "." or "*." for subdomains, "*" for all) reached directly. The tunnel itself is proxy-tunnel.ts, so
// each pooled connection stays one undici Client with one socket.
import type { UpstreamSettings } from '../config/schema.js';

export interface ProxyChoice {
  /** The proxy URL, or null for a direct connection. */
  url: string | null;
  /** Where it came from: "[upstream] proxy_url", an environment variable's name, "NO_PROXY" (bypassed) or null. */
  source: string | null;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

function pick(env: NodeJS.ProcessEnv, lower: string, upper: string): { value: string; name: string } | null {
  if (env[lower]) return { value: env[lower]!, name: lower };
  if (env[upper]) return { value: env[upper]!, name: upper };
  return null;
}

/** NO_PROXY matching as in undici's EnvHttpProxyAgent (#shouldProxy). */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const entries = noProxy
    .split(/[,\s]/)
    .filter(Boolean)
    .map((entry) => {
      const parsed = /^(.+):(\d+)$/.exec(entry);
      return { hostname: (parsed ? parsed[1]! : entry).replace(/^\*?\./, '').toLowerCase(), port: parsed ? Number.parseInt(parsed[2]!, 10) : 0 };
    });
  if (entries.length === 0) return false;
  if (noProxy.trim() === '*') return true;
  // The host with IPv6 brackets kept, as undici compares it.
  const hostname = target.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(target.port, 10) || DEFAULT_PORTS[target.protocol] || 0;
  return entries.some((e) => (!e.port || e.port === port) && (hostname === e.hostname || hostname.endsWith(`.${e.hostname}`)));
}

export function chooseProxy(upstream: Pick<UpstreamSettings, 'base_url' | 'proxy_url'>, env: NodeJS.ProcessEnv): ProxyChoice {
  if (upstream.proxy_url) return { url: upstream.proxy_url, source: '[upstream] proxy_url' };
  const target = new URL(upstream.base_url);
  const http = pick(env, 'http_proxy', 'HTTP_PROXY');
  const chosen = target.protocol === 'https:' ? (pick(env, 'https_proxy', 'HTTPS_PROXY') ?? http) : http;
  if (!chosen) return { url: null, source: null };
  const noProxy = env.no_proxy ?? env.NO_PROXY ?? '';
  if (bypassesProxy(target, noProxy)) return { url: null, source: env.no_proxy !== undefined ? 'no_proxy' : 'NO_PROXY' };
  return { url: chosen.value, source: chosen.name };
}

/** The proxy URL with its password masked, for logs and /health. */
export function maskProxyUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    else if (u.username) u.username = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable proxy URL)';
  }
}

/** One phrase for logs: "through the HTTP proxy http://u:***@host:3128 (from HTTPS_PROXY)" or "directly". */
export function describeProxy(choice: ProxyChoice): string {
  if (choice.url) return `through the HTTP proxy ${maskProxyUrl(choice.url)} (from ${choice.source})`;
  if (choice.source) return `directly (the upstream's host is in ${choice.source})`;
  return 'directly (no proxy configured)';
}
