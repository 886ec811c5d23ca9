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
    // Its own timeout, so the test does not depend on the 504 test having run before it.
    const destroyedBefore = (await h.stats()).stats.connections_destroyed;
    h.upstream.enqueue({ kind: 'hang' });
    expect((await post(h, JSON.stringify(MESSAGE))).status).toBe(504);
    expect((await h.stats()).stats.connections_destroyed).toBe(destroyedBefore + 1);
    expect((await post(h, JSON.stringify(MESSAGE))).status).toBe(200);
  });
});

describe("the proxy's own errors", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { server: { body_limit_mb: 1 } } });
  });
  afterAll(() => h.close());

  it('malformed JSON → 400 invalid_request_error', async () => {
    const res = await post(h, '{"model": ');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('not valid JSON') } });
  });

  it('a body over the limit → 413 request_too_large', async () => {
    const big = JSON.stringify({ ...MESSAGE, messages: [{ role: 'user', content: 'x'.repeat(1.5 * 1024 * 1024) }] });
    const res = await post(h, big);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
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
      expect(h.logs()).toContain('[POOL] Next refill attempt in 2 s');
      const attempts = h.logs().filter((l) => l.startsWith('[POOL] Refilling')).length;
      await h.runtime.pool.tick();
      expect(h.logs().filter((l) => l.startsWith('[POOL] Refilling')).length).toBe(attempts);
    } finally {
      await h.close();
    }
  });
});
