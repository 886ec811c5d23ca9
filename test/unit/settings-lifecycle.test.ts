// The settings life cycle alone (RunningSettings), with a fake pool and no listener: what a save writes and
// puts into the running pieces, the runtime-only pooling switch, and that saves run one at a time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../main/config/load.js';
import type { PoolSettings } from '../../main/config/schema.js';
import type { Logger } from '../../main/logging/log-bus.js';
import { createSettingsLifecycle } from '../../main/runtime/settings-lifecycle.js';

function setup(reconfigureMs = 0) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-lifecycle-'));
  const file = path.join(dir, '.ccproxy.toml');
  fs.writeFileSync(file, '[pool_settings]\nmin_size = 0\nmax_size = 4\n');
  const loaded = loadConfig({ configPath: file, env: {}, cwd: dir, home: dir });
  const lines: string[] = [];
  const say = (m: unknown) => lines.push(typeof m === 'function' ? String(m()) : String(m));
  const log: Logger = { error: say, warn: say, info: say, debug: say };
  const applied: PoolSettings[] = [];
  let active = 0;
  let overlapped = false;
  const pool = {
    enabled: true,
    async reconfigure(next: PoolSettings) {
      overlapped ||= active > 0;
      active++;
      await new Promise((r) => setTimeout(r, reconfigureMs));
      applied.push(next);
      pool.enabled = next.enabled;
      active--;
    },
  };
  const settings = createSettingsLifecycle({
    initial: loaded,
    log,
    pool,
    logOutput: { setLevel() {}, setSecrets() {} },
    needsListener: () => false,
    openListener: () => Promise.reject(new Error('no listener in this test')),
    changed() {},
    isShuttingDown: () => false,
  });
  return { settings, file, applied, lines, overlapped: () => overlapped };
}

describe('RunningSettings', () => {
  it('a save writes the file and puts the new values into the pool', async () => {
    const { settings, file, applied } = setup();
    const r = await settings.save({ pool_settings: { max_size: 7 } });
    expect(r.ok).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toContain('max_size = 7');
    expect(applied.at(-1)?.max_size).toBe(7);
    expect(settings.current().config.pool_settings.max_size).toBe(7);
  });

  it('the pooling switch writes nothing, and going back to the configured value clears it', async () => {
    const { settings, file, applied } = setup();
    const before = fs.readFileSync(file, 'utf8');
    await settings.setPoolingRuntime(false);
    expect(applied.at(-1)?.enabled).toBe(false);
    expect(settings.poolSettings().enabled).toBe(false);
    expect(settings.current().config.pool_settings.enabled).toBe(true);
    await settings.setPoolingRuntime(true);
    expect(settings.poolSettings().enabled).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('a save that sets pool_settings.enabled ends the runtime-only switch', async () => {
    const { settings } = setup();
    await settings.setPoolingRuntime(false);
    await settings.save({ pool_settings: { enabled: true } });
    expect(settings.poolSettings().enabled).toBe(true);
  });

  it('saves started together run one after the other', async () => {
    const { settings, applied, overlapped } = setup(30);
    const results = await Promise.all([settings.save({ pool_settings: { max_size: 5 } }), settings.save({ pool_settings: { max_size: 6 } })]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(applied.map((p) => p.max_size)).toEqual([5, 6]);
    expect(overlapped()).toBe(false);
  });
});
