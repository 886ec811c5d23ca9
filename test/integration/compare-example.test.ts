// `npm run example:performance -- --compare` run for real, as a child process against a real runtime: however
// it ends (done, Ctrl-C during the unpooled half, stdout closed by `| head`) the server is pooled again, and no
// config file is written or created.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream/index.js';
import { startSettingsRuntime, type SettingsRuntime } from '../fixtures/settings-runtime.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(toml?: string): Promise<{ s: SettingsRuntime; upstream: FakeUpstream }> {
  const upstream = await startFakeUpstream();
  cleanups.push(() => upstream.close());
  const s = await startSettingsRuntime(
    toml === undefined
      ? { env: { SERVER__PORT: '0', UPSTREAM__BASE_URL: upstream.url, POOL_SETTINGS__MIN_SIZE: '0' } }
      : { toml: toml.replace('UPSTREAM', upstream.url) },
  );
  cleanups.push(() => s.close());
  return { s, upstream };
}

interface Run {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

function runExample(url: string, requests: number): Run {
  const env = { ...process.env };
  delete env.ANTHROPIC_API_KEY;
  delete env.ANTHROPIC_BASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/pool-performance-test.ts', '--url', url, '--compare', '--requests', String(requests)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Calls `then` once, at the moment the runtime's pooling goes off (the unpooled half begins). */
function whenUnpooled(s: SettingsRuntime, then: () => void): void {
  let done = false;
  const off = s.runtime.onStatus((status) => {
    if (done || status.pool_enabled) return;
    done = true;
    off();
    then();
  });
  cleanups.push(() => void off());
}

describe('the --compare example', () => {
  it('a complete run restores pooling and leaves the config file byte-identical', async () => {
    const toml = '# hand-made\n[server]\nport = 0\n[upstream]\nbase_url = "UPSTREAM"\n[pool_settings]\nmin_size = 0\n';
    const { s } = await setup(toml);
    const before = fs.readFileSync(s.configPath);
    const run = runExample(s.url, 3);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toMatch(/\| mode +\| median/);
    expect(run.stderr()).toContain('(server pooling restored to enabled)');
    expect(s.runtime.status().pool_enabled).toBe(true);
    expect(fs.readFileSync(s.configPath)).toEqual(before);
  }, 30_000);

  it('Ctrl-C during the unpooled half restores pooling and creates no config file', async () => {
    const { s, upstream } = await setup();
    const run = runExample(s.url, 200);
    whenUnpooled(s, () => {
      upstream.enqueue({ kind: 'delay', ms: 2_000 }); // the unpooled half is surely still running at the signal
      run.child.kill('SIGINT');
    });
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toContain('interrupted; restoring');
    expect(run.stderr()).toContain('(server pooling restored to enabled)');
    expect(s.runtime.status().pool_enabled).toBe(true);
    expect(fs.existsSync(s.configPath)).toBe(false);
    expect(s.logs()).toContain('[SETTINGS] Pooling disabled for this run only (not saved; the configured value is enabled = true)');
  }, 30_000);

  it('a closed stdout (| head) during the unpooled half restores pooling', async () => {
    const { s, upstream } = await setup();
    const run = runExample(s.url, 200);
    whenUnpooled(s, () => {
      upstream.enqueue({ kind: 'delay', ms: 200 });
      run.child.stdout!.destroy(); // what `| head` does once it has its lines
    });
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toContain('output closed; restoring');
    expect(s.runtime.status().pool_enabled).toBe(true);
    expect(fs.existsSync(s.configPath)).toBe(false);
  }, 30_000);
});
