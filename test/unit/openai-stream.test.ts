import { describe, expect, it } from 'vitest';
import { ChatStreamTranslator } from '../../main/proxy/openai/stream.js';

type Ev = [string, any];

// Realistic Anthropic event sequences, as /v1/messages streams them.
const start = (id = 'msg_01XYZ'): Ev => [
  'message_start',
  {
    type: 'message_start',
    message: { id, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, usage: { input_tokens: 25, cache_read_input_tokens: 5, output_tokens: 1 } },
  },
];
const textEvents: Ev[] = [
  start(),
  ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
  ['ping', { type: 'ping' }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ', world' } }],
  ['content_block_stop', { type: 'content_block_stop', index: 0 }],
  ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 15 } }],
  ['message_stop', { type: 'message_stop' }],
];
const toolEvents: Ev[] = [
  start('msg_tools'),
  ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Two cities.' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } }],
  ['content_block_stop', { type: 'content_block_stop', index: 0 }],
  ['content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Checking both.' } }],
  ['content_block_stop', { type: 'content_block_stop', index: 1 }],
  ['content_block_start', { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_A', name: 'weather', input: {} } }],
  ['content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city": "Pa' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: 'ris"}' } }],
  ['content_block_stop', { type: 'content_block_stop', index: 2 }],
  ['content_block_start', { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_B', name: 'weather', input: {} } }],
  ['content_block_delta', { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '{"city":' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: ' "Rome"}' } }],
  ['content_block_stop', { type: 'content_block_stop', index: 3 }],
  ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 80 } }],
  ['message_stop', { type: 'message_stop' }],
];

function run(events: Ev[], includeUsage = false) {
  const t = new ChatStreamTranslator({ requestedModel: 'gpt-4o', includeUsage, created: 1_700_000_000 });
  const frames = events.flatMap(([name, data]) => t.push(name, data));
  frames.push(...t.finish());
  return { t, frames };
}

function parse(frames: string[]): any[] {
  for (const f of frames) expect(f).toMatch(/^data: .*\n\n$/s);
  return frames.filter((f) => f !== 'data: [DONE]\n\n').map((f) => JSON.parse(f.slice(6)));
}

/** Accumulates chunks the way the openai SDK's ChatCompletionStream does. */
function assemble(chunks: any[]) {
  let content = '';
  let role: string | undefined;
  let finish: string | null = null;
  const tools: Array<{ id?: string; type?: string; name: string; arguments: string }> = [];
  for (const c of chunks) {
    for (const choice of c.choices) {
      role ??= choice.delta.role;
      if (choice.delta.content) content += choice.delta.content;
      for (const tc of choice.delta.tool_calls ?? []) {
        const slot = (tools[tc.index] ??= { name: '', arguments: '' });
        if (tc.id) slot.id = tc.id;
        if (tc.type) slot.type = tc.type;
        if (tc.function?.name) slot.name += tc.function.name;
        if (tc.function?.arguments) slot.arguments += tc.function.arguments;
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  return { role, content, tools, finish };
}

describe('ChatStreamTranslator', () => {
  it('translates a text stream', () => {
    const { frames, t } = run(textEvents);
    expect(frames.at(-1)).toBe('data: [DONE]\n\n');
    const chunks = parse(frames);
    for (const c of chunks) {
      expect(c).toMatchObject({ id: 'chatcmpl-01XYZ', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o' });
      expect(c).not.toHaveProperty('usage');
    }
    expect(chunks.map((c) => c.choices[0])).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: ', world' }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' },
    ]);
    expect(assemble(chunks)).toEqual({ role: 'assistant', content: 'Hello, world', tools: [], finish: 'stop' });
    expect(t.done).toBe(true);
  });

  it('translates two tool calls, indexing them from 0; thinking as reasoning_content, then the block with its signature', () => {
    const chunks = parse(run(toolEvents).frames);
    const toolChunks = chunks.filter((c) => c.choices[0].delta.tool_calls);
    expect(toolChunks[0].choices[0].delta.tool_calls).toEqual([
      { index: 0, id: 'toolu_A', type: 'function', function: { name: 'weather', arguments: '' } },
    ]);
    expect(toolChunks[1].choices[0].delta.tool_calls).toEqual([{ index: 0, function: { arguments: '{"city": "Pa' } }]);
    expect(assemble(chunks)).toEqual({
      role: 'assistant',
      content: 'Checking both.',
      finish: 'tool_calls',
      tools: [
        { id: 'toolu_A', type: 'function', name: 'weather', arguments: '{"city": "Paris"}' },
        { id: 'toolu_B', type: 'function', name: 'weather', arguments: '{"city": "Rome"}' },
      ],
    });
    const reasoning = chunks.filter((c) => c.choices[0].delta.reasoning_content !== undefined).map((c) => c.choices[0].delta.reasoning_content);
    expect(reasoning).toEqual(['Two cities.']);
    const blocks = chunks.filter((c) => c.choices[0].delta.thinking_blocks).map((c) => c.choices[0].delta.thinking_blocks);
    expect(blocks).toEqual([[{ type: 'thinking', thinking: 'Two cities.', signature: 'sig' }]]);
  });

  it('sends "{}" for a tool called without arguments', () => {
    const events: Ev[] = [
      start(),
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_N', name: 'now', input: {} } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 3 } }],
    ];
    expect(assemble(parse(run(events).frames)).tools).toEqual([{ id: 'toolu_N', type: 'function', name: 'now', arguments: '{}' }]);
  });

  it('with includeUsage: usage null on every chunk, then a usage chunk with no choices', () => {
    const chunks = parse(run(textEvents, true).frames);
    const last = chunks.at(-1);
    for (const c of chunks.slice(0, -1)) expect(c.usage).toBeNull();
    expect(last).toEqual({
      id: 'chatcmpl-01XYZ',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'gpt-4o',
      choices: [],
      usage: { prompt_tokens: 30, completion_tokens: 15, total_tokens: 45, prompt_tokens_details: { cached_tokens: 5 } },
    });
  });

  it('a stream cut off before its stop reason ends with an error chunk and no [DONE]; finish() is idempotent', () => {
    const t = new ChatStreamTranslator({ requestedModel: 'm', includeUsage: false });
    t.push(...start());
    t.push('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } });
    const end = t.finish();
    expect(end).toEqual(['data: {"error":{"message":"The upstream stream ended before the answer was complete.","type":"server_error","code":null,"param":null}}\n\n']);
    expect(end.join('')).not.toContain('finish_reason');
    expect(t.finish()).toEqual([]);
    expect(t.push('message_stop', { type: 'message_stop' })).toEqual([]);
    expect(t.fail('late')).toEqual([]);
  });

  it('finish() does not repeat a finish_reason already sent', () => {
    const frames = run(textEvents).frames;
    expect(frames.filter((f) => f.includes('"finish_reason":"stop"'))).toHaveLength(1);
  });

  it('fail() ends the stream with an OpenAI error frame and no [DONE]', () => {
    const t = new ChatStreamTranslator({ requestedModel: 'm', includeUsage: true });
    t.push(...start());
    expect(t.fail('connection reset')).toEqual(['data: {"error":{"message":"connection reset","type":"server_error","code":null,"param":null}}\n\n']);
    expect(t.done).toBe(true);
    expect(t.fail('again')).toEqual([]);
    expect(t.finish()).toEqual([]);
  });

  it('an upstream error event becomes fail() with the mapped type', () => {
    const t = new ChatStreamTranslator({ requestedModel: 'm', includeUsage: false });
    t.push(...start());
    const frames = t.push('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(frames).toEqual(['data: {"error":{"message":"Overloaded","type":"server_error","code":null,"param":null}}\n\n']);
    expect(t.done).toBe(true);
  });

  it('emits the role chunk even if message_start is missing', () => {
    const t = new ChatStreamTranslator({ requestedModel: 'm', includeUsage: false });
    const chunks = parse(t.push('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } }));
    expect(chunks.map((c) => c.choices[0].delta)).toEqual([{ role: 'assistant', content: '' }, { content: 'x' }]);
    expect(chunks[0].id).toMatch(/^chatcmpl-/);
    expect(chunks[1].id).toBe(chunks[0].id);
  });
});
