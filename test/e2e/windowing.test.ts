// Lists that cost what is on screen (issue: the dashboard under load): with 1,000 requests and 1,000 log lines
// the Requests table and the Logs list hold fewer than 100 row elements, scrolling shows the right rows, and a
// view that is not on screen does no DOM work at all, then catches up when shown.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium, openDashboard, requestRowIds, sendRequests, startDashboardEnv, type DashboardEnv } from './helpers.js';

const N = 1000;

/** "N lines", and the warnings kept from before them when the start logged any (history off without its native module, say). */
const heldLines = (n: number) => new RegExp(`^${n} lines( \\+ \\d+ earlier warnings?)?$`);

describe.skipIf(!hasChromium)('windowed lists (headless Chromium)', () => {
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let history: string[]; // the ids, newest first, as GET /requests answers

  beforeAll(async () => {
    await buildRenderer();
    env = await startDashboardEnv({ extraToml: `[logging]\nrequest_history = ${N}\nbuffer_size = ${N}\n` });
    await sendRequests(env.url, N, 8);
    history = ((await (await fetch(`${env.url}/requests?limit=${N}`)).json()) as { requests: Array<{ id: string }> }).requests.map((r) => r.id);
    browser = await launchChromium();
    ({ page, problems } = await openDashboard(browser, env.url, { hash: 'requests' }));
    await page.waitForSelector('#status-pill:has-text("Running")');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  const rowCount = () => page.locator('#requests-body tr.request-row').count();
  const scrollRequestsTo = (top: number) => page.evaluate((t) => (document.getElementById('requests-scroll')!.scrollTop = t), top);

  it('Requests: under 100 row elements for 1,000 records, and scrolling shows the right rows', async () => {
    expect(history.length).toBe(N);
    await page.click('#tab-requests'); // whichever view the test before left on screen
    await expect.poll(() => requestRowIds(page)).not.toEqual([]);
    expect((await requestRowIds(page))[0]).toBe(history[0]);
    // Read all of history by scrolling down (pages of it are fetched as the end comes near).
    await expect
      .poll(
        async () => {
          await page.evaluate(() => {
            const s = document.getElementById('requests-scroll')!;
            s.scrollTop = s.scrollHeight;
          });
          return page.textContent('#req-count');
        },
        { timeout: 20_000 },
      )
      .toBe(`${N} requests`);
    expect(await rowCount()).toBeLessThan(100);
    // The last rows are the oldest requests.
    await expect
      .poll(async () => {
        await page.evaluate(() => {
          const s = document.getElementById('requests-scroll')!;
          s.scrollTop = s.scrollHeight; // the last page made the list longer: to its end again
        });
        return (await requestRowIds(page)).at(-1);
      })
      .toBe(history[N - 1]);

    // Row 500 at the top of the window: the row element there is request 500 of history.
    const rowHeight = await page.evaluate(() => document.querySelector<HTMLElement>('#requests-body tr.request-row')!.getBoundingClientRect().height);
    const headHeight = await page.evaluate(() => document.querySelector('#requests-table thead')!.getBoundingClientRect().height);
    await scrollRequestsTo(500 * rowHeight);
    const idAtTop = () =>
      page.evaluate((head) => {
        const box = document.getElementById('requests-scroll')!.getBoundingClientRect();
        return (document.elementFromPoint(box.left + 40, box.top + head + 5)?.closest('tr') as HTMLElement | null)?.dataset.id ?? null;
      }, headHeight);
    await expect.poll(idAtTop).toBe(history[500]);
    expect(await rowCount()).toBeLessThan(100);
    // The same in a small window, where the table starts lower on the page (the header wraps).
    await page.setViewportSize({ width: 800, height: 600 });
    const smallHead = await page.evaluate(() => document.querySelector('#requests-table thead')!.getBoundingClientRect().height);
    await scrollRequestsTo(300 * rowHeight);
    const idAtTopSmall = () =>
      page.evaluate((head) => {
        const box = document.getElementById('requests-scroll')!.getBoundingClientRect();
        return (document.elementFromPoint(box.left + 40, box.top + head + 5)?.closest('tr') as HTMLElement | null)?.dataset.id ?? null;
      }, smallHead);
    await expect.poll(idAtTopSmall).toBe(history[300]);
    await page.setViewportSize({ width: 1360, height: 900 });
    await scrollRequestsTo(0);
    await expect.poll(idAtTop).toBe(history[0]);
  });

  it('Logs: under 100 line elements for 1,000 lines, and scrolling shows the right lines', async () => {
    for (let i = 0; i < N; i++) env.runtime.logBus.logger.info(`[TEST] line ${i}`);
    await page.click('#tab-logs');
    await expect.poll(() => page.locator('#log-list .log-line').last().textContent()).toContain(`[TEST] line ${N - 1}`);
    expect(await page.textContent('#log-count')).toMatch(heldLines(N));
    expect(await page.locator('#log-list li').count()).toBeLessThan(100);
    // Line 300 of the 1,000 at the top of the window.
    const lineHeight = await page.evaluate(() => document.querySelector<HTMLElement>('#log-list .log-line')!.getBoundingClientRect().height);
    // Warnings kept from before the 1,000 lines (if the start logged any) sit above them.
    const earlier = Number(/\+ (\d+) earlier/.exec((await page.textContent('#log-count'))!)?.[1] ?? 0);
    await page.evaluate((t) => (document.getElementById('log-scroll')!.scrollTop = t), (300 + earlier) * lineHeight + 6);
    const topLine = () =>
      page.evaluate(() => {
        const box = document.getElementById('log-scroll')!.getBoundingClientRect();
        return document.elementFromPoint(box.left + 200, box.top + 10)?.closest('li')?.textContent ?? null;
      });
    await expect.poll(topLine).toContain('[TEST] line 300');
    expect(await page.locator('#log-list li').count()).toBeLessThan(100);
    // Back to the end, where the list follows new lines again.
    await page.evaluate(() => {
      const s = document.getElementById('log-scroll')!;
      s.scrollTop = s.scrollHeight;
    });
    await expect.poll(topLine).not.toContain('[TEST] line 300');
  });

  it('a view not on screen does no DOM work, and catches up when shown', async () => {
    // A proxy and a page of its own: the requests it sends must not change the history the tests above read.
    const env = await startDashboardEnv({ extraToml: `[logging]\nrequest_history = ${N}\nbuffer_size = ${N}\n` });
    const { page, problems } = await openDashboard(browser, env.url, { hash: 'requests' });
    try {
      await page.waitForSelector('#status-pill:has-text("Running")');
      await page.click('#tab-stats');
      // Count every change to the two lists while they are hidden.
      await page.evaluate(() => {
        const w = window as unknown as { hiddenMutations: number };
        w.hiddenMutations = 0;
        const observer = new MutationObserver((m) => (w.hiddenMutations += m.length));
        for (const id of ['requests-body', 'log-list', 'req-count', 'log-count']) observer.observe(document.getElementById(id)!, { childList: true, subtree: true, characterData: true, attributes: true });
      });
      for (let i = 0; i < 300; i++) env.runtime.logBus.logger.info(`[TEST] hidden ${i}`);
      await sendRequests(env.url, 20, 4, 'hidden');
      const newest = ((await (await fetch(`${env.url}/requests?limit=1`)).json()) as { requests: Array<{ id: string }> }).requests[0]!.id;
      // The page has had the events (the Stats view on screen counts the new requests), and the hidden views
      // changed nothing.
      const total = ((await (await fetch(`${env.url}/pool/stats`)).json()) as { requests_total: number }).requests_total;
      await expect.poll(() => page.textContent('#stat-requests_total'), { timeout: 8_000 }).toBe(total.toLocaleString('en-US'));
      expect(await page.evaluate(() => (window as unknown as { hiddenMutations: number }).hiddenMutations)).toBe(0);

      await page.click('#tab-logs');
      const lastLogged = env.runtime.logBus.entries().at(-1)!.message;
      await expect.poll(() => page.locator('#log-list .log-line').last().textContent()).toContain(lastLogged);
      await page.click('#tab-requests');
      await expect.poll(async () => (await requestRowIds(page))[0]).toBe(newest);
        expect(problems).toEqual([]);
    } finally {
      await page.close();
      await env.close();
    }
  }, 60_000);

  it('produced no script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
