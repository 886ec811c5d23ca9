// Real tools through the proxy, as the history names them: the Codex CLI (codex exec over the Responses route)
// is recorded as client "codex" with its version and its session (its session-id header).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../fixtures/proxy-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ config: { model_mapping: { 'gpt-5-codex': 'claude-haiku-4-5' } } });
});
afterAll(() => h.close());

describe('history: who made the request', () => {
  it('codex exec: client "codex" with its version, and its session', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-codex-home-'));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-codex-work-'));
    fs.writeFileSync(
      path.join(home, 'config.toml'),
      ['model = "gpt-5-codex"', 'model_provider = "ccproxy"', '[model_providers.ccproxy]', 'name = "ccproxy"', `base_url = "${h.url}/v1"`, 'wire_api = "responses"', 'env_key = "CCPROXY_CODEX_KEY"', 'request_max_retries = 0', 'stream_max_retries = 0', ''].join('\n'),
    );
    const child = spawn(path.resolve('node_modules/.bin/codex'), ['exec', '--skip-git-repo-check', 'Say hello.'], {
      cwd: work,
      env: { ...process.env, CODEX_HOME: home, CCPROXY_CODEX_KEY: 'sk-ant-codex-dummy', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 120_000);
    await new Promise((resolve) => child.once('close', resolve));
    clearTimeout(timer);
    try {
      const page = await (await fetch(`${h.url}/requests?client=codex`)).json();
      expect(page.requests.length, out).toBeGreaterThanOrEqual(1);
      const r = page.requests[0];
      expect(r.user_agent, out).toMatch(/^codex_(exec|cli_rs)\//);
      expect(r.client_version).toMatch(/^\d+\.\d+\.\d+/);
      expect(r.session).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.route).toBe('responses');
      const bySession = (await (await fetch(`${h.url}/usage?group_by=session`)).json()).rows;
      expect(bySession.map((row: any) => row.session)).toContain(r.session);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 150_000);
});
