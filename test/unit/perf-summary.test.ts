// The demo's and the performance example's figures: the median is the true one, also for an even count
// (`npm run demo -- --requests 3` summarises 2 times).
import { describe, expect, it } from 'vitest';
import { summarise } from '../../examples/lib/perf.js';

describe('summarise', () => {
  it('the median of two values is their mean, not the lower one', () => {
    expect(summarise([30, 10]).median).toBe(20);
  });
  it('the median of an even count is the mean of the middle two, whatever the order', () => {
    expect(summarise([4, 1, 3, 2]).median).toBe(2.5);
  });
  it('the median of an odd count is the middle value', () => {
    expect(summarise([9, 1, 5]).median).toBe(5);
    expect(summarise([7]).median).toBe(7);
  });
});
