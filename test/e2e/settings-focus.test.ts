// The desktop app opens its window on '#settings/server.port' when the port is taken (main/desktop/bootstrap.ts):
// the page must show Settings with the port field focused, at load and when the fragment changes later.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium, openDashboard, startDashboardEnv, type DashboardEnv } from './helpers.js';

const focusedPath = (page: Page) => page.evaluate(() => document.activeElement?.closest('[data-path]')?.getAttribute('data-path') ?? null);

describe.skipIf(!hasChromium)('a view and a field named by the page fragment (headless Chromium)', () => {
  let env: DashboardEnv;
  let browser: Browser;

  beforeAll(async () => {
    await buildRenderer();
    env = await startDashboardEnv();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('opens Settings with the port field focused', async () => {
    const { page } = await openDashboard(browser, env.url, { hash: 'settings/server.port' });
    await expect.poll(() => focusedPath(page), { timeout: 15_000 }).toBe('server.port');
    expect(await page.getAttribute('#tab-settings', 'aria-selected')).toBe('true');
    await page.close();
  });

  it('follows a later change of the fragment (the app moving an open window)', async () => {
    const { page } = await openDashboard(browser, env.url);
    await expect.poll(() => page.getAttribute('#tab-stats', 'aria-selected'), { timeout: 15_000 }).toBe('true');
    await page.evaluate(() => (window.location.hash = 'settings/server.host'));
    await expect.poll(() => focusedPath(page), { timeout: 15_000 }).toBe('server.host');
    expect(await page.getAttribute('#tab-settings', 'aria-selected')).toBe('true');
    await page.close();
  });
});
