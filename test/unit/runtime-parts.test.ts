// The runtime's build step alone: its pieces exist before anything listens or connects, and a finished
// request reaches the metrics (the recorder is made before the metrics, and told of them afterwards).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import log from 'electron-log/node';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../main/config/load.js';
import type { ElectronLogLike } from '../../main/logging/log-bus.js';
import { buildParts } from '../../main/runtime/parts.js';

function parts() {
  // No file anywhere (an empty folder as both cwd and home): the defaults (the pool is never started here).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-parts-'));
  const loaded = loadConfig({ cwd: dir, home: dir, env: {} });
  return buildParts({ loaded, logBase: log as unknown as ElectronLogLike, console: false, housekeepingMs: 0 });
}

describe('buildParts', () => {
  it('makes the pieces without starting the pool', () => {
    const p = parts();
    expect(p.pool.started).toBe(false);
    expect(p.requests.inFlight).toBe(0);
    expect(p.run).toMatch(/^[0-9a-f]{8}$/);
  });

  it('counts a finished request in the metrics', async () => {
    const p = parts();
    const trace = p.records.begin({ method: 'POST', path: '/v1/messages', route: 'anthropic', rawHeaders: [] });
    trace.end({ status: 429, error: { type: 'rate_limit_error', message: 'slow down' } });
    const text = await p.metrics.registry.metrics();
    expect(text).toContain('ccproxy_api_requests_total{route="anthropic",status_class="4xx",error_type="rate_limit_error"} 1');
  });
});
