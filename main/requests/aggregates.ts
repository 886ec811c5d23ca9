// What the records add up to: usage per model, errors by status class and type, the latest rate-limit headroom,
// and whether the upstream answers at all.
import type { ErrorCounts, RateLimits, RateLimitWindow, UpstreamHealth, UsageTotals } from '../common/requests.js';
import type { KeptRecord } from './trace.js';

type RequestRecord = Pick<KeptRecord, 'status' | 'error_type' | 'usage' | 'model' | 'mapped_model'>;

export class UsageBook {
  private readonly since = new Date().toISOString();
  private readonly models: UsageTotals['models'] = {};

  add(record: RequestRecord): void {
    const model = record.mapped_model ?? record.model ?? 'unknown';
    const t = (this.models[model] ??= { requests: 0, errors: 0, input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    t.requests++;
    if (isFailure(record)) t.errors++;
    if (record.usage) {
      t.input_tokens += record.usage.input_tokens;
      t.output_tokens += record.usage.output_tokens;
      t.cache_creation_input_tokens += record.usage.cache_creation_input_tokens;
      t.cache_read_input_tokens += record.usage.cache_read_input_tokens;
    }
  }

  totals(): UsageTotals {
    return { since: this.since, models: structuredClone(this.models) };
  }
}

/**
 * The one definition of failure, as a class: a request succeeded only when it is "2xx" (a 2xx status, nothing
 * broke, the client stayed). "broken" is a 2xx answer that broke mid-way; "aborted" is a client that went away.
 * Every record is in exactly one class, so the classes add up to requests_total and error_rate is
 * (total − 2xx) ÷ total.
 */
export function statusClass(record: RequestRecord): keyof ErrorCounts['by_status_class'] {
  if (record.status === 0 || record.error_type === 'client_aborted') return 'aborted';
  if (record.status >= 200 && record.status < 300) return record.error_type ? 'broken' : '2xx';
  return `${Math.min(5, Math.max(3, Math.floor(record.status / 100)))}xx` as '3xx' | '4xx' | '5xx';
}

/** Whether a finished request counts as a failure (see statusClass). */
export function isFailure(record: RequestRecord): boolean {
  return statusClass(record) !== '2xx';
}

export class ErrorBook {
  private readonly counts: ErrorCounts = { by_status_class: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, broken: 0, aborted: 0 }, by_type: {} };

  add(record: RequestRecord): void {
    this.counts.by_status_class[statusClass(record)]++;
    if (record.error_type) this.counts.by_type[record.error_type] = (this.counts.by_type[record.error_type] ?? 0) + 1;
  }

  snapshot(): ErrorCounts {
    return structuredClone(this.counts);
  }
}

const KINDS = [
  ['requests', 'requests'],
  ['tokens', 'tokens'],
  ['input_tokens', 'input-tokens'],
  ['output_tokens', 'output-tokens'],
] as const;
/** The header names, made once: per kind, its -limit, -remaining and -reset lines. */
const NAMES = KINDS.map(([, wire]) => [`anthropic-ratelimit-${wire}-limit`, `anthropic-ratelimit-${wire}-remaining`, `anthropic-ratelimit-${wire}-reset`] as const);

/**
 * The latest rate-limit headers, kept as the raw strings they came as (one assignment per answer, no parsing);
 * they become numbers and dates only when someone reads them.
 */
export class RateLimitBook {
  private readonly raw: Array<[string | undefined, string | undefined, string | undefined] | null> = KINDS.map(() => null);
  private retryAfter: { value: string; at: number } | null = null;
  private updatedAt: number | null = null;

  /** Reads anthropic-ratelimit-* and retry-after from an answer's header lines (lower-case names). */
  update(header: (lowerName: string) => string | undefined): void {
    let seen = false;
    for (let k = 0; k < NAMES.length; k++) {
      const [l, r, t] = NAMES[k]!;
      const limit = header(l);
      const remaining = header(r);
      const reset = header(t);
      if (limit === undefined && remaining === undefined && reset === undefined) continue;
      seen = true;
      this.raw[k] = [limit, remaining, reset];
    }
    const retryAfter = header('retry-after');
    if (retryAfter !== undefined) this.retryAfter = { value: retryAfter, at: Date.now() };
    if (seen || retryAfter !== undefined) this.updatedAt = Date.now();
  }

  snapshot(): RateLimits {
    const out: RateLimits = { requests: null, tokens: null, input_tokens: null, output_tokens: null, retry_after: null, updated_at: null };
    KINDS.forEach(([key], k) => {
      const raw = this.raw[k];
      if (raw) out[key] = { limit: toNumber(raw[0]), remaining: toNumber(raw[1]), reset: raw[2] ?? null } satisfies RateLimitWindow;
    });
    const seconds = toNumber(this.retryAfter?.value);
    if (this.retryAfter && seconds !== null) out.retry_after = { seconds, at: new Date(this.retryAfter.at).toISOString() };
    if (this.updatedAt !== null) out.updated_at = new Date(this.updatedAt).toISOString();
    return out;
  }
}

function toNumber(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Unreachable from the first failed connection (or warm-up) until the upstream answers again. */
export class UpstreamHealthBook {
  private state: UpstreamHealth = { state: 'unknown', consecutive_failures: 0, last_error: null, since: null };
  private readonly listeners = new Set<(state: UpstreamHealth['state'], before: UpstreamHealth['state']) => void>();

  answered(): void {
    const before = this.state.state;
    if (before === 'ok') return;
    this.state = { state: 'ok', consecutive_failures: 0, last_error: null, since: new Date().toISOString() };
    this.emit(before);
  }

  failed(reason: string): void {
    const before = this.state.state;
    this.state = { state: 'unreachable', consecutive_failures: this.state.consecutive_failures + 1, last_error: reason, since: before === 'unreachable' ? this.state.since : new Date().toISOString() };
    if (before !== 'unreachable') this.emit(before);
  }

  /** Told of each change of state, with the state before it. */
  onChange(listener: (state: UpstreamHealth['state'], before: UpstreamHealth['state']) => void): void {
    this.listeners.add(listener);
  }

  snapshot(): UpstreamHealth {
    return { ...this.state };
  }

  private emit(before: UpstreamHealth['state']): void {
    for (const l of this.listeners) l(this.state.state, before);
  }
}
