// Proves the official openai client accepts our shapes: a custom `fetch` (no network) translates the
// SDK's request with translateChatRequest and answers with what the proxy would send back.
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { toOpenAIError } from '../../main/proxy/openai/errors.js';
import { translateChatRequest, type TranslateResult } from '../../main/proxy/openai/request.js';
import { translateMessageResponse, type AnthropicMessage } from '../../main/proxy/openai/response.js';
import { ChatStreamTranslator } from '../../main/proxy/openai/stream.js';

type Ev = [string, any];
type Ok = Extract<TranslateResult, { ok: true }>;

const mapping = { 'gpt-4o': 'claude-sonnet-4-5' };

const events: Ev[] = [
  ['message_start', { type: 'message_start', message: { id: 'msg_sdk', type: 'message', role: 'assistant', content: [], stop_reason: null, usage: { input_tokens: 40, output_tokens: 1 } } }],
  ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me ' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'check.' } }],
  ['content_block_stop', { type: 'content_block_stop', index: 0 }],
  ['content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'weather', input: {} } }],
  ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":"Par' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'is"}' } }],
  ['content_block_stop', { type: 'content_block_stop', index: 1 }],
  ['content_block_start', { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_2', name: 'weather', input: {} } }],
  ['content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city":"Rome"}' } }],
  ['content_block_stop', { type: 'content_block_stop', index: 2 }],
  ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 60 } }],
  ['message_stop', { type: 'message_stop' }],
];

const message: AnthropicMessage = {
  id: 'msg_plain',
  type: 'message',
  role: 'assistant',
  content: [{ type: 'text', text: 'Hi there' }, { type: 'tool_use', id: 'toolu_9', name: 'now', input: {} }],
  stop_reason: 'tool_use',
  usage: { input_tokens: 9, output_tokens: 4 },
};

/** A client whose fetch runs `respond` on the translated request instead of touching the network. */
function client(respond: (t: Ok) => Response | string[], seen: Ok[] = []) {
  return new OpenAI({
    apiKey: 'test-key',
    baseURL: 'http://proxy.invalid/v1',
    maxRetries: 0,
    fetch: async (_url, init) => {
      const t = translateChatRequest(JSON.parse(String(init?.body)), mapping);
      if (!t.ok) return Response.json(t.error, { status: t.status });
      seen.push(t);
      const out = respond(t);
      if (out instanceof Response) return out;
      return new Response(out.join(''), { headers: { 'content-type': 'text/event-stream' } });
    },
  });
}

function streamFrames(t: Ok, evs: Ev[], end: (s: ChatStreamTranslator) => string[] = (s) => s.finish()): string[] {
  const s = new ChatStreamTranslator({ requestedModel: t.requestedModel, includeUsage: t.includeUsage });
  return [...evs.flatMap(([name, data]) => s.push(name, data)), ...end(s)];
}

const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
];

describe('openai SDK accepts the translated shapes', () => {
  it('iterates a streamed answer with two tool calls and a usage chunk', async () => {
    const seen: Ok[] = [];
    const openai = client((t) => streamFrames(t, events), seen);
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Weather in Paris and Rome?' }],
      tools,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(seen[0].anthropic).toMatchObject({ model: 'claude-sonnet-4-5', stream: true, tools: [{ name: 'weather' }] });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'gpt-4o' && c.id === 'chatcmpl-sdk')).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Let me check.');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 40, completion_tokens: 60, total_tokens: 100 } });
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('tool_calls');
  });

  it('assembles the stream with the SDK helper into the expected message', async () => {
    const openai = client((t) => streamFrames(t, events));
    const runner = openai.chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'go' }], tools });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(final.choices[0].message.content).toBe('Let me check.');
    expect(final.choices[0].message.tool_calls).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
      { id: 'toolu_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
    ]);
  });

  it('surfaces fail() frames as an APIError from the iterator', async () => {
    const openai = client((t) => streamFrames(t, events.slice(0, 3), (s) => s.fail('upstream connection lost')));
    const stream = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: true });
    const seen: string[] = [];
    const err = await (async () => {
      try {
        for await (const c of stream) seen.push(c.choices[0]?.delta.content ?? '');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toContain('upstream connection lost');
    expect(seen.join('')).toBe('Let me ');
  });

  it('parses the non-stream response', async () => {
    const openai = client(() => Response.json(translateMessageResponse(message, { requestedModel: 'gpt-4o' })));
    const completion: ChatCompletion = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.model).toBe('gpt-4o');
    expect(completion.choices[0].message.content).toBe('Hi there');
    expect(completion.choices[0].message.tool_calls?.[0]).toEqual({ id: 'toolu_9', type: 'function', function: { name: 'now', arguments: '{}' } });
    expect(completion.usage?.total_tokens).toBe(13);
    // Compile-time check: our declared shape is assignable to the SDK's.
    const typed: ChatCompletion = translateMessageResponse(message, { requestedModel: 'gpt-4o' });
    expect(typed.object).toBe('chat.completion');
  });

  it('maps errors to the SDK exception classes', async () => {
    const rate = client(() => Response.json(toOpenAIError(429, { type: 'error', error: { type: 'rate_limit_error', message: 'Slow down' } }), { status: 429 }));
    const err = await rate.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });

    const unmapped = await client(() => new Response('unreachable'))
      .chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'x' }] })
      .catch((e) => e);
    expect(unmapped).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unmapped).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    expect(unmapped.message).toContain('[model_mapping]');
  });
});
