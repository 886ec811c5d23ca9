// Service endpoints: /health, /pool/stats (the seed's shape), /metrics (Prometheus).
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.js';

export function registerServiceRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/health', async () => {
    const stats = deps.stats();
    return {
      status: deps.isShuttingDown() ? 'shutting_down' : 'ok',
      pool_enabled: stats.pool_enabled,
      upstream: deps.config().upstream.base_url,
      uptime_s: stats.uptime_s,
    };
  });

  app.get('/pool/stats', async () => deps.stats());

  app.get('/metrics', async (_request, reply) => {
    const registry = deps.metrics.registry;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
