// The Requests view over the SQLite history in headless Chromium, after real traffic through the proxy with
// [history] capture_bodies on: search (q) and infinite scroll by next_before with live rows on top, captured
// bodies in the detail pane with the JSON viewer and the SSE toggle, Copy as cURL (run in a shell), export of
// the filtered set, and axe with the pane open. Clear and its dialog: requests-clear.test.ts.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium, openDashboard, requestRowIds, seriousA11yViolations, startDashboardEnv, type DashboardEnv } from './helpers.js';

const SCREENSHOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'docs', 'screenshots', 'requests-history.png');
const SONNET = 'claude-sonnet-4-5';
const HAIKU = 'claude-haiku-4-5';
/** More than a page (100) of each model, interleaved, so a page of one model is never the whole answer. */
const PER_MODEL = 130;

async function send(client: Anthropic, model: string, text: string): Promise<void> {
  await client.messages.create({ model, max_tokens: 8, messages: [{ role: 'user', content: text }] });
}

const count = (page: Page) => page.textContent('#req-count');
const rowModels = (page: Page) => page.locator('#requests-body tr.request-row td:nth-child(3)').allTextContents();
/** GET /requests, the proxy's own read of the history. */
async function stored(url: string, query: string): Promise<Array<{ id: string }>> {
  return ((await (await fetch(`${url}/requests?${query}`)).json()) as { requests: Array<{ id: string }> }).requests;
}

describe.skipIf(!hasChromium)('Requests over the history (headless Chromium)', { timeout: 60_000 }, () => {
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;
  let client: Anthropic;

  beforeAll(async () => {
    await buildRenderer();
    env = await startDashboardEnv({ extraToml: '[history]\ncapture_bodies = true\n' });
    client = new Anthropic({ baseURL: env.url, apiKey: 'sk-ant-history-e2e-key-0001', maxRetries: 0 });
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < PER_MODEL * 2) {
          const i = next++;
          await send(client, i % 2 ? SONNET : HAIKU, `bulk ${i}`);
        }
      }),
    );
    browser = await launchChromium();
    ({ page } = await openDashboard(browser, env.url, { hash: 'requests', bypassCSP: true }));
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.url });
    await page.click('#tab-requests');
    await page.waitForSelector('#requests-body tr.request-row');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });


  /** The search as the reader sets it: the pane closed, the list at the top, every row a match. */
  async function searchFor(q: string): Promise<void> {
    if (await page.isVisible('#request-detail')) await page.click('#request-detail-close');
    await page.fill('#req-search', q);
    await page.press('#req-search', 'Enter');
    await page.evaluate(() => (document.getElementById('requests-scroll')!.scrollTop = 0));
    await expect.poll(async () => (await rowModels(page)).length > 0 && (await rowModels(page)).every((m) => m.includes(q)), { timeout: 10_000 }).toBe(true);
  }

  /** How many stored records the history finds for `q` (the figure the view must reach). */
  const storedCount = async (q: string) => (await stored(env.url, `limit=1000&q=${q}`)).length;

  /** A fresh streamed request, opened in the detail pane once its row is on top. */
  async function openStreamed(): Promise<void> {
    await searchFor('sonnet');
    const stream = await client.messages.create({ model: SONNET, max_tokens: 8, stream: true, messages: [{ role: 'user', content: 'streamed body please' }] });
    for await (const _ of stream) void _;
    const newest = (await stored(env.url, 'limit=1&q=sonnet'))[0]!.id;
    await expect.poll(async () => (await requestRowIds(page))[0], { timeout: 10_000 }).toBe(newest);
    await page.locator(`#requests-body tr[data-id="${newest}"] .row-open`).click();
    await page.waitForSelector('#request-body .json-view');
  }

  it('searches the history (debounced) and reads the next page of matches when scrolled to the end', async () => {
    if (await page.isVisible('#request-detail')) await page.click('#request-detail-close');
    await page.fill('#req-search', '');
    await page.press('#req-search', 'Enter');
    await expect.poll(async () => (await rowModels(page)).includes(HAIKU), { timeout: 10_000 }).toBe(true);
    await page.fill('#req-search', 'sonnet'); // no Enter: the debounce applies it
    // The history is asked once the typing stops, and answers a first page of matches only.
    await expect.poll(async () => (await rowModels(page)).every((m) => m.includes('sonnet')) && (await count(page)), { timeout: 10_000 }).toBe('100+ requests');
    const all = await storedCount('sonnet');
    // Near the end of the list: the next page, with the search kept (next_before), until none is left.
    for (let i = 0; i < 10 && (await count(page)) !== `${all} requests`; i++) {
      await page.evaluate(() => {
        const s = document.getElementById('requests-scroll')!;
        s.scrollTop = s.scrollHeight;
      });
      await page.waitForTimeout(200);
    }
    await expect.poll(() => count(page), { timeout: 10_000 }).toBe(`${all} requests`);
    for (const m of await rowModels(page)) expect(m).toContain('sonnet');
  });

  it('puts a live request that matches the search on top, and leaves out one that does not', async () => {
    await searchFor('sonnet');
    await expect.poll(() => page.isVisible('#req-paused')).toBe(false);
    const shown = Number((await count(page))!.match(/^\d+/)![0]);
    await send(client, HAIKU, 'live, not a match');
    await send(client, SONNET, 'live match');
    await expect.poll(async () => Number((await count(page))!.match(/^\d+/)![0]), { timeout: 10_000 }).toBe(shown + 1);
    expect((await requestRowIds(page))[0]).toBe((await stored(env.url, 'limit=1&q=sonnet'))[0]!.id);
    for (const m of await rowModels(page)) expect(m).toContain('sonnet');
  });

  it('shows the captured bodies in the JSON viewer, and a streamed answer as its message with the raw events behind a toggle', async () => {
    await openStreamed();
    expect(await page.textContent('#request-body')).toContain('streamed body please');
    expect(await page.textContent('#response-body .detail-title')).toContain('reassembled');
    expect(await page.textContent('#response-body .json-view')).toContain('"message"');
    expect(await page.isVisible('#response-events')).toBe(false);
    await page.click('#response-events-toggle');
    expect(await page.isVisible('#response-events')).toBe(true);
    expect(await page.textContent('#response-events')).toContain('event: message_start');
    // The viewer collapses: a node closes on a click of its summary.
    const node = page.locator('#request-body details.jv-node').first();
    await node.locator('> summary').click();
    expect(await node.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await node.locator('> summary').click();
    await page.click('#response-events-toggle');
    // The pane from the cURL block down: the captured bodies in view.
    await page.evaluate(() => {
      const pane = document.getElementById('request-detail')!;
      pane.scrollTop += document.getElementById('request-bodies')!.getBoundingClientRect().top - pane.getBoundingClientRect().top - 8;
    });
    await page.screenshot({ path: SCREENSHOT });
  });

  it('copies the request as cURL: masked key by default, $ANTHROPIC_API_KEY on Reveal, and the copy runs in a shell', async () => {
    await openStreamed();
    const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await page.click('#copy-curl');
    await expect.poll(clipboard).toContain('curl ');
    const masked = await clipboard();
    expect(masked).toContain(`curl -X POST '${env.url}/v1/messages'`);
    // The key header as the record holds it (the SDK sends it as x-api-key or as a bearer token).
    expect(masked).toMatch(/-H '(x-api-key: |authorization: Bearer )sk-a[^']*…\(masked\)'/i);
    expect(masked).not.toContain('sk-ant-history-e2e-key-0001');
    expect(masked).toContain('streamed body please');
    await page.check('#curl-reveal');
    expect(await page.textContent('#curl-note')).toContain('never stores keys');
    await page.click('#copy-curl');
    await expect.poll(clipboard).toContain('$ANTHROPIC_API_KEY');
    const revealed = await clipboard();
    expect(revealed).toMatch(/-H "(x-api-key: |authorization: Bearer )\$ANTHROPIC_API_KEY"/i);
    expect(revealed).not.toContain('(masked)');
    const { stdout } = await promisify(execFile)('bash', ['-c', revealed], {
      env: { ...process.env, ANTHROPIC_API_KEY: 'sk-ant-from-the-shell-0002' },
      timeout: 20_000,
    });
    expect(stdout).toContain('message_stop'); // the proxy answered the copied command like the original
  });

  it('exports the filtered set as CSV and JSON Lines', async () => {
    await searchFor('sonnet');
    const matching = await storedCount('sonnet');
    expect(matching).toBeLessThan((await stored(env.url, 'limit=1000')).length);
    for (const format of ['csv', 'jsonl'] as const) {
      await page.selectOption('#req-export-format', format);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#req-export')]);
      const text = fs.readFileSync((await download.path())!, 'utf8');
      const lines = text.trim().split('\n');
      const records = format === 'csv' ? lines.slice(1) : lines;
      expect(records.length).toBe(matching); // the sonnet requests only: the search applies
      if (format === 'jsonl') for (const l of lines) expect((JSON.parse(l) as { model: string }).model).toBe(SONNET);
      else expect(text).not.toContain(HAIKU);
    }
  });

  it('has no serious accessibility findings with the pane open', async () => {
    await openStreamed();
    expect(await page.isVisible('#request-detail')).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
