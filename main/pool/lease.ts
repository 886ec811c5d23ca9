// A lease on a pooled connection: what a request holds while it uses one. Releasing twice is harmless.
import type { Dispatcher } from 'undici';
import type { Clock, Entry, Lease, ReleaseOutcome } from './types.js';

/** What the lease needs from the pool that issued it. */
export interface LeaseOwner {
  release(entry: Entry, outcome: ReleaseOutcome): void;
}

export class PooledLease implements Lease {
  readonly pooled = true;
  private released = false;

  constructor(
    private readonly pool: LeaseOwner,
    private readonly entry: Entry,
    readonly reused: boolean,
    private readonly clock: Clock,
  ) {}

  get id(): string {
    return this.entry.id;
  }
  get dispatcher(): Dispatcher {
    return this.entry.conn.dispatcher;
  }
  get useCount(): number {
    return this.entry.useCount;
  }
  touch(): void {
    this.entry.lastActivityAt = this.clock.now();
  }
  release(outcome: ReleaseOutcome = 'ok'): void {
    if (this.released) return;
    this.released = true;
    this.pool.release(this.entry, outcome);
  }
}
