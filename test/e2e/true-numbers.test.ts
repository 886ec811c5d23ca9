// True numbers (issue: the dashboard under load): the reuse rate counts requests served on an existing
// connection ÷ requests, so the pool's warm-up is neither a hit nor a miss; and the failure panel shows every
// failure class the runtime counts, as it counts them.
import Anthropic from '@anthropic-ai/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium, openDashboard, poolStats, sendRequests, startDashboardEnv, until, type DashboardEnv } from './helpers.js';

describe.skipIf(!hasChromium)('true numbers on the Stats view (headless Chromium)', () => {
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    await buildRenderer();
    env = await startDashboardEnv(); // min_size 1: the pool warms one connection up at start
    await until(async () => (await poolStats(env.url)).stats.connections_created >= 1, 10_000, 'the warm-up connection');
    browser = await launchChromium();
    ({ page, problems } = await openDashboard(browser, env.url));
    await page.waitForSelector('#status-pill:has-text("Running")');
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('reuse rate after a warm-up: none before the first request, 100% when every request reused a connection', async () => {
    // A proxy and a page of its own: the rate is read from its first request on, whatever ran before.
    const env = await startDashboardEnv(); // min_size 1: the pool warms one connection up at start
    await until(async () => (await poolStats(env.url)).stats.connections_created >= 1, 10_000, 'the warm-up connection');
    const { page } = await openDashboard(browser, env.url);
    try {
      await page.waitForSelector('#status-pill:has-text("Running")');
      const before = await poolStats(env.url);
      expect(before.reuse_rate).toBeNull(); // the warm-up is not a miss
      await expect.poll(() => page.textContent('#stat-reuse_rate')).toBe('–');

      await sendRequests(env.url, 10, 1); // one at a time: each finds the warm connection idle
      const { requests } = (await (await fetch(`${env.url}/requests?limit=10`)).json()) as { requests: Array<{ connection_reused: boolean }> };
      expect(requests.every((r) => r.connection_reused)).toBe(true); // every row says "reused"…
      expect((await poolStats(env.url)).reuse_rate).toBe(1); // …and so does the rate
      await expect.poll(() => page.textContent('#stat-reuse_rate')).toBe('100%');

      // Two at once: the second needs a new connection, a miss: 10 of 12 reused (83%).
      await sendRequests(env.url, 2, 2, 'pair');
      const s = await poolStats(env.url);
      const reused = ((await (await fetch(`${env.url}/requests?limit=12`)).json()) as { requests: Array<{ connection_reused: boolean }> }).requests.filter((r) => r.connection_reused).length;
      expect(s.reuse_rate).toBe(Math.round((reused / 12) * 1000) / 1000);
      await expect.poll(() => page.textContent('#stat-reuse_rate')).toBe(`${Math.round((reused / 12) * 100)}%`);
    } finally {
      await page.close();
      await env.close();
    }
  }, 60_000);

  it('the failure panel shows every class the runtime counts, with its count', async () => {
    const client = new Anthropic({ baseURL: env.url, apiKey: 'sk-ant-e2e-numbers-0001', maxRetries: 0 });
    env.upstream.enqueue({ kind: 'error', status: 429 });
    await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'limited' }] }).catch(() => {});
    env.upstream.enqueue({ kind: 'error', status: 500 });
    await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'broken' }] }).catch(() => {});
    // A client that goes away before the answer.
    const hold = env.upstream.hold();
    env.upstream.enqueue({ kind: 'held' });
    const abort = new AbortController();
    const gone = client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'gone' }] }, { signal: abort.signal }).catch(() => {});
    await hold.reached;
    abort.abort();
    await gone;
    hold.release();
    // Whatever class the runtime files the abort under (its one failure definition), the panel shows it.
    await until(async () => (await poolStats(env.url)).requests_in_flight === 0, 10_000, 'the aborted request to end');

    const classes = Object.entries((await poolStats(env.url)).errors.by_status_class).filter(([k]) => k !== '2xx');
    await expect
      .poll(async () => Object.fromEntries(await Promise.all(classes.map(async ([k]) => [k, await page.textContent(`#errors-${k}`)] as const))))
      .toEqual(Object.fromEntries(classes.map(([k, n]) => [k, n.toLocaleString('en-US')])));
    for (const [k] of classes) expect(await page.locator(`#errors-classes tr[data-class="${k}"] th`).textContent()).not.toBe('');
  });

  it('produced no script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
