// What /pool/stats reports beside the pool's own counters: API requests in flight, latency of successes and of
// failures apart, errors, rate-limit headroom and the upstream's reachability (from the request records).
import type { PoolStatsResponse } from '../common/contract.js';
import type { PoolManager } from '../pool/manager.js';
import type { Metrics } from '../proxy/metrics.js';
import type { RequestRecorder } from '../requests/recorder.js';

/** Routes that reach the upstream; service endpoints (/health, /pool/stats, /ui) are not API requests. */
const isApiRoute = (route: string) => route.startsWith('/v1') || route.startsWith('/openai') || route === '/';

export class RequestStats {
  inFlight = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly pool: PoolManager,
    private readonly metrics: Metrics,
    private readonly records: RequestRecorder,
  ) {}

  started(route: string): void {
    if (isApiRoute(route)) this.inFlight++;
  }

  finished(route: string, method: string, status: number, ms: number): void {
    this.metrics.observeRequest(route, method, status, ms / 1000);
    if (isApiRoute(route)) this.inFlight--;
  }

  snapshot(): PoolStatsResponse {
    const pool = this.pool;
    const counters = pool.counterSnapshot();
    const records = this.records;
    const { ok, failed } = records.percentiles();
    return {
      pool_enabled: pool.enabled,
      stats: counters,
      waiting_requests: pool.waiting(),
      requests_total: records.finished_total,
      requests_in_flight: this.inFlight,
      acquire_wait_ms: pool.acquireWaits.percentiles(),
      request_latency_ms: ok,
      error_latency_ms: failed,
      errors: records.errors.snapshot(),
      rate_limits: records.rateLimits.snapshot(),
      upstream: records.health.snapshot(),
      // Requests, not acquires: a warm-up opens a connection without a request, so it is neither a hit nor a miss.
      reuse_rate: records.connected_total > 0 ? Math.round((records.reused_total / records.connected_total) * 1000) / 1000 : null,
      error_rate: records.finished_total > 0 ? Math.round((records.failed_total / records.finished_total) * 1000) / 1000 : null,
      settings: pool.activeSettings,
      connections: pool.connections(),
      uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }
}
