// The Logs view in headless Chromium: pause keeps what is on screen, the view holds [logging] buffer_size lines,
// auto-scroll leaves a reader who scrolled up where they are, and a restart of ccproxy (a new run, sequence
// numbers from 1) does not freeze the list.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium, openDashboard, poolStats, startAgainOnSamePort, startDashboardEnv, until, type DashboardEnv } from './helpers.js';

const BUFFER = 1200; // above the old fixed 1,000

/** "N lines", and the warnings kept from before them when the start logged any (history off without its native module, say). */
const heldLines = (n: number) => new RegExp(`^${n} lines( \\+ \\d+ earlier warnings?)?$`);

describe.skipIf(!hasChromium)('Logs view (headless Chromium)', () => {
  let browser: Browser;
  // Each test has its own proxy and page, so a state one test leaves (a paused list, a scroll position) never
  // reaches another, in any order.
  let env: DashboardEnv;
  let page: Page;
  let problems: string[];
  /** The restart test expects Chromium to report the refused reconnections; every other test expects none. */
  let expectProblems = false;
  const lines = () => page.locator('#log-list .log-line');
  const log = (prefix: string, n: number) => {
    for (let i = 0; i < n; i++) env.runtime.logBus.logger.info(`[TEST] ${prefix} ${i}`);
  };
  const lastLine = () => page.locator('#log-list .log-line').last().textContent();
  /** Two animation frames: scroll events and the list's own rendering have run. */
  const settled = () => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  const scrollTop = () => page.evaluate(() => document.getElementById('log-scroll')!.scrollTop);
  /** The text of the line at the top edge of the log's window. */
  const topLine = () =>
    page.evaluate(() => {
      const box = document.getElementById('log-scroll')!.getBoundingClientRect();
      return document.elementFromPoint(box.left + 200, box.top + 12)?.closest('li')?.textContent ?? null;
    });

  beforeAll(async () => {
    await buildRenderer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    expectProblems = false;
    env = await startDashboardEnv({ extraToml: `[logging]\nbuffer_size = ${BUFFER}\n` });
    ({ page, problems } = await openDashboard(browser, env.url, { hash: 'logs' }));
    await page.waitForSelector('#status-pill:has-text("Running")');
    // The warm-up's own log lines are written before the test's, never between them.
    await until(async () => (await poolStats(env.url)).stats.available_connections >= 1, 15_000, 'the pool warmed up');
  });

  afterEach(async () => {
    await page?.close();
    await env?.close();
    // Any CSP violation or script error is a failure.
    if (!expectProblems) expect(problems).toEqual([]);
  });

  it('keeps as many lines as logging.buffer_size, which says it applies from the next start', async () => {
    log('fill', BUFFER + 100);
    await expect.poll(lastLine).toContain(`[TEST] fill ${BUFFER + 99}`);
    expect(await page.textContent('#log-count')).toMatch(heldLines(BUFFER));
    expect(await lines().count()).toBeLessThan(100); // only the lines in view are drawn

    await page.click('#tab-settings');
    for (const path of ['logging.buffer_size', 'logging.request_history']) {
      await expect.poll(() => page.textContent(`[data-path="${path}"] .field-help`)).toContain('Applies from the next start');
    }
    await page.click('#tab-logs');
  });

  it('Pause keeps the list on screen as it was, however many lines arrive meanwhile', async () => {
    log('before pause', 5);
    await expect.poll(lastLine).toContain('[TEST] before pause 4');
    const shownBefore = await page.textContent('#log-count');
    await page.click('#log-pause');
    log('while paused', BUFFER + 100); // enough to push every line on screen out of the buffer
    await expect.poll(() => page.textContent('#log-pause')).toBe(`Resume (${BUFFER + 100} new)`);
    expect(await page.textContent('#log-count')).toBe(shownBefore);
    expect(await lastLine()).toContain('[TEST] before pause 4');

    await page.click('#log-pause');
    await expect.poll(lastLine).toContain(`[TEST] while paused ${BUFFER + 99}`);
    expect(await page.textContent('#log-count')).toMatch(heldLines(BUFFER));
  });

  it('a reader who scrolled up stays on their line while new lines come and old ones are trimmed', async () => {
    log('enough to scroll', BUFFER);
    await expect.poll(lastLine).toContain(`[TEST] enough to scroll ${BUFFER - 1}`);
    // Half way up a full buffer: every new line trims the oldest, above the reader.
    await page.evaluate(() => {
      const s = document.getElementById('log-scroll')!;
      s.scrollTop = Math.round(s.scrollHeight / 2);
    });
    await settled();
    const reading = await topLine();
    const before = await scrollTop();
    log('reading', 30);
    await expect.poll(scrollTop).toBeLessThan(before - 100); // moved up with the lines under the reader
    await expect.poll(topLine).toBe(reading);

    // Back at the end, it follows again.
    await page.evaluate(() => {
      const s = document.getElementById('log-scroll')!;
      s.scrollTop = s.scrollHeight;
    });
    await settled();
    log('following', 30);
    await expect.poll(lastLine).toContain('[TEST] following 29');
    const gap = () => page.evaluate(() => {
      const s = document.getElementById('log-scroll')!;
      return s.scrollHeight - s.scrollTop - s.clientHeight;
    });
    await expect.poll(gap).toBeLessThan(5);
  });

  it('keeps showing new lines after ccproxy restarts (new run, sequence numbers from 1)', async () => {
    expectProblems = true;
    log('first run', 1);
    await expect.poll(lastLine).toContain('[TEST] first run 0');
    await env.runtime.stop();
    const again = await startAgainOnSamePort(env);
    try {
      await expect.poll(() => page.textContent('#status-pill'), { timeout: 8_000 }).toContain('Running');
      await expect.poll(() => page.locator('.log-restart').count()).toBe(1);
      again.runtime.logBus.logger.info('[TEST] second run 0');
      // Live once the event stream has reconnected (EventSource retries every 2 s), or from the buffer before that.
      await expect.poll(lastLine, { timeout: 8_000 }).toContain('[TEST] second run 0');
      // The new run's startup lines, written before the page reconnected, are there too (from its buffer).
      const restartRun = await page.getAttribute('.log-restart', 'data-run');
      expect(await page.locator(`#log-list .log-line[data-run="${restartRun}"][data-seq="1"]`).count()).toBe(1);
    } finally {
      await again.close();
    }
  });

});
