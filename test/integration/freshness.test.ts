// Stale sockets without retries: an upstream that closes idle keep-alive sockets at a fixed limit (as the API's edge
// does at 400 s, scaled here to 1 s, with no Keep-Alive hint) must never cost a client an error, and no request may
// reach it twice. What carries it is freshness: no socket idle for longer than keepalive_timeout is ever used.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startLatencyRelay } from '../../examples/lib/latency-relay.js';
import { startFakeUpstream } from '../fixtures/fake-upstream/index.js';
import { postMessage, startHarness } from '../fixtures/proxy-harness.js';

const EDGE_IDLE_MS = 1000;
/** Network distance between proxy and upstream, so a close and a request can cross on the way, as they do for real. */
const RTT_MS = 100;

describe('an upstream that closes idle sockets at a fixed limit', () => {
  it('bursts with gaps around the limit: no client error, every request upstream once', async () => {
    const edge = await startFakeUpstream({ edgeIdleCloseMs: EDGE_IDLE_MS });
    const relay = await startLatencyRelay({ targetHost: '127.0.0.1', targetPort: edge.port, rttMs: RTT_MS });
    const h = await startHarness({
      upstreamUrl: relay.url('http'),
      config: { upstream: { keepalive_timeout: 0.5 }, pool_settings: { min_size: 2, max_size: 4, health_check_interval: 3600 } },
    });
    try {
      const statuses: number[] = [];
      let sent = 0;
      // A request sent 0.8-0.95 s after the last answer meets the upstream's close (1 s after it sent that answer)
      // on the way; other gaps land just before and after it.
      for (const gapMs of [820, 860, 880, 900, 920, 940, 1000, 1100]) {
        const burst = await Promise.all(Array.from({ length: 3 }, () => postMessage(h.url)));
        for (const res of burst) {
          statuses.push(res.status);
          await res.text();
        }
        sent += burst.length;
        await sleep(gapMs);
      }
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect(edge.requests.filter((r) => r.method === 'POST')).toHaveLength(sent);
      // The proxy closed the idle sockets itself, before the upstream could.
      expect(h.logs().some((l) => /Destroyed connection \w{6}: socket closed while idle/.test(l))).toBe(true);
    } finally {
      await h.close();
      await relay.close();
      await edge.close();
    }
  }, 30_000);
});
