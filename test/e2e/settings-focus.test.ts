// The desktop app opens its window on '#settings/server.port' when the port is taken (main/desktop/bootstrap.ts):
// the page must show Settings with the port field focused, at load and when the fragment changes later.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openDashboardSession, type DashboardEnv } from './helpers.js';

const focusedPath = (page: Page) => page.evaluate(() => document.activeElement?.closest('[data-path]')?.getAttribute('data-path') ?? null);

describe.skipIf(!hasChromium)('a view and a field named by the page fragment (headless Chromium)', () => {
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ env, browser, page } = await openDashboardSession({ hash: 'settings/server.port' }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('opens Settings with the port field focused', async () => {
    await expect.poll(() => focusedPath(page), { timeout: 15_000 }).toBe('server.port');
    expect(await page.getAttribute('#tab-settings', 'aria-selected')).toBe('true');
  });

  it('follows a later change of the fragment (the app moving an open window)', async () => {
    await page.click('#tab-stats');
    expect(await page.getAttribute('#tab-settings', 'aria-selected')).toBe('false');
    await page.evaluate(() => (window.location.hash = 'settings/server.host'));
    await expect.poll(() => focusedPath(page), { timeout: 15_000 }).toBe('server.host');
    expect(await page.getAttribute('#tab-settings', 'aria-selected')).toBe('true');
  });
});
