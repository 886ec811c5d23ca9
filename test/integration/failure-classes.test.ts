// One definition of failure: not 2xx, or broke mid-answer, or aborted by the client. by_status_class has a class
// for each, the classes add up to requests_total, error_rate is failures ÷ total, and /usage and /metrics agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE, eventually, postMessage, startHarness, type Harness } from '../fixtures/proxy-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** Sums ccproxy_api_requests_total by status_class. */
async function metricClasses(): Promise<Record<string, number>> {
  const text = await (await fetch(`${h.url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^ccproxy_api_requests_total\{[^}]*status_class="([^"]+)"[^}]*\} (\d+)/.exec(line);
    if (m) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  }
  return out;
}

describe('failure classes', () => {
  it('a mix of answers adds up: 2xx, 4xx, 5xx, broken and aborted', async () => {
    // 3 successes (JSON, SSE, JSON).
    for (const stream of [false, true, false]) await (await postMessage(h.url, { ...MESSAGE, stream })).text();
    // 4xx from the upstream, and one the proxy answers itself.
    h.upstream.enqueue({ kind: 'error', status: 429, retryAfter: 1 });
    await (await postMessage(h.url)).text();
    await (await fetch(`${h.url}/nowhere`)).text();
    // 5xx from the upstream.
    h.upstream.enqueue({ kind: 'error', status: 529 });
    await (await postMessage(h.url)).text();
    // Two 200 streams that break: an error event from the upstream, and a connection that drops.
    h.upstream.enqueue({ kind: 'stream_error' });
    await (await postMessage(h.url, { ...MESSAGE, stream: true })).text();
    h.upstream.enqueue({ kind: 'disconnect_mid_stream' });
    await (await postMessage(h.url, { ...MESSAGE, stream: true })).text();
    // A client that goes away mid-stream.
    const hold = h.upstream.hold();
    h.upstream.enqueue({ kind: 'held' });
    const ac = new AbortController();
    const res = await postMessage(h.url, { ...MESSAGE, stream: true }, { signal: ac.signal });
    await hold.reached;
    const abortedBefore = h.upstream.abortedRequests;
    ac.abort();
    await res.text().catch(() => {});
    await eventually(() => expect(h.upstream.abortedRequests).toBe(abortedBefore + 1), 10_000);
    hold.release();

    await eventually(async () => expect((await h.stats()).requests_total).toBe(9), 10_000);
    const stats = await h.stats();
    expect(stats.errors.by_status_class).toEqual({ '2xx': 3, '3xx': 0, '4xx': 2, '5xx': 1, broken: 2, aborted: 1 });
    const classes = Object.values(stats.errors.by_status_class as Record<string, number>);
    expect(classes.reduce((a, b) => a + b, 0)).toBe(stats.requests_total);
    expect(stats.error_rate).toBe(Math.round((6 / 9) * 1000) / 1000);
    const byType = Object.values(stats.errors.by_type as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(byType).toBe(6);

    const usage = await (await fetch(`${h.url}/usage`)).json();
    const haiku = usage.models['claude-haiku-4-5'];
    expect(haiku.errors).toBe(5); // the refused path has no model
    expect(await metricClasses()).toEqual({ '2xx': 3, '4xx': 2, '5xx': 1, broken: 2, aborted: 1 });
  }, 60_000);
});
