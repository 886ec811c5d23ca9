// Cost from the four token kinds (5-minute and 1-hour cache writes apart), null for a model without a price,
// and [pricing] overrides.
import { describe, expect, it } from 'vitest';
import { Pricing, PRICE_TABLE } from '../../main/requests/pricing.js';

const usage = { input_tokens: 1000, output_tokens: 500, cache_creation_input_tokens: 2000, cache_read_input_tokens: 10_000 };

describe('pricing', () => {
  it('prices a known model from input, output, cache writes and cache reads (per million tokens)', () => {
    const p = new Pricing();
    // Sonnet 4.5: $3 in, $15 out, $3.75 5m writes, $6 1h writes, $0.30 reads.
    // 1000*3 + 500*15 + 2000*3.75 + 10000*0.3 = 3000 + 7500 + 7500 + 3000 = 21000 µ$ = 0.021
    expect(p.cost('claude-sonnet-4-5-20250929', usage)).toBe(0.021);
    // The same with 1500 of the 2000 cache writes at the 1-hour price: 500*3.75 + 1500*6 = 1875 + 9000.
    expect(p.cost('claude-sonnet-4-5', { ...usage, cache_creation_1h_input_tokens: 1500 })).toBe(0.024375);
    // Opus 4.5 ($5/$25/$6.25/$10/$0.50): 5000 + 12500 + 12500 + 5000 = 35000 µ$.
    expect(p.cost('claude-opus-4-5-20251101', usage)).toBe(0.035);
  });

  it('is null, never 0, for a model without a price or a request without usage', () => {
    const p = new Pricing();
    expect(p.cost('gpt-4o', usage)).toBeNull();
    expect(p.cost(null, usage)).toBeNull();
    expect(p.cost('claude-sonnet-4-5', null)).toBeNull();
    // A known model with no tokens at all costs exactly 0 (priced), not null.
    expect(p.cost('claude-haiku-4-5', { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 })).toBe(0);
  });

  it('matches the most specific row at a separator, never a neighbour', () => {
    const p = new Pricing();
    expect(p.priceOf('claude-opus-4-1-20250805')).toBe(PRICE_TABLE['claude-opus-4-1']);
    expect(p.priceOf('claude-opus-4-20250514')).toBe(PRICE_TABLE['claude-opus-4']);
    expect(p.priceOf('claude-sonnet-4-5[1m]')).toBe(PRICE_TABLE['claude-sonnet-4-5']);
    expect(p.priceOf('claude-opus-45')).toBeNull();
  });

  it('takes overrides and new models from [pricing]', () => {
    const p = new Pricing({ 'claude-sonnet-9': { input: 1, output: 2, cache_write_5m: 1.25, cache_write_1h: 2, cache_read: 0.1 }, 'claude-sonnet-4-5': { input: 0, output: 0, cache_write_5m: 0, cache_write_1h: 0, cache_read: 0 } });
    expect(p.cost('claude-sonnet-9-20270101', { ...usage, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 })).toBe(0.002);
    expect(p.cost('claude-sonnet-4-5', usage)).toBe(0);
  });
});
