// The official openai SDK's Responses API through the proxy and its pool to the fake Anthropic upstream.
import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../fixtures/proxy-harness.js';
import { anthropicSse } from '../fixtures/anthropic-sse.js';

let h: Harness;
let openai: OpenAI;
let prefixed: OpenAI;
// Answers JSON when the request asks for native structured output, as Claude would.
const textForRequest = (body: any) =>
  body?.output_config?.format ? JSON.stringify({ city: 'Paris', temperature: 18 }) : `Hello from the fake upstream. You said: ${lastText(body)}`;
function lastText(body: any): string {
  const last = body.messages.at(-1);
  return (last.content as any[]).filter((b) => b.type === 'text').map((b) => b.text).join(' ');
}

beforeAll(async () => {
  h = await startHarness({
    config: { model_mapping: { 'gpt-5-codex': 'claude-sonnet-4-5', 'gpt-4o': 'claude-3-5-haiku-20241022' } },
    upstream: { textForRequest },
  });
  openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'sk-ant-openai-client-1234', maxRetries: 0 });
  prefixed = new OpenAI({ baseURL: `${h.url}/openai/v1`, apiKey: 'sk-ant-openai-client-1234', maxRetries: 0 });
});
afterAll(() => h.close());

const weather = { type: 'function' as const, name: 'get_weather', description: 'Weather for a city', strict: false, parameters: { type: 'object', properties: { location: { type: 'string' } } } };
const records = async () => ((await (await fetch(`${h.url}/requests`)).json()) as { requests: any[] }).requests;
const sentSince = (n: number) => h.upstream.requests.slice(n).filter((r) => r.url === '/v1/messages');

describe('responses.create', () => {
  it('text: output, output_text, usage and status; instructions become the system prompt; a record with route responses', async () => {
    const before = h.upstream.requests.length;
    const res = await openai.responses.create({ model: 'gpt-5-codex', instructions: 'Be brief', input: 'Hi there', store: false });
    expect(res.object).toBe('response');
    expect(res.status).toBe('completed');
    expect(res.model).toBe('gpt-5-codex');
    expect(res.output_text).toBe('Hello from the fake upstream. You said: Hi there');
    expect(res.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
    expect(res.usage!.total_tokens).toBe(res.usage!.input_tokens + res.usage!.output_tokens);
    const [sent] = sentSince(before);
    expect(sent!.json).toMatchObject({ model: 'claude-sonnet-4-5', system: [{ type: 'text', text: 'Be brief' }], max_tokens: 4096 });
    await eventually(async () => {
      const rec = (await records()).find((r) => r.route === 'responses' && r.path === '/v1/responses' && r.status === 200);
      expect(rec).toMatchObject({ model: 'gpt-5-codex', mapped_model: 'claude-sonnet-4-5', stop_reason: 'end_turn', stream: false });
      expect(rec.usage.output_tokens).toBe(res.usage!.output_tokens);
    });
  });

  it('a function tool call comes back as a function_call item, and its output goes back as a tool_result', async () => {
    h.upstream.enqueue({ kind: 'tool_use' });
    const first = await prefixed.responses.create({ model: 'gpt-5-codex', tools: [weather], input: 'Weather in Paris?' });
    const call = first.output.find((i) => i.type === 'function_call') as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ name: 'get_weather', status: 'completed' });
    expect(JSON.parse(call.arguments)).toEqual({ location: 'Paris' });
    const before = h.upstream.requests.length;
    const second = await prefixed.responses.create({
      model: 'gpt-5-codex',
      tools: [weather],
      input: [{ role: 'user', content: 'Weather in Paris?' }, call, { type: 'function_call_output', call_id: call.call_id, output: '18°C, sunny' }],
    });
    expect(second.status).toBe('completed');
    const messages = (sentSince(before)[0]!.json as any).messages;
    expect(messages[1].content[0]).toMatchObject({ type: 'tool_use', id: call.call_id, name: 'get_weather' });
    expect(messages[2].content[0]).toEqual({ type: 'tool_result', tool_use_id: call.call_id, content: '18°C, sunny' });
  });

  it('structured output, native path (Claude 4.5): responses.parse gets the parsed object', async () => {
    const Weather = z.object({ city: z.string(), temperature: z.number() });
    const before = h.upstream.requests.length;
    const res = await openai.responses.parse({ model: 'gpt-5-codex', input: 'Weather?', text: { format: zodTextFormat(Weather, 'weather') } });
    expect(res.output_parsed).toEqual({ city: 'Paris', temperature: 18 });
    expect((sentSince(before)[0]!.json as any).output_config.format.type).toBe('json_schema');
  });

  it('structured output, tool path (older model): the forced tool input is the JSON text', async () => {
    h.upstream.enqueue({ kind: 'tool_use' });
    const before = h.upstream.requests.length;
    const res = await openai.responses.create({
      model: 'gpt-4o',
      input: 'Where?',
      text: { format: { type: 'json_schema', name: 'place', schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false }, strict: true } },
    });
    expect(JSON.parse(res.output_text)).toEqual({ location: 'Paris' });
    expect(res.output.map((i) => i.type)).toEqual(['message']);
    expect((sentSince(before)[0]!.json as any).tool_choice).toEqual({ type: 'tool', name: 'place' });
  });
});

describe('responses.stream', () => {
  it('text: the event sequence with sequence numbers, and the final response', async () => {
    const stream = openai.responses.stream({ model: 'gpt-5-codex', input: 'Stream please' });
    const types: string[] = [];
    const seqs: number[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      seqs.push(event.sequence_number);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    const final = await stream.finalResponse();
    expect(text).toBe('Hello from the fake upstream. You said: Stream please');
    expect(final.output_text).toBe(text);
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.at(-1)).toBe('response.completed');
    expect(seqs).toEqual(seqs.map((_, i) => i));
  });

  it('tools: function_call_arguments deltas and a done item', async () => {
    h.upstream.enqueue({ kind: 'tool_use' });
    const stream = prefixed.responses.stream({ model: 'gpt-5-codex', tools: [weather], input: 'Weather?' });
    let args = '';
    for await (const event of stream) if (event.type === 'response.function_call_arguments.delta') args += event.delta;
    const final = await stream.finalResponse();
    expect(JSON.parse(args)).toEqual({ location: 'Paris' });
    expect(final.output.find((i) => i.type === 'function_call')).toMatchObject({ name: 'get_weather', arguments: args });
  });

  it('thinking: reasoning summary deltas, and encrypted_content goes back as the thinking block with its signature', async () => {
    h.upstream.enqueue({ kind: 'raw', status: 200, headers: ['content-type', 'text/event-stream'], body: anthropicSse.thinkingThenText('claude-sonnet-4-5', 'Let me think.', 'SIG-abc', 'Done.') });
    const stream = openai.responses.stream({ model: 'gpt-5-codex', input: 'Think', reasoning: { effort: 'low', summary: 'auto' }, include: ['reasoning.encrypted_content'] });
    let summary = '';
    for await (const e of stream) if (e.type === 'response.reasoning_summary_text.delta') summary += e.delta;
    const final = await stream.finalResponse();
    expect(summary).toBe('Let me think.');
    expect(final.output_text).toBe('Done.');
    const reasoning = final.output.find((i) => i.type === 'reasoning') as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.encrypted_content).toBe('claude-thinking:SIG-abc');
    const before = h.upstream.requests.length;
    await openai.responses.create({
      model: 'gpt-5-codex',
      reasoning: { effort: 'low' },
      input: [{ role: 'user', content: 'Think' }, reasoning, ...final.output.filter((i) => i.type === 'message'), { role: 'user', content: 'Again' }] as OpenAI.Responses.ResponseInput,
    });
    const sent = sentSince(before)[0]!.json as any;
    expect(sent.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(sent.messages[1].content).toEqual([{ type: 'thinking', thinking: 'Let me think.', signature: 'SIG-abc' }, { type: 'text', text: 'Done.' }]);
  });

  it('a stream the upstream breaks ends with response.failed and error, never completed', async () => {
    h.upstream.enqueue({ kind: 'disconnect_mid_stream' });
    const res = await fetch(`${h.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: JSON.stringify({ model: 'gpt-5-codex', input: 'Cut me off', stream: true }),
    });
    const body = await res.text();
    const events = [...body.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(events.slice(-2)).toEqual(['response.failed', 'error']);
    expect(events).not.toContain('response.completed');
    h.upstream.enqueue({ kind: 'stream_error' });
    const sdkStream = openai.responses.stream({ model: 'gpt-5-codex', input: 'again' });
    await expect(sdkStream.finalResponse()).rejects.toThrow();
  });
});

describe('refusals and errors', () => {
  it('bad input: 400 with the field path, nothing sent upstream, a record that says why, x-request-id', async () => {
    const before = h.upstream.requests.length;
    const res = await fetch(`${h.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5-codex', input: [{ type: 'mystery_item' }] }),
    });
    expect(res.status).toBe(400);
    const id = res.headers.get('x-request-id');
    expect(id).toBeTruthy();
    const body = (await res.json()) as any;
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'input[0].type' });
    expect(h.upstream.requests.length).toBe(before);
    const rec = (await records()).find((r) => r.id === id);
    expect(rec).toMatchObject({ route: 'responses', status: 400, error_type: 'invalid_request_error' });
    expect(rec.error_message).toContain('input[0].type');
    expect(h.logs().some((l) => l.startsWith('[API] POST /v1/responses → 400 invalid_request_error'))).toBe(true);
  });

  it('previous_response_id: a clear 400 from the SDK', async () => {
    const err = await openai.responses.create({ model: 'gpt-5-codex', input: 'x', previous_response_id: 'resp_1' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toMatch(/stateless/);
  });

  it('an upstream 429 reaches the SDK as a RateLimitError', async () => {
    h.upstream.enqueue({ kind: 'error', status: 429 });
    const err = await openai.responses.create({ model: 'gpt-5-codex', input: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
  });
});
