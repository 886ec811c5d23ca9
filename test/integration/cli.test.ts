// The headless CLI as a user runs it: a separate process, real signals, real ports.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE, postMessage } from '../fixtures/proxy-harness.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream/index.js';

const root = path.resolve(import.meta.dirname, '../..');
let home: string;

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (err += c));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exited };
}

async function waitFor(get: () => string, re: RegExp, ms = 15000): Promise<RegExpMatchArray> {
  const until = Date.now() + ms;
  for (;;) {
    const m = get().match(re);
    if (m) return m;
    if (Date.now() > until) throw new Error(`timed out waiting for ${re}; output so far:\n${get()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-cli-'));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('ccproxy CLI', () => {
  it('a port already in use gives one clear line naming the port and a non-zero exit', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const run = runCli(['--port', String(port)], { UPSTREAM__BASE_URL: 'http://127.0.0.1:9', POOL_SETTINGS__WARMUP_ON_STARTUP: 'false' });
      expect(await run.exited).toBe(1);
      const lines = run.err().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`\\[STARTUP\\] Port ${port} on 127\\.0\\.0\\.1 is already in use \\(another ccproxy, or another program\\)\\. Stop it, or pick another port: --port (\\d+), PORT=\\1, or \\[server\\] port in \\.ccproxy\\.toml\\.$`));
    } finally {
      blocker.close();
    }
  });

  it('an invalid setting stops it before listening, with the message and exit code 2', async () => {
    const run = runCli(['--port', '0'], { POOL_SETTINGS__MIN_SIZE: '50', POOL_SETTINGS__MAX_SIZE: '5' });
    expect(await run.exited).toBe(2);
    expect(run.err()).toContain('pool_settings.min_size = 50 (from environment variable POOL_SETTINGS__MIN_SIZE) is greater than pool_settings.max_size = 5 (from environment variable POOL_SETTINGS__MAX_SIZE)');
  });

  describe('graceful shutdown', () => {
    let upstream: FakeUpstream;
    beforeAll(async () => {
      upstream = await startFakeUpstream();
    });
    afterAll(() => upstream.close());

    it('SIGTERM lets an in-flight stream finish, refuses new work, and exits 0', async () => {
      const run = runCli(['--port', '0'], { UPSTREAM__BASE_URL: upstream.url });
      const [, url] = (await waitFor(run.out, /ccproxy listening on (http:\/\/127\.0\.0\.1:\d+)/))!;
      const gate = upstream.hold();
      upstream.enqueue({ kind: 'held' });
      const res = await postMessage(url, { ...MESSAGE, stream: true });
      await gate.reached;
      run.child.kill('SIGTERM');
      await waitFor(run.out, /\[SHUTDOWN\] Stopping/);
      const late = await fetch(`${url}/v1/models`, { headers: { 'x-api-key': 'k' } }).then((r) => r.status, () => 'refused');
      expect([503, 'refused']).toContain(late);
      gate.release();
      const body = await res.text();
      expect(body).toContain('event: message_stop');
      expect(await run.exited).toBe(0);
      expect(run.out()).toContain('[SHUTDOWN] ccproxy stopped');
    });

    it('Ctrl-C during a stream says a second one exits at once, and it does', async () => {
      const run = runCli(['--port', '0'], { UPSTREAM__BASE_URL: upstream.url });
      const [, url] = (await waitFor(run.out, /ccproxy listening on (http:\/\/127\.0\.0\.1:\d+)/))!;
      const gate = upstream.hold();
      upstream.enqueue({ kind: 'held' });
      const res = await postMessage(url, { ...MESSAGE, stream: true });
      await gate.reached;
      try {
        run.child.kill('SIGINT');
        await waitFor(run.out, /\[SHUTDOWN\] SIGINT received \(Ctrl-C again to exit at once\)/);
        run.child.kill('SIGINT');
        expect(await run.exited).toBe(130);
        expect(run.err()).toContain('ccproxy: SIGINT again, exiting now');
      } finally {
        gate.release();
        await res.text().catch(() => '');
      }
    });
  });
});
