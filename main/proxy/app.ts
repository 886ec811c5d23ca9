// buildApp(deps) → a Fastify instance with every route; it never listens itself (the runtime and tests do).
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppDeps } from './deps.js';
import { ProxyError, fromFastifyError, sendProxyError } from './errors.js';
import { checkRequest } from './security.js';
import { anthropicRoutes } from './routes/anthropic.js';
import { serviceRoutes } from './routes/service.js';
import { historyRoutes } from './routes/history.js';
import { createRefusalNoter } from './refusals.js';
import { declaredLength } from './request-body.js';

export type { AppDeps } from './deps.js';

/** Idle client connections stay open this long: longer than the clients' own pools keep theirs (undici: 4 s, then the server's hint). */
const CLIENT_KEEPALIVE_MS = 75_000;

export function buildApp(deps: AppDeps): FastifyInstance {
  const server = deps.config().server;
  const app = Fastify({
    logger: false,
    bodyLimit: server.body_limit_mb * 1024 * 1024,
    keepAliveTimeout: CLIENT_KEEPALIVE_MS,
    // Slow clients are cut (408) without holding up anyone else: headers_timeout for the head, request_timeout
    // for the whole request; Node checks open connections every second instead of its default 30.
    requestTimeout: server.request_timeout * 1000,
    http: { headersTimeout: server.headers_timeout * 1000, connectionsCheckingInterval: 1000 },
    return503OnClosing: true,
  });

  // A declared length over the limit is refused before "100 Continue", so the client never sends the body.
  // Everything else gets its 100 at once, as Node would have sent it. (Node emits checkContinue instead of request
  // while this listener exists; Fastify has no hook that early.)
  app.server.on('checkContinue', (req, res) => {
    const length = declaredLength(req);
    if (length !== null && length > deps.config().server.body_limit_mb * 1024 * 1024) {
      // The client waits for this answer instead of sending: the connection ends with it.
      res.setHeader('connection', 'close');
    } else {
      res.writeContinue();
    }
    app.server.emit('request', req, res);
  });
  const noteRefusal = createRefusalNoter(deps);

  // The dashboard's API and the OpenAI routes read JSON (malformed → 400); /v1/* bodies are not parsed at all.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body: string, done) => {
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(body));
    } catch (err) {
      done(new ProxyError(400, 'invalid_request_error', `Request body is not valid JSON: ${(err as Error).message}`, {}, 'bad_json'), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body: Buffer, done) => done(null, body));

  // A callback hook, not an async one: it runs on every request, and a promise per request buys nothing here.
  app.addHook('onRequest', (request, reply, done) => {
    const started = performance.now();
    const route = request.routeOptions.url ?? 'unmatched';
    deps.onRequestStart(route);
    reply.raw.once('close', () => {
      deps.onRequestDone(route, request.method, reply.raw.statusCode, performance.now() - started);
    });
    if (deps.isShuttingDown() && !request.url.startsWith('/health')) {
      return done(new ProxyError(503, 'overloaded_error', 'The proxy is shutting down.', { 'retry-after': '5' }));
    }
    try {
      checkRequest(request, reply, deps.config());
    } catch (err) {
      noteRefusal(request, err);
      return done(err as Error);
    }
    done();
  });

  // Every error on its way to an error handler, in every scope (the OpenAI routes have their own handler):
  // the refusals among them are recorded, counted and logged (refusals.ts).
  app.addHook('onError', (request, _reply, error, done) => {
    noteRefusal(request, error);
    done();
  });

  app.options('/*', async (request, reply) => {
    // Reaching here means the Origin was allowed by checkRequest.
    reply
      .header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS')
      .header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? '*')
      .header('access-control-max-age', '600');
    return reply.code(204).send();
  });

  app.setErrorHandler((err, _request, reply) => {
    const proxyError = err instanceof ProxyError ? err : fromFastifyError(err as { statusCode?: number; code?: string; message: string });
    if (proxyError.status >= 500) deps.log.error(`[API] ${proxyError.message}`);
    return sendProxyError(reply, proxyError);
  });

  app.setNotFoundHandler((request, reply) => {
    const err = new ProxyError(404, 'not_found_error', `No route ${request.method} ${request.url.split('?')[0]} on this proxy. API calls go under /v1/; see also /health, /pool/stats, /metrics, /ui.`, {}, 'no_route');
    noteRefusal(request, err);
    return sendProxyError(reply, err);
  });

  // Each route module is a plugin with its own scope, given the deps as its options.
  for (const plugin of [serviceRoutes, historyRoutes, anthropicRoutes, ...(deps.plugins ?? [])]) void app.register(plugin, deps);
  return app;
}
