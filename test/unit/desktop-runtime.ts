// A real runtime for the desktop tests: a temp .ccproxy.toml pointing at the fake upstream, quiet logging.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import log from 'electron-log/node';
import { loadConfig, type LoadedConfig } from '../../main/config/load.js';
import type { ElectronLogLike } from '../../main/logging/log-bus.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../main/runtime/runtime.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream/index.js';

export interface DesktopTestEnv {
  dir: string;
  cfgPath: string;
  upstream: FakeUpstream;
  load(): LoadedConfig;
  create(loaded?: LoadedConfig, extra?: Partial<RuntimeOptions>): Runtime;
  /** Stops every runtime made here, the upstream, and removes the temp folder. */
  cleanup(): Promise<void>;
}

export async function desktopTestEnv(opts: { port?: number; shutdownGrace?: number } = {}): Promise<DesktopTestEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-desktop-'));
  const upstream = await startFakeUpstream();
  const cfgPath = path.join(dir, '.ccproxy.toml');
  fs.writeFileSync(
    cfgPath,
    [
      '# kept by the save: a comment and a key the app does not manage',
      '[server]',
      `port = ${opts.port ?? 0}`,
      ...(opts.shutdownGrace !== undefined ? [`shutdown_grace = ${opts.shutdownGrace}`] : []),
      '',
      '[upstream]',
      `base_url = "${upstream.url}"`,
      '',
      '[pool_settings]',
      'min_size = 1',
      '',
    ].join('\n'),
  );
  const runtimes: Runtime[] = [];
  const load = () => loadConfig({ configPath: cfgPath, env: {}, home: dir, cwd: dir });
  return {
    dir,
    cfgPath,
    upstream,
    load,
    create(loaded = load(), extra = {}) {
      const runtime = createRuntime({ loaded, logBase: log as unknown as ElectronLogLike, console: false, ...extra });
      runtimes.push(runtime);
      return runtime;
    },
    async cleanup() {
      await Promise.all(runtimes.map((r) => r.stop().catch(() => {})));
      await upstream.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function until(cond: () => boolean, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
