// Counters kept across pool replacements (a reconfigure that swaps the pool must not reset them), and a
// small sample window for percentiles.
import type { Percentiles } from '../common/contract.js';

export interface PoolCountersState {
  connections_created: number;
  connections_destroyed: number;
  connections_reused: number;
  acquire_timeouts: number;
  health_check_failures: number;
}

export function newCounters(): PoolCountersState {
  return { connections_created: 0, connections_destroyed: 0, connections_reused: 0, acquire_timeouts: 0, health_check_failures: 0 };
}

/** Keeps the last `size` samples; percentiles are over that window (nearest-rank). */
export class SampleWindow {
  private readonly samples: number[] = [];
  private next = 0;
  total = 0;

  constructor(private readonly size = 1000) {}

  add(value: number): void {
    this.total++;
    if (this.samples.length < this.size) this.samples.push(value);
    else {
      this.samples[this.next] = value;
      this.next = (this.next + 1) % this.size;
    }
  }

  percentiles(): Percentiles {
    if (this.samples.length === 0) return { p50: null, p95: null, p99: null, count: 0 };
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99), count: this.total };
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
