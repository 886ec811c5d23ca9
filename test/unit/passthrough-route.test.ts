// The /v1/* route on Fastify's inject(), with a scripted dispatcher in place of the upstream: what is dispatched,
// and how each way an upstream call can end reaches the client. No socket: none would add anything here.
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../main/proxy/app.js';
import { openAIRoutes } from '../../main/proxy/routes/openai.js';
import { createMetrics } from '../../main/proxy/metrics.js';
import { PoolManager } from '../../main/pool/manager.js';
import { configSchema, type Config } from '../../main/config/schema.js';
import type { UpstreamConnection } from '../../main/pool/types.js';
import { RequestRecorder } from '../../main/requests/recorder.js';

/** The classic handler undici's Client calls (see main/proxy/forward.ts). */
interface Handler {
  onConnect(abort: () => void): void;
  onHeaders(status: number, raw: Buffer[], resume: () => void, text: string): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(trailers: unknown[]): void;
  onError(err: Error): void;
}
type Script = (handler: Handler, opts: Dispatcher.DispatchOptions) => void;

const quiet = { error() {}, warn() {}, info() {}, debug() {} };
const lines = (o: Record<string, string>) => Object.entries(o).flatMap(([k, v]) => [Buffer.from(k), Buffer.from(v)]);

/** Answers with `status`, `headers` and `chunks`, the way undici's Client calls a classic handler. */
const answer = (status: number, headers: Record<string, string>, ...chunks: string[]): Script => (handler) => {
  handler.onConnect(() => {});
  handler.onHeaders(status, lines(headers), () => {}, 'OK');
  for (const c of chunks) handler.onData(Buffer.from(c));
  handler.onComplete([]);
};
const failWith = (code: string, afterConnect: boolean, ...chunks: string[]): Script => (handler) => {
  if (afterConnect) handler.onConnect(() => {});
  if (chunks.length) handler.onHeaders(200, lines({ 'content-type': 'text/event-stream' }), () => {}, 'OK');
  for (const c of chunks) handler.onData(Buffer.from(c));
  handler.onError(Object.assign(new Error(`${code} happened`), { code }));
};

let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function setup(script: Script, overrides: Record<string, Record<string, unknown>> = {}) {
  const dispatched: Array<Dispatcher.DispatchOptions & { bodyText?: string }> = [];
  const dispatcher = {
    dispatch(opts: Dispatcher.DispatchOptions, handler: Handler) {
      const call: Dispatcher.DispatchOptions & { bodyText?: string } = { ...opts };
      dispatched.push(call);
      const body = opts.body as Readable | Buffer | null;
      if (!body) script(handler, opts);
      else if (Buffer.isBuffer(body)) {
        // A small body read in full before the connection was taken ([server] buffer_body_mb).
        call.bodyText = body.toString();
        script(handler, opts);
      } else {
        const chunks: Buffer[] = [];
        body.on('data', (c: Buffer) => chunks.push(c));
        body.on('end', () => {
          call.bodyText = Buffer.concat(chunks).toString();
          script(handler, opts);
        });
      }
      return true;
    },
  } as unknown as Dispatcher;
  const connection: UpstreamConnection = { dispatcher, closed: false, warm: async () => {}, check: async () => true, onOpened() {}, onClosed() {}, close: async () => {}, destroy: async () => {} };
  const config: Config = configSchema.parse({ pool_settings: { min_size: 0 }, upstream: { base_url: 'https://api.example.test/gateway' }, ...overrides });
  const pool = new PoolManager({ pool: config.pool_settings, upstream: config.upstream, factoryFor: () => ({ create: () => connection }), log: quiet, housekeepingMs: 0 });
  await pool.start();
  app = buildApp({
    config: () => config,
    exchange: { pool, log: quiet },
    records: new RequestRecorder(100),
    log: quiet,
    stats: () => ({}) as never,
    metrics: createMetrics(() => ({ counters: pool.counterSnapshot(), waiting: 0, enabled: true }), false),
    onRequestStart() {},
    onRequestDone() {},
    isShuttingDown: () => false,
    plugins: [openAIRoutes],
  });
  return { app, dispatched, pool };
}

const post = (a: FastifyInstance, headers: Record<string, string> = {}, payload = '{"model":"claude-haiku-4-5"}') =>
  a.inject({ method: 'POST', url: '/v1/messages?beta=true', headers: { host: 'localhost:8000', 'content-type': 'application/json', 'x-api-key': 'client-key', ...headers }, payload });

describe('what is dispatched', () => {
  it('the method, the base path plus the path and query, the body as sent, the headers less hop-by-hop ones and the proxy token', async () => {
    const { app, dispatched } = await setup(answer(200, { 'content-type': 'application/json' }, '{}'));
    const res = await post(app, { 'x-ccproxy-token': 'local', 'anthropic-beta': 'b1', connection: 'keep-alive' });
    expect(res.statusCode).toBe(200);
    const call = dispatched[0]!;
    expect(call.method).toBe('POST');
    expect(call.path).toBe('/gateway/v1/messages?beta=true');
    expect(call.bodyText).toBe('{"model":"claude-haiku-4-5"}');
    const names = (call.headers as string[]).filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names).toContain('anthropic-beta');
    expect(names).toContain('x-api-key');
    for (const dropped of ['host', 'connection', 'x-ccproxy-token']) expect(names).not.toContain(dropped);
  });

  it('with a key of its own, the proxy sends that key instead of the client\'s', async () => {
    const { app, dispatched } = await setup(answer(200, {}, '{}'), { upstream: { base_url: 'https://api.example.test', api_key: 'sk-proxy-own' } });
    await post(app, { authorization: 'Bearer client-oauth' });
    const headers = dispatched[0]!.headers as string[];
    const names = headers.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names).not.toContain('authorization');
    expect(names.filter((n) => n === 'x-api-key')).toHaveLength(1);
    expect(headers[headers.indexOf('x-api-key') + 1]).toBe('sk-proxy-own');
  });

  it('a body over the limit is refused with 413 before anything is dispatched', async () => {
    const { app, dispatched } = await setup(answer(200, {}, '{}'), { server: { body_limit_mb: 1 } });
    const res = await post(app, {}, JSON.stringify({ x: 'y'.repeat(1024 * 1024 + 10) }));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
    expect(dispatched).toHaveLength(0);
  });
});

describe('how an upstream call ends', () => {
  it('an answer comes back with its status and lines, and the serving connection named', async () => {
    const { app } = await setup(answer(429, { 'retry-after': '9', 'content-type': 'application/json' }, '{"type":"error"}'));
    const res = await post(app);
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('9');
    expect(res.headers['x-ccproxy-connection']).toMatch(/^[0-9a-f]{6}$/);
    expect(res.body).toBe('{"type":"error"}');
  });

  it('a refused connection is a 502 that says the request was not sent', async () => {
    const { app, pool } = await setup(failWith('ECONNREFUSED', false));
    const res = await post(app);
    expect(res.statusCode).toBe(502);
    expect(res.json().error.message).toMatch(/^Cannot reach the upstream https:\/\/api\.example\.test\/gateway: .*The request was not sent\.$/);
    expect(pool.counterSnapshot().total_connections).toBe(0);
  });

  it('a reset after the request went out is a 502 that says it may have arrived and was not sent again', async () => {
    const { app, dispatched } = await setup(failWith('ECONNRESET', true));
    const res = await post(app);
    expect(res.statusCode).toBe(502);
    expect(res.json().error.message).toContain('may have reached it and was not sent again');
    expect(dispatched).toHaveLength(1);
  });

  it('a timeout is a 504 naming the setting', async () => {
    const { app } = await setup(failWith('UND_ERR_HEADERS_TIMEOUT', true));
    const res = await post(app);
    expect(res.statusCode).toBe(504);
    expect(res.json()).toMatchObject({ error: { type: 'timeout_error', message: expect.stringContaining('[upstream] timeout') } });
  });

  it('a stream broken mid-way ends with an SSE error event after the bytes already sent', async () => {
    const { app } = await setup(failWith('UND_ERR_SOCKET', true, 'event: message_start\ndata: {}\n\n'));
    const res = await post(app);
    expect(res.statusCode).toBe(200);
    expect(res.body.startsWith('event: message_start\ndata: {}\n\n')).toBe(true);
    expect(res.body).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"The upstream connection broke mid-stream: /);
  });
});

describe('the OpenAI scope owns its error shape', () => {
  it('a refusal made before the route ran is OpenAI-shaped there and Anthropic-shaped on /v1/messages', async () => {
    const { app } = await setup(answer(200, {}, '{}'));
    const openai = await app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { host: 'evil.example', 'content-type': 'application/json' }, payload: '{}' });
    expect(openai.statusCode).toBe(403);
    expect(openai.json()).toMatchObject({ error: { type: 'permission_error', message: expect.stringContaining('evil.example') } });
    const anthropic = await app.inject({ method: 'POST', url: '/v1/messages', headers: { host: 'evil.example', 'content-type': 'application/json' }, payload: '{}' });
    expect(anthropic.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
  });
});
