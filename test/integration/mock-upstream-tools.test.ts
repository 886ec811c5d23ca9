// npm run mock-upstream can be used to try tool use by hand: the example itself (a child process) behind the real
// proxy, driven by the official SDK, as JSON and as a stream: tools → a tool_use of the first tool with an input
// from its required properties; a tool_result → text quoting it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../fixtures/proxy-harness.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

const TOOLS: Anthropic.Tool[] = [
  {
    name: 'get_forecast',
    description: 'The forecast for a city',
    input_schema: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 3 }, units: { type: 'string', enum: ['celsius', 'fahrenheit'] }, hourly: { type: 'boolean' } },
      required: ['city', 'days', 'units'],
    },
  },
  { name: 'second_tool', input_schema: { type: 'object', properties: {} } },
];
const ASK: Anthropic.MessageCreateParamsNonStreaming = { model: 'claude-sonnet-4-5', max_tokens: 200, tools: TOOLS, messages: [{ role: 'user', content: 'Weather in Lyon?' }] };

describe('mock-upstream: tool use by hand', () => {
  let mock: ChildProcess;
  let h: Harness;
  beforeAll(async () => {
    mock = spawn(process.execPath, ['--import', 'tsx', 'examples/mock-upstream.ts', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`mock-upstream printed no URL: ${out}`)), 60_000);
      mock.stdout!.on('data', (d) => {
        out += d;
        const m = /base_url = "([^"]+)"/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    h = await startHarness({ upstreamUrl: url, config: { pool_settings: { min_size: 1 } } });
  }, 90_000);
  afterAll(async () => {
    await h?.close();
    mock?.kill('SIGTERM');
  });

  const followUp = (use: Anthropic.ToolUseBlock): Anthropic.MessageParam[] => [
    ...ASK.messages,
    { role: 'assistant', content: [use] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'Sunny, 24 degrees' }] },
  ];

  it('JSON: tool_use of the first tool with its required properties, then text quoting the tool_result', async () => {
    const client = h.client();
    const first = await client.messages.create(ASK);
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
    expect(use).toMatchObject({ name: 'get_forecast', input: { city: expect.any(String), days: 3, units: 'celsius' } });
    expect(Object.keys(use.input as object).sort()).toEqual(['city', 'days', 'units']);

    const second = await client.messages.create({ ...ASK, messages: followUp(use) });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content).toEqual([expect.objectContaining({ type: 'text', text: expect.stringContaining('Sunny, 24 degrees') })]);
  });

  it('streaming: the same, assembled by the SDK from the SSE events', async () => {
    const client = h.client();
    const first = await client.messages.stream(ASK).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
    expect(use.input).toEqual({ city: expect.any(String), days: 3, units: 'celsius' });

    const second = await client.messages.stream({ ...ASK, messages: followUp(use) }).finalMessage();
    expect((second.content[0] as Anthropic.TextBlock).text).toContain('Sunny, 24 degrees');
  });

  it('without tools it still answers with text', async () => {
    const { tools: _none, ...plain } = ASK;
    const answer = await h.client().messages.create(plain);
    expect(answer.stop_reason).not.toBe('tool_use');
    expect(answer.content[0]!.type).toBe('text');
  });
});
