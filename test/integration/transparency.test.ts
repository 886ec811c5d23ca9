// The proxy is a transport: what the client sent is what the upstream gets, and what the upstream answered is what
// the client gets, less hop-by-hop lines. Raw sockets and node:http here, because fetch and the SDKs add and decode.
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE, postMessage, startHarness, type Harness } from '../fixtures/proxy-harness.js';

const HOP = new Set(['host', 'connection', 'keep-alive', 'te', 'transfer-encoding', 'content-length']);

/** Sends exactly `head` + `body` on a fresh socket and resolves with everything read until the server closes or `until` matches. */
function rawExchange(url: string, head: string, body: Buffer | string = '', until = /\r\n\r\n[\s\S]*\}$/): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    let got = '';
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (until.test(got)) {
        socket.destroy();
        resolve(got);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(got));
    socket.write(head);
    socket.write(body);
  });
}

/** Pairs of a raw header list, without the lines that describe the connection rather than the message. */
function messageLines(raw: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < raw.length; i += 2) if (!HOP.has(raw[i]!.toLowerCase())) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

describe('request headers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('reach the upstream exactly as sent: spelling, order and repeats kept; hop-by-hop lines and expect dropped; nothing added', async () => {
    const body = JSON.stringify(MESSAGE);
    const lines: Array<[string, string]> = [
      ['Host', new URL(h.url).host],
      ['X-Api-Key', 'k-123456'],
      ['anthropic-version', '2023-06-01'],
      ['Anthropic-Beta', 'tools-2024-04-04'],
      ['Content-Type', 'application/json'],
      ['Accept-Encoding', 'gzip, br'],
      ['User-Agent', 'my-tool/1.0'],
      ['Cookie', 'a=b'],
      ['X-Custom', 'one'],
      ['X-Custom', 'two'],
      ['X-Hop', 'only-for-the-proxy'],
      ['Connection', 'keep-alive, X-Hop'],
      ['Keep-Alive', 'timeout=5'],
      ['TE', 'trailers'],
      ['Content-Length', String(Buffer.byteLength(body))],
    ];
    const head = `POST /v1/messages?beta=true HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
    const answer = await rawExchange(h.url, head, body);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    // Clients keep idle sockets as long as the server's hint says (undici: 4 s without one): ours outlasts them.
    expect(answer).toMatch(/\r\nKeep-Alive: timeout=75\r\n/i);
    const seen = h.upstream.requests.at(-1)!;
    expect(seen.url).toBe('/v1/messages?beta=true');
    expect(seen.body).toBe(body);
    const sent = messageLines(lines.flat()).filter(([k]) => k !== 'X-Hop');
    expect(messageLines(seen.rawHeaders)).toEqual(sent);
    // messageLines leaves hop-by-hop names out of both sides, so the dropped lines are looked for by name.
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    for (const dropped of ['te', 'keep-alive', 'x-hop', 'expect', 'transfer-encoding']) expect(names, dropped).not.toContain(dropped);
    expect(names.filter((n) => n === 'connection')).toHaveLength(1);
    expect(seen.headers.connection).toBe('keep-alive');
    // What HTTP itself needs, and nothing else: the upstream's Host, keep-alive, the same length.
    expect(seen.headers.host).toBe(new URL(h.upstream.url).host);
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(Object.keys(seen.headers).filter((k) => k.startsWith('x-stainless') || k === 'sec-fetch-mode')).toEqual([]);
  });

  it('Expect: 100-continue gets its 100, the body goes up, and the expect line does not', async () => {
    const body = JSON.stringify(MESSAGE);
    const { port } = new URL(h.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/messages', headers: { 'x-api-key': 'k-123456', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' } });
      req.on('continue', () => req.end(body));
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
    });
    expect(status).toBe(200);
    const seen = h.upstream.requests.at(-1)!;
    expect(seen.body).toBe(body);
    expect(seen.headers.expect).toBeUndefined();
  });

  it("HEAD / (Claude Code's check at start) goes upstream, not to a local 404", async () => {
    const res = await fetch(`${h.url}/`, { method: 'HEAD' });
    expect(h.upstream.requests.at(-1)).toMatchObject({ method: 'HEAD', url: '/' });
    expect(res.headers.get('x-ccproxy-connection')).toMatch(/^[0-9a-f]{6}$/);
    expect(res.headers.get('x-ccproxy-error')).toBeNull();
  });
});

describe('responses', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const get = (path = '/v1/messages', body = JSON.stringify(MESSAGE)) =>
    new Promise<{ status: number; raw: string[]; bytes: Buffer }>((resolve, reject) => {
      const { port } = new URL(h.url);
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'x-api-key': 'k-123456', 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, raw: res.rawHeaders, bytes: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('an error answer comes back byte for byte, with its header lines', async () => {
    const body = '{ "type" : "error",\n  "error": {"type":"overloaded_error", "message":"Overloaded"} }';
    h.upstream.enqueue({ kind: 'raw', status: 529, headers: ['Retry-After', '3', 'request-id', 'req_exact', 'X-Odd', 'a', 'X-Odd', 'b', 'Content-Type', 'application/json'], body });
    const res = await get();
    expect(res.status).toBe(529);
    expect(res.bytes.toString()).toBe(body);
    expect(messageLines(res.raw).filter(([k]) => !/^(date|x-ccproxy-connection)$/i.test(k))).toEqual([
      ['Retry-After', '3'],
      ['request-id', 'req_exact'],
      ['X-Odd', 'a'],
      ['X-Odd', 'b'],
      ['Content-Type', 'application/json'],
    ]);
  });

  it('compressed bytes stay compressed end to end', async () => {
    const gz = zlib.gzipSync(JSON.stringify({ id: 'msg_1', type: 'message', content: [] }));
    h.upstream.enqueue({ kind: 'raw', status: 200, headers: ['content-type', 'application/json', 'content-encoding', 'gzip', 'content-length', String(gz.length)], body: gz });
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.bytes.equals(gz)).toBe(true);
    expect(res.raw).toContain('content-encoding');
  });

  it('a client that reads slowly slows the upstream read (backpressure) and still gets every byte', async () => {
    const big = Buffer.alloc(16 * 1024 * 1024, 'z');
    h.upstream.enqueue({ kind: 'raw', status: 200, headers: ['content-type', 'application/octet-stream', 'content-length', String(big.length)], body: big });
    const { port } = new URL(h.url);
    const received = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/messages', headers: { 'x-api-key': 'k-123456', 'content-type': 'application/json' } }, (res) => {
        let n = 0;
        res.once('data', (c: Buffer) => {
          n += c.length;
          // Stop reading for a while: the proxy must pause the upstream, then resume when this client drains.
          res.pause();
          setTimeout(() => {
            res.on('data', (more: Buffer) => (n += more.length));
            res.resume();
          }, 300);
        });
        res.on('end', () => resolve(n));
      });
      req.on('error', reject);
      req.end(JSON.stringify(MESSAGE));
    });
    expect(received).toBe(big.length);
  });

  it('a connection the upstream asked to close is not handed out again', async () => {
    h.upstream.enqueue({ kind: 'raw', status: 200, headers: ['content-type', 'application/json', 'connection', 'close'], body: '{}' });
    const res = await postMessage(h.url);
    expect(res.headers.get('connection')).not.toBe('close');
    const id = res.headers.get('x-ccproxy-connection');
    await res.text();
    const next = await postMessage(h.url);
    expect(next.status).toBe(200);
    expect(next.headers.get('x-ccproxy-connection')).not.toBe(id);
  });
});

describe('request bodies and slow clients', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { server: { body_limit_mb: 1, headers_timeout: 1, request_timeout: 1 } } });
  });
  afterAll(() => h.close());

  it('a client that writes its whole over-limit body before reading still reads the 413', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 'x');
    const head = `POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-key: k-123456\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    const answer = await rawExchange(h.url, head, body);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('request_too_large');
    expect(h.upstream.requests.filter((r) => r.body.length > 1024 * 1024)).toHaveLength(0);
  });

  it('a chunked body over the limit is cut with 413 and never completes upstream', async () => {
    const answer = await new Promise<number>((resolve, reject) => {
      const { port } = new URL(h.url);
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/messages', headers: { 'x-api-key': 'k-123456', 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 3; i++) req.write(Buffer.alloc(1024 * 1024, 'y'));
      req.end();
    });
    expect(answer).toBe(413);
    // Looked for by its bytes: a warm-up HEAD landing meanwhile is no business of this test.
    expect(h.upstream.requests.filter((r) => r.body.includes('yyyy'))).toEqual([]);
  });

  it('a client that drips its headers is cut after headers_timeout', async () => {
    const { port } = new URL(h.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => {});
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.write('POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n');
    const drip = setInterval(() => socket.writable && socket.write('x-slow: 1\r\n'), 100);
    const started = Date.now();
    await closed;
    clearInterval(drip);
    expect(answer === '' || /^HTTP\/1\.1 408 /.test(answer)).toBe(true);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(h.upstream.requests.some((r) => r.headers['x-slow'])).toBe(false);
  });

  it('a client that drips its body is cut after request_timeout, while others keep being served', async () => {
    const { port } = new URL(h.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('error', () => {});
    socket.write('POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-key: k-123456\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{');
    const drip = setInterval(() => socket.writable && socket.write(' '), 100);
    const started = Date.now();
    const others: number[] = [];
    while (Date.now() - started < 1500) others.push((await postMessage(h.url)).status);
    await closed;
    clearInterval(drip);
    expect(others.length).toBeGreaterThan(3);
    expect(new Set(others)).toEqual(new Set([200]));
    expect(answer === '' || /^HTTP\/1\.1 408 /.test(answer)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
