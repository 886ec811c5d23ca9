// The screenshots of the Requests panes and the Logs view in docs/screenshots/ (not a test: run it with
// `node --import tsx test/e2e/pane-screenshots.ts` after a change to their look). Real traffic through the proxy
// to the fake upstream: successes, streams, a 429, a mapped OpenAI request, a warning in the log.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { buildRenderer } from '../../renderer/build.mjs';
import { launchChromium, openDashboard, startDashboardEnv } from './helpers.js';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

await buildRenderer();
const env = await startDashboardEnv({ extraToml: '[model_mapping]\n"gpt-4o" = "claude-haiku-4-5"\n' });
const browser = await launchChromium();
try {
  const client = new Anthropic({ baseURL: env.url, apiKey: 'sk-ant-screenshot-0001', maxRetries: 0 });
  const models = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1'];
  for (let i = 0; i < 36; i++) {
    const model = models[i % 3]!;
    if (i % 11 === 5) env.upstream.enqueue({ kind: 'error', status: 429, retryAfter: 4 });
    const body = { model, max_tokens: 64, messages: [{ role: 'user' as const, content: `question ${i}` }] };
    if (i % 2) await client.messages.stream(body).finalMessage().catch(() => {});
    else await client.messages.create(body).catch(() => {});
    if (i === 20) {
      await fetch(`${env.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-ant-screenshot-0001' }, body: JSON.stringify({ model: 'gpt-4o', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }) });
    }
  }
  env.runtime.logBus.logger.warn('[POOL] Possible leak: connection 3f9a1c has moved no data for 61 s (held by POST /v1/messages)');

  const { page } = await openDashboard(browser, env.url, { hash: 'requests' });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForSelector('#status-pill:has-text("Running")');
  await page.waitForSelector('#requests-body tr.request-row');
  await page.locator('#requests-body tr.request-row', { hasText: 'claude-sonnet-4-5' }).nth(1).click();
  await page.waitForSelector('#request-detail:not([hidden])');
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(OUT, 'requests-pane-1280.png') });

  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 800, height: 600 });
  await page.locator('#requests-body tr.request-row', { hasText: '429' }).first().locator('button.row-open').click();
  await page.waitForSelector('#request-detail:not([hidden])');
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(OUT, 'requests-overlay-800.png') });
  await page.keyboard.press('Escape');

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.click('#tab-logs');
  await page.waitForSelector('#log-list .log-line');
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(OUT, 'logs-light.png') });
  console.log(`screenshots in ${OUT}`);
} finally {
  await browser.close();
  await env.close();
}
