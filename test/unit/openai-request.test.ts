import { describe, expect, it } from 'vitest';
import { translateChatRequest } from '../../main/proxy/openai/request.js';
import { base, fail, mapping, ok } from '../fixtures/openai-translate.js';


describe('model resolution', () => {
  it('applies the mapping and keeps the requested name', () => {
    const r = ok({});
    expect(r.anthropic.model).toBe('claude-sonnet-4-5');
    expect(r.upstreamModel).toBe('claude-sonnet-4-5');
    expect(r.requestedModel).toBe('gpt-4o');
  });
  it('passes claude-* names through', () => {
    const r = ok({ model: 'claude-opus-4-1' });
    expect(r.anthropic.model).toBe('claude-opus-4-1');
  });
  it('a mapping entry wins over passthrough', () => {
    const r = translateChatRequest({ ...base, model: 'claude-x' }, { 'claude-x': 'claude-sonnet-4-5' });
    expect(r.ok && r.upstreamModel).toBe('claude-sonnet-4-5');
  });
  it('refuses an unmapped model with a helpful message, 404 as OpenAI answers an unknown model', () => {
    const r = fail({ ...base, model: 'gpt-5' }, 404);
    expect(r.error.error).toEqual({
      message:
        'Model "gpt-5" is not mapped to a Claude model. Add it to [model_mapping] in .ccproxy.toml, e.g. "gpt-5" = "claude-sonnet-4-5", or use a claude-* model name.',
      type: 'invalid_request_error',
      code: 'model_not_found',
      param: 'model',
    });
  });
  it('ignores inherited object keys', () => {
    fail({ ...base, model: 'toString' }, 404);
  });
});

describe('body validation', () => {
  it('requires model', () => {
    const r = fail({ messages: base.messages });
    expect(r.error.error.message).toBe("Missing required parameter: 'model'.");
    expect(r.error.error.param).toBe('model');
  });
  it('requires messages, non-empty', () => {
    expect(fail({ model: 'gpt-4o' }).error.error.param).toBe('messages');
    expect(fail({ model: 'gpt-4o', messages: [] }).error.error.message).toMatch(/messages/);
  });
  it('refuses a non-object body', () => {
    expect(fail('nope').error.error.message).toMatch(/JSON object/);
    expect(fail(null).error.error.message).toMatch(/JSON object/);
  });
  it('names the path of a bad nested value in one message', () => {
    const r = fail({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a' }, { role: 'user', content: [{ type: 'text' }] }] });
    expect(r.error.error.param).toBe('messages[1].content[0].text');
    expect(r.error.error.message).toMatch(/^Missing required parameter: 'messages\[1\]\.content\[0\]\.text'/);
    const r2 = fail({ model: 'gpt-4o', messages: [{ role: 'user', content: 5 }] });
    expect(r2.error.error.message).toBe("Invalid value for 'messages[0].content': Invalid input: expected string or array");
    const r3 = fail({ model: 'gpt-4o', messages: [{ role: 'wizard', content: 'x' }] });
    expect(r3.error.error.param).toBe('messages[0].role');
    expect(fail({ ...base, temperature: 3 }).error.error.param).toBe('temperature');
  });
  it('allows unknown extra fields and ignores the harmless OpenAI-only ones', () => {
    const r = ok({
      presence_penalty: 0.5,
      frequency_penalty: 0.1,
      logit_bias: { '50256': -100 },
      seed: 7,
      service_tier: 'auto',
      store: true,
      metadata: { a: 'b' },
      something_new: { x: 1 },
      n: 1,
      logprobs: false,
      response_format: { type: 'text' },
    });
    expect(Object.keys(r.anthropic).sort()).toEqual(['max_tokens', 'messages', 'model']);
  });
});

describe('sampling and limits', () => {
  it('defaults max_tokens to 4096 or the configured default', () => {
    expect(ok({}).anthropic.max_tokens).toBe(4096);
    expect(ok({}, { maxTokens: 1000 }).anthropic.max_tokens).toBe(1000);
  });
  it('uses max_tokens, and max_completion_tokens wins over it', () => {
    expect(ok({ max_tokens: 50 }).anthropic.max_tokens).toBe(50);
    expect(ok({ max_tokens: 50, max_completion_tokens: 70 }).anthropic.max_tokens).toBe(70);
    expect(ok({ max_tokens: null, max_completion_tokens: 70 }).anthropic.max_tokens).toBe(70);
  });
  it('clamps temperature to Claude range and keeps lower values', () => {
    expect(ok({ temperature: 1.7 }).anthropic.temperature).toBe(1);
    expect(ok({ temperature: 0.3 }).anthropic.temperature).toBe(0.3);
    expect(ok({ temperature: 0 }).anthropic.temperature).toBe(0);
  });
  it('forwards top_p alone, but not together with temperature', () => {
    expect(ok({ top_p: 0.9 }).anthropic.top_p).toBe(0.9);
    const both = ok({ top_p: 0.9, temperature: 0.5 }).anthropic;
    expect(both.top_p).toBeUndefined();
    expect(both.temperature).toBe(0.5);
  });
  it('translates stop as a string or an array, dropping whitespace-only sequences', () => {
    expect(ok({ stop: 'END' }).anthropic.stop_sequences).toEqual(['END']);
    expect(ok({ stop: ['a', 'b', '\n'] }).anthropic.stop_sequences).toEqual(['a', 'b']);
    expect(ok({ stop: '\n' }).anthropic.stop_sequences).toBeUndefined();
    expect(ok({ stop: null }).anthropic.stop_sequences).toBeUndefined();
  });
  it('maps user (or safety_identifier) to metadata.user_id', () => {
    expect(ok({ user: 'u-42' }).anthropic.metadata).toEqual({ user_id: 'u-42' });
    expect(ok({ safety_identifier: 'hash' }).anthropic.metadata).toEqual({ user_id: 'hash' });
  });
  it('sets stream and include_usage', () => {
    const plain = ok({});
    expect(plain.stream).toBe(false);
    expect(plain.anthropic.stream).toBeUndefined();
    const s = ok({ stream: true });
    expect([s.stream, s.includeUsage, s.anthropic.stream]).toEqual([true, false, true]);
    expect(ok({ stream: true, stream_options: { include_usage: true } }).includeUsage).toBe(true);
    expect(ok({ stream: false, stream_options: { include_usage: true } }).includeUsage).toBe(false);
  });
});

describe('tools', () => {
  const tools = [
    { type: 'function', function: { name: 'weather', description: 'Get weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    { type: 'function', function: { name: 'now' } },
  ];
  it('translates function tools to Claude tools', () => {
    expect(ok({ tools }).anthropic.tools).toEqual([
      { name: 'weather', description: 'Get weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
  });
  it('translates every tool_choice variant', () => {
    expect(ok({ tools, tool_choice: 'auto' }).anthropic.tool_choice).toEqual({ type: 'auto' });
    expect(ok({ tools, tool_choice: 'required' }).anthropic.tool_choice).toEqual({ type: 'any' });
    expect(ok({ tools, tool_choice: 'none' }).anthropic.tool_choice).toEqual({ type: 'none' });
    expect(ok({ tools, tool_choice: { type: 'function', function: { name: 'now' } } }).anthropic.tool_choice).toEqual({ type: 'tool', name: 'now' });
    expect(ok({ tools }).anthropic.tool_choice).toBeUndefined();
  });
  it('maps parallel_tool_calls:false to disable_parallel_tool_use', () => {
    expect(ok({ tools, parallel_tool_calls: false }).anthropic.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(ok({ tools, tool_choice: 'required', parallel_tool_calls: false }).anthropic.tool_choice).toEqual({
      type: 'any',
      disable_parallel_tool_use: true,
    });
    expect(ok({ tools, tool_choice: 'none', parallel_tool_calls: false }).anthropic.tool_choice).toEqual({ type: 'none' });
    expect(ok({ tools, parallel_tool_calls: true }).anthropic.tool_choice).toBeUndefined();
  });
  it('drops tool_choice without tools unless it forces a tool', () => {
    expect(ok({ tools: [], tool_choice: 'auto' }).anthropic.tool_choice).toBeUndefined();
    expect(ok({ tool_choice: 'none', parallel_tool_calls: false }).anthropic.tools).toBeUndefined();
    expect(fail({ ...base, tool_choice: 'required' }).error.error.param).toBe('tool_choice');
  });
  it('refuses custom tools and unsupported tool_choice types', () => {
    expect(fail({ ...base, tools: [{ type: 'custom', custom: { name: 'x' } }] }).error.error.param).toBe('tools[0].type');
    expect(fail({ ...base, tools, tool_choice: { type: 'allowed_tools', allowed_tools: {} } }).error.error.param).toBe('tool_choice');
    expect(fail({ ...base, tools, tool_choice: { type: 'function' } }).error.error.param).toBe('tool_choice.function');
  });
});

describe('refused parameters', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['n', { n: 2 }],
    ['logprobs', { logprobs: true }],
    ['top_logprobs', { top_logprobs: 3 }],
    ['audio', { audio: { voice: 'alloy', format: 'mp3' } }],
    ['modalities', { modalities: ['text', 'audio'] }],
    ['response_format.type', { response_format: { type: 'xml' } }],
    ['response_format.json_schema.schema', { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: 'nope' } } }],
    ['functions', { functions: [{ name: 'f', parameters: {} }] }],
    ['function_call', { function_call: 'auto' }],
    ['web_search_options', { web_search_options: {} }],
  ];
  it.each(cases)('refuses %s', (param, extra) => {
    const r = fail({ ...base, ...extra });
    expect(r.error.error.param).toBe(param);
    expect(r.error.error.message).toContain(`'${param}'`);
  });
  it('accepts modalities ["text"]', () => {
    ok({ modalities: ['text'] });
  });
});
