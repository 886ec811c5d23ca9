// The official openai SDK through the proxy and its pool to the fake Anthropic upstream.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../fixtures/proxy-harness.js';

let h: Harness;
let openai: OpenAI;
let prefixed: OpenAI;
beforeAll(async () => {
  h = await startHarness({ config: { model_mapping: { 'gpt-4o': 'claude-haiku-4-5' } } });
  openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'sk-ant-openai-client-1234', maxRetries: 0 });
  prefixed = new OpenAI({ baseURL: `${h.url}/openai/v1`, apiKey: 'sk-ant-openai-client-1234', maxRetries: 0 });
});
afterAll(() => h.close());

const weatherTool = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { location: { type: 'string' } } } } };

describe('chat completions', () => {
  it('a plain completion, with the mapping applied and usage counted', async () => {
    const before = h.upstream.requests.length;
    const res = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Hi there' }] });
    expect(res.object).toBe('chat.completion');
    expect(res.model).toBe('gpt-4o');
    expect(res.choices[0]!.message.content).toBe('Hello from the fake upstream. You said: Hi there');
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
    const sent = h.upstream.requests.slice(before).find((r) => r.url === '/v1/messages')!;
    expect(sent.json).toMatchObject({ model: 'claude-haiku-4-5', system: 'Be brief', max_tokens: 4096 });
    expect(sent.headers.authorization).toBe('Bearer sk-ant-openai-client-1234');
  });

  it('a streamed completion assembles the upstream text, with a usage chunk when asked', async () => {
    const stream = await prefixed.chat.completions.create({ model: 'claude-haiku-4-5', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Stream please' }] });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello from the fake upstream. You said: Stream please');
    expect(finish).toBe('stop');
    expect(usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('a tool call round trip, not streamed', async () => {
    h.upstream.enqueue({ kind: 'tool_use' });
    const first = await openai.chat.completions.create({ model: 'gpt-4o', tools: [weatherTool], messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'Paris' });
    const before = h.upstream.requests.length;
    const second = await openai.chat.completions.create({
      model: 'gpt-4o',
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Weather in Paris?' }, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '18°C, sunny' }],
    });
    expect(second.choices[0]!.message.content).toContain('Hello from the fake upstream');
    const sent = h.upstream.requests.slice(before).find((r) => r.url === '/v1/messages')!.json as any;
    expect(sent.messages[1].content[0]).toMatchObject({ type: 'tool_use', id: call.id, name: 'get_weather', input: { location: 'Paris' } });
    expect(sent.messages[2].content[0]).toMatchObject({ type: 'tool_result', tool_use_id: call.id });
  });

  it('a tool call, streamed, arrives as tool-call deltas', async () => {
    h.upstream.enqueue({ kind: 'tool_use' });
    const runner = openai.chat.completions.stream({ model: 'gpt-4o', tools: [weatherTool], messages: [{ role: 'user', content: 'Weather?' }] });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'Paris' });
  });

  it('an image message is sent upstream as an image block', async () => {
    const before = h.upstream.requests.length;
    await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }],
    });
    const sent = h.upstream.requests.slice(before).find((r) => r.url === '/v1/messages')!.json as any;
    expect(sent.messages[0].content[1]).toEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } });
  });

  it('goes through the same pool, logged with the OpenAI route', async () => {
    // Its own requests on both paths: what earlier tests sent is not this test's business.
    // The warm-up done first (min_size 2), so both requests find an idle pooled connection.
    await eventually(async () => expect((await h.stats()).stats.available_connections).toBe(2), 15_000);
    const before = (await h.stats()).stats.connections_reused;
    const ask = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'pool?' }] };
    await openai.chat.completions.create(ask);
    await prefixed.chat.completions.create(ask);
    expect((await h.stats()).stats.connections_reused).toBe(before + 2);
    expect(h.logs()).toContain('[API] Acquiring Claude client from pool for OpenAI /v1/chat/completions request');
    expect(h.logs()).toContain('[API] Acquiring Claude client from pool for OpenAI /openai/v1/chat/completions request');
  });
});

describe('errors in OpenAI shape', () => {
  it('an unmapped model is a 404 model_not_found explaining how to map it', async () => {
    const err = await openai.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe('model_not_found');
    expect(err.message).toContain('[model_mapping]');
  });

  it('a refused parameter is a 400 naming it', async () => {
    const err = await openai.chat.completions.create({ model: 'gpt-4o', n: 3, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toMatch(/\bn\b/);
  });

  it.each([
    [429, OpenAI.RateLimitError],
    [401, OpenAI.AuthenticationError],
    [500, OpenAI.InternalServerError],
  ] as const)('upstream %i keeps its status', async (status, ErrorClass) => {
    h.upstream.enqueue({ kind: 'error', status });
    const err = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(ErrorClass);
    expect(err.status).toBe(status);
    expect(err.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
  });

  it('an upstream error mid-stream ends the stream with an OpenAI error', async () => {
    h.upstream.enqueue({ kind: 'stream_error' });
    const stream = await openai.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const err = await (async () => {
      for await (const _ of stream) {
        // keep reading until the error frame
      }
    })().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(String(err.message)).toMatch(/overloaded|mid-stream/i);
  });

  it('a request with no credential at all gets the upstream\'s 401 as authentication_error, not a proxy 500', async () => {
    const before = h.upstream.requests.length;
    for (const [path, init] of [
      ['/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }) }],
      ['/openai/v1/models', {}],
    ] as const) {
      const res = await fetch(`${h.url}${path}`, init);
      const body = (await res.json()) as { error: { type: string; code: string | null; message: string } };
      expect(res.status, path).toBe(401);
      expect(body.error, path).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
      expect(body.error.message, path).toContain('x-api-key header is required');
    }
    // Asked of the upstream (as the passthrough does), with no credential of the proxy's invention.
    const sent = h.upstream.requests.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) expect([r.headers['x-api-key'], r.headers.authorization]).toEqual([undefined, undefined]);
  });

  it('malformed JSON is a 400 in OpenAI shape', async () => {
    const res = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body: '{"model":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('not valid JSON') } });
  });
});

describe('models', () => {
  it('GET /openai/v1/models and /v1/models (without anthropic-version) list models in OpenAI shape, mapped names included', async () => {
    for (const client of [prefixed, openai]) {
      const ids: string[] = [];
      for await (const m of client.models.list()) {
        expect(m.object).toBe('model');
        ids.push(m.id);
      }
      expect(ids).toContain('gpt-4o');
      expect(ids.some((id) => id.startsWith('claude-'))).toBe(true);
    }
  });

  it('the Anthropic SDK still gets the upstream list untouched from /v1/models', async () => {
    const page = await h.client().models.list();
    expect(page.data[0]).toMatchObject({ type: 'model', display_name: expect.any(String) });
  });
});
