// The load generator: undici Pools with keep-alive, POST /v1/messages the way an SDK sends it, every response
// body read to the end. Only the wire is used, so any target (upstream, ccproxy, passthrough) is driven alike.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

const HEADERS = {
  'content-type': 'application/json',
  'x-api-key': 'sk-ant-bench-client-key-0001',
  'anthropic-version': '2023-06-01',
};
const MESSAGE = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello proxy' }] };
const JSON_BODY = JSON.stringify(MESSAGE);
const SSE_BODY = JSON.stringify({ ...MESSAGE, stream: true });

export interface Outcome {
  /** Latency of each successful request, ms. */
  times: number[];
  errors: number;
  /** First failure, to print instead of silently counting it. */
  firstError?: string;
}

/** Keep-alive pool sized to the concurrency, so the client side never opens more sockets than workers. */
export const clientPool = (url: string, connections: number) =>
  new Pool(url, { connections, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000, bodyTimeout: 60_000, headersTimeout: 60_000 });

/**
 * One POST, its body read to the end. Resolves with the time to the first body bytes (streamed requests only:
 * iterating costs the load generator more than text()) and the total, in ms; throws on transport error or non-200.
 */
async function post(pool: Pool, body: string | Buffer, firstByte = false): Promise<{ ttfb: number; total: number }> {
  const t0 = performance.now();
  const res = await pool.request({ path: '/v1/messages', method: 'POST', headers: HEADERS, body });
  let ttfb = -1;
  let text = '';
  if (firstByte) {
    for await (const chunk of res.body) {
      if (ttfb < 0) ttfb = performance.now() - t0;
      if (res.statusCode !== 200 && text.length < 300) text += chunk.toString();
    }
  } else {
    text = await res.body.text();
  }
  const total = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
  return { ttfb: ttfb < 0 ? total : ttfb, total };
}

function record(o: Outcome, err: unknown): void {
  o.errors++;
  o.firstError ??= (err as Error).message ?? String(err);
}

/** n requests one after another on one warm connection. */
export async function sequential(pool: Pool, n: number): Promise<Outcome> {
  const o: Outcome = { times: [], errors: 0 };
  for (let i = 0; i < n; i++) {
    try {
      o.times.push((await post(pool, JSON_BODY)).total);
    } catch (err) {
      record(o, err);
    }
  }
  return o;
}

/** `workers` clients each sending back to back until the deadline; req/s counts completed requests. */
export async function concurrent(pool: Pool, workers: number, durationMs: number): Promise<Outcome & { perSecond: number }> {
  const o: Outcome = { times: [], errors: 0 };
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      try {
        o.times.push((await post(pool, JSON_BODY)).total);
      } catch (err) {
        record(o, err);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  const elapsed = performance.now() - t0;
  return { ...o, perSecond: (o.times.length * 1000) / elapsed };
}

/** n streamed (stream: true) requests in sequence: time to the first SSE bytes and to the end of the stream. */
export async function sse(pool: Pool, n: number): Promise<{ ttfb: number[]; total: number[]; errors: number; firstError?: string }> {
  const out = { ttfb: [] as number[], total: [] as number[], errors: 0, firstError: undefined as string | undefined };
  for (let i = 0; i < n; i++) {
    try {
      const r = await post(pool, SSE_BODY, true);
      out.ttfb.push(r.ttfb);
      out.total.push(r.total);
    } catch (err) {
      out.errors++;
      out.firstError ??= (err as Error).message;
    }
  }
  return out;
}

/**
 * A valid messages body of `bytes` bytes: the bulk is one base64 image block, which is what makes real requests
 * this large (and the fake upstream does not echo it back, so the answer stays small).
 */
export function largeBody(bytes: number): Buffer {
  const head = '{"model":"claude-haiku-4-5","max_tokens":64,"messages":[{"role":"user","content":[{"type":"text","text":"What is in this image?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"';
  const tail = '"}}]}]}';
  const buf = Buffer.alloc(bytes, 'A'.charCodeAt(0));
  buf.write(head, 0, 'latin1');
  buf.write(tail, bytes - tail.length, 'latin1');
  return buf;
}

/** `count` concurrent uploads of the same body (one Buffer, never copied on this side). */
export async function uploads(pool: Pool, body: Buffer, count: number): Promise<Outcome & { wallMs: number }> {
  const o: Outcome = { times: [], errors: 0 };
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: count }, async () => {
      try {
        o.times.push((await post(pool, body)).total);
      } catch (err) {
        record(o, err);
      }
    }),
  );
  return { ...o, wallMs: performance.now() - t0 };
}
