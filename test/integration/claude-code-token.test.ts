// Claude Code itself against a proxy with [security] auth_token: without the token it fails at once with the
// proxy's message (x-should-retry: false; without it Claude Code retries silently for 40 s and more), and the proxy
// logs the refusal; with ANTHROPIC_CUSTOM_HEADERS='x-ccproxy-token: …' its requests go through.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../fixtures/proxy-harness.js';

const CLAUDE = fileURLToPath(new URL('../../node_modules/.bin/claude', import.meta.url));
const TOKEN = 'proxy-client-token-0123456789';

let h: Harness | null = null;
let home: string | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
  if (home) fs.rmSync(home, { recursive: true, force: true });
  home = null;
});

/** Runs `claude -p` against the proxy in an empty home, with everything but the API call switched off. */
function runClaude(baseUrl: string, extraEnv: Record<string, string>, killAfterMs: number): Promise<{ code: number | null; output: string; killed: boolean }> {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-claude-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: 'sk-ant-test-client-key-0001',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...extraEnv,
  };
  return new Promise((resolve) => {
    const child = spawn(CLAUDE, ['-p', 'hello'], { cwd: home!, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let killed = false;
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, killed });
    });
  });
}

describe.skipIf(!fs.existsSync(CLAUDE))('Claude Code and the client token', () => {
  it('without the token, Claude Code stops at once with the proxy\'s message, and the proxy logs it', async () => {
    h = await startHarness({ config: { security: { auth_token: TOKEN } } });
    // Well past "at once" (it took about 2 s here) and well short of the 40 s of silent retries it makes otherwise.
    const run = await runClaude(h.url, {}, 25_000);
    expect(run.killed).toBe(false);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('401');
    expect(run.output).toContain('x-ccproxy-token');
    const refusals = h.logs().filter((l) => l.startsWith('[SECURITY] Refused') && l.includes(': 401 token_refused: '));
    expect(refusals.length).toBe(1);
    expect(h.runtime.requests(100).filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1);
    expect(h.upstream.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  }, 60_000);

  it('with ANTHROPIC_CUSTOM_HEADERS carrying the token, its requests reach the upstream', async () => {
    h = await startHarness({ config: { security: { auth_token: TOKEN } } });
    const run = await runClaude(h.url, { ANTHROPIC_CUSTOM_HEADERS: `x-ccproxy-token: ${TOKEN}` }, 45_000);
    expect(run.output).not.toContain('x-ccproxy-token header');
    await eventually(() => expect(h!.upstream.requests.some((r) => r.method === 'POST' && r.url.startsWith('/v1/messages'))).toBe(true));
    expect(run.output).toContain('Hello from the fake upstream');
    expect(h.runtime.requests(100).filter((r) => r.path.startsWith('/v1/') && r.status === 401)).toHaveLength(0);
    // Its start-up check (HEAD /) does not carry ANTHROPIC_CUSTOM_HEADERS: refused, which Claude Code ignores.
  }, 60_000);
});
