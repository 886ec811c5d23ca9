// The pool's queue and leak warning, seen through the real proxy: a client that gives up while queued never
// reaches the upstream; a stream that keeps flowing is no leak, one that stalls is.
import { describe, expect, it } from 'vitest';
import { eventually, MESSAGE, postMessage, startHarness } from '../fixtures/proxy-harness.js';
import { fakeClock } from '../fixtures/fake-clock.js';

describe('a queued client that goes away', () => {
  it('leaves the queue and its request never reaches the upstream', async () => {
    const h = await startHarness({ config: { pool_settings: { min_size: 1, max_size: 1 } } });
    try {
      const hold = h.upstream.hold();
      h.upstream.enqueue({ kind: 'held' });
      const busy = await postMessage(h.url, { ...MESSAGE, stream: true });
      await hold.reached;
      const gone = new AbortController();
      const abandoned = postMessage(h.url, { ...MESSAGE, messages: [{ role: 'user', content: 'abandoned' }] }, { signal: gone.signal }).catch((e) => e);
      const patient = postMessage(h.url, { ...MESSAGE, messages: [{ role: 'user', content: 'patient' }] });
      await eventually(async () => expect((await h.stats()).waiting_requests).toBe(2));
      gone.abort();
      await abandoned;
      await eventually(async () => expect((await h.stats()).waiting_requests).toBe(1));
      hold.release();
      await busy.text();
      expect((await patient).status).toBe(200);
      const contents = h.upstream.requests.filter((r) => r.method === 'POST').map((r) => (r.json as typeof MESSAGE).messages[0]!.content);
      expect(contents).toEqual(['Hello proxy', 'patient']);
    } finally {
      await h.close();
    }
  });
});

describe('the leak warning on a real stream (fake clock)', () => {
  it('stays quiet while data flows past the threshold, and fires once the stream stalls', async () => {
    const clock = fakeClock();
    const h = await startHarness({ config: { pool_settings: { min_size: 1, max_size: 2, leak_warning_threshold: 120 } }, runtime: { clock, housekeepingMs: 0 } });
    const hold = h.upstream.hold();
    try {
      h.upstream.enqueue({ kind: 'trickle', pings: 6, everyMs: 40 });
      const res = await postMessage(h.url, { ...MESSAGE, stream: true });
      const reader = res.body!.getReader();
      const leaks = () => h.logs().filter((l) => l.includes('Possible leak'));
      // Each chunk that arrives moves the clock a minute: minutes held, never two of them without data.
      let minutes = 0;
      const stalled = hold.reached.then(() => 'stalled' as const);
      let next = reader.read();
      while ((await Promise.race([next, stalled])) !== 'stalled') {
        next = reader.read();
        clock.advance(60_000);
        minutes++;
        await h.runtime.pool.tick();
      }
      expect(minutes).toBeGreaterThanOrEqual(4);
      expect(leaks()).toEqual([]);
      // Now nothing moves: past the threshold it is reported, once.
      clock.advance(121_000);
      await h.runtime.pool.tick();
      await h.runtime.pool.tick();
      expect(leaks()).toHaveLength(1);
      expect(leaks()[0]).toMatch(/with no data for 1\d\d s \(leak_warning_threshold: 120 s\)/);
      await reader.cancel();
    } finally {
      hold.release();
      await h.close();
    }
  });
});
