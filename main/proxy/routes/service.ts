// Service endpoints: /health, /pool/stats (the seed's shape), /requests and /usage (the request records),
// /metrics (Prometheus).
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { ProxyError } from '../errors.js';
import { maskProxyUrl } from '../../pool/upstream-proxy.js';

const requestsQuery = z.object({ limit: z.coerce.number().int().min(0).max(100_000).optional() }).strip();

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
      uptime_s: stats.uptime_s,
    };
  });

  app.get('/pool/stats', async () => deps.stats());

  app.get('/requests', async (request) => {
    const parsed = requestsQuery.safeParse(request.query);
    if (!parsed.success) throw new ProxyError(400, 'invalid_request_error', `Invalid query: limit must be a whole number from 0 to 100000 (${z.prettifyError(parsed.error)}).`);
    return { requests: deps.records.list(parsed.data.limit) };
  });

  app.get('/usage', async () => deps.records.usage.totals());

  app.get('/metrics', async (_request, reply) => {
    const registry = deps.metrics.registry;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
};
