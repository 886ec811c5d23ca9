// Steady under the reader (issue: the dashboard under load): Pause counts new rows and Resume inserts them;
// scrolling down or opening a row holds new rows back; focus and a text selection survive 50 live updates;
// the detail pane fits beside the table at 1280 px and is an overlay in view, with the focus, at 800×600.
import Anthropic from '@anthropic-ai/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium, openDashboard, requestIdAtTop, requestRowIds, sendRequests, startDashboardEnv, type DashboardEnv } from './helpers.js';

describe.skipIf(!hasChromium)('Requests view steady under the reader (headless Chromium)', () => {
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const newestIds = async (n: number) => ((await (await fetch(`${env.url}/requests?limit=${n}`)).json()) as { requests: Array<{ id: string }> }).requests.map((r) => r.id);
  const ids = () => requestRowIds(page);

  beforeAll(async () => {
    await buildRenderer();
    env = await startDashboardEnv();
    await sendRequests(env.url, 60, 4);
    browser = await launchChromium();
    ({ page, problems } = await openDashboard(browser, env.url, { hash: 'requests' }));
    await page.waitForSelector('#status-pill:has-text("Running")');
    const newest = (await newestIds(1))[0];
    await page.waitForSelector(`#requests-body tr[data-id="${newest}"]`);
  }, 60_000);

  // Each test starts from a reader who holds nothing: wide window, at the top, no pane, no focus or selection.
  beforeEach(async () => {
    await page.setViewportSize({ width: 1360, height: 900 });
    if (await page.isVisible('#request-detail')) await page.click('#request-detail-close');
    await page.evaluate(() => {
      window.getSelection()!.removeAllRanges();
      (document.activeElement as HTMLElement | null)?.blur();
      document.getElementById('requests-scroll')!.scrollTop = 0;
    });
    if ((await page.getAttribute('#req-pause', 'aria-pressed')) === 'true') await page.click('#req-pause');
    await expect.poll(() => page.isHidden('#req-paused')).toBe(true);
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('Pause counts new rows without inserting them; Resume shows them on top', async () => {
    const before = await ids();
    await page.click('#req-pause');
    await sendRequests(env.url, 3, 1, 'paused');
    await expect.poll(() => page.textContent('#req-pause')).toBe('Resume (3 new)');
    expect(await ids()).toEqual(before);
    await page.click('#req-pause');
    const newest = await newestIds(4);
    await expect.poll(async () => (await ids()).slice(0, 4)).toEqual(newest);
    expect(newest.slice(3, 4)).toEqual(before.slice(0, 1));
    expect(await page.textContent('#req-pause')).toBe('Pause');
  });

  it('holds new rows while scrolled down, and shows them back at the top', async () => {
    await page.evaluate(() => (document.getElementById('requests-scroll')!.scrollTop = 300));
    await expect.poll(() => page.textContent('#req-paused')).toContain('Paused while scrolled down');
    const reading = await requestIdAtTop(page);
    await sendRequests(env.url, 2, 1, 'scrolled');
    await expect.poll(() => page.textContent('#req-paused')).toContain('2 new');
    expect(await requestIdAtTop(page)).toBe(reading); // the row under the reader's eyes did not move
    await page.evaluate(() => (document.getElementById('requests-scroll')!.scrollTop = 0));
    const newest = await newestIds(2);
    await expect.poll(async () => (await ids()).slice(0, 2)).toEqual(newest);
    await expect.poll(() => page.isHidden('#req-paused')).toBe(true);
  });

  it('keeps the focus and a text selection through 50 live updates, the focused row updated in place', async () => {
    // A request held in flight: its row is on top, then ends while the reader is on it.
    const client = new Anthropic({ baseURL: env.url, apiKey: 'sk-ant-e2e-reader-0001', maxRetries: 0 });
    const hold = env.upstream.hold();
    env.upstream.enqueue({ kind: 'held' });
    const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'held' }] });
    await hold.reached;
    const first = page.locator('#requests-body tr.request-row').first();
    await expect.poll(() => first.textContent()).toContain('In flight');
    const heldId = (await first.getAttribute('data-id'))!;
    // The keyboard on the held row, and the path of the third row selected (as a reader about to copy it).
    await first.locator('button.row-open').focus();
    const selected = await page.evaluate(() => {
      const code = document.querySelectorAll('#requests-body tr.request-row')[2]!.querySelector('code')!;
      const range = document.createRange();
      range.selectNodeContents(code);
      const sel = window.getSelection()!;
      sel.removeAllRanges();
      sel.addRange(range);
      return sel.toString();
    });
    expect(selected).toMatch(/POST \/v1\/messages/);

    hold.release();
    await stream.finalMessage();
    await sendRequests(env.url, 24, 2, 'live'); // 48 events, plus the held request's end: 50 updates
    await expect.poll(() => page.textContent(`tr[data-id="${heldId}"]`)).toContain('200 OK');
    await expect.poll(() => page.textContent('#req-paused')).toContain('24 new');
    const after = await page.evaluate(() => ({
      focusedRow: (document.activeElement?.closest('tr') as HTMLElement | null)?.dataset.id ?? null,
      focusIsButton: document.activeElement?.classList.contains('row-open') ?? false,
      selection: window.getSelection()!.toString(),
    }));
    expect(after).toEqual({ focusedRow: heldId, focusIsButton: true, selection: selected });

    // Letting go (selection cleared, keyboard elsewhere) shows what came in.
    await page.evaluate(() => window.getSelection()!.removeAllRanges());
    await page.locator('#req-count').click();
    const newest = await newestIds(1);
    await expect.poll(async () => (await ids())[0]).toBe(newest[0]);
  });

  it('at 1280 px the pane sits beside the table and every column stays in view', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('#requests-body tr.request-row').nth(1).click();
    await page.waitForSelector('#request-detail:not([hidden])');
    const fit = await page.evaluate(() => {
      const scroller = document.getElementById('requests-scroll')!;
      const box = scroller.getBoundingClientRect();
      const pane = document.getElementById('request-detail')!.getBoundingClientRect();
      const heads = [...document.querySelectorAll('#requests-table thead th')].map((th) => {
        const r = th.getBoundingClientRect();
        return { text: th.textContent, left: r.left, right: r.right, width: r.width };
      });
      return { overflow: scroller.scrollWidth - scroller.clientWidth, right: box.right, paneLeft: pane.left, heads };
    });
    expect(fit.overflow).toBeLessThanOrEqual(0);
    expect(fit.paneLeft).toBeGreaterThanOrEqual(fit.right); // beside, not over
    for (const th of fit.heads) {
      expect(th.right, `${th.text} is cut off`).toBeLessThanOrEqual(fit.right + 0.5);
      expect(th.width, `${th.text} is squeezed`).toBeGreaterThan(40);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => page.isHidden('#request-detail')).toBe(true);
  });

  it('at 800×600 the pane is an overlay in view that takes the focus; Escape gives it back to the row', async () => {
    await page.setViewportSize({ width: 800, height: 600 });
    const id = (await requestIdAtTop(page, 45))!; // the second row: wholly below the sticky head
    await page.click(`#requests-body tr[data-id="${id}"] button.row-open`, { timeout: 5000 });
    await page.waitForSelector('#request-detail:not([hidden])');
    const state = await page.evaluate(() => {
      const pane = document.getElementById('request-detail')!;
      const r = pane.getBoundingClientRect();
      return {
        focused: document.activeElement === pane || pane.contains(document.activeElement),
        overlay: getComputedStyle(pane).position === 'fixed',
        inView: r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight + 1 && r.right <= window.innerWidth + 1 && r.width > 200,
        overflow: document.getElementById('requests-scroll')!.scrollWidth - document.getElementById('requests-scroll')!.clientWidth,
        pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
      };
    });
    expect(state).toEqual({ focused: true, overlay: true, inView: true, overflow: 0, pageOverflow: 0 });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.isHidden('#request-detail')).toBe(true);
    expect(await page.evaluate(() => (document.activeElement?.closest('tr') as HTMLElement | null)?.dataset.id)).toBe(id);
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it('produced no script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
