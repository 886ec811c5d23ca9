// Prometheus metrics through prom-client, on a registry of our own (several runtimes may live in one process,
// e.g. in tests). Pool numbers are read at scrape time, so they always agree with /pool/stats.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PoolCounters } from '../common/contract.js';
import type { KeptRecord } from '../requests/trace.js';
import { statusClass } from '../requests/aggregates.js';

export interface Metrics {
  registry: Registry;
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** A finished API request: counted by status class and error type, its tokens by model and kind. */
  observeRecord(record: KeptRecord): void;
}

type MonotonicKey = 'connections_created' | 'connections_destroyed' | 'connections_reused' | 'acquire_timeouts' | 'health_check_failures';

export function createMetrics(read: () => { counters: PoolCounters; waiting: number; enabled: boolean }, withProcessMetrics = true): Metrics {
  const registry = new Registry();
  if (withProcessMetrics) collectDefaultMetrics({ register: registry, prefix: 'ccproxy_' });

  const gauge = (name: string, help: string, pick: (s: ReturnType<typeof read>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(pick(read()));
      },
    });
  gauge('ccproxy_pool_enabled', '1 when connection pooling is on', (s) => (s.enabled ? 1 : 0));
  gauge('ccproxy_pool_connections', 'Upstream connections open now', (s) => s.counters.total_connections);
  gauge('ccproxy_pool_connections_available', 'Idle connections ready to hand out', (s) => s.counters.available_connections);
  gauge('ccproxy_pool_connections_in_use', 'Connections serving a request now', (s) => s.counters.in_use_connections);
  gauge('ccproxy_pool_waiting_requests', 'Requests queued for a free connection', (s) => s.waiting);

  // The pool keeps plain numbers; each scrape adds what changed since the last one.
  const monotonic = (key: MonotonicKey, help: string) => {
    let last = 0;
    return new Counter({
      name: `ccproxy_pool_${key}_total`,
      help,
      registers: [registry],
      collect() {
        const now = read().counters[key];
        if (now > last) this.inc(now - last);
        last = now;
      },
    });
  };
  monotonic('connections_created', 'Upstream connections created');
  monotonic('connections_destroyed', 'Upstream connections closed or discarded');
  monotonic('connections_reused', 'Requests served by an existing connection');
  monotonic('acquire_timeouts', 'Requests refused because no connection became free in time');
  monotonic('health_check_failures', 'Idle connections that failed a health check');

  const duration = new Histogram({
    name: 'ccproxy_http_request_duration_seconds',
    help: 'Time from request to the end of the response, by route and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });

  const requests = new Counter({
    name: 'ccproxy_api_requests_total',
    help: 'API requests that ended, by route family, status class and error type ("" when none)',
    labelNames: ['route', 'status_class', 'error_type'],
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'ccproxy_tokens_total',
    help: 'Tokens the upstream reported, by model and kind (input, output, cache_creation, cache_read)',
    labelNames: ['model', 'kind'],
    registers: [registry],
  });

  // prom-client hashes a label object on every call; a request path has few label sets, so each child is kept.
  const durations = children((v) => duration.labels(v[0]!, v[1]!, v[2]!));
  const requestCounts = children((v) => requests.labels(v[0]!, v[1]!, v[2]!));
  const tokenCounts = children((v) => tokens.labels(v[0]!, v[1]!));

  return {
    registry,
    observeRequest(route, method, status, seconds) {
      durations([route, method, String(status)]).observe(seconds);
    },
    observeRecord(record) {
      requestCounts([record.route, statusClass(record), record.error_type ?? '']).inc();
      const u = record.usage;
      if (!u) return;
      const model = record.mapped_model ?? record.model ?? 'unknown';
      if (u.input_tokens) tokenCounts([model, 'input']).inc(u.input_tokens);
      if (u.output_tokens) tokenCounts([model, 'output']).inc(u.output_tokens);
      if (u.cache_creation_input_tokens) tokenCounts([model, 'cache_creation']).inc(u.cache_creation_input_tokens);
      if (u.cache_read_input_tokens) tokenCounts([model, 'cache_read']).inc(u.cache_read_input_tokens);
    },
  };
}

/** Labelled children by their label values, made on first use; bounded, since a model name comes from clients. */
function children<T>(make: (values: string[]) => T): (values: string[]) => T {
  const cache = new Map<string, T>();
  return (values) => {
    const key = values.join('\u0000');
    let child = cache.get(key);
    if (child === undefined) {
      if (cache.size >= 1000) cache.clear();
      cache.set(key, (child = make(values)));
    }
    return child;
  };
}
