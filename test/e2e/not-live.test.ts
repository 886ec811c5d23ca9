// The "not live" state (issue: the dashboard under load): while ccproxy cannot be reached the page says so
// with a banner and an overlay frame, not by fading the text: axe finds no serious or critical violation in
// that state, on every view, light and dark, and the numbers keep their full opacity.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium, openDashboard, seriousA11yViolations, sendRequests, startDashboardEnv, type DashboardEnv } from './helpers.js';

const VIEWS = ['stats', 'requests', 'logs', 'settings'] as const;

describe.skipIf(!hasChromium)('the "not live" state (axe-core, headless Chromium)', () => {
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await buildRenderer();
    env = await startDashboardEnv();
    await sendRequests(env.url, 5, 1);
    browser = await launchChromium();
    ({ page } = await openDashboard(browser, env.url, { bypassCSP: true }));
    await page.waitForSelector('#status-pill:has-text("Running")');
    for (const view of VIEWS) {
      await page.click(`#tab-${view}`); // each view drawn once with data
      await page.waitForTimeout(200);
    }
    await page.click('#tab-stats');
    await page.waitForSelector('#stat-requests_total:has-text("5")');
    await env.runtime.stop();
    await page.waitForFunction(() => document.documentElement.dataset.connection === 'lost', undefined, { timeout: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('says so with a banner and a frame, and the numbers keep their full opacity', async () => {
    expect(await page.isVisible('#not-live')).toBe(true);
    expect(await page.textContent('#not-live')).toContain('Not live');
    const look = await page.evaluate(() => ({
      opacity: getComputedStyle(document.querySelector('#stat-requests_total')!).opacity,
      frame: getComputedStyle(document.body, '::after').borderTopStyle,
    }));
    expect(look).toEqual({ opacity: '1', frame: 'solid' });
  });

  for (const scheme of ['light', 'dark'] as const) {
    for (const view of VIEWS) {
      it(`${view} (${scheme}), not live: no serious or critical violations`, async () => {
        await page.emulateMedia({ colorScheme: scheme });
        await page.click(`#tab-${view}`);
        await page.waitForTimeout(300); // transitions settle (axe reads computed colours)
        expect(await seriousA11yViolations(page)).toEqual([]);
      });
    }
  }
});
