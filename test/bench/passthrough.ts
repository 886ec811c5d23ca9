// The reference the proxy is measured against: the least a Fastify + undici forwarder can do. No pool logic, no
// logging, no stats; bytes both ways as they arrive. Usage: node --import tsx test/bench/passthrough.ts UPSTREAM_URL
import Fastify from 'fastify';
import { Pool } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect', 'host']);
const withoutHopByHop = (h: IncomingHttpHeaders | Record<string, string | string[] | undefined>) =>
  Object.fromEntries(Object.entries(h).filter(([k, v]) => v !== undefined && !HOP_BY_HOP.has(k.toLowerCase()))) as Record<string, string | string[]>;

const upstream = new Pool(new URL(process.argv[2] ?? '').origin, { connections: 10, keepAliveTimeout: 60_000 });
const app = Fastify({ logger: false });
// Hand the request body on as the raw stream instead of parsing it.
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

app.all('/*', (req, reply) => {
  reply.hijack();
  const res = reply.raw;
  const abort = new AbortController();
  res.once('close', () => { if (!res.writableFinished) abort.abort(); });
  const body = req.method === 'GET' || req.method === 'HEAD' ? null : (req.body as NodeJS.ReadableStream | undefined) ?? null;
  upstream
    .stream({ method: req.method as 'POST', path: req.url, headers: withoutHopByHop(req.headers), body: body as never, signal: abort.signal },
      ({ statusCode, headers }) => { res.writeHead(statusCode, withoutHopByHop(headers)); return res; })
    .catch((err: Error) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: `upstream: ${err.message}` } }));
    });
});

const url = await app.listen({ host: '127.0.0.1', port: 0 });
// The bench talks to us over IPC; when it goes away (even killed), so do we.
process.send?.({ type: 'ready', url });
process.on('disconnect', () => void app.close().then(() => upstream.close()).finally(() => process.exit(0)));
