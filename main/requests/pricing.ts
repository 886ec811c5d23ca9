// What a request cost: a price table per model (USD per million tokens) and the arithmetic. The table ships with
// its date and source; [pricing."model-name"] in .ccproxy.toml overrides or adds a row. A model without a price
// costs null, never 0, so a total can say how many requests it could not price.
import type { TokenUsage } from '../common/requests.js';

export interface ModelPrice {
  /** Base input tokens. */
  input: number;
  output: number;
  /** Cache writes with the default 5-minute lifetime. */
  cache_write_5m: number;
  /** Cache writes with the 1-hour lifetime. */
  cache_write_1h: number;
  /** Cache hits and refreshes. */
  cache_read: number;
}

export const PRICES_AS_OF = '2026-12-05';
export const PRICES_SOURCE = 'https://platform.claude.com/docs/en/about-claude/pricing (Model pricing table)';

const row = (input: number, cache_write_5m: number, cache_write_1h: number, cache_read: number, output: number): ModelPrice => ({ input, output, cache_write_5m, cache_write_1h, cache_read });

/**
 * Keys are model ids without their date suffix; a request's model is matched to the longest key it starts with
 * that ends at a separator (claude-opus-4-5-20251101 → claude-opus-4-5, never claude-opus-4). Only rows read from
 * the source above; newer models are priced by adding [pricing."claude-…"] until this table has them.
 */
export const PRICE_TABLE: Readonly<Record<string, ModelPrice>> = {
  'claude-fable-5-1': row(10, 12.5, 20, 0.25, 50),
  'claude-mythos-5-1': row(10, 12.5, 20, 0.25, 50),
  'claude-fable-5': row(10, 12.5, 20, 1, 50),
  'claude-mythos-5': row(10, 12.5, 20, 1, 50),
  'claude-opus-5': row(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-8': row(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-7': row(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-6': row(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-5': row(5, 6.25, 10, 0.5, 25),
  'claude-opus-4-1': row(15, 18.75, 30, 1.5, 75),
  'claude-opus-4': row(15, 18.75, 30, 1.5, 75),
  'claude-sonnet-4-6': row(3, 3.75, 6, 0.3, 15),
  'claude-sonnet-4-5': row(3, 3.75, 6, 0.3, 15),
  'claude-sonnet-4': row(3, 3.75, 6, 0.3, 15),
  'claude-3-7-sonnet': row(3, 3.75, 6, 0.3, 15),
  'claude-haiku-4-5': row(1, 1.25, 2, 0.1, 5),
  'claude-3-5-haiku': row(0.8, 1, 1.6, 0.08, 4),
  'claude-3-opus': row(15, 18.75, 30, 1.5, 75),
  'claude-3-haiku': row(0.25, 0.3, 0.5, 0.03, 1.25),
};

/** Usage as a record keeps it: the four counts, and the 1-hour share of the cache writes when the answer said. */
export type PricedUsage = TokenUsage & { cache_creation_1h_input_tokens?: number };

/** [pricing] rows as the config holds them: cache prices default to the API's multipliers of the input price. */
export function pricesFromConfig(rows: Readonly<Record<string, { input: number; output: number; cache_write_5m?: number; cache_write_1h?: number; cache_read?: number }>>): Record<string, ModelPrice> {
  const out: Record<string, ModelPrice> = {};
  for (const [model, r] of Object.entries(rows)) {
    out[model] = { input: r.input, output: r.output, cache_write_5m: r.cache_write_5m ?? r.input * 1.25, cache_write_1h: r.cache_write_1h ?? r.input * 2, cache_read: r.cache_read ?? r.input * 0.1 };
  }
  return out;
}

export class Pricing {
  private readonly table: Record<string, ModelPrice>;
  private readonly keys: string[];
  private readonly memo = new Map<string, ModelPrice | null>();

  constructor(overrides: Readonly<Record<string, ModelPrice>> = {}) {
    this.table = { ...PRICE_TABLE, ...overrides };
    // Longest first, so the first key that matches is the most specific.
    this.keys = Object.keys(this.table).sort((a, b) => b.length - a.length);
  }

  /** The price of a model id (date suffix, "[1m]" or a "-latest" tail allowed), or null when it has none. */
  priceOf(model: string | null): ModelPrice | null {
    if (!model) return null;
    const known = this.memo.get(model);
    if (known !== undefined) return known;
    let found: ModelPrice | null = this.table[model] ?? null;
    if (!found) {
      for (const key of this.keys) {
        if (model.startsWith(key) && /^$|^[-@[:]/.test(model.slice(key.length, key.length + 1))) {
          found = this.table[key]!;
          break;
        }
      }
    }
    if (this.memo.size < 1000) this.memo.set(model, found);
    return found;
  }

  /**
   * USD for one request's usage, or null without a price (or without usage). Cache writes are split into 1-hour
   * and 5-minute ones when the answer gave the split (usage.cache_creation); otherwise all are 5-minute, the API's
   * default lifetime.
   */
  cost(model: string | null, usage: PricedUsage | null): number | null {
    if (!usage) return null;
    const p = this.priceOf(model);
    if (!p) return null;
    const oneHour = Math.min(usage.cache_creation_1h_input_tokens ?? 0, usage.cache_creation_input_tokens);
    const fiveMin = usage.cache_creation_input_tokens - oneHour;
    const micro = usage.input_tokens * p.input + usage.output_tokens * p.output + fiveMin * p.cache_write_5m + oneHour * p.cache_write_1h + usage.cache_read_input_tokens * p.cache_read;
    // micro is in millionths of a dollar; rounded to 1e-8 USD so float noise never shows (0.1 + 0.2).
    return Math.round(micro * 100) / 1e8;
  }
}
