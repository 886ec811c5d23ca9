// Every error a client can meet is Anthropic-shaped: upstream errors pass through, the proxy's own are clear.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE, closedPort, startHarness, type Harness } from '../fixtures/proxy-harness.js';

const post = (h: Harness, body: string, headers: Record<string, string> = {}) =>
  fetch(`${h.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'k-123456', 'content-type': 'application/json', ...headers }, body });

describe('upstream errors pass through', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { upstream: { timeout: 1 } } });
  });
  afterAll(() => h.close());

  it.each([
    [400, 'invalid_request_error', Anthropic.BadRequestError],
    [401, 'authentication_error', Anthropic.AuthenticationError],
    [429, 'rate_limit_error', Anthropic.RateLimitError],
    [500, 'api_error', Anthropic.InternalServerError],
    [529, 'overloaded_error', Anthropic.APIError],
  ] as const)('%i keeps its status, error type and body', async (status, type, ErrorClass) => {
    h.upstream.enqueue({ kind: 'error', status });
    const err = await h.client().messages.create(MESSAGE).catch((e) => e);
    expect(err).toBeInstanceOf(ErrorClass);
    expect(err.status).toBe(status);
    expect(err.error).toMatchObject({ type: 'error', error: { type } });
    expect(err.requestID).toMatch(/^req_/);
  });

  it('429 keeps retry-after', async () => {
    h.upstream.enqueue({ kind: 'error', status: 429, retryAfter: 13 });
    const res = await post(h, JSON.stringify(MESSAGE));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('13');
  });

  it('an upstream that does not answer in time gives 504', async () => {
    h.upstream.enqueue({ kind: 'hang' });
    const res = await post(h, JSON.stringify(MESSAGE));
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'timeout_error', message: expect.stringContaining('did not answer within 1 s') } });
  });

  it('the connection that timed out is destroyed, the next request works', async () => {
    h.upstream.enqueue({ kind: 'hang' });
    const timedOut = await post(h, JSON.stringify(MESSAGE));
    expect(timedOut.status).toBe(504);
    const id = timedOut.headers.get('x-ccproxy-connection');
    await timedOut.text();
    const next = await post(h, JSON.stringify(MESSAGE));
    expect(next.status).toBe(200);
    expect(next.headers.get('x-ccproxy-connection')).not.toBe(id);
    expect(h.runtime.stats().connections.map((c) => c.id)).not.toContain(id);
  });
});

describe("the proxy's own errors", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { server: { body_limit_mb: 1 } } });
  });
  afterAll(() => h.close());

  it('malformed JSON → the upstream\'s own 400 invalid_request_error, passed on', async () => {
    const res = await post(h, '{"model": ');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('invalid JSON') } });
    expect(h.upstream.requests.at(-1)!.body).toBe('{"model": ');
  });

  it('a body over the limit → 413 request_too_large', async () => {
    const big = JSON.stringify({ ...MESSAGE, messages: [{ role: 'user', content: 'x'.repeat(1.5 * 1024 * 1024) }] });
    const res = await post(h, big);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large', message: expect.stringContaining('limit of 1 MiB ([server] body_limit_mb)') } });
    // The OpenAI route says it in the same words, in its own shape.
    const chat = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body: big });
    expect(chat.status).toBe(413);
    expect(await chat.json()).toMatchObject({ error: { code: 'request_too_large', message: "Request body is larger than the proxy's limit of 1 MiB ([server] body_limit_mb)." } });
  });

  it('an unknown route outside /v1 → 404 not_found_error', async () => {
    const res = await fetch(`${h.url}/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });
});

describe('an unreachable upstream', () => {
  it('gives 502 naming the upstream, and the proxy keeps serving', async () => {
    const port = await closedPort();
    const h = await startHarness({ upstreamUrl: `http://127.0.0.1:${port}` });
    try {
      const res = await post(h, JSON.stringify(MESSAGE));
      expect(res.status).toBe(502);
      const body = await res.json();
      expect(body).toMatchObject({ type: 'error', error: { type: 'api_error' } });
      expect(body.error.message).toContain(`Cannot reach the upstream http://127.0.0.1:${port}`);
      expect(body.error.message).toMatch(/ECONNREFUSED/);
      expect((await fetch(`${h.url}/health`)).status).toBe(200);
      // The OpenAI route's record (Requests view, GET /requests) names the cause as its answer did.
      const chat = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body: JSON.stringify({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }] }) });
      expect(chat.status).toBe(502);
      const answered = ((await chat.json()) as { error: { message: string } }).error.message;
      const { requests } = (await (await fetch(`${h.url}/requests?limit=1`)).json()) as { requests: { path: string; error_message: string }[] };
      expect(requests[0]).toMatchObject({ path: '/v1/chat/completions', error_message: answered });
      expect(answered).toContain(`Cannot reach the upstream http://127.0.0.1:${port}`);
    } finally {
      await h.close();
    }
  });
});

describe('an upstream that is down at start', () => {
  it('says so instead of claiming a full warm pool, and backs off before trying again', async () => {
    const port = await closedPort();
    const h = await startHarness({ upstreamUrl: `http://127.0.0.1:${port}`, runtime: { housekeepingMs: 0 } });
    try {
      const logs = h.logs();
      expect(logs).toContain('[POOL] Claude instance pool initialized with 0 of 2 connections: the upstream could not be reached; retrying in the background');
      expect(logs).not.toContain('[STARTUP] Claude connection pool initialized successfully');
      expect(logs.some((l) => l.startsWith(`[STARTUP] Claude connection pool started without all its warm connections: http://127.0.0.1:${port}`))).toBe(true);
      await h.runtime.pool.tick();
      expect(h.logs()).toContain('[POOL] Warm-up failed for 2 of 2 connections; next refill attempt in 2 s');
      const attempts = h.logs().filter((l) => l.startsWith('[POOL] Refilling')).length;
      await h.runtime.pool.tick();
      expect(h.logs().filter((l) => l.startsWith('[POOL] Refilling')).length).toBe(attempts);
      // No socket ever opened: nothing was created, nothing destroyed, and no line claims otherwise.
      expect((await h.stats()).stats).toMatchObject({ connections_created: 0, connections_destroyed: 0, total_connections: 0 });
      expect(h.logs().filter((l) => /Created new pooled connection|Destroyed connection/.test(l))).toEqual([]);
      expect(h.logs().filter((l) => l.startsWith('[POOL] Could not open a connection to the upstream: '))).toHaveLength(4);
    } finally {
      await h.close();
    }
  });
});
