import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { translateResponsesRequest, type ResponsesTranslation } from '../../main/proxy/openai/responses-request.js';
import { EFFORT_BUDGETS } from '../../main/proxy/openai/thinking.js';

const settings = { mapping: { 'gpt-5-codex': 'claude-sonnet-4-5', 'gpt-5.1-codex': 'claude-sonnet-4-5', 'gpt-4o': 'claude-3-7-sonnet-20250219' }, defaultMaxTokens: 4096, webSearch: false };
const base = { model: 'gpt-5-codex', input: 'hi' };

function ok(body: Record<string, unknown>, s: Partial<typeof settings> = {}) {
  const r = translateResponsesRequest({ ...base, ...body }, { ...settings, ...s });
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r;
}
function fail(body: Record<string, unknown>, status = 400): Extract<ResponsesTranslation, { ok: false }> {
  const r = translateResponsesRequest({ ...base, ...body }, settings);
  if (r.ok) throw new Error(`expected failure, got ${JSON.stringify(r.anthropic)}`);
  expect(r.status).toBe(status);
  return r;
}
const a = (body: Record<string, unknown>, s?: Partial<typeof settings>) => ok(body, s).anthropic as any;

describe('input items', () => {
  it('a string input is one user message; instructions and developer/system messages are the system prompt', () => {
    const r = a({
      instructions: 'Be brief.',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Dev rules.' }] },
        { role: 'system', content: 'Sys rules.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Hello' }] },
      ],
    });
    expect(r.system).toEqual([{ type: 'text', text: 'Be brief.\n\nDev rules.\n\nSys rules.' }]);
    expect(r.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }]);
    expect(a({}).messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });

  it('images (http, data with image/jpg), files and assistant output text', () => {
    const r = a({
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_image', image_url: 'https://example.com/a.png' },
            { type: 'input_image', image_url: 'data:image/jpg;base64,AAAA' },
            { type: 'input_file', file_data: 'data:application/pdf;base64,JVBER', filename: 'a.pdf' },
          ],
        },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Seen.' }] },
      ],
    });
    expect(r.messages[0].content).toEqual([
      { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBER' } },
    ]);
    expect(r.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Seen.' }] });
  });

  it('function calls and outputs become tool_use/tool_result with ids Claude accepts, in one turn each', () => {
    const r = a({
      tools: [{ type: 'function', name: 'shell', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } }],
      input: [
        { role: 'user', content: 'run it' },
        { type: 'function_call', call_id: 'call:abc/1.2', name: 'shell', arguments: '{"cmd":"ls"}' },
        { type: 'function_call', call_id: 'call_ok-2', name: 'shell', arguments: '' },
        { type: 'function_call_output', call_id: 'call:abc/1.2', output: 'a.txt' },
        { type: 'function_call_output', call_id: 'call_ok-2', output: [{ type: 'input_text', text: 'b.txt' }] },
      ],
    });
    const [, assistant, results] = r.messages;
    expect(assistant.content.map((b: any) => b.id)).toEqual([expect.stringMatching(/^[a-zA-Z0-9_-]+$/), 'call_ok-2']);
    expect(assistant.content[0]).toMatchObject({ type: 'tool_use', name: 'shell', input: { cmd: 'ls' } });
    expect(assistant.content[1].input).toEqual({});
    expect(results.content).toEqual([
      { type: 'tool_result', tool_use_id: assistant.content[0].id, content: 'a.txt' },
      { type: 'tool_result', tool_use_id: 'call_ok-2', content: [{ type: 'text', text: 'b.txt' }] },
    ]);
  });

  it('custom tool calls carry their string input; their outputs are tool results', () => {
    const r = a({
      tools: [{ type: 'custom', name: 'apply_patch', description: 'Patch files' }],
      input: [
        { role: 'user', content: 'patch it' },
        { type: 'custom_tool_call', call_id: 'c1', name: 'apply_patch', input: '*** Begin Patch' },
        { type: 'custom_tool_call_output', call_id: 'c1', output: 'Done' },
      ],
    });
    expect(r.messages[1].content[0]).toEqual({ type: 'tool_use', id: 'c1', name: 'apply_patch', input: { input: '*** Begin Patch' } });
    expect(r.messages[2].content[0]).toEqual({ type: 'tool_result', tool_use_id: 'c1', content: 'Done' });
  });

  it("reasoning from Claude goes back as its thinking block with the signature; other reasoning is dropped", () => {
    const r = a({
      input: [
        { role: 'user', content: 'think' },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Hmm.' }], encrypted_content: 'claude-thinking:SIG123' },
        { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'claude-redacted:DATA' },
        { type: 'reasoning', id: 'rs_3', summary: [{ type: 'summary_text', text: 'x' }], encrypted_content: 'gAAAAopenai' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done.' }] },
      ],
    });
    expect(r.messages[1].content).toEqual([
      { type: 'thinking', thinking: 'Hmm.', signature: 'SIG123' },
      { type: 'redacted_thinking', data: 'DATA' },
      { type: 'text', text: 'Done.' },
    ]);
  });
});

describe('tools', () => {
  it('function tools keep strict, get type object filled in; namespaces are flattened to unique names', () => {
    const r = a({
      tools: [
        { type: 'function', name: 'f', description: 'F', parameters: { properties: { a: { type: 'string' } } }, strict: true },
        { type: 'namespace', name: 'ns', description: 'N', tools: [{ type: 'function', name: 'f', parameters: null }, { type: 'custom', name: 'g' }] },
      ],
    });
    expect(r.tools.map((t: any) => t.name)).toEqual(['f', 'ns__f', 'ns__g']);
    expect(r.tools[0]).toEqual({ name: 'f', description: 'F', input_schema: { type: 'object', properties: { a: { type: 'string' } } }, strict: true });
    expect(r.tools[1].input_schema).toEqual({ type: 'object', properties: {} });
    expect(r.tools[2].input_schema.required).toEqual(['input']);
  });

  it('a function call in history to a namespaced tool uses the flat name', () => {
    const r = a({
      tools: [{ type: 'namespace', name: 'agents', tools: [{ type: 'function', name: 'spawn' }] }],
      input: [{ role: 'user', content: 'go' }, { type: 'function_call', call_id: 'c', name: 'spawn', namespace: 'agents', arguments: '{}' }],
    });
    expect(r.messages[1].content[0].name).toBe('agents__spawn');
  });

  it('web_search is dropped with a note unless [openai] web_search is on, then it is the server tool', () => {
    const off = ok({ tools: [{ type: 'web_search', external_web_access: true }] });
    expect((off.anthropic as any).tools).toBeUndefined();
    expect(off.notes).toEqual(['tools[0]: web_search dropped ([openai] web_search is off)']);
    expect(a({ tools: [{ type: 'web_search' }] }, { webSearch: true }).tools).toEqual([{ type: 'web_search_20250305', name: 'web_search' }]);
  });

  it('tool_choice and parallel_tool_calls', () => {
    const tools = [{ type: 'function', name: 'f' }];
    expect(a({ tools, tool_choice: 'required' }).tool_choice).toEqual({ type: 'any' });
    expect(a({ tools, tool_choice: 'none' }).tool_choice).toEqual({ type: 'none' });
    expect(a({ tools, tool_choice: { type: 'function', name: 'f' } }).tool_choice).toEqual({ type: 'tool', name: 'f' });
    expect(a({ tools, parallel_tool_calls: false }).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(a({ tool_choice: 'auto' }).tool_choice).toBeUndefined();
  });

  it("Codex's real request translates: its tools are all there, namespace flattened, web_search dropped", () => {
    const codex = JSON.parse(fs.readFileSync(new URL('../fixtures/codex-request.json', import.meta.url), 'utf8'));
    const r = ok(codex);
    const anthropic = r.anthropic as any;
    expect(anthropic.tools.map((t: any) => t.name)).toContain('multi_agent_v1__spawn_agent');
    expect(anthropic.tools.map((t: any) => t.name)).toContain('exec_command');
    expect(anthropic.system[0].text).toContain('Codex');
    expect(anthropic.client_metadata).toBeUndefined();
    expect(anthropic.metadata).toBeUndefined();
    expect(anthropic.stream).toBe(true);
  });
});

describe('parameters', () => {
  it('max_output_tokens, temperature (clamped), top_p only without temperature, default max tokens', () => {
    expect(a({ max_output_tokens: 100, temperature: 1.5, top_p: 0.5 })).toMatchObject({ max_tokens: 100, temperature: 1 });
    expect(a({ top_p: 0.5 }).top_p).toBe(0.5);
    expect(a({}).max_tokens).toBe(4096);
    expect(a({}, { defaultMaxTokens: 1000 }).max_tokens).toBe(1000);
  });

  it('reasoning.effort → a thinking budget from the table, fitted under max_output_tokens; temperature dropped', () => {
    expect(a({ reasoning: { effort: 'high' }, temperature: 0.2 })).toMatchObject({ thinking: { type: 'enabled', budget_tokens: EFFORT_BUDGETS.high }, max_tokens: 4096 + 16384 });
    expect(a({ reasoning: { effort: 'high' } }).temperature).toBeUndefined();
    expect(a({ reasoning: { effort: 'medium' }, max_output_tokens: 5000 }).thinking).toEqual({ type: 'enabled', budget_tokens: 4999 });
    expect(a({ reasoning: { effort: 'low' }, max_output_tokens: 1000 }).thinking).toBeUndefined();
    expect(a({ reasoning: { effort: 'none' } }).thinking).toBeUndefined();
  });

  it('Claude 4.6 and later take adaptive thinking with output_config.effort (5.x refuses the budget form)', () => {
    expect(a({ model: 'claude-sonnet-4-6', reasoning: { effort: 'medium' } })).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'medium' }, max_tokens: 4096 + 8192 });
    expect(a({ model: 'claude-opus-5', reasoning: { effort: 'minimal' }, max_output_tokens: 3000 })).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'low' }, max_tokens: 3000 });
    const both = a({ model: 'claude-opus-4-7', reasoning: { effort: 'high' }, text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object' } } } });
    expect(both.output_config).toEqual({ format: { type: 'json_schema', schema: { type: 'object' } }, effort: 'high' });
    expect(a({ model: 'claude-haiku-4-5-20251001', reasoning: { effort: 'low' } }).thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(a({ model: 'claude-3-7-sonnet-20250219', reasoning: { effort: 'low' } }).thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
  });

  it('text.format json_schema: native output_config on Claude 4.5, a forced tool on older models', () => {
    const schema = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'], additionalProperties: false };
    const native = ok({ text: { format: { type: 'json_schema', name: 'num', schema } } });
    expect(native.structured).toBe('native');
    expect((native.anthropic as any).output_config).toEqual({ format: { type: 'json_schema', schema } });
    const tool = ok({ model: 'gpt-4o', text: { format: { type: 'json_schema', name: 'num', schema } }, reasoning: { effort: 'high' } });
    expect(tool.structured).toBe('tool');
    expect((tool.anthropic as any).tools).toEqual([expect.objectContaining({ name: 'num', input_schema: schema })]);
    expect((tool.anthropic as any).tool_choice).toEqual({ type: 'tool', name: 'num' });
    expect((tool.anthropic as any).thinking).toBeUndefined();
    expect(tool.ctx.outputTool).toBe('num');
    expect(ok({ text: { format: { type: 'json_object' } } }).structured).toBe('tool');
  });

  it('prompt_cache_key puts cache breakpoints on tools, system and the newest message; the key is not sent', () => {
    const r = a({ prompt_cache_key: 'k', instructions: 'S', tools: [{ type: 'function', name: 'f' }, { type: 'function', name: 'g' }] });
    expect(r.tools[1].cache_control).toEqual({ type: 'ephemeral' });
    expect(r.tools[0].cache_control).toBeUndefined();
    expect(r.system[0].cache_control).toEqual({ type: 'ephemeral' });
    expect(r.messages[0].content[0].cache_control).toEqual({ type: 'ephemeral' });
    expect(r.prompt_cache_key).toBeUndefined();
    expect(a({ instructions: 'S' }).system[0].cache_control).toBeUndefined();
  });

  it('metadata is never sent; user becomes metadata.user_id cut to 256 characters', () => {
    const r = a({ metadata: { a: 'b' }, client_metadata: { c: 'd' }, user: 'u'.repeat(300) });
    expect(r.metadata).toEqual({ user_id: 'u'.repeat(256) });
    expect(r.client_metadata).toBeUndefined();
  });
});

describe('refusals (400 with the field path, nothing sent)', () => {
  it('previous_response_id: stateless', () => {
    const r = fail({ previous_response_id: 'resp_1' });
    expect(r.error.error.param).toBe('previous_response_id');
    expect(r.error.error.message).toMatch(/stateless/);
  });
  it('an unknown item type', () => {
    const r = fail({ input: [{ role: 'user', content: 'x' }, { type: 'item_reference', id: 'x' }] });
    expect(r.error.error.param).toBe('input[1].type');
  });
  it('a tool without a name', () => {
    expect(fail({ tools: [{ type: 'function', parameters: {} }] }).error.error.param).toBe('tools[0].name');
    expect(fail({ tools: [{ type: 'namespace', name: 'n', tools: [{ type: 'function', name: '' }] }] }).error.error.param).toBe('tools[0].tools[0].name');
  });
  it('a schema that is not an object', () => {
    expect(fail({ tools: [{ type: 'function', name: 'f', parameters: { type: 'string' } }] }).error.error.param).toBe('tools[0].parameters');
    expect(fail({ tools: [{ type: 'function', name: 'f', parameters: [1] }] }).error.error.param).toBe('tools[0].parameters');
  });
  it('an image URL scheme other than http, https or data', () => {
    const r = fail({ input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'file:///etc/passwd' }] }] });
    expect(r.error.error.param).toBe('input[0].content[0].image_url');
  });
  it('an unmapped model: 404 model_not_found', () => {
    expect(fail({ model: 'gpt-9' }, 404).error.error.code).toBe('model_not_found');
  });
  it('arguments that are not a JSON object', () => {
    expect(fail({ input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: '[1]' }] }).error.error.param).toBe('input[0].arguments');
  });
});
