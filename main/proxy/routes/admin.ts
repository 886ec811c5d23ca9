// The admin API over HTTP for the browser dashboard: POST /admin/api/:op runs one contract operation,
// GET /admin/api/events streams the contract's events as Server-Sent Events. Validation lives in ServerApi;
// this file only moves bytes and maps errors to status codes.
import type http from 'node:http';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiEvents, EventName } from '../../common/contract.js';
import { ApiRequestError, type ServerApi } from '../../api/server-api.js';
import type { AppDeps } from '../deps.js';
import { compressThisScope } from '../compression.js';

export const EVENTS_PATH = '/admin/api/events';
const PING_MS = 15_000;
/** A client that stops reading is dropped (EventSource reconnects) rather than buffering without bound. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

function isJson(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && type.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

function sseFrame<E extends EventName>(event: E, payload: ApiEvents[E]): string {
  // JSON never contains a raw newline, so one data: line is enough.
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export const adminRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const api = deps.api;
  if (!api) return; // bare proxy tests build the app without the admin API
  await compressThisScope(app);
  /** The close function of every open event stream. */
  const openStreams = new Set<() => void>();

  app.post<{ Params: { op: string } }>('/admin/api/:op', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    // Same-origin JSON only: a cross-site <form> can post text/plain or urlencoded without a preflight, never JSON.
    if (!isJson(request)) {
      return reply.code(415).send({ error: 'Admin requests must be sent as content-type: application/json.' });
    }
    try {
      const result = await api.call(request.params.op, request.body ?? null);
      return reply.code(200).type('application/json').send(JSON.stringify(result ?? null));
    } catch (err) {
      if (err instanceof ApiRequestError) return reply.code(err.status).send({ error: err.message });
      deps.log.error(`[API] Admin operation ${request.params.op} failed: ${(err as Error).message}`);
      return reply.code(500).send({ error: `Internal error in ${request.params.op}: ${(err as Error).message}` });
    }
  });

  app.get(EVENTS_PATH, (request, reply) => openEventStream(request, reply, api));

  function openEventStream(request: FastifyRequest, reply: FastifyReply, api: ServerApi): void {
    // Headers set so far by hooks (CORS for an allowed origin) must survive the hijack.
    const inherited: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) inherited[name] = value;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...inherited,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let closed = false;
    const write = (chunk: string) => {
      if (closed) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) return close();
      res.write(chunk);
    };
    // The current state first, so a fresh page does not wait for the first tick.
    write('retry: 2000\n\n');
    void api.call('getStatus', null).then((s) => write(sseFrame('status', s)), () => {});
    void api.call('getStats', null).then((s) => write(sseFrame('stats', s)), () => {});
    const unsubscribe = api.subscribe((event, payload) => write(sseFrame(event, payload)));
    const ping = setInterval(() => write(': ping\n\n'), PING_MS);
    ping.unref();

    function close(): void {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(ping);
      openStreams.delete(close);
      if (!res.writableEnded) res.end();
    }
    request.raw.once('close', close);
    res.once('close', close);
    res.once('error', close);
    openStreams.add(close);
  }

  // What this plugin opened it closes. preClose, not onClose: close() waits for open responses, and an event
  // stream never ends by itself, so they are ended before the server stops.
  app.addHook('preClose', async () => {
    for (const close of [...openStreams]) close();
  });
};
