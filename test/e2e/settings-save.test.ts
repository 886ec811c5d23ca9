// Settings in headless Chromium: a Save blocked by an invalid value far down the form says which field and
// takes the user there; toasts leave room so they never sit on top of the last fields.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasChromium, openDashboardSession, type DashboardEnv } from './helpers.js';

const input = (path: string) => `[data-path="${path}"] input`;

describe.skipIf(!hasChromium)('settings save (headless Chromium)', () => {
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;

  // A proxy, a config file and a page per test: each edits the form and the file, which the next must not inherit.
  beforeEach(async () => {
    ({ env, browser, page } = await openDashboardSession({ hash: 'settings' }));
    await page.waitForSelector(input('logging.buffer_size'));
  }, 60_000);

  afterEach(async () => {
    await browser?.close();
    await env?.close();
  });

  it('a Save blocked by an invalid field out of view names it, scrolls to it and focuses it', async () => {
    const before = fs.readFileSync(env.cfgPath, 'utf8');
    await page.fill(input('logging.buffer_size'), '5'); // below the minimum of 100
    await expect.poll(() => page.isVisible('[data-error-for="logging.buffer_size"]')).toBe(true);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('#settings-save').focus();
    expect(await page.locator(input('logging.buffer_size')).isVisible()).toBe(true);
    const inView = () => page.evaluate((sel) => {
      const r = document.querySelector(sel)!.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    }, input('logging.buffer_size'));
    expect(await inView()).toBe(false);
    expect(await page.getAttribute('#settings-save', 'aria-disabled')).toBe('true');

    await page.keyboard.press('Enter'); // Save has the focus: Enter activates it, as a click would
    await expect.poll(() => page.textContent('#settings-message')).toContain('Not saved: Buffer size (logging.buffer_size)');
    await expect.poll(inView).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.closest('[data-path]')?.getAttribute('data-path'))).toBe('logging.buffer_size');
    expect(fs.readFileSync(env.cfgPath, 'utf8')).toBe(before);
    await page.click('#settings-revert');
  });

  it('a Save refused because the file is read-only says so next to Save, and Save works once it is writable', async () => {
    fs.chmodSync(env.cfgPath, 0o444);
    try {
      await page.fill(input('pool_settings.idle_timeout'), '400');
      await expect.poll(() => page.isDisabled('#settings-save')).toBe(false);
      await page.click('#settings-save');
      await expect.poll(() => page.textContent('#settings-message')).toContain('read-only');
      expect(await page.textContent('#settings-message')).not.toContain('fix the marked settings');
      expect(fs.readFileSync(env.cfgPath, 'utf8')).not.toContain('idle_timeout = 400');
    } finally {
      fs.chmodSync(env.cfgPath, 0o644);
    }
    await page.click('#settings-save'); // the same edit, now that the file can be written
    await expect.poll(() => page.textContent('#settings-message')).toContain('Saved to');
    expect(fs.readFileSync(env.cfgPath, 'utf8')).toContain('idle_timeout = 400');
  });

  it('toasts leave room below the form: the last field can be scrolled clear of them', async () => {
    // Three toasts at once: "Pooling off", "Pooling on" and "Copied N lines".
    const toast = page.locator('.toast');
    await page.click('#pooling-switch');
    await expect.poll(() => toast.count()).toBe(1);
    await page.click('#pooling-switch');
    await expect.poll(() => toast.count()).toBe(2);
    await page.click('#tab-logs');
    await page.click('#log-copy');
    await page.click('#tab-settings');
    await expect.poll(() => toast.count()).toBe(3);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    // Two animation frames: the scroll has been laid out (a condition, not a guess at how long that takes).
    await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
    const overlap = await page.evaluate(() => {
      const t = document.querySelector('.toasts')!.getBoundingClientRect();
      const fields = [...document.querySelectorAll('.view-settings [data-path]')];
      const last = fields[fields.length - 1]!.getBoundingClientRect();
      return !(last.bottom <= t.top || last.top >= t.bottom || last.right <= t.left || last.left >= t.right);
    });
    expect(overlap).toBe(false);
  });
});
