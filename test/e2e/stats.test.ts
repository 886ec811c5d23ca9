// Stats in headless Chromium after real traffic through the proxy, a 429 from the fake upstream among it:
// reuse and error rate first, rate-limit headroom from the upstream's headers, failures by class, and latency
// cards that say what they cover.
import Anthropic from '@anthropic-ai/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openDashboardSession, poolStats, type DashboardEnv } from './helpers.js';

describe.skipIf(!hasChromium)('Stats view (headless Chromium)', () => {
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ env, browser, page } = await openDashboardSession());
    await page.waitForSelector('#status-pill:has-text("Running")');
    const client = new Anthropic({ baseURL: env.url, apiKey: 'sk-ant-stats-0001', maxRetries: 0 });
    for (let i = 0; i < 3; i++) await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: `hi ${i}` }] });
    env.upstream.enqueue({ kind: 'error', status: 429, retryAfter: 9 });
    await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'limited' }] }).catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('puts the reuse rate and the error rate first, as the runtime counts them', async () => {
    await expect.poll(() => page.textContent('#stat-error_rate')).toBe('25%'); // 1 of 4 finished requests
    const s = await poolStats(env.url);
    expect(await page.textContent('#stat-reuse_rate')).toBe(`${Math.round(s.reuse_rate! * 100)}%`);
    // Above the fold: both in the first group, visible without scrolling.
    const firstGroup = page.locator('.stat-group').first();
    expect(await firstGroup.locator('#stat-reuse_rate').count()).toBe(1);
    expect(await firstGroup.locator('#stat-error_rate').count()).toBe(1);
    for (const id of ['#stat-reuse_rate', '#stat-error_rate', '#rate-limits']) {
      expect(await page.evaluate((sel) => document.querySelector(sel)!.getBoundingClientRect().bottom <= window.innerHeight, id)).toBe(true);
    }
  });

  it('shows rate-limit headroom from the upstream headers and the last retry-after', async () => {
    // The 429 came last: the fake upstream sets requests-remaining to 0 on it.
    await expect.poll(() => page.textContent('#ratelimit-requests')).toBe('0 of 4,000 left');
    expect(await page.getAttribute('.gauge:has(#ratelimit-requests)', 'data-level')).toBe('low');
    expect(await page.textContent('#ratelimit-tokens')).toBe('400,000 of 400,000 left');
    expect(await page.textContent('#ratelimit-input_tokens')).toBe('not reported');
    expect(await page.textContent('.gauge:has(#ratelimit-requests) .gauge-reset')).toMatch(/resets in \d/);
    expect(await page.textContent('#ratelimit-retry')).toMatch(/Last retry-after: 9 s, at \d\d:\d\d:\d\d/);
  });

  it('counts failures by status class and type', async () => {
    await expect.poll(() => page.textContent('#errors-4xx')).toBe('1');
    expect(await page.textContent('#errors-5xx')).toBe('0');
    expect(await page.textContent('#error-types')).toContain('rate_limit_error 1');
  });

  it('says what the latency cards cover: successful requests, last 1,000, and failures apart', async () => {
    await expect.poll(() => page.textContent('[data-stat="latency_p50"] .stat-hint')).toBe('successful requests, last 1,000');
    expect(await page.textContent('.view-stats')).not.toMatch(/over \d+ requests/);
    await expect.poll(() => page.textContent('#stat-error_latency_p50')).toMatch(/\d/);
    expect(await page.textContent('[data-stat="error_latency_p50"] .stat-hint')).toBe('failures, timed apart');
  });

  it('shows usage by model as GET /usage counts it', async () => {
    const usage = (await (await fetch(`${env.url}/usage`)).json()) as { models: Record<string, { requests: number; errors: number; input_tokens: number; output_tokens: number }> };
    const haiku = usage.models['claude-haiku-4-5']!;
    expect(haiku.requests).toBe(4);
    const row = page.locator('#usage-body tr[data-model="claude-haiku-4-5"]');
    await expect.poll(() => row.count(), { timeout: 6_000 }).toBe(1);
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 5)).toEqual(['claude-haiku-4-5', '4', '1', haiku.input_tokens.toLocaleString('en-US'), haiku.output_tokens.toLocaleString('en-US')]);
  });
});
