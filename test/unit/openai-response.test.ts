import { describe, expect, it } from 'vitest';
import { mapStopReason, translateMessageResponse, type AnthropicMessage } from '../../main/proxy/openai/response.js';
import { toOpenAIModelList } from '../../main/proxy/openai/models.js';

const ctx = { requestedModel: 'gpt-4o', created: 1_700_000_000 };

describe('translateMessageResponse', () => {
  it('translates a text answer', () => {
    const msg: AnthropicMessage = {
      id: 'msg_01ABC',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'Hello' }, { type: 'text', text: ' world' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 12, output_tokens: 5 },
    };
    expect(translateMessageResponse(msg, ctx)).toEqual({
      id: 'chatcmpl-01ABC',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello world', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
    });
  });

  it('translates tool_use blocks into tool_calls with JSON string arguments, thinking into reasoning_content with its signature', () => {
    const msg: AnthropicMessage = {
      id: 'msg_2',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 's' },
        { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris', units: ['c'] } },
        { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 3, output_tokens: 4 },
    };
    const out = translateMessageResponse(msg, ctx);
    expect(out.choices[0].finish_reason).toBe('tool_calls');
    expect(out.choices[0].message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [
        { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris","units":["c"]}' } },
        { id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '{}' } },
      ],
      reasoning_content: 'hmm',
      thinking_blocks: [{ type: 'thinking', thinking: 'hmm', signature: 's' }],
    });
    // Round trip: the arguments parse back to the original input.
    expect(JSON.parse(out.choices[0].message.tool_calls![0].function.arguments)).toEqual({ city: 'Paris', units: ['c'] });
  });

  it('keeps the whole id when it has no msg_ prefix, and returns "" for an empty answer', () => {
    const out = translateMessageResponse({ id: 'abc', content: [], stop_reason: 'end_turn' }, ctx);
    expect(out.id).toBe('chatcmpl-abc');
    expect(out.choices[0].message.content).toBe('');
    expect(out.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  it('counts cache tokens as prompt tokens and reports cached reads', () => {
    const out = translateMessageResponse(
      {
        id: 'msg_3',
        content: [{ type: 'text', text: 'x' }],
        stop_reason: 'max_tokens',
        usage: { input_tokens: 10, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: 7 },
      },
      ctx,
    );
    expect(out.usage).toEqual({ prompt_tokens: 1110, completion_tokens: 7, total_tokens: 1117, prompt_tokens_details: { cached_tokens: 1000 } });
    expect(out.choices[0].finish_reason).toBe('length');
  });

  it('defaults created to now', () => {
    const before = Math.floor(Date.now() / 1000);
    const out = translateMessageResponse({ id: 'msg_x', content: [] }, { requestedModel: 'm' });
    expect(out.created).toBeGreaterThanOrEqual(before);
  });
});

describe('mapStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['stop_sequence', 'stop'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'stop'],
    ['model_context_window_exceeded', 'length'],
    ['something_new', 'stop'],
    [null, null],
    [undefined, null],
  ] as const)('%s → %s', (input, expected) => {
    expect(mapStopReason(input)).toBe(expected);
  });
});

describe('toOpenAIModelList', () => {
  it('converts the Anthropic list and appends mapped aliases', () => {
    const list = {
      data: [
        { type: 'model', id: 'claude-sonnet-4-5', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
        { type: 'model', id: 'claude-haiku-4-5', display_name: 'Claude Haiku 4.5', created_at: 'bad date' },
      ],
      has_more: false,
    };
    expect(toOpenAIModelList(list, { 'gpt-4o': 'claude-sonnet-4-5', 'gpt-x': 'claude-unknown', 'claude-haiku-4-5': 'claude-sonnet-4-5' })).toEqual({
      object: 'list',
      data: [
        { id: 'claude-sonnet-4-5', object: 'model', created: Date.parse('2025-09-29T00:00:00Z') / 1000, owned_by: 'anthropic' },
        { id: 'claude-haiku-4-5', object: 'model', created: 0, owned_by: 'anthropic' },
        { id: 'gpt-4o', object: 'model', created: Date.parse('2025-09-29T00:00:00Z') / 1000, owned_by: 'anthropic' },
        { id: 'gpt-x', object: 'model', created: 0, owned_by: 'anthropic' },
      ],
    });
  });
  it('survives a garbage upstream body', () => {
    expect(toOpenAIModelList('nope', { a: 'claude-b' }).data.map((m) => m.id)).toEqual(['a']);
    expect(toOpenAIModelList({ data: [null, { id: 3 }] }, {}).data).toEqual([]);
  });
});
