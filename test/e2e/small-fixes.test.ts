// The smaller points of the issue (the dashboard under load): Settings drops its load error once ccproxy is
// back, the model filter forgets models no longer held, and an answer cut off mid-stream shows its output
// tokens as unknown rather than 0.
import Anthropic from '@anthropic-ai/sdk';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium, openDashboard, startAgainOnSamePort, startDashboardEnv, until } from './helpers.js';

describe.skipIf(!hasChromium)('smaller dashboard fixes (headless Chromium)', () => {
  let browser: Browser;

  beforeAll(async () => {
    await buildRenderer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('Settings clears "Could not load the settings" when ccproxy is back', async () => {
    const env = await startDashboardEnv();
    const { page } = await openDashboard(browser, env.url, { hash: 'stats' });
    let again: Awaited<ReturnType<typeof startAgainOnSamePort>> | undefined;
    try {
      await page.waitForSelector('#status-pill:has-text("Running")');
      await env.runtime.stop();
      await page.waitForFunction(() => document.documentElement.dataset.connection === 'lost', undefined, { timeout: 10_000 });
      await page.click('#tab-settings'); // loads the settings again: nothing answers
      await expect.poll(() => page.textContent('.view-settings')).toContain('Could not load the settings');
      again = await startAgainOnSamePort(env);
      await expect.poll(() => page.textContent('#status-pill'), { timeout: 10_000 }).toContain('Running');
      await expect.poll(() => page.textContent('.view-settings')).not.toContain('Could not load the settings');
    } finally {
      await page.close();
      await again?.close();
      await env.close();
    }
  });

  it('the model filter offers only models of the requests held, and an aborted stream shows unknown output tokens', async () => {
    const env = await startDashboardEnv({ extraToml: '[logging]\nrequest_history = 2\n' });
    const { page, problems } = await openDashboard(browser, env.url, { hash: 'requests' });
    const client = new Anthropic({ baseURL: env.url, apiKey: 'sk-ant-e2e-small-0001', maxRetries: 0 });
    try {
      await page.waitForSelector('#status-pill:has-text("Running")');
      await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 8, messages: [{ role: 'user', content: 'a' }] });
      const options = () => page.locator('#req-model option').allTextContents();
      await expect.poll(options).toContain('claude-opus-4-1');
      for (let i = 0; i < 2; i++) await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: `b${i}` }] });
      await expect.poll(options).toEqual(['All models', 'claude-haiku-4-5']);

      // A stream the client leaves after the first events: the output count was never final.
      const hold = env.upstream.hold();
      env.upstream.enqueue({ kind: 'held' });
      const abort = new AbortController();
      const stream = client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 32, messages: [{ role: 'user', content: 'cut' }] }, { signal: abort.signal });
      stream.on('error', () => {});
      stream.on('abort', () => {});
      await new Promise((resolve) => stream.once('streamEvent', resolve)); // message_start, with its usage, has arrived
      abort.abort();
      const first = page.locator('#requests-body tr.request-row').first();
      await until(async () => (await (await fetch(`${env.url}/pool/stats`)).json()).requests_in_flight === 0, 8_000, 'the aborted stream to end');
      hold.release();
      await expect.poll(() => first.textContent(), { timeout: 8_000 }).toMatch(/\/ unknown$/);
      await first.locator('button.row-open').click();
      await expect.poll(() => page.textContent('[data-field="Output tokens"]')).toBe('unknown (the answer was cut off)');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await env.close();
    }
  });
});
