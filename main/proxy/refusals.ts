// Requests the proxy refuses itself (400, 401, 403, 404, 413) are seen: each gets a request record (status,
// reason, client), counts in ccproxy_refusals_total, and a WARN line. The line is rate-limited per client and
// reason, so a client that retries a refused request in a loop (Claude Code on a 401) cannot flood the log: the
// first refusal is logged at once, repeats within the window are counted and summed up in the next line.
import type { FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import type { AppDeps } from './deps.js';
import { ProxyError, fromFastifyError } from './errors.js';

export const REFUSAL_STATUSES = new Set([400, 401, 403, 404, 413]);
/** One WARN line per client and reason per this window; the rest are counted. */
export const REFUSAL_LOG_WINDOW_MS = 60_000;
const MAX_KEYS = 1000;

/** The route family of a refused path, for its record (a refusal on /admin or /ui is the proxy's own). */
function familyOf(path: string): 'anthropic' | 'openai' | 'proxy' {
  if (path === '/v1/chat/completions' || path.startsWith('/openai/')) return 'openai';
  if (path.startsWith('/v1/') || path === '/') return 'anthropic';
  return 'proxy';
}

/** Notes an error the proxy answers with, if it is a refusal; the same error object is noted once. */
export type RefusalNoter = (request: FastifyRequest, err: unknown) => void;

export function createRefusalNoter(deps: Pick<AppDeps, 'records' | 'log' | 'metrics'>): RefusalNoter {
  const counter = (deps.metrics.registry.getSingleMetric('ccproxy_refusals_total') as Counter<'status' | 'reason'> | undefined) ??
    new Counter({
      name: 'ccproxy_refusals_total',
      help: 'Requests the proxy refused itself (bad Host or origin, missing token, bad path, too large, no route), by status and reason',
      labelNames: ['status', 'reason'],
      registers: [deps.metrics.registry],
    });
  const noted = new WeakSet<object>();
  const windows = new Map<string, { until: number; suppressed: number }>();

  return (request, thrown) => {
    if (typeof thrown !== 'object' || thrown === null || noted.has(thrown)) return;
    noted.add(thrown);
    // Fastify's own errors (bad JSON, body too large) as the answer the client gets.
    const err = thrown instanceof ProxyError ? thrown : fromFastifyError(thrown as { statusCode?: number; code?: string; message: string });
    if (!REFUSAL_STATUSES.has(err.status)) return;
    const raw = request.raw;
    const url = raw.url ?? '/';
    const path = url.split('?')[0]!;
    const trace = deps.records.begin({ method: raw.method ?? 'GET', path, route: familyOf(path), rawHeaders: raw.rawHeaders });
    trace.end({ status: err.status, error: { type: err.type, message: err.message } });
    // A Fastify error's reason is its code (FST_ERR_CTP_INVALID_JSON_BODY …) when it has one.
    const reason = thrown instanceof ProxyError ? err.reason : ((thrown as { code?: unknown }).code as string | undefined) ?? err.reason;
    counter.labels(String(err.status), reason).inc();

    const address = raw.socket?.remoteAddress ?? 'unknown';
    const key = `${address}\u0000${err.status}\u0000${reason}`;
    const now = Date.now();
    const window = windows.get(key);
    if (window && now < window.until) {
      window.suppressed++;
      return;
    }
    if (windows.size >= MAX_KEYS) windows.clear();
    windows.set(key, { until: now + REFUSAL_LOG_WINDOW_MS, suppressed: 0 });
    const repeats = window && window.suppressed > 0 ? ` (${window.suppressed} more like it in the last ${REFUSAL_LOG_WINDOW_MS / 1000} s)` : '';
    const { client: tool, client_version: version } = trace.record;
    const client = tool ? ` ${tool}${version ? `/${version}` : ''}` : '';
    deps.log.warn(`[SECURITY] Refused ${raw.method} ${path} from ${address}${client}: ${err.status} ${reason}: ${err.message}${repeats}`);
  };
}
