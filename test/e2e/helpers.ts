// Shared set-up for the dashboard tests: a fake upstream, a headless runtime on a temp .ccproxy.toml, the
// built renderer, and the system Chromium (never a downloaded one).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PoolStatsResponse } from '../../main/common/contract.js';
import { parse as parseToml } from 'smol-toml';
import { mergeLayers, type Layer } from '../../main/config/layers.js';
import type { Runtime } from '../../main/runtime/runtime.js';
import type { FakeUpstream } from '../fixtures/fake-upstream/index.js';
import { buildRenderer } from '../../renderer/build.mjs';
import { startHarness, type Harness } from '../fixtures/proxy-harness.js';

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
  const extra = opts.extraToml ? (parseToml(opts.extraToml) as Layer) : {};
  const h = await startHarness({ config: mergeLayers({ pool_settings: { min_size: 1, max_size: 4 } }, extra), env: opts.env });
  return { url: h.url, runtime: h.runtime, upstream: h.upstream, dir: h.dir, cfgPath: h.configPath, close: () => h.close() };
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

/** A page on the dashboard that records script errors and CSP violations (any is a failure). */
export async function openDashboard(
  browser: Browser,
  url: string,
  opts: { hash?: string; reducedMotion?: 'reduce' | 'no-preference'; bypassCSP?: boolean } = {},
): Promise<{ page: Page; problems: string[] }> {
  // bypassCSP only for the accessibility run: axe-core is injected as a script the page's policy would refuse.
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'light', reducedMotion: opts.reducedMotion ?? 'no-preference', bypassCSP: opts.bypassCSP ?? false });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  await page.goto(`${url}/ui/${opts.hash ? `#${opts.hash}` : ''}`);
  return { page, problems };
}

/** The usual start of a dashboard test: the renderer built, a runtime in front of the fake upstream, Chromium, a page. */
export async function openDashboardSession(opts: Parameters<typeof openDashboard>[2] = {}): Promise<{ env: DashboardEnv; browser: Browser; page: Page }> {
  await buildRenderer();
  const env = await startDashboardEnv();
  const browser = await launchChromium();
  const { page } = await openDashboard(browser, env.url, opts);
  return { env, browser, page };
}

/**
 * A second runtime on the port of the first, in front of the same upstream: what the page sees when ccproxy
 * is quit and started again (a new run id, log sequence numbers from 1). Close the returned harness too.
 */
export async function startAgainOnSamePort(env: DashboardEnv, extra: Layer = {}): Promise<Harness> {
  const port = Number(new URL(env.url).port);
  return startHarness({ upstreamUrl: env.upstream.url, config: mergeLayers({ server: { port }, pool_settings: { min_size: 1, max_size: 4 } }, extra) as Record<string, Record<string, unknown>> });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

const AXE_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', 'axe-core', 'axe.min.js');

/** axe-core on the page as it is now (open it with bypassCSP); the serious and critical violations, described for a failure message. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} (${n.failureSummary?.split('\n').slice(1).join(' ').trim()})`).join('; ')}`);
}

/** `n` real requests through the proxy with the official SDK, `concurrency` at a time (pooled connections: max_size 4). */
export async function sendRequests(url: string, n: number, concurrency = 4, tag = 'bulk'): Promise<void> {
  const { default: Anthropic } = await import('@anthropic-ai/sdk');
  const client = new Anthropic({ baseURL: url, apiKey: 'sk-ant-e2e-bulk-0001', maxRetries: 0 });
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: `${tag} ${i}` }] });
      }
    }),
  );
}

/** Ids of the request rows in the DOM right now, top to bottom. */
export function requestRowIds(page: Page): Promise<string[]> {
  return page.locator('#requests-body tr.request-row').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.id!));
}

/** The id of the request row the reader sees at the top of the table's window (under the sticky head). */
export function requestIdAtTop(page: Page, below = 5): Promise<string | null> {
  return page.evaluate((below) => {
    const box = document.getElementById('requests-scroll')!.getBoundingClientRect();
    const head = document.querySelector('#requests-table thead')!.getBoundingClientRect().height;
    return (document.elementFromPoint(box.left + 40, box.top + head + below)?.closest('tr') as HTMLElement | null)?.dataset.id ?? null;
  }, below);
}
