// Logs worth reading (issue: the dashboard under load): warnings and errors survive a flood of 5,000 INFO lines
// (in the open page and in a fresh one), filters while paused apply to the paused snapshot, and Clear and
// Download do what they say.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium, openDashboard, startDashboardEnv, type DashboardEnv } from './helpers.js';

describe.skipIf(!hasChromium)('Logs worth reading (headless Chromium)', () => {
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const logger = () => env.runtime.logBus.logger;
  const shownLines = (p: Page = page) => p.locator('#log-list .log-line .log-msg').allTextContents();
  const lastLine = () => page.locator('#log-list .log-line').last().textContent();

  beforeAll(async () => {
    await buildRenderer();
    env = await startDashboardEnv(); // [logging] buffer_size: the default 1,000
    browser = await launchChromium();
    ({ page, problems } = await openDashboard(browser, env.url, { hash: 'logs' }));
    await page.waitForSelector('#status-pill:has-text("Running")');
  });

  beforeEach(async () => {
    await page.selectOption('#log-level', 'debug');
    await page.fill('#log-search', '');
    if ((await page.getAttribute('#log-pause', 'aria-pressed')) === 'true') await page.click('#log-pause');
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('keeps warnings and errors through 5,000 INFO lines, on this page and on a fresh one', async () => {
    logger().warn('[TEST] warning before the flood');
    logger().error('[TEST] error before the flood');
    for (let i = 0; i < 5000; i++) logger().info(`[TEST] flood ${i}`);
    await expect.poll(lastLine).toContain('[TEST] flood 4999');
    await page.selectOption('#log-level', 'warn');
    await expect.poll(() => shownLines()).toEqual(expect.arrayContaining(['[TEST] warning before the flood', '[TEST] error before the flood']));
    await page.selectOption('#log-level', 'error');
    await expect.poll(() => shownLines()).toContain('[TEST] error before the flood');
    expect(await shownLines()).not.toContain('[TEST] warning before the flood');

    const fresh = await openDashboard(browser, env.url, { hash: 'logs' });
    try {
      await expect.poll(() => fresh.page.locator('#log-list .log-line').last().textContent()).toContain('[TEST] flood 4999');
      await fresh.page.selectOption('#log-level', 'warn');
      await expect.poll(() => shownLines(fresh.page)).toEqual(expect.arrayContaining(['[TEST] warning before the flood', '[TEST] error before the flood']));
    } finally {
      await fresh.page.close();
    }
  });

  it('filters the paused snapshot, not the lines that came after Pause', async () => {
    for (let i = 1; i <= 3; i++) logger().info(`[TEST] alpha ${i}`);
    await expect.poll(lastLine).toContain('[TEST] alpha 3');
    await page.click('#log-pause');
    for (let i = 4; i <= 6; i++) logger().info(`[TEST] alpha ${i}`);
    logger().warn('[TEST] alpha warning after pause');
    await expect.poll(() => page.textContent('#log-pause')).toBe('Resume (4 new)');
    await page.fill('#log-search', 'alpha');
    await expect.poll(() => shownLines()).toEqual(['[TEST] alpha 1', '[TEST] alpha 2', '[TEST] alpha 3']);
    await page.selectOption('#log-level', 'warn');
    await expect.poll(() => shownLines()).toEqual([]);
    await page.selectOption('#log-level', 'debug');
    await page.click('#log-pause');
    await expect.poll(() => shownLines()).toEqual(['[TEST] alpha 1', '[TEST] alpha 2', '[TEST] alpha 3', '[TEST] alpha 4', '[TEST] alpha 5', '[TEST] alpha 6', '[TEST] alpha warning after pause']);
  });

  it('Download saves the buffer as text; Clear empties the list and new lines show after it', async () => {
    logger().warn('[TEST] a warning in the download');
    logger().info('[TEST] in the download');
    await expect.poll(lastLine).toContain('[TEST] in the download');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#log-download')]);
    expect(download.suggestedFilename()).toMatch(/^ccproxy-log-.*\.txt$/);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    expect(text).toMatch(/ INFO \[TEST\] in the download\n/);
    expect(text).toContain('WARN [TEST] a warning in the download');

    await page.click('#log-clear');
    await expect.poll(() => page.textContent('#log-count')).toBe('0 lines');
    expect(await page.locator('#log-list .log-line').count()).toBe(0);
    logger().info('[TEST] after clear');
    await expect.poll(() => shownLines()).toEqual(['[TEST] after clear']);
  });

  it('produced no script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
