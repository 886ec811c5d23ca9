// The official SDK through the real proxy to the fake upstream: the Anthropic surface answers as the upstream does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE, startHarness, type Harness } from '../fixtures/proxy-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('Anthropic surface through the proxy', () => {
  it('messages.create returns the upstream message', async () => {
    const msg = await h.client().messages.create(MESSAGE);
    expect(msg.type).toBe('message');
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Hello from the fake upstream. You said: Hello proxy' });
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  it('messages.stream() assembles the same text as the upstream sent', async () => {
    const stream = h.client().messages.stream(MESSAGE);
    const events: string[] = [];
    stream.on('streamEvent', (e) => events.push(e.type));
    const text = await stream.finalText();
    expect(text).toBe('Hello from the fake upstream. You said: Hello proxy');
    expect(events).toEqual(expect.arrayContaining(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']));
  });

  it('streams a tool_use block whose input assembles', async () => {
    h.upstream.enqueue({ kind: 'tool_use' });
    const tools = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: { location: { type: 'string' } } } }];
    const final = await h.client().messages.stream({ ...MESSAGE, tools }).finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'get_weather', input: { location: 'Paris' } });
  });

  it('countTokens and models.list answer', async () => {
    const count = await h.client().messages.countTokens({ model: MESSAGE.model, messages: MESSAGE.messages });
    expect(count.input_tokens).toBeGreaterThan(0);
    const ids: string[] = [];
    for await (const m of h.client().models.list()) ids.push(m.id);
    expect(ids.length).toBeGreaterThan(1);
    expect(ids.every((id) => id.startsWith('claude-'))).toBe(true);
  });

  it('passes other /v1 paths and query strings through unchanged', async () => {
    const res = await fetch(`${h.url}/v1/some/other/thing?beta=true&x=1`, { headers: { 'x-api-key': 'k-123456' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, method: 'GET', path: '/v1/some/other/thing' });
    const before = h.upstream.requests.length;
    await fetch(`${h.url}/v1/messages?beta=true`, { method: 'POST', headers: { 'x-api-key': 'k-123456', 'content-type': 'application/json' }, body: JSON.stringify(MESSAGE) });
    expect(h.upstream.requests[before]!.url).toBe('/v1/messages?beta=true');
  });

  it('forwards anthropic-version and anthropic-beta, and passes request-id and rate-limit headers back', async () => {
    const before = h.upstream.requests.length;
    const res = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'k-123456', 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'prompt-caching-2024-07-31' },
      body: JSON.stringify(MESSAGE),
    });
    expect(res.status).toBe(200);
    const seen = h.upstream.requests[before]!.headers;
    expect(seen['anthropic-version']).toBe('2023-06-01');
    expect(seen['anthropic-beta']).toBe('prompt-caching-2024-07-31');
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect(res.headers.get('anthropic-ratelimit-requests-limit')).toBeTruthy();
    expect(res.headers.get('content-type')).toContain('application/json');
  });

  it('answers /health', async () => {
    const res = await fetch(`${h.url}/health`);
    expect(await res.json()).toMatchObject({ status: 'ok', pool_enabled: true, upstream: 'ok', upstream_url: h.upstream.url, upstream_error: null });
  });
});
