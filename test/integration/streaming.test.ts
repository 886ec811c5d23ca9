// Streams pass through byte for byte and as they arrive; broken streams end cleanly; a client leaving aborts upstream.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, MESSAGE, postMessage, startHarness, type Harness } from '../fixtures/proxy-harness.js';

/** Odd but valid SSE: CRLF line ends, a comment, split writes. A re-serialising proxy would change these bytes. */
const RAW_SSE = [
  ': a comment the proxy must keep\r\n\r\n',
  'event: message_start\r\ndata: {"type":"message_start","message":{"id":"msg_x","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}\r\n\r\n',
  'event: content_block_start\r\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\r\n\r\n',
  'event: content_block_delta\r\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"by"}}\r\n\r\n',
  'event: content_block_delta\r\ndata:   {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"tes"}}\r\n\r\n',
  'event: content_block_stop\r\ndata: {"type":"content_block_stop","index":0}\r\n\r\nevent: message_delta\r\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}\r\n\r\n',
  'event: message_stop\r\ndata: {"type":"message_stop"}\r\n\r\n',
];

describe('byte-exact streaming', () => {
  let server: http.Server;
  let h: Harness;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', async () => {
        if (req.method === 'HEAD') return res.end();
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'request-id': 'req_raw' });
        for (const chunk of RAW_SSE) {
          res.write(chunk);
          await new Promise((r) => setTimeout(r, 2));
        }
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    h = await startHarness({ upstreamUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  afterAll(async () => {
    await h.close();
    server.close();
  });

  it('the client receives exactly the upstream bytes', async () => {
    const res = await postMessage(h.url, { ...MESSAGE, stream: true });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('request-id')).toBe('req_raw');
    expect(Buffer.from(await res.arrayBuffer()).toString('utf8')).toBe(RAW_SSE.join(''));
  });
});

describe('streaming behaviour with the fake upstream', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('is not buffered: the first events arrive while the upstream still holds the rest', async () => {
    const gate = h.upstream.hold();
    h.upstream.enqueue({ kind: 'held' });
    const res = await postMessage(h.url, { ...MESSAGE, stream: true });
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('content_block_delta')) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      seen += Buffer.from(value!).toString();
    }
    expect(seen).not.toContain('message_stop');
    // The upstream has not sent the end yet: the proxy cannot have buffered the whole response.
    gate.release();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += Buffer.from(value!).toString();
    }
    expect(seen).toContain('event: message_stop');
  });

  it('an in-stream upstream error reaches the client as the SDK error event', async () => {
    h.upstream.enqueue({ kind: 'stream_error' });
    await expect(h.client().messages.stream(MESSAGE).finalText()).rejects.toThrow(/overloaded/i);
  });

  it('an upstream that disconnects mid-stream ends the client stream with an SSE error, not a hang', async () => {
    h.upstream.enqueue({ kind: 'disconnect_mid_stream' });
    const res = await postMessage(h.url, { ...MESSAGE, stream: true });
    const text = await res.text();
    expect(text).toContain('event: message_start');
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"The upstream connection broke mid-stream/);
    await expect(h.client().messages.stream(MESSAGE).finalText()).resolves.toContain('Hello');
  });

  it('a client that goes away mid-stream aborts the upstream request and frees the connection', async () => {
    const gate = h.upstream.hold();
    h.upstream.enqueue({ kind: 'held' });
    const aborted = new Promise<void>((r) => h.upstream.on('abort', () => r()));
    const ac = new AbortController();
    const res = await postMessage(h.url, { ...MESSAGE, stream: true }, { signal: ac.signal });
    await gate.reached;
    await res.body!.getReader().read();
    expect((await h.stats()).stats.in_use_connections).toBe(1);
    ac.abort();
    await aborted;
    expect(h.upstream.abortedRequests).toBeGreaterThanOrEqual(1);
    await eventually(async () => expect((await h.stats()).stats.in_use_connections).toBe(0));
    gate.release();
  });
});
