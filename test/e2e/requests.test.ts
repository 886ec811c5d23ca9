// The Requests view in headless Chromium: rows appear live for real requests through the proxy to the fake
// upstream, the status filter separates a 429 from successes, and the detail pane shows timings and masked headers.
import Anthropic from '@anthropic-ai/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium, openDashboard, startDashboardEnv, type DashboardEnv } from './helpers.js';

const CLIENT_KEY = 'sk-ant-e2e-requests-secret-0042';

describe.skipIf(!hasChromium)('Requests view (headless Chromium)', () => {
  let env: DashboardEnv;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let client: Anthropic;
  const rows = () => page.locator('#requests-body tr.request-row');

  beforeAll(async () => {
    await buildRenderer();
    env = await startDashboardEnv({ extraToml: '[logging]\nrequest_history = 5\n[model_mapping]\n"gpt-4o" = "claude-haiku-4-5"\n' });
    browser = await launchChromium();
    ({ page, problems } = await openDashboard(browser, env.url, { hash: 'requests' }));
    // The key both ways a client sends one (this SDK puts apiKey in authorization): each must reach the view masked.
    client = new Anthropic({ baseURL: env.url, apiKey: CLIENT_KEY, defaultHeaders: { 'x-api-key': CLIENT_KEY }, maxRetries: 0 });
    await page.waitForSelector('#status-pill:has-text("Running")');
    await page.waitForSelector('#requests-empty:has-text("No requests yet")');
    // With the page open: one success and one 429, which every test below can find.
    await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 32, messages: [{ role: 'user', content: 'first' }] });
    env.upstream.enqueue({ kind: 'error', status: 429, retryAfter: 3 });
    await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 32, messages: [{ role: 'user', content: 'limited' }] }).catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  // Each test starts from the unfiltered table, whatever the one before left selected.
  afterEach(async () => {
    for (const sel of ['#req-status', '#req-model', '#req-route']) await page.selectOption(sel, sel === '#req-status' ? 'all' : '');
  });

  const rowTexts = async () => (await rows().allTextContents()).join('\n');
  /** A success then a 429, made by the test that reads them (the table keeps only request_history = 5 rows). */
  const successAnd429 = async () => {
    await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 32, messages: [{ role: 'user', content: 'ok' }] });
    env.upstream.enqueue({ kind: 'error', status: 429, retryAfter: 3 });
    await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 32, messages: [{ role: 'user', content: 'limited' }] }).catch(() => {});
  };

  it('shows each request live as it starts and ends, newest first', async () => {
    await successAnd429();
    await expect.poll(rowTexts).toContain('429 rate_limit_error');
    // A held SSE answer: the row is there while the request is still in flight, and is updated in place when it ends.
    const hold = env.upstream.hold();
    env.upstream.enqueue({ kind: 'held' });
    const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 32, messages: [{ role: 'user', content: 'second' }] });
    await hold.reached;
    await expect.poll(() => rows().first().textContent()).toContain('In flight');
    const countInFlight = await rows().count();
    hold.release();
    await stream.finalMessage();
    await expect.poll(() => rows().first().textContent()).toContain('200 OK');
    expect(await rows().count()).toBe(countInFlight); // the same row, not a second one
    expect(countInFlight).toBeLessThanOrEqual(5); // the in-flight row joined the table, which keeps request_history (5) rows
    const text = (await rows().first().textContent())!;
    expect(text).toContain('claude-sonnet-4-5');
    expect(text).toMatch(/POST \/v1\/messages/);
    expect(text).toMatch(/[0-9a-f]{6} (reused|new)/); // the pooled connection and how it was got
    expect(text).toMatch(/\d+ \/ \d+/); // tokens in / out from the SSE events
  });

  it('filters by status: a 429 from the upstream shows under Failed, not under Succeeded', async () => {
    await successAnd429();
    await expect.poll(rowTexts).toContain('429 rate_limit_error');
    await page.selectOption('#req-status', 'errors');
    // The view reads the history again for the new filter: wait until every row shown is a failure (the 429 among
    // them), not the empty moment of the reload.
    const isFailure = (row: string) => /[45]\d\d [a-z_]+_error|Aborted|No answer/.test(row);
    await expect.poll(async () => { const t = await rows().allTextContents(); return t.length > 0 && t.every(isFailure) && t.some((r) => r.includes('429 rate_limit_error')); }).toBe(true);
    const failed = await rows().allTextContents();
    await expect.poll(() => page.textContent('#req-count')).toMatch(new RegExp(`^${failed.length} of \\d+\\+? requests$`));

    await page.selectOption('#req-status', 'ok');
    // Succeeded reads the history's 2xx (the newest, up to request_history rows): none of the failed ones.
    await expect.poll(async () => { const t = await rows().allTextContents(); return t.length > 0 && t.every((r) => r.includes('200 OK')); }).toBe(true);
    expect(await rows().count()).toBeLessThanOrEqual(5);
    for (const row of await rows().allTextContents()) expect(row).toContain('200 OK');

    await page.selectOption('#req-status', 'all');
    await page.selectOption('#req-model', 'claude-haiku-4-5');
    await expect.poll(async () => (await rows().allTextContents()).every((r) => r.includes('claude-haiku-4-5'))).toBe(true);
    await page.selectOption('#req-model', '');
    await page.selectOption('#req-route', 'openai');
    await expect.poll(async () => (await rows().allTextContents()).every((r) => r.includes('gpt-4o'))).toBe(true);
    await page.selectOption('#req-route', '');
    // All filters off: the newest request_history (5) rows of the history again.
    const newest = ((await (await fetch(`${env.url}/requests?limit=5`)).json()) as { requests: unknown[] }).requests.length;
    await expect.poll(() => rows().count()).toBe(newest);
  });

  it('opens a detail pane with the timeline, the error and masked headers', async () => {
    await successAnd429();
    await expect.poll(rowTexts).toContain('429 rate_limit_error');
    await rows().filter({ hasText: '429' }).first().click();
    await expect.poll(() => page.isVisible('#request-detail')).toBe(true);
    expect(await page.textContent('#request-error')).toContain('rate_limit_error');
    expect(await page.textContent('#response-headers')).toContain('retry-after');

    // A /v1/messages answer (other tests here also make OpenAI-route rows, in any order).
    const messagesOk = () => rows().filter({ hasText: '200 OK' }).filter({ hasText: '/v1/messages' }).first();
    await messagesOk().locator('button.row-open').click(); // the keyboard's way in
    await expect.poll(() => page.textContent('#request-detail .detail-heading')).toBe('POST /v1/messages');
    const marks = (await page.textContent('#request-timeline'))!;
    for (const step of ['Queued', 'Sent', 'First byte', 'Done']) expect(marks).toContain(step);
    expect(marks).toMatch(/Done \d/); // a measured duration, not "in flight"
    expect(await page.locator('#request-timeline .tl-seg').count()).toBe(4);
    expect(await page.textContent('[data-field="Stop reason"]')).toBe('end_turn');
    expect(await page.textContent('[data-field="Output tokens"]')).toMatch(/^\d+$/);

    const keyRow = page.locator('#request-headers tr', { hasText: 'x-api-key' });
    expect(await keyRow.locator('td').textContent()).toMatch(/…\(masked\)$/);
    expect(await page.content()).not.toContain(CLIENT_KEY);

    await page.click('#request-detail-close');
    await expect.poll(() => page.isHidden('#request-detail')).toBe(true);

    // By keyboard: Enter on a row's button opens, Escape closes and gives the focus back to that row.
    const okRow = messagesOk();
    await okRow.locator('button.row-open').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.isVisible('#request-detail')).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.isHidden('#request-detail')).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('row-open'))).toBe(true);
  });

  it('keeps at most [logging] request_history rows', async () => {
    await page.locator('#req-count').click(); // the keyboard off the rows: they hold new rows back while it is there
    for (let i = 0; i < 6; i++) await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: `n${i}` }] });
    await expect.poll(() => page.textContent('#req-count')).toBe('5 requests');
    expect(await rows().count()).toBe(5);
  });

  it('fills the table from getRequests on a fresh page', async () => {
    const { requests } = (await (await fetch(`${env.url}/requests?limit=5`)).json()) as { requests: Array<{ id: string }> };
    const fresh = await openDashboard(browser, env.url, { hash: 'requests' });
    try {
      await expect.poll(() => fresh.page.locator('#requests-body tr.request-row').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.id))).toEqual(requests.map((r) => r.id));
      expect(fresh.problems).toEqual([]);
    } finally {
      await fresh.page.close();
    }
  });

  it('shows the mapped model on the OpenAI route, and the route filter finds it', async () => {
    const res = await fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
      body: JSON.stringify({ model: 'gpt-4o', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await expect.poll(() => rows().first().textContent()).toContain('gpt-4o → claude-haiku-4-5');
    await page.selectOption('#req-route', 'openai');
    await expect.poll(() => rows().count()).toBe(1);
    await page.selectOption('#req-route', '');
    await page.selectOption('#req-model', 'gpt-4o');
    await expect.poll(() => rows().count()).toBe(1);
    await page.selectOption('#req-model', '');
  });

  it('says so when request history is off ([logging] request_history = 0)', async () => {
    const off = await startDashboardEnv({ extraToml: '[logging]\nrequest_history = 0\n' });
    const other = await openDashboard(browser, off.url, { hash: 'requests' });
    try {
      await expect.poll(() => other.page.textContent('#requests-empty')).toContain('Request history is off');
      await new Anthropic({ baseURL: off.url, apiKey: CLIENT_KEY, maxRetries: 0 }).messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });
      await other.page.waitForTimeout(500);
      expect(await other.page.locator('#requests-body tr.request-row').count()).toBe(0);
      expect(await other.page.textContent('#requests-empty')).toContain('Request history is off');
    } finally {
      await other.page.close();
      await off.close();
    }
  });

  it('produced no script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
