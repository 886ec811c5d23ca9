// Clear in the Requests view (headless Chromium): an in-page confirm dialog that keeps the focus inside,
// cancels on Escape (nothing deleted) and gives the focus back; confirmed, the history is empty. axe-core
// finds nothing serious or critical with the dialog open.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium, openDashboard, sendRequests, seriousA11yViolations, startDashboardEnv, type DashboardEnv } from './helpers.js';

describe.skipIf(!hasChromium)('Clear the request history (headless Chromium)', { timeout: 60_000 }, () => {
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;

  const storedCount = async () => ((await (await fetch(`${env.url}/requests?limit=50`)).json()) as { requests: unknown[] }).requests.length;
  const dialogOpen = () => page.evaluate(() => (document.getElementById('clear-dialog') as HTMLDialogElement).open);
  /** Some history to clear, on screen. */
  async function withRequests(): Promise<number> {
    await sendRequests(env.url, 3, 1, 'clear');
    const n = await storedCount();
    await expect.poll(() => page.textContent('#req-count'), { timeout: 10_000 }).toBe(`${n} requests`);
    return n;
  }

  beforeAll(async () => {
    await buildRenderer();
    env = await startDashboardEnv();
    browser = await launchChromium();
    ({ page } = await openDashboard(browser, env.url, { bypassCSP: true }));
    await page.click('#tab-requests');
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('asks first: focus on Cancel and kept inside the dialog, Escape cancels and deletes nothing', async () => {
    const n = await withRequests();
    await page.click('#req-clear');
    expect(await dialogOpen()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('clear-cancel');
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.getElementById('clear-dialog')!.contains(document.activeElement))).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.getElementById('clear-dialog')!.contains(document.activeElement))).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await dialogOpen()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('req-clear');
    expect(await storedCount()).toBe(n);
    await expect.poll(() => page.textContent("#req-count")).toBe(`${n} requests`);
  });

  it('deletes every stored request once confirmed, and the view empties', async () => {
    await withRequests();
    await page.click('#req-clear');
    await page.click('#clear-confirm');
    await expect.poll(() => page.locator('#requests-body tr.request-row').count(), { timeout: 10_000 }).toBe(0);
    expect(await dialogOpen()).toBe(false);
    await expect.poll(() => page.textContent('#req-count')).toBe('0 requests'); // "0+" until the reload's first page says there is no more
    expect(await storedCount()).toBe(0);
  });
});
