// Real OpenAI-speaking agents through the proxy's Responses route to the fake Anthropic upstream: the OpenAI Agents
// SDK's run() with one function tool, and the Codex CLI from npm running one shell tool round.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { Agent, run, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled, tool } from '@openai/agents';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../fixtures/proxy-harness.js';
import { anthropicSse } from '../fixtures/anthropic-sse.js';

/** The newest tool_result's text in an Anthropic request, or null when the last user turn has none. */
function lastToolResult(body: any): string | null {
  const last = body?.messages?.at(-1);
  const result = Array.isArray(last?.content) ? last.content.filter((b: any) => b.type === 'tool_result').at(-1) : undefined;
  if (!result) return null;
  return typeof result.content === 'string' ? result.content : (result.content ?? []).map((b: any) => b.text ?? '').join('');
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    config: { model_mapping: { 'gpt-5-codex': 'claude-sonnet-4-5', 'gpt-4.1': 'claude-haiku-4-5' } },
    // The "model" quotes the tool's output once it has one, so the final answer shows the round trip worked.
    upstream: { textForRequest: (body) => (lastToolResult(body) !== null ? `The tool said: ${lastToolResult(body)}` : 'No tool output yet.') },
  });
});
afterAll(() => h.close());

describe('@openai/agents', () => {
  it('run() with one function tool: the call goes out, the tool runs, its output comes back', async () => {
    setTracingDisabled(true); // no trace export to the internet
    setOpenAIAPI('responses');
    setDefaultOpenAIClient(new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'sk-ant-agents', maxRetries: 0 }));
    const calls: string[] = [];
    const weather = tool({
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: z.object({ location: z.string() }),
      execute: async ({ location }) => {
        calls.push(location);
        return `Sunny, 21C in ${location}`;
      },
    });
    h.upstream.enqueue({ kind: 'tool_use' });
    const agent = new Agent({ name: 'Weather', instructions: 'Answer with the weather.', model: 'gpt-4.1', tools: [weather] });
    const result = await run(agent, 'Weather in Paris?');
    expect(calls).toEqual(['Paris']);
    expect(result.finalOutput).toBe('The tool said: Sunny, 21C in Paris');
  });
});

describe('Codex CLI', () => {
  it('codex exec runs one shell tool round: tool_use → Codex runs it → tool_result → the final answer quotes it', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-codex-home-'));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-codex-work-'));
    fs.writeFileSync(
      path.join(home, 'config.toml'),
      [
        'model = "gpt-5-codex"',
        'model_provider = "ccproxy"',
        '[model_providers.ccproxy]',
        'name = "ccproxy"',
        `base_url = "${h.url}/v1"`,
        'wire_api = "responses"',
        'env_key = "CCPROXY_CODEX_KEY"',
        'request_max_retries = 0',
        'stream_max_retries = 0',
        '',
      ].join('\n'),
    );
    // The first turn (no tool output yet) is answered with a call of Codex's own shell tool.
    const marker = `codex-was-here-${process.pid}`;
    h.upstream.on('request', (rec) => {
      const body = rec.json as any;
      if (rec.url !== '/v1/messages' || lastToolResult(body) !== null || !Array.isArray(body?.tools)) return;
      const shell = body.tools.find((t: any) => t.name === 'exec_command' || t.name === 'shell' || t.name === 'shell_command');
      if (!shell) return;
      const input = shell.name === 'shell' ? { command: ['bash', '-lc', `echo ${marker}`] } : { cmd: `echo ${marker}` };
      h.upstream.enqueue({ kind: 'raw', status: 200, headers: ['content-type', 'text/event-stream'], body: anthropicSse.toolUse(String(body.model), shell.name, input) });
    });
    const before = h.upstream.requests.length;
    const bin = path.resolve('node_modules/.bin/codex');
    const child = spawn(bin, ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', 'Run the echo command, then tell me what it printed.'], {
      cwd: work,
      env: { ...process.env, CODEX_HOME: home, CCPROXY_CODEX_KEY: 'sk-ant-codex-dummy', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    // Bounded in time: killed by its PID if it has not finished.
    const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 150_000);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(timer);
    try {
      const turns = h.upstream.requests.slice(before).filter((r) => r.url === '/v1/messages');
      expect(turns.length, out).toBeGreaterThanOrEqual(2);
      const result = lastToolResult(turns.at(-1)!.json);
      expect(result, out).toContain(marker);
      expect(code, out).toBe(0);
      expect(out).toContain(`The tool said:`);
      expect(out).toContain(marker);
      // Keep the tool list Codex sent, for the bench's Codex-sized request (test/fixtures/codex-request.json).
      if (process.env.CCPROXY_CAPTURE_CODEX) fs.writeFileSync(process.env.CCPROXY_CAPTURE_CODEX, JSON.stringify(turns[0]!.json));
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);
});
