// Warm without churn: min_size connections idle past keepalive_timeout are refreshed by a cheap probe before the
// limit, so they stay open (no close and reopen each cycle, and no INFO lines for it), and the first request
// afterwards still finds a warm, reused connection.
import { describe, expect, it } from 'vitest';
import { eventually, postMessage, startHarness } from '../fixtures/proxy-harness.js';

describe('idle warm connections', () => {
  it('stay open across several keep-alive cycles with one DEBUG line per refresh and no churn', async () => {
    const h = await startHarness({
      config: { upstream: { keepalive_timeout: 3 }, pool_settings: { min_size: 2, max_size: 4, health_check_interval: 3600 }, logging: { level: 'debug' } },
    });
    try {
      const heads = () => h.upstream.requests.filter((r) => r.method === 'HEAD').length;
      const startupLines = h.logs().length;
      // Two warm-ups, then at least three refreshes per connection: more than three keep-alive limits (9 s) go by.
      await eventually(() => expect(heads()).toBeGreaterThanOrEqual(2 + 3 * 2), 30_000);
      expect(h.upstream.connectionsAccepted).toBe(2);
      const stats = await h.stats();
      expect(stats.stats.connections_destroyed).toBe(0);
      expect(stats.stats.connections_created).toBe(2);
      const since = h.logs().slice(startupLines);
      expect(since.filter((l) => /Destroyed connection|Refilling pool|Created new/.test(l))).toEqual([]);
      expect(since.filter((l) => l.startsWith('[POOL] Refreshed idle connection')).length).toBeGreaterThanOrEqual(6);
      // Still warm: the next request reuses one of them.
      expect((await postMessage(h.url)).status).toBe(200);
      expect(h.upstream.connectionsAccepted).toBe(2);
      expect((await h.stats()).stats.connections_reused).toBeGreaterThanOrEqual(1);
    } finally {
      await h.close();
    }
  }, 60_000);
});
