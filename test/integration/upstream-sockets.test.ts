// What the README promises about the upstream socket, against a plain node:http upstream the test controls:
// the proxy's keepalive_timeout caps an upstream's longer Keep-Alive hint, TCP keep-alive is on, a 1xx interim
// answer is never passed on as the final head, and an SSE head reaches the client before the first event.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventually, MESSAGE, postMessage, startHarness, type Harness } from '../fixtures/proxy-harness.js';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A loopback upstream answering every request with `answer`; it counts open sockets. */
async function rawUpstream(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ url: string; port: number; open: () => number; server: http.Server }> {
  const server = http.createServer(answer);
  let open = 0;
  server.on('connection', (socket) => {
    open++;
    socket.on('close', () => open--);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  cleanups.push(() => new Promise((r) => (server.closeAllConnections(), server.close(r))));
  return { url: `http://127.0.0.1:${port}`, port, open: () => open, server };
}

async function harness(upstreamUrl: string, upstream: Record<string, unknown> = {}): Promise<Harness> {
  const h = await startHarness({ upstreamUrl, config: { upstream, pool_settings: { min_size: 0, warmup_on_startup: false, health_check_interval: 3600 } }, runtime: { housekeepingMs: 0 } });
  cleanups.push(() => h.close());
  return h;
}

const json = (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.setHeader('content-type', 'application/json');
  res.end('{"id":"msg_1","type":"message","content":[]}');
};

describe('an idle upstream socket', () => {
  it('is closed after keepalive_timeout even when the upstream hints a far longer Keep-Alive timeout', async () => {
    const up = await rawUpstream(json);
    // Node announces "Keep-Alive: timeout=600" from this and keeps its side open that long.
    up.server.keepAliveTimeout = 600_000;
    const h = await harness(up.url, { keepalive_timeout: 0.3 });
    const res = await postMessage(h.url);
    expect(res.headers.get('keep-alive')).not.toContain('600'); // hop-by-hop: the hint stays between proxy and upstream
    await res.text();
    expect(up.open()).toBe(1);
    // The proxy closes it by itself: 0.3 s, not 600 s. (10 s: generous for a busy machine.)
    await eventually(() => expect(up.open()).toBe(0), 10_000);
  }, 20_000);
});

describe('TCP keep-alive', () => {
  it('is switched on for every upstream socket, with a 30 s first probe', async () => {
    const up = await rawUpstream(json);
    const calls: Array<[net.Socket, unknown[]]> = [];
    const real = net.Socket.prototype.setKeepAlive;
    vi.spyOn(net.Socket.prototype, 'setKeepAlive').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
      calls.push([this, args]);
      return real.apply(this, args as Parameters<typeof real>);
    });
    const h = await harness(up.url);
    await (await postMessage(h.url)).text();
    // The socket is connected by now, so its remote port tells the upstream socket from the client's.
    expect(calls.filter(([socket]) => socket.remotePort === up.port).map(([, args]) => args)).toEqual([[true, 30_000]]);
  });
});

describe('a 1xx interim answer from the upstream', () => {
  it('stays between proxy and upstream: the client gets only the final 200 and its body', async () => {
    const up = await rawUpstream((_req, res) => {
      res.writeEarlyHints({ link: '</x>; rel=preload' }, () => json(_req, res));
    });
    const h = await harness(up.url);
    const { port } = new URL(h.url);
    const seen = await new Promise<{ informational: number[]; status: number; body: string }>((resolve, reject) => {
      const informational: number[] = [];
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/messages', headers: { 'x-api-key': 'k-1', 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ informational, status: res.statusCode ?? 0, body }));
      });
      req.on('information', (info) => informational.push(info.statusCode));
      req.on('error', reject);
      req.end(JSON.stringify(MESSAGE));
    });
    expect(seen).toEqual({ informational: [], status: 200, body: '{"id":"msg_1","type":"message","content":[]}' });
  });
});

describe('an SSE answer', () => {
  it('reaches the client as soon as its head arrives, before any event', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    cleanups.push(() => release());
    const up = await rawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      void released.then(() => res.end('event: message_stop\ndata: {"type":"message_stop"}\n\n'));
    });
    const h = await harness(up.url);
    const { port } = new URL(h.url);
    // The head must come while the upstream still holds its first event back; the event is sent only after.
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/messages', headers: { 'x-api-key': 'k-1', 'content-type': 'application/json' } }, (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      req.on('error', reject);
      req.end(JSON.stringify({ ...MESSAGE, stream: true }));
      // Bound the wait: without the head flush nothing would ever arrive before the release.
      setTimeout(() => reject(new Error('no response head within 10 s while the upstream held its first event')), 10_000).unref();
    });
    expect(status).toBe(200);
    release();
  }, 20_000);
});
