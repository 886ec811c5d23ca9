// The history as a user meets it, with the real CLI in its own process: a SIGKILL loses nothing that was done
// before it (1.5 s idle), and a history file that cannot be used (damaged, held by another ccproxy) turns history
// off with one ERROR line and /health saying why, while the proxy serves; --reset-history moves a damaged file
// aside (never deleting it) and begins a new one.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { MESSAGE } from '../fixtures/proxy-harness.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream/index.js';

const root = path.resolve(import.meta.dirname, '../..');
let home: string;
let upstream: FakeUpstream;
const children: ChildProcess[] = [];

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
  url: string;
}

async function start(args: string[] = []): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli.ts', '--port', '0', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: home, UPSTREAM__BASE_URL: upstream.url, POOL_SETTINGS__MIN_SIZE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (err += c));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const until = Date.now() + 20_000;
  let m: RegExpMatchArray | null = null;
  while (!(m = out.match(/ccproxy listening on (http:\/\/127\.0\.0\.1:\d+)/))) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`ccproxy did not start:\n${out}\n${err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, out: () => out, err: () => err, exited, url: m[1]! };
}

async function kill(run: Run, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  run.child.kill(signal);
  await run.exited;
}

const json = async (url: string) => (await fetch(url)).json() as Promise<any>;
const historyFile = () => path.join(home, '.ccproxy', 'history.db');

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(() => upstream.close());
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-history-cli-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(home, { recursive: true, force: true });
});

describe('history across restarts', () => {
  it('keeps every request made before a SIGKILL (after 1.5 s idle), with its tokens, client and cost', async () => {
    const first = await start();
    const client = new Anthropic({ baseURL: first.url, apiKey: 'sk-ant-test-0001', maxRetries: 0 });
    // The upstream's request-id of each answer, as the client saw it. Nothing reads the proxy's /requests before
    // the kill: a read writes the queue first, and the point is what the writer's own 100 ms batches saved.
    const requestIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      if (i % 2) {
        const { response } = await client.messages.create(MESSAGE).withResponse();
        requestIds.push(response.headers.get('request-id')!);
      } else {
        const stream = client.messages.stream(MESSAGE);
        await stream.finalMessage();
        requestIds.push(stream.request_id!);
      }
    }
    expect(new Set(requestIds).size).toBe(6);
    await new Promise((r) => setTimeout(r, 1500)); // idle, as the issue asks: no graceful stop, no final flush
    await kill(first);

    const second = await start();
    const after = await json(`${second.url}/requests?limit=100`);
    expect(after.history).toBe('on');
    expect(after.requests.map((r: any) => r.request_id)).toEqual([...requestIds].reverse());
    expect(after.requests.map((r: any) => r.stream)).toEqual([false, true, false, true, false, true]);
    expect(after.requests[0]).toMatchObject({ client: 'anthropic-sdk-js', model: 'claude-haiku-4-5', status: 200 });
    expect(after.requests[0].cost_usd).toBeGreaterThan(0);
    const usage = (await json(`${second.url}/usage?group_by=model`)).rows;
    expect(usage).toEqual([expect.objectContaining({ model: 'claude-haiku-4-5', requests: 6, errors: 0 })]);
    await kill(second, 'SIGTERM');
  });

  it('a damaged history file: one ERROR line, /health says history is off, the proxy serves; --reset-history moves it aside', async () => {
    fs.mkdirSync(path.dirname(historyFile()), { recursive: true });
    const garbage = Buffer.alloc(16_384, 0x42);
    fs.writeFileSync(historyFile(), garbage);
    const run = await start();
    // Errors and warnings go to stderr: the history's is one line there, and the only one.
    const errors = run.err().split('\n').filter(Boolean);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/\[HISTORY\] History is off: the history file is damaged.*--reset-history/);
    const health = await json(`${run.url}/health`);
    expect(health).toMatchObject({ status: 'ok', history: expect.stringMatching(/^off: the history file is damaged/) });
    const client = new Anthropic({ baseURL: run.url, apiKey: 'sk-ant-test-0001', maxRetries: 0 });
    expect((await client.messages.create(MESSAGE)).type).toBe('message');
    const page = await json(`${run.url}/requests`);
    expect(page.history).toMatch(/^off:/);
    expect(page.requests).toHaveLength(1); // this run's, from memory
    await kill(run, 'SIGTERM');
    expect(fs.readFileSync(historyFile())).toEqual(garbage); // never touched without the flag

    const reset = await start(['--reset-history']);
    expect((await json(`${reset.url}/health`)).history).toBe('on');
    const aside = fs.readdirSync(path.dirname(historyFile())).filter((f) => f.startsWith('history.db.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(path.dirname(historyFile()), aside[0]!))).toEqual(garbage);
    expect(reset.err()).toMatch(/\[HISTORY\] Moved the damaged history file aside to .*history\.db\.corrupt-/);
    await kill(reset, 'SIGTERM');
  });

  it('a second ccproxy on the same history file serves with history off: "in use by another ccproxy"', async () => {
    const first = await start();
    const second = await start();
    expect((await json(`${first.url}/health`)).history).toBe('on');
    const health = await json(`${second.url}/health`);
    expect(health.history).toMatch(/^off: the history file is in use by another ccproxy/);
    expect(second.err()).toMatch(/\[HISTORY\] History is off/);
    const client = new Anthropic({ baseURL: second.url, apiKey: 'sk-ant-test-0001', maxRetries: 0 });
    expect((await client.messages.create(MESSAGE)).type).toBe('message');
    await kill(second, 'SIGTERM');
    await kill(first, 'SIGTERM');
  });
});
