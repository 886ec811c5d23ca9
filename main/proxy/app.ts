// buildApp(deps) → a Fastify instance with every route; it never listens itself (the runtime and tests do).
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { PoolStatsResponse } from '../common/contract.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logging/log-bus.js';
import type { ServerApi } from '../api/server-api.js';
import type { ExchangeDeps } from './exchange.js';
import type { Metrics } from './metrics.js';
import { ProxyError, fromFastifyError, sendProxyError } from './errors.js';
import { checkRequest } from './security.js';
import { registerAnthropicRoutes } from './routes/anthropic.js';
import { registerServiceRoutes } from './routes/service.js';
import { isOpenAIPath, openAIErrorFor } from './routes/openai.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as the client sent it; forwarded upstream without re-serialisation. */
    rawBody: Buffer | null;
  }
}

export interface AppDeps {
  /** The live configuration (settings can change while the app runs). */
  config(): Config;
  exchange(): ExchangeDeps;
  log: Logger;
  stats(): PoolStatsResponse;
  metrics: Metrics;
  /** Called when a request arrives and when its response has ended (route pattern, status, milliseconds). */
  onRequestStart(route: string): void;
  onRequestDone(route: string, method: string, status: number, ms: number): void;
  isShuttingDown(): boolean;
  /** The admin API for the dashboard; absent in bare proxy tests. */
  api?: ServerApi;
  /** Extra routes (admin API, dashboard, OpenAI) registered by their own modules. */
  plugins?: Array<(app: FastifyInstance, deps: AppDeps) => void>;
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: deps.config().server.body_limit_mb * 1024 * 1024,
    // Claude Code and the SDKs hold keep-alive connections to us as well.
    keepAliveTimeout: 75_000,
    return503OnClosing: true,
  });
  app.decorateRequest('rawBody', null);

  // JSON is checked (malformed → 400) but forwarded as the original bytes.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer, done) => {
    request.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch (err) {
      done(new ProxyError(400, 'invalid_request_error', `Request body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });
  // Anything else (uploads to /v1/files, …) passes through as bytes.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer, done) => {
    request.rawBody = body;
    done(null, body);
  });

  app.addHook('onRequest', async (request, reply) => {
    const started = performance.now();
    const route = request.routeOptions.url ?? 'unmatched';
    deps.onRequestStart(route);
    reply.raw.once('close', () => {
      deps.onRequestDone(route, request.method, reply.raw.statusCode, performance.now() - started);
    });
    if (deps.isShuttingDown() && !request.url.startsWith('/health')) {
      throw new ProxyError(503, 'overloaded_error', 'The proxy is shutting down.', { 'retry-after': '5' });
    }
    checkRequest(request, reply, deps.config());
  });

  app.options('/*', async (request, reply) => {
    // Reaching here means the Origin was allowed by checkRequest.
    reply
      .header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS')
      .header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? '*')
      .header('access-control-max-age', '600');
    return reply.code(204).send();
  });

  app.setErrorHandler((err, request, reply) => {
    const proxyError = err instanceof ProxyError ? err : fromFastifyError(err as { statusCode?: number; code?: string; message: string });
    if (proxyError.status >= 500) deps.log.error(`[API] ${proxyError.message}`);
    // OpenAI clients get OpenAI-shaped errors, even for refusals made before any route ran.
    if (isOpenAIPath(request.url)) {
      const { status, body, headers } = openAIErrorFor(proxyError);
      return reply.code(status).headers(headers).send(body);
    }
    return sendProxyError(reply, proxyError);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProxyError(reply, new ProxyError(404, 'not_found_error', `No route ${request.method} ${request.url.split('?')[0]} on this proxy. API calls go under /v1/; see also /health, /pool/stats, /metrics, /ui.`)),
  );

  registerServiceRoutes(app, deps);
  registerAnthropicRoutes(app, deps);
  for (const plugin of deps.plugins ?? []) plugin(app, deps);
  return app;
}
