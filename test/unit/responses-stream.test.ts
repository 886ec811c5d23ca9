import { describe, expect, it } from 'vitest';
import { translateResponsesRequest, type ResponsesContext } from '../../main/proxy/openai/responses-request.js';
import { translateResponse } from '../../main/proxy/openai/responses-response.js';
import { ResponsesStreamTranslator } from '../../main/proxy/openai/responses-stream.js';

type Ev = [string, any];

function ctxFor(body: Record<string, unknown> = {}): ResponsesContext {
  const r = translateResponsesRequest({ model: 'claude-sonnet-4-5', input: 'hi', ...body }, { mapping: {}, defaultMaxTokens: 4096, webSearch: false });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.ctx;
}

const start: Ev = ['message_start', { type: 'message_start', message: { id: 'msg_01A', usage: { input_tokens: 20, cache_read_input_tokens: 5, cache_creation_input_tokens: 0, output_tokens: 1 } } }];
const blockStart = (index: number, block: any): Ev => ['content_block_start', { type: 'content_block_start', index, content_block: block }];
const delta = (index: number, d: any): Ev => ['content_block_delta', { type: 'content_block_delta', index, delta: d }];
const stop = (index: number): Ev => ['content_block_stop', { type: 'content_block_stop', index }];
const end = (reason: string, output = 9): Ev[] => [
  ['message_delta', { type: 'message_delta', delta: { stop_reason: reason }, usage: { output_tokens: output, output_tokens_details: { thinking_tokens: 3 } } }],
  ['message_stop', { type: 'message_stop' }],
];

/** Runs events through a translator and parses the frames back into {event, data}. */
function run(events: Ev[], ctx = ctxFor(), finish = false): Array<{ event: string; data: any }> {
  const t = new ResponsesStreamTranslator(ctx, 1700000000);
  const frames = events.flatMap(([name, data]) => t.push(name, data));
  if (finish) frames.push(...t.finish());
  return frames.map((f) => {
    const m = /^event: (.+)\ndata: (.+)\n\n$/s.exec(f)!;
    expect(m, f).toBeTruthy();
    return { event: m[1], data: JSON.parse(m[2]) };
  });
}

const textEvents: Ev[] = [start, blockStart(0, { type: 'text', text: '' }), delta(0, { type: 'text_delta', text: 'Hel' }), delta(0, { type: 'text_delta', text: 'lo' }), stop(0), ...end('end_turn')];

describe('Responses stream events', () => {
  it('text: the full event sequence, each with its increasing sequence_number, ending completed with usage', () => {
    const out = run(textEvents);
    expect(out.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(out.map((e) => e.data.sequence_number)).toEqual(out.map((_, i) => i));
    expect(out.every((e) => e.data.type === e.event)).toBe(true);
    expect(out[0].data.response).toMatchObject({ id: 'resp_01A', status: 'in_progress', output: [] });
    expect(out[6].data.text).toBe('Hello');
    const done = out.at(-1)!.data.response;
    expect(done.status).toBe('completed');
    expect(done.output_text).toBe('Hello');
    expect(done.usage).toEqual({ input_tokens: 25, input_tokens_details: { cached_tokens: 5 }, output_tokens: 9, output_tokens_details: { reasoning_tokens: 3 }, total_tokens: 34 });
  });

  it('a namespaced function call: name and namespace mapped back, call id decoded, arguments streamed', () => {
    const ctx = ctxFor({ tools: [{ type: 'namespace', name: 'agents', tools: [{ type: 'function', name: 'spawn' }] }] });
    const out = run([start, blockStart(0, { type: 'tool_use', id: 'ccpx_Y2FsbDphYmMvMS4y', name: 'agents__spawn', input: {} }), delta(0, { type: 'input_json_delta', partial_json: '{"a":' }), delta(0, { type: 'input_json_delta', partial_json: '1}' }), stop(0), ...end('tool_use')], ctx);
    expect(out[2].data.item).toMatchObject({ type: 'function_call', name: 'spawn', namespace: 'agents', call_id: 'call:abc/1.2', arguments: '' });
    expect(out.filter((e) => e.event === 'response.function_call_arguments.delta').map((e) => e.data.delta)).toEqual(['{"a":', '1}']);
    expect(out.find((e) => e.event === 'response.function_call_arguments.done')!.data.arguments).toBe('{"a":1}');
    expect(out.find((e) => e.event === 'response.output_item.done')!.data.item).toMatchObject({ status: 'completed', arguments: '{"a":1}' });
    expect(out.at(-1)!.event).toBe('response.completed');
  });

  it('a custom tool call comes back with its raw string input', () => {
    const ctx = ctxFor({ tools: [{ type: 'custom', name: 'apply_patch' }] });
    const out = run([start, blockStart(0, { type: 'tool_use', id: 'toolu_1', name: 'apply_patch', input: {} }), delta(0, { type: 'input_json_delta', partial_json: '{"input":"*** Begin' }), delta(0, { type: 'input_json_delta', partial_json: ' Patch"}' }), stop(0), ...end('tool_use')], ctx);
    expect(out.find((e) => e.event === 'response.custom_tool_call_input.done')!.data.input).toBe('*** Begin Patch');
    expect(out.find((e) => e.event === 'response.output_item.done')!.data.item).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', call_id: 'toolu_1', input: '*** Begin Patch' });
  });

  it('thinking → reasoning summary deltas, and the signature kept as encrypted_content', () => {
    const out = run([start, blockStart(0, { type: 'thinking', thinking: '' }), delta(0, { type: 'thinking_delta', thinking: 'Let me see.' }), delta(0, { type: 'signature_delta', signature: 'SIG' }), stop(0), ...end('end_turn')]);
    expect(out.map((e) => e.event)).toContain('response.reasoning_summary_text.delta');
    expect(out.find((e) => e.event === 'response.reasoning_summary_text.delta')!.data.delta).toBe('Let me see.');
    expect(out.find((e) => e.event === 'response.output_item.done')!.data.item).toEqual({ type: 'reasoning', id: 'rs_01A_0', summary: [{ type: 'summary_text', text: 'Let me see.' }], encrypted_content: 'claude-thinking:SIG' });
  });

  it('structured output on the tool path streams the tool input as output_text', () => {
    const ctx = ctxFor({ model: 'claude-3-7-sonnet-20250219', text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' } } } });
    const out = run([start, blockStart(0, { type: 'tool_use', id: 'toolu_1', name: 'out', input: {} }), delta(0, { type: 'input_json_delta', partial_json: '{"n":' }), delta(0, { type: 'input_json_delta', partial_json: '2}' }), stop(0), ...end('tool_use')], ctx);
    expect(out.filter((e) => e.event === 'response.output_text.delta').map((e) => e.data.delta)).toEqual(['{"n":', '2}']);
    expect(out.at(-1)!.data.response.output_text).toBe('{"n":2}');
    expect(out.some((e) => e.event.includes('function_call'))).toBe(false);
  });

  it('max_tokens → response.incomplete with the reason', () => {
    const out = run([...textEvents.slice(0, 5), ...end('max_tokens')]);
    expect(out.at(-1)!.event).toBe('response.incomplete');
    expect(out.at(-1)!.data.response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  it('an upstream error event → response.failed then error, never completed', () => {
    const out = run([start, blockStart(0, { type: 'text', text: '' }), delta(0, { type: 'text_delta', text: 'Hel' }), ['error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]]);
    expect(out.slice(-2).map((e) => e.event)).toEqual(['response.failed', 'error']);
    expect(out.at(-2)!.data.response).toMatchObject({ status: 'failed', error: { message: 'Overloaded' } });
    expect(out.some((e) => e.event === 'response.completed')).toBe(false);
  });

  it('a stream that ends before message_stop (cut off) fails instead of completing', () => {
    const out = run(textEvents.slice(0, 5), ctxFor(), true);
    expect(out.slice(-2).map((e) => e.event)).toEqual(['response.failed', 'error']);
    expect(out.some((e) => e.event === 'response.completed')).toBe(false);
  });
});

describe('Responses non-streaming object', () => {
  it('output items, output_text, usage and status', () => {
    const ctx = ctxFor({ tools: [{ type: 'function', name: 'f' }] });
    const r = translateResponse(
      {
        id: 'msg_01B',
        content: [
          { type: 'thinking', thinking: 'T', signature: 'S' },
          { type: 'text', text: 'Calling.' },
          { type: 'tool_use', id: 'toolu_9', name: 'f', input: { x: 1 } },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 3, output_tokens: 4 },
      },
      ctx,
      1700000000,
    ) as any;
    expect(r).toMatchObject({ id: 'resp_01B', object: 'response', status: 'completed', output_text: 'Calling.', model: 'claude-sonnet-4-5', created_at: 1700000000 });
    expect(r.output.map((i: any) => i.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(r.output[2]).toMatchObject({ call_id: 'toolu_9', name: 'f', arguments: '{"x":1}' });
    expect(r.usage.total_tokens).toBe(7);
    expect(translateResponse({ id: 'msg_1', content: [{ type: 'text', text: 'a' }], stop_reason: 'max_tokens' }, ctx).status).toBe('incomplete');
  });

  it('structured output on the tool path: the forced tool input is the message text', () => {
    const ctx = ctxFor({ model: 'claude-3-7-sonnet-20250219', text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' } } } });
    const r = translateResponse({ id: 'msg_1', content: [{ type: 'tool_use', id: 'toolu_1', name: 'out', input: { n: 2 } }], stop_reason: 'tool_use' }, ctx) as any;
    expect(r.output).toEqual([expect.objectContaining({ type: 'message', content: [expect.objectContaining({ type: 'output_text', text: '{"n":2}' })] })]);
    expect(r.output_text).toBe('{"n":2}');
  });
});
