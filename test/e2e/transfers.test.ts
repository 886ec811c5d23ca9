// Small transfers (issue: the dashboard under load): with 1,000 requests in history, opening the dashboard moves
// at most 300 KB over the wire (CDP Network, bytes as received: compressed), asks for each thing once, and
// reads the request list in pages. The /v1 passthrough stays byte-exact: never compressed by the proxy.
import type { Browser, CDPSession } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../renderer/build.mjs';
import { hasChromium, launchChromium, sendRequests, startDashboardEnv, type DashboardEnv } from './helpers.js';

const HISTORY = 1000;
const BUDGET_BYTES = 300 * 1024;

describe.skipIf(!hasChromium)('page-open transfers (headless Chromium)', () => {
  let env: DashboardEnv;
  let browser: Browser;

  beforeAll(async () => {
    await buildRenderer();
    env = await startDashboardEnv({ extraToml: `[logging]\nrequest_history = ${HISTORY}\n` });
    await sendRequests(env.url, HISTORY, 8);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it(`opens in at most ${BUDGET_BYTES / 1024} KB with ${HISTORY} requests in history, each thing fetched once, requests in pages`, async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const cdp: CDPSession = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const finished = new Map<string, number>();
    const streaming = new Map<string, number>();
    const urls = new Map<string, string>();
    cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
    cdp.on('Network.dataReceived', (e) => streaming.set(e.requestId, (streaming.get(e.requestId) ?? 0) + e.encodedDataLength));
    cdp.on('Network.loadingFinished', (e) => finished.set(e.requestId, e.encodedDataLength));
    const ops: string[] = [];
    const bodies: string[] = [];
    page.on('request', (r) => {
      const op = /\/admin\/api\/(\w+)$/.exec(r.url())?.[1];
      if (op && r.method() === 'POST') {
        ops.push(op);
        if (op === 'getRequestPage') bodies.push(r.postData() ?? '');
      }
    });

    await page.goto(`${env.url}/ui/`);
    await page.waitForSelector('#status-pill:has-text("Running")');
    await page.waitForSelector('#stat-requests_total:not(:has-text("–"))');
    await page.click('#tab-requests');
    await page.waitForSelector('#requests-body tr.request-row');
    await page.click('#tab-logs');
    await page.waitForSelector('#log-list .log-line');
    await page.waitForLoadState('networkidle').catch(() => {}); // the event stream never idles: bounded by its timeout

    let total = 0;
    const byUrl: Record<string, number> = {};
    for (const [id, url] of urls) {
      const bytes = finished.get(id) ?? streaming.get(id) ?? 0;
      total += bytes;
      byUrl[url.replace(env.url, '')] = (byUrl[url.replace(env.url, '')] ?? 0) + bytes;
    }
    console.log(`page open: ${total} bytes`, JSON.stringify(byUrl));
    expect(total, JSON.stringify(byUrl)).toBeLessThanOrEqual(BUDGET_BYTES);

    const counts = ops.reduce<Record<string, number>>((m, op) => ((m[op] = (m[op] ?? 0) + 1), m), {});
    for (const op of ['getSettings', 'getLogs', 'getStats', 'getStatus']) expect(counts[op] ?? 0, `${op} fetched ${counts[op]} times`).toBeLessThanOrEqual(1);
    // The Requests view reads the history a page at a time (getRequestPage), once at open.
    expect(counts['getRequestPage']).toBe(1);
    expect(counts['getRequests'] ?? 0).toBe(0);
    expect(JSON.parse(bodies[0]!)).toEqual({ limit: 100 }); // the first page, not the whole history
    await page.close();
  });

  it('compresses the dashboard and its API, never a /v1 answer', async () => {
    const ui = await fetch(`${env.url}/ui/app.js`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(ui.headers.get('content-encoding')).toMatch(/br|gzip/);
    const api = await fetch(`${env.url}/admin/api/getRequests`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' }, body: JSON.stringify({ limit: 100 }) });
    expect(api.headers.get('content-encoding')).toBe('gzip');
    const v1 = await fetch(`${env.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-e2e-bytes-0001', 'anthropic-version': '2023-06-01', 'accept-encoding': 'br, gzip' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'bytes' }] }),
    });
    expect(v1.status).toBe(200);
    expect(v1.headers.get('content-encoding')).toBeNull();
  });
});
