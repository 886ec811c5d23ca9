// `npm run serve` under a supervisor: `kill <npm pid>` (SIGTERM) must stop the proxy, not orphan it holding the
// port. Runs the real npm script (npm → its shell → scripts/serve.mjs, which is the proxy).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

describe('npm run serve and SIGTERM', () => {
  let proc: ChildProcess | undefined;
  let dir: string | undefined;
  afterAll(() => {
    if (proc?.exitCode === null) proc.kill('SIGKILL');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stopping npm stops the proxy: [SHUTDOWN] logged and the port freed', async () => {
    // Never let this test reinstall the shared node_modules (ensure-deps runs npm ci when the marker is stale).
    const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
    expect(fs.statSync(marker).mtimeMs, 'node_modules is older than package-lock.json: run npm ci first').toBeGreaterThanOrEqual(fs.statSync(path.join(ROOT, 'package-lock.json')).mtimeMs);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-serve-signal-'));
    const cfg = path.join(dir, 'ccproxy.toml');
    fs.writeFileSync(cfg, '[upstream]\nbase_url = "http://127.0.0.1:9"\n\n[pool_settings]\nenabled = false\n');
    let out = '';
    proc = spawn(npm, ['run', 'serve', '--', '--port', '0', '--config', cfg], { cwd: ROOT, env: { ...process.env, HOME: dir, CCPROXY_CONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const url = await waitFor('the listening line', () => /ccproxy listening on (http:\/\/\S+)/.exec(out)?.[1], 180_000);
    const port = Number(new URL(url).port);
    await waitFor('/health', async () => {
      const res = await request(`${url}/health`).catch(() => undefined);
      await res?.body.dump();
      return res?.statusCode === 200 ? true : undefined;
    }, 30_000);

    proc.kill('SIGTERM'); // the npm process itself, as a supervisor does
    await waitFor('[SHUTDOWN] in the log', () => (out.includes('[SHUTDOWN]') ? true : undefined), 20_000);
    await waitFor(`port ${port} to be free`, async () => ((await portIsFree(port)) ? true : undefined), 20_000);
    expect(out).toContain('[SHUTDOWN]');
  }, 240_000);
});
