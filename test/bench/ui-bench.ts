// `npm run bench:ui`: the dashboard under load. The proxy (in this process) in front of the fake upstream, 80
// requests/s of mixed traffic (JSON, SSE, 429, client aborts) for 60 s while Chromium shows each view in turn;
// then, apart, a proxy holding request_history = 10000. Figures from CDP's Performance domain (main-thread task
// time), a long-task observer and timestamps taken in the page. Not pass/fail: it prints figures beside the
// issue's budgets.
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import { buildRenderer } from '../../renderer/build.mjs';
import { launchChromium } from '../e2e/helpers.js';
import { startHarness, type Harness } from '../fixtures/proxy-harness.js';

const { values: flags } = parseArgs({ options: { rate: { type: 'string', default: '80' }, seconds: { type: 'string', default: '60' }, history: { type: 'string', default: '10000' } } });
const RATE = Number(flags.rate);
const SECONDS = Number(flags.seconds);
const HISTORY = Number(flags.history);
const VIEWS = ['stats', 'requests', 'logs', 'settings'] as const;
const KEY = 'sk-ant-bench-ui-0001';

const pct = (xs: number[], q: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]! : NaN);
const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(0)} ms` : '–');

/**
 * In the page before its scripts: long tasks, the time each request row first shows a final status, and search
 * latency. Plain JavaScript in a string: tsx would wrap a function's inner names in a helper the page lacks.
 */
const INSTRUMENT = `
  window.bench = { long: [], rowDone: {}, search: [] };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.bench.long.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  const now = () => performance.timeOrigin + performance.now();
  const watch = () => {
    const body = document.getElementById('requests-body');
    const search = document.getElementById('log-search');
    if (!body || !search) return void setTimeout(watch, 100);
    new MutationObserver((records) => {
      const rows = new Set();
      for (const r of records) {
        const el = r.target instanceof Element ? r.target : r.target.parentElement;
        const tr = el && el.closest('tr.request-row');
        if (tr) rows.add(tr);
        for (const n of r.addedNodes) if (n instanceof HTMLElement && n.matches('tr.request-row')) rows.add(n);
      }
      const done = [...rows].filter((tr) => !(tr.dataset.id in window.bench.rowDone) && tr.dataset.kind !== 'pending');
      if (done.length) requestAnimationFrame(() => { for (const tr of done) window.bench.rowDone[tr.dataset.id] ??= now(); });
    }).observe(body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['data-kind'] });
    // Typing in the log search: from the input event to the frame after the list changed.
    let typedAt = 0;
    search.addEventListener('input', () => (typedAt = performance.now()), true);
    new MutationObserver(() => {
      if (!typedAt) return;
      const t0 = typedAt;
      typedAt = 0;
      requestAnimationFrame(() => window.bench.search.push(performance.now() - t0));
    }).observe(document.getElementById('log-list'), { childList: true, subtree: true, characterData: true });
  };
  document.addEventListener('DOMContentLoaded', watch);
`;

/** Resolves with performance.now() at the frame that shows the first request row. */
const FIRST_ROW = `new Promise((resolve) => {
  const check = () => (document.querySelector('#requests-body tr.request-row') ? requestAnimationFrame(() => resolve(performance.now())) : requestAnimationFrame(check));
  check();
})`;

/** Main-thread seconds so far: all tasks, and the script, style and layout parts of them. */
async function taskSeconds(cdp: CDPSession): Promise<Record<'task' | 'script' | 'style' | 'layout', number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return { task: get('TaskDuration'), script: get('ScriptDuration'), style: get('RecalcStyleDuration'), layout: get('LayoutDuration') };
}

/** One request of the mix; returns its request-id and end time (epoch ms) when an answer was read to the end. */
async function oneRequest(url: string, kind: 'json' | 'sse' | '429' | 'abort', h: Harness): Promise<{ id: string; end: number } | null> {
  const body = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 16, stream: kind === 'sse', messages: [{ role: 'user', content: 'bench' }] });
  if (kind === '429') h.upstream.enqueue({ kind: 'error', status: 429, retryAfter: 1 });
  if (kind === 'abort') h.upstream.enqueue({ kind: 'delay', ms: 400 });
  const ac = new AbortController();
  if (kind === 'abort') setTimeout(() => ac.abort(), 40);
  try {
    const res = await fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'anthropic-version': '2023-06-01' }, body, signal: ac.signal });
    await res.arrayBuffer();
    const id = res.headers.get('request-id');
    return id ? { id, end: Date.now() } : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  await buildRenderer();
  const browser = await launchChromium(); // the system Chromium, as the e2e tests use it
  const h = await startHarness({ config: { pool_settings: { min_size: 2, max_size: 16 } } });
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.addInitScript(INSTRUMENT);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${h.url}/ui/#stats`);
    await page.waitForSelector('#status-pill:has-text("Running")');

    // Traffic: RATE requests a second, whatever the answers take (each one its own promise).
    const ends = new Map<string, number>();
    let sent = 0;
    const inFlight = new Set<Promise<unknown>>();
    const started = Date.now();
    const timer = setInterval(() => {
      const due = Math.floor(((Date.now() - started) / 1000) * RATE) - sent;
      for (let i = 0; i < due; i++) {
        const r = sent++ % 10;
        const kind = r < 5 ? 'sse' : r < 8 ? 'json' : r === 8 ? '429' : 'abort';
        const p = oneRequest(h.url, kind, h).then((e) => e && ends.set(e.id, e.end));
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    }, 20);

    const perView: Array<{ view: string; busy: number; script: number; style: number; layout: number; longest: number; longTasks: number }> = [];
    const slice = (SECONDS * 1000) / VIEWS.length;
    let rowWindow: [number, number] = [0, 0];
    let records: Array<{ id: string; request_id: string | null }> = [];
    for (const view of VIEWS) {
      await page.click(`#tab-${view}`);
      if (view === 'requests') await page.evaluate(() => (document.getElementById('requests-scroll')!.scrollTop = 0));
      const longBefore = await page.evaluate(() => (window as unknown as { bench: { long: number[] } }).bench.long.length);
      const t0 = Date.now();
      const busy0 = await taskSeconds(cdp);
      if (view === 'requests') rowWindow = [t0 + 1000, t0 + slice];
      if (view === 'logs') {
        // A reader types a search while the log streams, one key every 300 ms, then clears it.
        await page.waitForTimeout(1000);
        await page.focus('#log-search');
        for (const key of 'POST /v1') {
          await page.keyboard.type(key);
          await page.waitForTimeout(300);
        }
        await page.fill('#log-search', '');
      }
      await page.waitForTimeout(Math.max(0, slice - (Date.now() - t0)));
      const busy1 = await taskSeconds(cdp);
      const wall = (Date.now() - t0) / 1000;
      const part = (k: 'task' | 'script' | 'style' | 'layout') => (busy1[k] - busy0[k]) / wall;
      const longs = (await page.evaluate(() => (window as unknown as { bench: { long: number[] } }).bench.long)).slice(longBefore);
      if (view === 'requests') records = ((await (await fetch(`${h.url}/requests?limit=1000`)).json()) as { requests: Array<{ id: string; request_id: string | null }> }).requests;
      perView.push({ view, busy: part('task'), script: part('script'), style: part('style'), layout: part('layout'), longest: longs.length ? Math.max(...longs) : 0, longTasks: longs.length });
    }
    clearInterval(timer);
    await Promise.allSettled([...inFlight]);
    const elapsed = (Date.now() - started) / 1000;

    // Row status latency: rows that turned final while Requests was on screen, against the client's end time.
    const bench = await page.evaluate(() => (window as unknown as { bench: { rowDone: Record<string, number>; search: number[] } }).bench);
    const lat: number[] = [];
    for (const r of records) {
      const shown = bench.rowDone[r.id];
      const end = r.request_id ? ends.get(r.request_id) : undefined;
      if (shown && end && end >= rowWindow[0] && end <= rowWindow[1]) lat.push(Math.max(0, shown - end));
    }

    console.log(`\nbench:ui — ${sent} requests in ${elapsed.toFixed(0)} s (${(sent / elapsed).toFixed(0)}/s: 50% SSE, 30% JSON, 10% 429, 10% aborted), each view ${(slice / 1000).toFixed(0)} s on screen`);
    const p100 = (x: number) => `${(x * 100).toFixed(1)} %`;
    console.log('view       main thread busy (script / style / layout)   longest task   long tasks (>50 ms)');
    for (const v of perView) console.log(`${v.view.padEnd(10)} ${p100(v.busy).padStart(8)} (${p100(v.script)} / ${p100(v.style)} / ${p100(v.layout)})`.padEnd(55) + `${ms(v.longest).padStart(12)}   ${String(v.longTasks).padStart(6)}`);
    console.log(`row status visible after the response ended: p50 ${ms(pct(lat, 0.5))}, p95 ${ms(pct(lat, 0.95))}, max ${ms(Math.max(...lat))} (${lat.length} rows)   budget ≤ 200 ms`);
    console.log(`log search, key to list updated: p50 ${ms(pct(bench.search, 0.5))}, max ${ms(Math.max(...bench.search))} (${bench.search.length} keys)   budget ≤ 100 ms`);
    console.log('budgets: main thread ≤ 20 % busy, no task > 100 ms');
    await page.close();
  } finally {
    await h.close();
  }

  // request_history = 10000: how long until the Requests view shows rows.
  const big = await startHarness({ config: { logging: { request_history: HISTORY }, pool_settings: { min_size: 2, max_size: 16 } } });
  try {
    let next = 0;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (next++ < HISTORY) await oneRequest(big.url, 'json', big);
    }));
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(`${big.url}/ui/#stats`);
    await page.waitForSelector('#status-pill:has-text("Running")');
    await page.waitForTimeout(1500);
    const tabSwitch = await firstRowAfterTab(page);
    const fresh = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await fresh.goto(`${big.url}/ui/#requests`);
    const open = (await fresh.evaluate(FIRST_ROW)) as number;
    console.log(`request_history = ${HISTORY} (${HISTORY} held): Requests shows rows ${ms(tabSwitch)} after its tab is clicked; a page opened on it shows rows ${ms(open)} after navigation   budget ≤ 300 ms`);
    await page.close();
    await fresh.close();
  } finally {
    await big.close();
    await browser.close();
  }
}

/** Milliseconds from a click on the Requests tab to the frame that shows the first request row. */
async function firstRowAfterTab(page: Page): Promise<number> {
  return (await page.evaluate(`(() => { const t0 = performance.now(); document.getElementById('tab-requests').click(); return ${FIRST_ROW}.then((t) => t - t0); })()`)) as number;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
