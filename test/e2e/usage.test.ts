// The Usage view in headless Chromium after real traffic: bars drawn for the range, the table by model, client
// and session with the cache hit ratio, and "no price" marked for a model the price table does not know.
import Anthropic from '@anthropic-ai/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openDashboardSession, type DashboardEnv } from './helpers.js';

describe.skipIf(!hasChromium)('Usage view (headless Chromium)', () => {
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ env, browser, page } = await openDashboardSession());
    const client = new Anthropic({ baseURL: env.url, apiKey: 'sk-ant-usage-0001', maxRetries: 0 });
    for (let i = 0; i < 3; i++) await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: `hi ${i}` }] });
    env.upstream.enqueue({
      kind: 'raw',
      status: 200,
      headers: ['content-type', 'application/json'],
      body: JSON.stringify({ id: 'msg_u', type: 'message', role: 'assistant', model: 'claude-unpriced-1', content: [{ type: 'text', text: 'x' }], stop_reason: 'end_turn', usage: { input_tokens: 100, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 300 } }),
    });
    await client.messages.create({ model: 'claude-unpriced-1', max_tokens: 16, messages: [{ role: 'user', content: 'who prices me' }] });
    await page.click('#tab-usage');
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('draws the daily bars of tokens and cost', async () => {
    await page.waitForSelector('#usage-tokens-chart canvas');
    await page.waitForSelector('#usage-cost-chart canvas');
    expect(await page.locator('#usage-tokens-chart .u-legend .u-series').count()).toBe(5); // the x series and four kinds
    await page.click('button[data-range="30"]');
    await expect.poll(() => page.getAttribute('button[data-range="30"]', 'aria-pressed')).toBe('true');
    await page.waitForSelector('#usage-tokens-chart canvas');
  });

  it('lists models with the cache hit ratio, marks "no price", and switches to clients and sessions', async () => {
    const unpriced = page.locator('#usage-groups-body tr[data-key="claude-unpriced-1"]');
    await expect.poll(() => unpriced.count()).toBe(1);
    expect(await unpriced.locator('.no-price').textContent()).toBe('no price');
    expect(await unpriced.locator('td').nth(7).textContent()).toBe('75.0%'); // 300 reads of 400 input tokens
    const haiku = page.locator('#usage-groups-body tr[data-key="claude-haiku-4-5"]');
    expect(await haiku.locator('td').nth(1).textContent()).toBe('3');
    expect(await haiku.locator('td').nth(8).textContent()).toMatch(/^\$\d/);
    expect(await page.textContent('#usage-summary')).toMatch(/4 requests · \$[\d.]+ \(\+ 1 with no price\)/);
    await page.selectOption('#usage-group', 'client');
    await expect.poll(() => page.locator('#usage-groups-body tr[data-key="anthropic-sdk-js"]').count()).toBe(1);
  });
});
