// The header when the history cannot be opened (a file that is not a database): "History off: <reason>" with
// "Reset history", which moves the damaged file aside and starts a new one; and Stats saying its counters
// are since start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { startHarness, type Harness } from '../fixtures/proxy-harness.js';
import { hasChromium, launchChromium, openDashboard } from './helpers.js';

describe.skipIf(!hasChromium)('History off in the header (headless Chromium)', { timeout: 60_000 }, () => {
  let harness: Harness;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    await buildRenderer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-histui-'));
    file = path.join(dir, 'history.db');
    fs.writeFileSync(file, 'this is not an SQLite database, just bytes that look damaged '.repeat(200));
    harness = await startHarness({ runtime: { historyPath: file } });
    browser = await launchChromium();
    ({ page } = await openDashboard(browser, harness.url));
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says the history is off and why, and Reset history starts a new file (the damaged one moved aside)', async () => {
    await page.waitForSelector('#history-status:not([hidden])');
    const said = await page.textContent('#history-off-text');
    expect(said).toMatch(/^History off: .+/);
    expect(said).toContain(((await (await fetch(`${harness.url}/health`)).json()) as { history: string }).history.replace(/^off:\s*/, ''));
    await page.click('#history-reset');
    await expect.poll(() => page.isHidden('#history-status'), { timeout: 10_000 }).toBe(true);
    expect(((await (await fetch(`${harness.url}/health`)).json()) as { history: string }).history).toBe('on');
    expect(fs.readdirSync(dir).filter((f) => f !== 'history.db' && f.startsWith('history.db')).length).toBeGreaterThan(0);
  });

  it('labels the Stats counters "since start"', async () => {
    await page.click('#tab-stats');
    await expect.poll(() => page.locator('.view-stats').textContent()).toContain('Requests since start');
  });
});
