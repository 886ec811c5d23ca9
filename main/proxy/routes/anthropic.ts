// The Anthropic surface: /v1/messages (JSON and SSE), /v1/messages/count_tokens, /v1/models and any other
// /v1/* path, forwarded through a pooled connection with the bytes untouched.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.js';
import { exchange } from '../exchange.js';
import { ProxyError, sendProxyError } from '../errors.js';
import { proxyHoldsCredentials, responseHeaders, UpstreamHttpError, type UpstreamRequest } from '../forward.js';
import { pipeResponse } from '../pipe.js';

/** The word the [API] log line uses for each route ("for message request", as the seed shows). */
export function purposeOf(method: string, path: string): string {
  if (path === '/v1/messages') return 'message';
  if (path === '/v1/messages/count_tokens') return 'count_tokens';
  if (path === '/v1/models' || path.startsWith('/v1/models/')) return 'models';
  return `${method} ${path}`;
}

/** Aborted when the client goes away before its response has fully ended, so the upstream call stops at once. */
export function clientAbortSignal(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) ac.abort(new Error('client disconnected'));
  });
  return ac.signal;
}

export function sendExchangeError(reply: FastifyReply, err: unknown, signal: AbortSignal): FastifyReply | void {
  if (reply.sent || reply.raw.headersSent) return;
  if (signal.aborted) {
    reply.hijack();
    reply.raw.destroy();
    return;
  }
  if (err instanceof UpstreamHttpError) return reply.code(err.status).headers(err.headers).send(err.body);
  if (err instanceof ProxyError) return sendProxyError(reply, err);
  throw err;
}

/** Headers set on the reply (CORS, by hooks) plus the upstream's; needed because hijack() skips Fastify's own writing. */
export function mergeHeaders(fromReply: Record<string, string | number | string[] | undefined>, upstream: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fromReply)) if (v !== undefined) out[k] = String(v);
  return { ...out, ...upstream };
}

/** Forwards any /v1 request untouched through a pooled connection. */
export function createAnthropicHandler(deps: AppDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const config = deps.config();
    const signal = clientAbortSignal(reply);
    const path = request.url.split('?')[0]!;
    const upstreamRequest: UpstreamRequest = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.rawBody ?? undefined,
      signal,
      proxyHoldsCredentials: proxyHoldsCredentials(config.upstream),
    };
    try {
      await exchange(deps.exchange(), purposeOf(request.method, path), upstreamRequest, async (response, lease) => {
        reply.hijack();
        const headers = mergeHeaders(reply.getHeaders(), { ...responseHeaders(response), 'x-ccproxy-connection': lease.id });
        return pipeResponse({ res: reply.raw, response, headers, signal, log: deps.log, connectionId: lease.id, onData: lease.touch });
      });
    } catch (err) {
      return sendExchangeError(reply, err, signal);
    }
  };
}

export function registerAnthropicRoutes(app: FastifyInstance, deps: AppDeps): void {
  const handler = createAnthropicHandler(deps);
  app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/v1/*', handler });
}
