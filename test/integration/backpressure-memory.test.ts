// Backpressure through the passthrough, measured: the upstream sends 50 MiB as fast as it can, the client reads
// slowly. The proxy (in a child process, so its RSS is its own) must hold the upstream back instead of buffering:
// while the client is not reading, the upstream can only write what socket buffers hold, and the proxy's RSS stays
// under 100 MB above its resting size throughout. Ignoring res.write()'s return value breaks both.
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../fixtures/proxy-harness.js';

const TOTAL = 50 * 1024 * 1024;
const CHUNK = 64 * 1024;
const MB = 1_000_000;

let upstream: http.Server;
let child: ChildProcess;
let proxyUrl: string;
/** Bytes the upstream has handed to its socket (flushed from its own buffer). */
let upstreamFlushed = 0;
/** What the upstream answers /v1/messages with: raw bytes (the passthrough) or an endless-looking SSE stream. */
let mode: 'bytes' | 'sse' = 'bytes';
// Large enough that what socket buffers and the SDK's reader hold on the way (about 10-20 MB here) is a small part of it.
const SSE_TOTAL = 96 * 1024 * 1024;

/** An Anthropic message stream of about SSE_TOTAL bytes, as fast as the socket takes it. */
function pumpSse(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  res.write(frame('message_start', { type: 'message_start', message: { id: 'msg_bp', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } }));
  res.write(frame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
  const delta = Buffer.from(frame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'y'.repeat(4000) } }));
  let sent = 0;
  const pump = () => {
    while (sent < SSE_TOTAL) {
      sent += delta.length;
      const more = res.write(delta, () => (upstreamFlushed += delta.length));
      if (!more) return res.once('drain', pump);
    }
    res.write(frame('content_block_stop', { type: 'content_block_stop', index: 0 }));
    res.write(frame('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } }));
    res.end(frame('message_stop', { type: 'message_stop' }));
  };
  pump();
}

function ask<T>(type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (msg: { type: string } & T) => {
      if (msg.type !== type) return;
      child.off('message', on);
      resolve(msg);
    };
    child.on('message', on);
    child.send({ type });
  });
}
const proxyRss = async () => (await ask<{ rss: number }>('rss')).rss;

/**
 * Waits until the upstream has stopped getting anything out (no change over a whole second, on a busy machine a
 * short stall proves nothing); returns the proxy's highest RSS seen meanwhile.
 */
async function untilSettled(rss: () => Promise<number>): Promise<number> {
  let peak = 0;
  let last = -1;
  let still = 0;
  await eventually(async () => {
    const now = upstreamFlushed;
    still = now === last && now > 0 ? still + 1 : 0;
    last = now;
    peak = Math.max(peak, await rss());
    await new Promise((r) => setTimeout(r, 250));
    expect(still).toBeGreaterThanOrEqual(4);
  }, 40_000);
  return peak;
}

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    req.resume();
    if (req.method === 'HEAD') return res.writeHead(200).end();
    if (mode === 'sse') return pumpSse(res);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(TOTAL) });
    const chunk = Buffer.alloc(CHUNK, 'z');
    let sent = 0;
    // As fast as the socket takes it, and no faster (the upstream's own backpressure).
    const pump = () => {
      while (sent < TOTAL) {
        sent += CHUNK;
        const more = res.write(chunk, () => (upstreamFlushed += CHUNK));
        if (!more) return res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`;
  child = fork(fileURLToPath(new URL('../fixtures/proxy-child.ts', import.meta.url)), [upstreamUrl], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  proxyUrl = await new Promise<string>((resolve) => child.once('message', (m: { url: string }) => resolve(m.url)));
}, 60_000);

afterAll(async () => {
  if (child.connected) {
    child.send({ type: 'stop' });
    await new Promise((r) => child.once('exit', r));
  }
  await new Promise((r) => upstream.close(r));
});

describe('backpressure under a slow reader', () => {
  it('50 MiB to a client that reads slowly: the upstream is held back and the proxy stays under 100 MB above rest', async () => {
    mode = 'bytes';
    upstreamFlushed = 0;
    const rest = await proxyRss();
    let peak = rest;
    const { hostname, port } = new URL(proxyUrl);
    let received = 0;
    let res!: http.IncomingMessage;
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: hostname, port, method: 'POST', path: '/v1/messages', headers: { 'x-api-key': 'k-1', 'content-type': 'application/json' } }, (r) => {
        res = r;
        r.pause();
        resolve();
      });
      req.on('error', reject);
      req.end('{}');
    });

    // Not reading at all: the upstream gets as far as the socket buffers on the way let it, then stops.
    peak = Math.max(peak, await untilSettled(proxyRss));
    expect(upstreamFlushed).toBeLessThan(TOTAL / 2);

    // Now reading slowly: 256 KiB at a time, with pauses, sampling the proxy's RSS along the way.
    await new Promise<void>((resolve, reject) => {
      res.on('error', reject);
      res.on('end', resolve);
      const tick = setInterval(async () => {
        let took = 0;
        let c: Buffer | null;
        while (took < 256 * 1024 && (c = res.read()) !== null) took += c.length;
        received += took;
        if (res.readableEnded) clearInterval(tick);
      }, 5);
      const sampler = setInterval(async () => {
        if (res.readableEnded) return clearInterval(sampler);
        peak = Math.max(peak, await proxyRss());
      }, 100);
      res.on('end', () => {
        clearInterval(tick);
        clearInterval(sampler);
      });
      res.on('readable', () => {});
    });
    expect(received).toBe(TOTAL);
    expect((peak - rest) / MB).toBeLessThan(100);
  }, 120_000);

  it('the OpenAI route\'s stream holds the upstream back too when its client does not read', async () => {
    mode = 'sse';
    upstreamFlushed = 0;
    const rest = await proxyRss();
    const { hostname, port } = new URL(proxyUrl);
    let res!: http.IncomingMessage;
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: hostname, port, method: 'POST', path: '/v1/chat/completions', headers: { authorization: 'Bearer k-1', 'content-type': 'application/json' } }, (r) => {
        res = r;
        r.pause();
        resolve();
      });
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'claude-haiku-4-5', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    });
    expect(res.statusCode).toBe(200);
    const peak = Math.max(rest, await untilSettled(proxyRss));
    expect(upstreamFlushed).toBeLessThan(SSE_TOTAL / 3);
    // Reading now: every event arrives, and the stream ends properly.
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text = (text + c).slice(-200)));
    const ended = new Promise((r) => res.on('end', r));
    res.resume();
    await ended;
    expect(text).toContain('data: [DONE]');
    expect(upstreamFlushed).toBeGreaterThanOrEqual(SSE_TOTAL);
    expect((peak - rest) / MB).toBeLessThan(100);
  }, 120_000);
});
