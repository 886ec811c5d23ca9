// What a start needs, and nothing more (issue: ready in half a second):
//  - the built CLI (dist/main/cli.js, what `npm run serve` runs) serves /health and a first /v1/messages without
//    loading @anthropic-ai/sdk or the OpenAI translation: Node's module hooks (test/fixtures/module-recorder) list
//    every file it loaded, and esbuild's record of the build (dist/build-meta.json) says which files hold those;
//  - the first OpenAI request after start loads them and succeeds;
//  - the pool's warm-up never holds the listener back: /health answers while warm-up still waits on the upstream.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import log from 'electron-log/node';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../main/config/load.js';
import type { ElectronLogLike } from '../../main/logging/log-bus.js';
import { defaultPlugins } from '../../main/proxy/plugins.js';
import { createRuntime } from '../../main/runtime/runtime.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream/index.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'main', 'cli.js');
const RECORDER = pathToFileURL(path.join(ROOT, 'test', 'fixtures', 'module-recorder', 'register.mjs')).href;

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

async function until200(url: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await request(url);
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > end) throw new Error(`no 200 from ${url}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Output files of the bundle that hold any input matching `re` (from esbuild's metafile). */
function chunksHolding(re: RegExp): string[] {
  const meta = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', 'build-meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  return Object.entries(meta.outputs)
    .filter(([file, o]) => file.endsWith('.js') && Object.keys(o.inputs).some((i) => re.test(i)))
    .map(([file]) => path.join(ROOT, file));
}

// In written order, also under --sequence.shuffle: one CLI process serves both tests, and the first asserts what
// is NOT loaded yet, which the second (the first OpenAI request) then loads.
describe('the built CLI loads only what serving needs', { shuffle: false }, () => {
  let upstream: FakeUpstream;
  let dir: string;
  let proc: ChildProcess;
  let base: string;
  let recordFile: string;
  const loaded = () => new Set(fs.readFileSync(recordFile, 'utf8').split('\n').filter((u) => u.startsWith('file:')).map((u) => path.normalize(fileURLToPath(u))));

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'build-meta.json'))) {
      const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
    }
    upstream = await startFakeUpstream();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-start-path-'));
    recordFile = path.join(dir, 'modules.txt');
    const port = await freePort();
    const cfg = path.join(dir, 'ccproxy.toml');
    fs.writeFileSync(cfg, `[server]\nport = ${port}\n\n[upstream]\nbase_url = "${upstream.url}"\n\n[pool_settings]\nmin_size = 1\n`);
    proc = spawn(process.execPath, ['--import', RECORDER, CLI, '--config', cfg], { cwd: dir, env: { ...process.env, HOME: dir, CCPROXY_CONFIG: '', MODULE_RECORD_FILE: recordFile }, stdio: 'ignore' });
    base = `http://127.0.0.1:${port}`;
    await until200(`${base}/health`);
  }, 60_000);

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    await upstream?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves /health and a first /v1/messages without loading the SDK or the OpenAI modules', async () => {
    const res = await request(`${base}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'test', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    const heavy = chunksHolding(/node_modules\/@anthropic-ai\/sdk\/|^main\/proxy\/openai\/|^main\/proxy\/(openai-handlers|openai-upstream|responses-handler)\.ts$/);
    expect(heavy.length).toBeGreaterThan(0); // they exist in the bundle, each in a chunk of its own
    const now = loaded();
    expect(now.has(path.normalize(CLI))).toBe(true); // the recorder sees the app's files
    expect(heavy.filter((f) => now.has(f)).map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it('loads them for the first OpenAI request, which succeeds', async () => {
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'test', maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message.content).toBeTruthy();
    const handlers = chunksHolding(/^main\/proxy\/openai-handlers\.ts$/);
    expect(handlers.every((f) => loaded().has(f))).toBe(true);
  });
});

describe('the bundle keeps its source maps', () => {
  it('an error thrown in the bundle names main/… files and lines, as the entries turn source maps on', () => {
    const meta = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', 'build-meta.json'), 'utf8')) as { outputs: Record<string, { exports: string[] }> };
    const chunk = Object.entries(meta.outputs).find(([f, o]) => f.endsWith('.js') && o.exports.includes('createRuntime'))![0];
    expect(fs.existsSync(path.join(ROOT, `${chunk}.map`))).toBe(true); // beside the bundle
    // What dist/main/cli.js does first (source maps on), then a runtime built from nothing: it throws inside.
    const script = `process.setSourceMapsEnabled(true); const { createRuntime } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, chunk)).href)}); try { createRuntime({ loaded: null }); } catch (err) { console.log(err.stack); }`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stdout).toMatch(/at buildParts \(.*main[\\/]runtime[\\/]parts\.ts:\d+:\d+\)/);
  });
});

describe('warm-up never delays listening', () => {
  it('/health answers while the warm-up still waits on an upstream that never completes a handshake', async () => {
    // An upstream that accepts TCP and then says nothing: a TLS handshake to it waits for connect_timeout.
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-warmup-'));
    const cfg = path.join(dir, 'ccproxy.toml');
    fs.writeFileSync(cfg, `[server]\nport = 0\n\n[upstream]\nbase_url = "https://127.0.0.1:${(silent.address() as net.AddressInfo).port}"\nconnect_timeout = 20\n\n[pool_settings]\nmin_size = 2\n`);
    const runtime = createRuntime({ loaded: loadConfig({ configPath: cfg, env: {}, home: dir, cwd: dir }), logBase: log as unknown as ElectronLogLike, console: false, plugins: defaultPlugins() });
    let startSettled = false;
    const started = runtime.start().finally(() => (startSettled = true));
    try {
      // The listener is open as soon as app() has one; the warm-up has not finished (it waits 20 s).
      const end = Date.now() + 15_000;
      while (!runtime.app()?.server.listening) {
        if (Date.now() > end) throw new Error('never listened');
        await new Promise((r) => setTimeout(r, 10));
      }
      const address = runtime.app()!.server.address() as net.AddressInfo;
      const res = await request(`http://127.0.0.1:${address.port}/health`);
      expect(res.statusCode).toBe(200);
      await res.body.dump();
      expect(startSettled).toBe(false); // answered while warm-up was still under way
    } finally {
      await runtime.stop();
      await started.catch(() => {});
      silent.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
