// The passthrough: one request forwarded as it is on a pooled connection, and its one [API] outcome line.
// The Anthropic routes use it for every /v1/* path, the OpenAI routes for an Anthropic client's /v1/models.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import type { AppDeps } from './deps.js';
import { acquireFor, clientGone, releaseAfter } from './exchange.js';
import { forward } from './forward.js';
import { proxyCredential, upstreamRequestHeaders } from './headers.js';
import type { Readable } from 'node:stream';
import { BodyNotReceived, bodyFor, bodyStarted, declaredLength, discardBody, readWholeBody, tooLarge } from './request-body.js';
import { checkForwardPath } from './path-safety.js';
import { ProxyError } from './errors.js';
import type { Lease } from '../pool/types.js';
import type { KeptRecord } from '../requests/trace.js';

/** The word the [API] log line uses for each route ("for message request", as the seed shows). */
export function purposeOf(method: string, path: string): string {
  if (path === '/v1/messages') return 'message';
  if (path === '/v1/messages/count_tokens') return 'count_tokens';
  if (path === '/v1/models' || path.startsWith('/v1/models/')) return 'models';
  return `${method} ${path}`;
}

/** One line per request with what a person asks first: status, model, time, connection, tokens. */
export function logOutcome(deps: AppDeps, r: KeptRecord): void {
  const failed = r.status < 200 || r.status >= 300 || r.error_type !== null;
  const line = () => {
    const conn = r.connection_id ? `, connection ${r.connection_id} ${r.connection_reused ? 'reused' : 'new'}` : '';
    const tokens = r.usage ? `, tokens in ${r.usage.input_tokens} out ${r.usage.output_tokens}` : '';
    const why = failed && r.error_type ? ` ${r.error_type}${r.error_message ? `: ${r.error_message}` : ''}` : '';
    return `[API] ${r.method} ${r.path} → ${r.status || 'no answer'}${why} (${r.mapped_model ?? r.model ?? 'no model'}, ${r.duration_ms} ms${r.ttfb_ms !== null ? `, first byte ${r.ttfb_ms} ms` : ''}${conn}${tokens})`;
  };
  if (failed) deps.log.warn(line);
  else deps.log.info(line);
}

/** Header lines set on the reply before it was hijacked (CORS for an allowed origin), as raw lines. */
export function hookHeaderLines(reply: FastifyReply): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) lines.push(name, v);
    else lines.push(name, String(value));
  }
  return lines;
}

const MiB = 1024 * 1024;

/**
 * The upstream's base path (e.g. /anthropic for a gateway), prefixed to every forwarded path; parsed once per
 * URL. One per handler, so two apps never share it.
 */
function basePathCache(): (baseUrl: string) => string {
  let last = { url: '', path: '' };
  return (baseUrl) => {
    if (last.url !== baseUrl) last = { url: baseUrl, path: new URL(baseUrl).pathname.replace(/\/$/, '') };
    return last.path;
  };
}

export function createPassthroughHandler(deps: AppDeps) {
  const basePath = basePathCache();
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const config = deps.config();
    const req = request.raw;
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const { server } = config;
    const limit = server.body_limit_mb * MiB;
    const length = declaredLength(req);
    // Refusals come before the record: the error handler records and logs them (refusals.ts).
    if (length !== null && length > limit) {
      discardBody(req, server.request_timeout * 1000);
      throw tooLarge(limit);
    }
    checkForwardPath(path);
    const trace = deps.records.begin({ method: req.method ?? 'GET', path, route: 'anthropic', rawHeaders: req.rawHeaders });
    let lease: Lease;
    let body: Buffer | Readable | null;
    try {
      // Bodies first, then a connection: a slow client holds no pooled connection while it sends.
      const receiving = performance.now();
      if (length !== null && length > 0 && length <= server.buffer_body_mb * MiB) {
        body = await readWholeBody(req, length);
        trace.received(performance.now() - receiving);
      } else {
        body = bodyFor(req, limit, server.request_timeout * 1000);
        if (body) {
          await bodyStarted(req);
          req.once('end', () => trace.received(performance.now() - receiving));
        }
      }
      const asked = performance.now();
      lease = await acquireFor(deps.exchange, purposeOf(req.method ?? 'GET', path), clientGone(reply.raw));
      trace.acquired(lease, performance.now() - asked);
    } catch (err) {
      // Refused before anything went upstream (no free connection, shutting down, client gone mid-body).
      const known = err instanceof ProxyError ? err : null;
      const message = err instanceof BodyNotReceived ? { type: 'client_aborted', message: err.message } : null;
      trace.end({ status: known?.status ?? 0, error: known ? { type: known.type, message: known.message } : message, aborted: !known });
      logOutcome(deps, trace.record);
      if (known) throw err;
      reply.hijack();
      reply.raw.destroy();
      return;
    }
    reply.hijack();
    const { upstream } = config;
    const result = await forward(
      lease,
      {
        method: req.method as Dispatcher.HttpMethod,
        path: basePath(upstream.base_url) + url,
        headers: upstreamRequestHeaders(req.rawHeaders, proxyCredential(upstream)),
        body,
      },
      reply.raw,
      // Only an allowed cross-origin request has hook-set lines (CORS); the others skip the copy.
      request.headers.origin ? ['x-ccproxy-connection', lease.id, ...hookHeaderLines(reply)] : ['x-ccproxy-connection', lease.id],
      { upstream: upstream.base_url, timeoutS: upstream.timeout, connectTimeoutS: upstream.connect_timeout },
      trace,
    );
    releaseAfter(deps.exchange, lease, result.outcome);
    logOutcome(deps, trace.record);
  };
}

