import { describe, expect, it } from 'vitest';
import { toOpenAIError } from '../../main/proxy/openai/errors.js';
import { translateMessageResponse } from '../../main/proxy/openai/response.js';
import { ChatStreamTranslator } from '../../main/proxy/openai/stream.js';
import { base, fail, ok } from '../fixtures/openai-translate.js';

// Chat Completions in depth: the rules of issue 15's "Why" list, one by one.
const a = (body: Record<string, unknown>, defaults?: { maxTokens?: number }) => ok(body, defaults).anthropic as any;

describe('tool-call ids', () => {
  it('an id Claude would refuse is encoded on the way up and decoded on the way back, deterministically', () => {
    const foreign = 'call:abc/1.2';
    const r = a({
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: null, tool_calls: [{ id: foreign, type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: foreign, content: 'done' },
      ],
    });
    const upId = r.messages[1].content[0].id;
    expect(upId).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(r.messages[2].content[0].tool_use_id).toBe(upId);
    expect(a({ messages: [{ role: 'user', content: 'go' }, { role: 'assistant', tool_calls: [{ id: foreign, type: 'function', function: { name: 'f', arguments: '{}' } }] }] }).messages[1].content[0].id).toBe(upId);
    const back = translateMessageResponse({ id: 'msg_1', content: [{ type: 'tool_use', id: upId, name: 'f', input: {} }], stop_reason: 'tool_use' }, { requestedModel: 'm' });
    expect(back.choices[0].message.tool_calls![0].id).toBe(foreign);
    const t = new ChatStreamTranslator({ requestedModel: 'm', includeUsage: false });
    const frames = t.push('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: upId, name: 'f', input: {} } });
    expect(frames.join('')).toContain(JSON.stringify(foreign));
    // Ids that already fit are sent as they are.
    expect(a({ messages: [{ role: 'user', content: 'go' }, { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] }] }).messages[1].content[0].id).toBe('call_1');
  });
});

describe('tools and schemas', () => {
  it('parameters without a type get type "object"; a non-object schema is refused with its path', () => {
    expect(a({ tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }).tools[0].input_schema).toEqual({ type: 'object' });
    expect(fail({ ...base, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'array' } } }] }).error.error.param).toBe('tools[0].function.parameters');
  });
});

describe('reasoning', () => {
  it('reasoning_effort → a thinking budget; an Anthropic-style thinking object is honoured; temperature yields', () => {
    expect(a({ reasoning_effort: 'low', temperature: 0.3 })).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 4096 + 2048 });
    expect(a({ reasoning_effort: 'low', temperature: 0.3 }).temperature).toBeUndefined();
    expect(a({ thinking: { type: 'enabled', budget_tokens: 3000 }, max_completion_tokens: 8000 }).thinking).toEqual({ type: 'enabled', budget_tokens: 3000 });
    expect(a({ reasoning_effort: 'high', tool_choice: 'required', tools: [{ type: 'function', function: { name: 'f' } }] }).thinking).toBeUndefined();
  });
  it('thinking blocks sent back (thinking_blocks) go first in the assistant turn, signature kept', () => {
    const r = a({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'A', reasoning_content: 'T', thinking_blocks: [{ type: 'thinking', thinking: 'T', signature: 'SIG' }] },
        { role: 'user', content: 'q2' },
      ],
    });
    expect(r.messages[1].content).toEqual([{ type: 'thinking', thinking: 'T', signature: 'SIG' }, { type: 'text', text: 'A' }]);
  });
});

describe('cache_control, images, user, max tokens', () => {
  it('cache_control on parts is forwarded (user, system, tool)', () => {
    const mark = { type: 'ephemeral' };
    const r = a({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Long rules', cache_control: mark }] },
        { role: 'user', content: [{ type: 'text', text: 'doc', cache_control: mark }, { type: 'image_url', image_url: { url: 'https://x/y.png' }, cache_control: mark }] },
        { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: 'out', cache_control: mark }] },
      ],
    });
    expect(r.system).toEqual([{ type: 'text', text: 'Long rules', cache_control: mark }]);
    expect(r.messages[0].content.map((b: any) => b.cache_control)).toEqual([mark, mark]);
    expect(r.messages[2].content[0].content[0].cache_control).toEqual(mark);
  });
  it('image/jpg data URLs are accepted as image/jpeg', () => {
    const r = a({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpg;base64,/9j/' } }] }] });
    expect(r.messages[0].content[0].source).toEqual({ type: 'base64', media_type: 'image/jpeg', data: '/9j/' });
  });
  it('user is cut to 256 characters; the configured default max tokens applies', () => {
    expect(a({ user: 'x'.repeat(400) }).metadata.user_id).toHaveLength(256);
    expect(a({}, { maxTokens: 777 }).max_tokens).toBe(777);
  });
});

describe('errors', () => {
  it('a context overflow has code context_length_exceeded', () => {
    const e = toOpenAIError(400, { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 215000 tokens > 200000 maximum' } });
    expect(e.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded' });
  });
  it('an HTML error page keeps its text', () => {
    const e = toOpenAIError(502, '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>upstream down</p></body></html>');
    expect(e.error.message).toContain('Bad Gateway');
    expect(e.error.message).toContain('upstream down');
    expect(e.error.message).not.toContain('<');
  });
});

describe('response_format', () => {
  const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
  it('json_schema: native output_config on a model that supports it, else a forced tool', () => {
    const native = ok({ response_format: { type: 'json_schema', json_schema: { name: 'thing', schema } } });
    expect(native.structured).toBe('native');
    expect((native.anthropic as any).output_config).toEqual({ format: { type: 'json_schema', schema } });
    const old = ok({ model: 'claude-3-5-haiku-20241022', response_format: { type: 'json_schema', json_schema: { name: 'thing', schema } } });
    expect(old.structured).toBe('tool');
    expect((old.anthropic as any).tool_choice).toEqual({ type: 'tool', name: 'thing' });
    expect(old.outputTool).toBe('thing');
  });
  it('json_object: a forced tool whose input is any object', () => {
    const r = ok({ response_format: { type: 'json_object' } });
    expect((r.anthropic as any).tools).toEqual([expect.objectContaining({ name: 'json_output', input_schema: { type: 'object' } })]);
  });
  it('the forced tool comes back as JSON text content with finish_reason stop, streamed as content deltas', () => {
    const out = translateMessageResponse({ id: 'msg_1', content: [{ type: 'tool_use', id: 't', name: 'json_output', input: { a: 'b' } }], stop_reason: 'tool_use' }, { requestedModel: 'm', outputTool: 'json_output' });
    expect(out.choices[0]).toMatchObject({ message: { content: '{"a":"b"}' }, finish_reason: 'stop' });
    expect(out.choices[0].message.tool_calls).toBeUndefined();
    const t = new ChatStreamTranslator({ requestedModel: 'm', includeUsage: false, outputTool: 'json_output' });
    const frames = [
      ...t.push('message_start', { type: 'message_start', message: { id: 'msg_1', usage: {} } }),
      ...t.push('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'json_output', input: {} } }),
      ...t.push('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"a":' } }),
      ...t.push('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '"b"}' } }),
      ...t.push('content_block_stop', { type: 'content_block_stop', index: 0 }),
      ...t.push('message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: {} }),
      ...t.finish(),
    ];
    const chunks = frames.filter((f) => f !== 'data: [DONE]\n\n').map((f) => JSON.parse(f.slice(6)));
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe('{"a":"b"}');
    expect(chunks.some((c) => c.choices[0].delta.tool_calls)).toBe(false);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
  });
});
