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
    if (record.error_type || record.status < 200 || record.status >= 300) t.errors++;
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

export function statusClass(record: RequestRecord): keyof ErrorCounts['by_status_class'] {
  if (record.status === 0) return 'aborted';
  return `${Math.min(5, Math.max(2, Math.floor(record.status / 100)))}xx` as '2xx' | '3xx' | '4xx' | '5xx';
}

export class ErrorBook {
  private readonly counts: ErrorCounts = { by_status_class: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, aborted: 0 }, by_type: {} };

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

export class RateLimitBook {
  private state: RateLimits = { requests: null, tokens: null, input_tokens: null, output_tokens: null, retry_after: null, updated_at: null };

  /** Reads anthropic-ratelimit-* and retry-after from an answer's header lines (lower-case names). */
  update(header: (lowerName: string) => string | undefined): void {
    let seen = false;
    for (const [key, wire] of KINDS) {
      const limit = header(`anthropic-ratelimit-${wire}-limit`);
      const remaining = header(`anthropic-ratelimit-${wire}-remaining`);
      const reset = header(`anthropic-ratelimit-${wire}-reset`);
      if (limit === undefined && remaining === undefined && reset === undefined) continue;
      seen = true;
      const window: RateLimitWindow = { limit: toNumber(limit), remaining: toNumber(remaining), reset: reset ?? null };
      this.state[key] = window;
    }
    const retryAfter = toNumber(header('retry-after'));
    const now = new Date().toISOString();
    if (retryAfter !== null) this.state.retry_after = { seconds: retryAfter, at: now };
    if (seen || retryAfter !== null) this.state.updated_at = now;
  }

  snapshot(): RateLimits {
    return structuredClone(this.state);
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
  private readonly listeners = new Set<(state: UpstreamHealth['state']) => void>();

  answered(): void {
    if (this.state.state === 'ok') return;
    this.state = { state: 'ok', consecutive_failures: 0, last_error: null, since: new Date().toISOString() };
    this.emit();
  }

  failed(reason: string): void {
    const wasUnreachable = this.state.state === 'unreachable';
    this.state = { state: 'unreachable', consecutive_failures: this.state.consecutive_failures + 1, last_error: reason, since: wasUnreachable ? this.state.since : new Date().toISOString() };
    if (!wasUnreachable) this.emit();
  }

  onChange(listener: (state: UpstreamHealth['state']) => void): void {
    this.listeners.add(listener);
  }

  snapshot(): UpstreamHealth {
    return { ...this.state };
  }

  private emit(): void {
    for (const l of this.listeners) l(this.state.state);
  }
}
