import fs from 'node:fs';
import Anthropic, { APIError, NotFoundError, OverloadedError, RateLimitError, type ClientOptions } from '@anthropic-ai/sdk';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream/index.js';
import { TLS_CERT_PATH } from '../fixtures/tls/paths.js';

// The fake is checked with the official SDK, over undici's own fetch and a keep-alive Agent (never the global
// fetch), so what passes here is what a proxy built on undici will see.

function sdk(baseURL: string, dispatcher: Agent): Anthropic {
  return new Anthropic({
    baseURL,
    apiKey: 'test-key', // explicit: without it the SDK starts a lazy default-credential lookup
    maxRetries: 0,
    fetch: undiciFetch as unknown as ClientOptions['fetch'],
    fetchOptions: { dispatcher } as unknown as ClientOptions['fetchOptions'],
  });
}

const user = (text: string) => ({
  model: 'claude-haiku-4-5', // not in the SDK's deprecated list, so no console warning
  max_tokens: 100,
  messages: [{ role: 'user' as const, content: text }],
});

const weatherTool = {
  name: 'lookup_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object' as const, properties: { location: { type: 'string' } } },
};

async function until(cond: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('fake upstream (plain http)', () => {
  let fake: FakeUpstream;
  let agent: Agent;
  let client: Anthropic;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    agent = new Agent({ keepAliveTimeout: 10_000 });
    client = sdk(fake.url, agent);
  });
  afterAll(async () => {
    await agent.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('answers messages.create deterministically and records the request', async () => {
    const msg = await client.messages.create(user('Hi there'));
    expect(msg.type).toBe('message');
    expect(msg.model).toBe('claude-haiku-4-5');
    expect(msg.content).toEqual([{ type: 'text', text: 'Hello from the fake upstream. You said: Hi there' }]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage.input_tokens).toBe(2);
    expect(msg.usage.output_tokens).toBe(9);
    expect(msg.id).toMatch(/^msg_/);
    expect(fake.requests).toHaveLength(1);
    // SDK 1.x sends apiKey as `authorization: Bearer …`, older ones as x-api-key: accept either.
    const h = fake.requests[0].headers;
    expect(h['x-api-key'] ?? h.authorization).toMatch(/^(Bearer )?test-key$/);
    expect((fake.requests[0].json as { model: string }).model).toBe('claude-haiku-4-5');
  });

  it('applies max_tokens and stop_sequences', async () => {
    const short = await client.messages.create({ ...user('abc'), max_tokens: 3 });
    expect(short.stop_reason).toBe('max_tokens');
    expect(short.content[0]).toMatchObject({ text: 'Hello from the' });
    const stopped = await client.messages.create({ ...user('abc'), stop_sequences: ['upstream'] });
    expect(stopped.stop_reason).toBe('stop_sequence');
    expect(stopped.stop_sequence).toBe('upstream');
    expect(stopped.content[0]).toMatchObject({ text: 'Hello from the fake ' });
  });

  it('streams text that the SDK assembles', async () => {
    const stream = client.messages.stream(user('streaming please'));
    const deltas: string[] = [];
    stream.on('text', (t) => deltas.push(t));
    expect(await stream.finalText()).toBe('Hello from the fake upstream. You said: streaming please');
    expect(deltas.length).toBeGreaterThan(1);
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(9);
  });

  it('streams a tool_use block with input_json_delta fragments', async () => {
    fake.enqueue({ kind: 'tool_use' });
    const stream = client.messages.stream({ ...user('weather?'), tools: [weatherTool] });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toHaveLength(1);
    expect(final.content[0]).toMatchObject({ type: 'tool_use', name: 'lookup_weather', input: { location: 'Paris' } });
    const next = await client.messages.create({ ...user('again'), tools: [weatherTool] });
    expect(next.content[0].type).toBe('text'); // the queue is back to the default after one use
  });

  it('answers a non-streamed tool_use with the default tool name', async () => {
    fake.enqueue({ kind: 'tool_use' });
    const msg = await client.messages.create(user('weather?'));
    expect(msg.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { location: 'Paris' } });
  });

  it('counts tokens the same way messages.create reports them', async () => {
    const params = { ...user('one two three four'), system: 'be brief' };
    const counted = await client.messages.countTokens({ model: params.model, messages: params.messages, system: params.system });
    const msg = await client.messages.create(params);
    expect(counted.input_tokens).toBe(6);
    expect(msg.usage.input_tokens).toBe(counted.input_tokens);
  });

  it('lists and retrieves models', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toContain('claude-sonnet-4-5');
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const one = await client.models.retrieve('claude-sonnet-4-5');
    expect(one.display_name).toBe('Claude Sonnet 4.5');
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('raises RateLimitError with retry-after, and 529 as OverloadedError', async () => {
    fake.enqueue({ kind: 'error', status: 429, retryAfter: 3 }, { kind: 'error', status: 529 });
    const err = await client.messages.create(user('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).headers.get('retry-after')).toBe('3');
    expect((err as RateLimitError).requestID).toMatch(/^req_/);
    expect((err as RateLimitError).error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    const err2 = await client.messages.create(user('x')).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(OverloadedError);
    expect((err2 as OverloadedError).headers.get('retry-after')).toBe('7');
  });

  it('fails a stream with an overloaded_error event after content started', async () => {
    fake.enqueue({ kind: 'stream_error' });
    const stream = client.messages.stream(user('x'));
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const err = await stream.finalText().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect(String((err as Error).message)).toContain('overloaded_error');
    expect(texts).toHaveLength(1);
  });

  it('reuses one keep-alive socket for sequential requests', async () => {
    // One socket at most on the client's side: undici marks a pooled connection free only on its 'drain', and a
    // request dispatched before that (a busy machine makes it likely) would otherwise open a second socket. So
    // this measures the fake's keep-alive alone: were it closing after each answer, there would be 3 connections.
    const own = new Agent({ keepAliveTimeout: 10_000, connections: 1 });
    const c = sdk(fake.url, own);
    for (let i = 0; i < 3; i++) await c.messages.create(user(`n${i}`));
    expect(fake.connectionsAccepted).toBe(1);
    expect(new Set(fake.requests.map((r) => r.socketId)).size).toBe(1);
    fake.closeIdleConnections();
    await until(() => fake.openConnections === 0);
    await new Promise((r) => setTimeout(r, 20)); // let undici notice the FIN before the next request
    await c.messages.create(user('after idle close'));
    expect(fake.connectionsAccepted).toBe(2);
    await own.close();
  });

  it('holds a stream after its first delta until released', async () => {
    const gate = fake.hold();
    fake.enqueue({ kind: 'held' });
    const stream = client.messages.stream(user('hold me'));
    const firstText = new Promise<string>((resolve) => stream.once('text', resolve));
    let ended = false;
    void stream.done().then(() => (ended = true), () => {});
    await gate.reached;
    expect(await firstText).toBe('Hello from the ');
    await new Promise((r) => setTimeout(r, 50));
    expect(ended).toBe(false);
    gate.release();
    expect(await stream.finalText()).toBe('Hello from the fake upstream. You said: hold me');
  });

  it('drops the socket mid-stream without counting a client abort', async () => {
    fake.enqueue({ kind: 'disconnect_mid_stream' });
    const err = await client.messages.stream(user('x')).finalText().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(fake.abortedRequests).toBe(0);
  });

  it('counts a client abort on a hanging request and emits abort', async () => {
    fake.enqueue({ kind: 'hang' });
    const ac = new AbortController();
    const aborted: string[] = [];
    fake.on('abort', (r) => aborted.push(r.url));
    let armed = true; // listeners cannot be removed, so fire only for this test's request
    fake.on('request', () => {
      if (armed) setTimeout(() => ac.abort(), 20);
      armed = false;
    });
    await expect(client.messages.create(user('x'), { signal: ac.signal })).rejects.toThrow();
    await until(() => fake.abortedRequests === 1);
    expect(aborted).toEqual(['/v1/messages']);
  });

  it('delays an answer', async () => {
    fake.enqueue({ kind: 'delay', ms: 120 });
    const t0 = performance.now();
    await client.messages.create(user('slow'));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
  });

  it('rejects missing credentials and malformed JSON; echoes other /v1 paths', async () => {
    const noAuth = await undiciFetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify(user('x')),
      dispatcher: agent,
    });
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get('request-id')).toMatch(/^req_/);
    expect(await noAuth.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const bad = await undiciFetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'k' },
      body: '{not json',
      dispatcher: agent,
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const echo = await undiciFetch(`${fake.url}/v1/files?limit=2`, { headers: { authorization: 'Bearer t' }, dispatcher: agent });
    expect(echo.status).toBe(200);
    expect(echo.headers.get('anthropic-ratelimit-requests-limit')).toBeTruthy();
    expect(await echo.json()).toEqual({ ok: true, method: 'GET', path: '/v1/files', query: '?limit=2' });
  });
});

describe('fake upstream (tls)', () => {
  it('serves https with the loopback certificate', async () => {
    const fake = await startFakeUpstream({ tls: true });
    const agent = new Agent({ connect: { ca: fs.readFileSync(TLS_CERT_PATH) } });
    try {
      expect(fake.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const client = sdk(fake.url, agent);
      const msg = await client.messages.create(user('secure'));
      expect(msg.content[0]).toMatchObject({ text: 'Hello from the fake upstream. You said: secure' });
      await new Promise((r) => setImmediate(r)); // see the keep-alive test: let undici mark the socket free
      expect(await client.messages.stream(user('secure stream')).finalText()).toContain('secure stream');
      expect(fake.connectionsAccepted).toBe(1);
      expect(new Set(fake.requests.map((r) => r.socketId))).toEqual(new Set([1]));
    } finally {
      await agent.close();
      await fake.close();
    }
  });
});
