// Service endpoints: /health, /pool/stats (the seed's shape), /metrics (Prometheus). /requests and /usage are
// the history's (routes/history.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../deps.js';
import { maskProxyUrl } from '../../pool/upstream-proxy.js';

export const serviceRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  app.get('/health', async () => {
    const stats = deps.stats();
    const proxy = deps.exchange.pool.upstreamProxy();
    return {
      status: deps.isShuttingDown() ? 'shutting_down' : 'ok',
      // "ok", "unreachable" (the last connection attempt or warm-up failed) or "unknown" (nothing tried yet).
      upstream: stats.upstream.state,
      upstream_url: deps.config().upstream.base_url,
      // The HTTP proxy the upstream is reached through ([upstream] proxy_url, or HTTPS_PROXY & co.), password masked.
      upstream_proxy: proxy.url ? maskProxyUrl(proxy.url) : null,
      upstream_proxy_source: proxy.source,
      upstream_error: stats.upstream.last_error,
      pool_enabled: stats.pool_enabled,
      // "on", or "off: <reason>" (the proxy serves either way).
      history: deps.history?.state ?? 'off: no history in this app',
      uptime_s: stats.uptime_s,
    };
  });

  app.get('/pool/stats', async () => deps.stats());

  app.get('/metrics', async (_request, reply) => {
    const registry = deps.metrics.registry;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
};
