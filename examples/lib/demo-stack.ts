// A self-contained stack for the demo and the benchmark: the fake Anthropic upstream over TLS, behind a relay
// that delays each direction by half the RTT (so a new connection pays TCP + TLS round trips as it would to the
// real API), and the real proxy runtime in front of it. No API key, nothing leaves the machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import log from 'electron-log/node';
import { stringify } from 'smol-toml';
import { loadConfig } from '../../main/config/load.js';
import { createRuntime, type Runtime } from '../../main/runtime/runtime.js';
import { defaultPlugins } from '../../main/proxy/plugins.js';
import type { ElectronLogLike } from '../../main/logging/log-bus.js';
import { startFakeUpstream, type FakeUpstream } from '../../test/fixtures/fake-upstream/index.js';
import { TLS_CERT_PATH } from '../../test/fixtures/tls/paths.js';
import { startLatencyRelay, type LatencyRelay } from './latency-relay.js';

export interface DemoStack {
  proxyUrl: string;
  upstreamUrl: string;
  upstream: FakeUpstream;
  relay: LatencyRelay;
  runtime: Runtime;
  close(): Promise<void>;
}

export interface DemoOptions {
  rttMs: number;
  pool?: Record<string, unknown>;
  /** Extra [upstream] settings for the proxy (e.g. http2). */
  upstream?: Record<string, unknown>;
  /** The fake upstream also speaks HTTP/2. */
  upstreamHttp2?: boolean;
  /** Print the proxy's log lines to the console. */
  showLogs?: boolean;
}

export async function startDemoStack(opts: DemoOptions): Promise<DemoStack> {
  const upstream = await startFakeUpstream({ tls: true, http2: opts.upstreamHttp2 });
  const relay = await startLatencyRelay({ targetHost: '127.0.0.1', targetPort: upstream.port, rttMs: opts.rttMs, simulateTcpHandshake: true });
  const upstreamUrl = relay.url('https');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-demo-'));
  const configPath = path.join(dir, '.ccproxy.toml');
  fs.writeFileSync(
    configPath,
    stringify({
      server: { port: 0 },
      upstream: { base_url: upstreamUrl, ca_file: TLS_CERT_PATH, ...opts.upstream },
      pool_settings: { min_size: 2, max_size: 10, ...opts.pool },
    }),
  );
  const loaded = loadConfig({ configPath, env: {}, home: dir, cwd: dir });
  const runtime = createRuntime({ loaded, logBase: log as unknown as ElectronLogLike, console: !!opts.showLogs, plugins: defaultPlugins() });
  const { url } = await runtime.start();
  return {
    proxyUrl: url,
    upstreamUrl,
    upstream,
    relay,
    runtime,
    async close() {
      await runtime.stop();
      await relay.close();
      await upstream.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
