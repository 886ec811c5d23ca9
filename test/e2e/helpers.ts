// Shared set-up for the dashboard tests: a fake upstream, a headless runtime on a temp .ccproxy.toml, the
// built renderer, and the system Chromium (never a downloaded one).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import log from 'electron-log/node';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PoolStatsResponse } from '../../main/common/contract.js';
import { loadConfig } from '../../main/config/load.js';
import { defaultPlugins } from '../../main/proxy/plugins.js';
import { createRuntime, type Runtime } from '../../main/runtime.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream/index.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM_PATH);
export const SCREENSHOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-output', 'screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Root in a container needs --no-sandbox; the rest keeps Chromium from calling home at every start.
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface DashboardEnv {
  url: string;
  runtime: Runtime;
  upstream: FakeUpstream;
  dir: string;
  cfgPath: string;
  close(): Promise<void>;
}

export async function startDashboardEnv(opts: { extraToml?: string; env?: NodeJS.ProcessEnv } = {}): Promise<DashboardEnv> {
  const upstream = await startFakeUpstream();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-e2e-'));
  const cfgPath = path.join(dir, '.ccproxy.toml');
  fs.writeFileSync(cfgPath, `[server]\nport = 0\n[upstream]\nbase_url = "${upstream.url}"\n[pool_settings]\nmin_size = 1\nmax_size = 4\n${opts.extraToml ?? ''}`);
  const loaded = loadConfig({ configPath: cfgPath, env: opts.env ?? {}, home: dir, cwd: dir });
  const runtime = createRuntime({ loaded, logBase: log as never, console: false, plugins: defaultPlugins() });
  const { url } = await runtime.start();
  return {
    url,
    runtime,
    upstream,
    dir,
    cfgPath,
    async close() {
      await runtime.stop();
      await upstream.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function poolStats(url: string): Promise<PoolStatsResponse> {
  const res = await fetch(`${url}/pool/stats`);
  return (await res.json()) as PoolStatsResponse;
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Full-page screenshot in the given colour scheme, saved as test-output/screenshots/<name>-<scheme>.png. */
export async function screenshot(page: Page, name: string, scheme: 'light' | 'dark'): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.emulateMedia({ colorScheme: scheme });
  await page.waitForTimeout(1000); // the charts rebuild on the scheme change; card highlights fade
  const file = path.join(SCREENSHOT_DIR, `${name}-${scheme}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
