// What /pool/stats reports beside the pool's own counters: API requests in flight and their latency.
import type { PoolStatsResponse } from './common/contract.js';
import type { PoolManager } from './pool/manager.js';
import type { Metrics } from './proxy/metrics.js';
import { SampleWindow } from './pool/stats.js';

/** Routes that reach the upstream; service endpoints (/health, /pool/stats, /ui) are not API requests. */
const isApiRoute = (route: string) => route.startsWith('/v1') || route.startsWith('/openai');

export class RequestStats {
  inFlight = 0;
  private readonly latency = new SampleWindow();
  private readonly startedAt = Date.now();

  constructor(
    private readonly pool: PoolManager,
    private readonly metrics: Metrics,
  ) {}

  started(route: string): void {
    if (isApiRoute(route)) this.inFlight++;
  }

  finished(route: string, method: string, status: number, ms: number): void {
    this.metrics.observeRequest(route, method, status, ms / 1000);
    if (!isApiRoute(route)) return;
    this.inFlight--;
    this.latency.add(ms);
  }

  snapshot(): PoolStatsResponse {
    const pool = this.pool;
    return {
      pool_enabled: pool.enabled,
      stats: pool.counterSnapshot(),
      waiting_requests: pool.waiting(),
      requests_total: this.latency.total,
      requests_in_flight: this.inFlight,
      acquire_wait_ms: pool.acquireWaits.percentiles(),
      request_latency_ms: this.latency.percentiles(),
      settings: pool.activeSettings,
      connections: pool.connections(),
      uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }
}
