// `npm run screenshots`: every dashboard view in light and dark, after a little traffic, as PNGs in
// test-output/screenshots/. A script, not a test: it asserts nothing, it makes pictures to look at.
import Anthropic from '@anthropic-ai/sdk';
import { buildRenderer } from '../renderer/build.mjs';
import { CHROMIUM_PATH, hasChromium, launchChromium, openDashboard, screenshot, startDashboardEnv, until } from '../test/e2e/helpers.js';

if (!hasChromium) {
  console.error(`screenshots: ${CHROMIUM_PATH} not found (apt-get install -y chromium)`);
  process.exit(1);
}

await buildRenderer();
const env = await startDashboardEnv({ env: { POOL_SETTINGS__HEALTH_CHECK_INTERVAL: '30' } });
const browser = await launchChromium();
try {
  const { page } = await openDashboard(browser, env.url);
  await page.setViewportSize({ width: 1360, height: 900 });
  await page.waitForSelector('#status-pill:has-text("Running")');
  const client = new Anthropic({ baseURL: env.url, apiKey: 'test-key', maxRetries: 0 });
  // Traffic spread over a few seconds, so the charts have a shape.
  for (let i = 0; i < 6; i++) {
    await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 32, messages: [{ role: 'user', content: `more ${i}` }] });
    await new Promise((r) => setTimeout(r, 600));
  }
  // A rate-limited request and a streamed one, so the Requests view shows both kinds of row.
  env.upstream.enqueue({ kind: 'error', status: 429 });
  await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 32, messages: [{ role: 'user', content: 'limited' }] }).catch(() => {});
  await client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'stream please' }] }).finalMessage();
  await page.click('#tab-requests');
  await until(async () => (await page.locator('#requests-body tr').count()) > 0, 10_000, 'rows in the Requests view');
  await page.locator('#requests-body tr').first().click(); // the streamed request's details beside the table
  for (const scheme of ['light', 'dark'] as const) {
    for (const view of ['stats', 'requests', 'settings', 'logs'] as const) {
      await page.click(`#tab-${view}`);
      console.log(await screenshot(page, view, scheme));
    }
  }
} finally {
  await browser.close();
  await env.close();
}
