// Accessibility in headless Chromium: axe-core on every view, light and dark, with traffic on screen (a 429
// included, and a request's detail pane open), must find no serious or critical violation. Plus the checks
// axe does not make: the focus ring's contrast and the landmarks the issue named.
import Anthropic from '@anthropic-ai/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openDashboardSession, seriousA11yViolations, until, type DashboardEnv } from './helpers.js';

const VIEWS = ['stats', 'requests', 'logs', 'settings'] as const;

describe.skipIf(!hasChromium)('accessibility (axe-core, headless Chromium)', () => {
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ env, browser, page } = await openDashboardSession({ bypassCSP: true }));
    await page.waitForSelector('#status-pill:has-text("Running")');
    const client = new Anthropic({ baseURL: env.url, apiKey: 'sk-ant-a11y-0001', maxRetries: 0 });
    await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    env.upstream.enqueue({ kind: 'error', status: 429 });
    await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'limited' }] }).catch(() => {});
    // A stats tick with the rate limits and errors in it has reached the page (1 of 2 requests failed).
    await until(async () => (await page.textContent('#stat-error_rate')) === '50%', 15_000, 'the error rate on the page');
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    for (const view of VIEWS) {
      it(`${view} (${scheme}): no serious or critical violations`, async () => {
        await page.emulateMedia({ colorScheme: scheme });
        await page.click(`#tab-${view}`);
        if (view === 'requests') {
          if (await page.isHidden('#request-detail')) await page.locator('#requests-body tr.request-row').first().click();
          await page.waitForSelector('#request-detail:not([hidden])');
        }
        if (view === 'stats') await page.click('#setup-snippets summary'); // the open snippets panel too
        // Highlights and transitions settle (axe reads computed colours): every finite animation has finished.
        await page.evaluate(() => Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity).map((a) => a.finished.catch(() => {}))));
        const found = await seriousA11yViolations(page);
        if (view === 'stats') await page.keyboard.press('Escape');
        expect(found).toEqual([]);
      });
    }
  }

  it('has an h1, the tab bar in a nav landmark, and a main landmark', async () => {
    expect(await page.locator('h1').count()).toBe(1);
    expect(await page.locator('nav [role="tablist"]').count()).toBe(1);
    expect(await page.locator('main').count()).toBe(1);
  });

  it('draws a focus ring with at least 3:1 contrast against the surface, in both schemes', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.click('#tab-stats');
      await page.keyboard.press('Shift+Tab'); // keyboard focus: :focus-visible applies
      await page.keyboard.press('Tab');
      const ratio = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const ring = getComputedStyle(el).outlineColor;
        const bg = getComputedStyle(document.querySelector('.tabbar')!).backgroundColor;
        const parts = (c: string) => c.match(/[\d.]+/g)!.map(Number);
        // A translucent ring is seen blended with what is behind it.
        const [fr, fg, fb, alpha = 1] = parts(ring);
        const back = parts(bg);
        const seen = [fr!, fg!, fb!].map((v, i) => alpha * v + (1 - alpha) * back[i]!);
        const lum = (rgb: number[]) => {
          const [r, g, b] = rgb.map((v) => {
            const s = v / 255;
            return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const [a, b] = [lum(seen), lum(back.slice(0, 3))];
        return { ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), style: getComputedStyle(el).outlineStyle, id: el.id };
      });
      expect(ratio.id).toBe('tab-stats');
      expect(ratio.style).not.toBe('none');
      expect(ratio.ratio).toBeGreaterThanOrEqual(3);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
