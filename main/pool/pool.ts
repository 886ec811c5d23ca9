// The Claude instance pool: warm upstream connections handed out most-recently-used first, created on demand
// up to max_size, and a fair FIFO queue with a timeout beyond that. Its state is its own: the housekeeper and
// the manager call methods. Log lines keep the seed's wording, and every number in them is read when logged.
import { randomBytes } from 'node:crypto';
import type { PoolSettings } from '../config/schema.js';
import type { Logger } from '../logging/log-bus.js';
import { AcquireTimeoutError, PoolClosedError, type Clock, type ConnectionFactory, type Entry, type Lease, type ReleaseOutcome, type TimerHandle, type AbortSource } from './types.js';
import type { PoolCountersState, SampleWindow } from './stats.js';
import { WaitQueue } from './wait-queue.js';
import { PooledLease } from './lease.js';

export interface PoolDeps {
  settings: PoolSettings;
  factory: ConnectionFactory;
  clock: Clock;
  log: Logger;
  counters: PoolCountersState;
  acquireWaits: SampleWindow;
  upstreamHealth?: { answered(): void; failed(reason: string): void };
}

export class ClaudeInstancePool {
  private readonly entries = new Map<string, Entry>();
  /** Idle connections; the end of the array is the most recently used. */
  private readonly idle: Entry[] = [];
  private readonly waiters: WaitQueue<Lease>;
  private closing = false;
  private drained: (() => void) | null = null;

  constructor(private readonly deps: PoolDeps) {
    this.waiters = new WaitQueue<Lease>(deps.clock, (waiter) => this.timedOut(waiter.enqueuedAt));
  }

  get settings(): PoolSettings {
    return this.deps.settings;
  }
  /** Live resize: new sizes and timeouts apply from the next acquire or housekeeping pass. */
  set settings(next: PoolSettings) {
    this.deps.settings = next;
  }
  get isClosing(): boolean {
    return this.closing;
  }
  get size(): number {
    return this.entries.size;
  }
  get idleCount(): number {
    return this.idle.length;
  }
  get inUseCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.state === 'in_use') n++;
    return n;
  }
  get waitingCount(): number {
    return this.waiters.length;
  }
  /** Every connection, for views and housekeeping (a copy: changing it changes nothing). */
  list(): readonly Readonly<Entry>[] {
    return [...this.entries.values()];
  }
  /** Idle connections, least recently used first (a copy). */
  idleList(): readonly Readonly<Entry>[] {
    return [...this.idle];
  }

  /** Creates min_size connections in parallel and opens their sockets (when warmup_on_startup); returns how many opened. */
  async initialize(): Promise<number> {
    const { min_size, max_size, warmup_on_startup } = this.settings;
    this.deps.log.info(`[POOL] Initializing Claude instance pool (min=${min_size}, max=${max_size})`);
    const wanted = warmup_on_startup ? min_size : 0;
    const opened = wanted > 0 ? (await Promise.all(Array.from({ length: wanted }, () => this.addWarmConnection()))).filter(Boolean).length : 0;
    if (opened >= wanted) {
      this.deps.log.info(`[POOL] Claude instance pool initialized successfully with ${this.entries.size} connections`);
    } else {
      this.deps.log.warn(`[POOL] Claude instance pool initialized with ${opened} of ${wanted} connections: the upstream could not be reached; retrying in the background`);
    }
    return opened;
  }

  /** Opens one more idle connection; logged as created only once its socket is open. False when it could not. */
  async addWarmConnection(): Promise<boolean> {
    if (this.closing || this.entries.size >= this.settings.max_size) return false;
    const entry = this.createEntry('opening');
    try {
      await entry.conn.warm();
    } catch (err) {
      this.deps.log.warn(`[POOL] Could not open a connection to the upstream: ${(err as Error).message}`);
      this.deps.upstreamHealth?.failed(`warm-up failed: ${(err as Error).message}`);
      this.discard(entry);
      return false;
    }
    this.deps.upstreamHealth?.answered();
    if (this.entries.get(entry.id) !== entry) return false; // closed meanwhile (pool shut down)
    this.deps.log.info(`[POOL] Created new pooled connection ${entry.id}`);
    entry.state = 'idle';
    this.idle.unshift(entry);
    this.serveWaiters();
    return true;
  }

  acquire(abortOn?: AbortSource): Promise<Lease> {
    const signal = typeof abortOn === 'function' ? undefined : abortOn;
    if (this.closing) return Promise.reject(new PoolClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
    const started = this.deps.clock.now();
    // Queue behind earlier waiters so nobody barges ahead (fair FIFO).
    if (this.waiters.length === 0) {
      const lease = this.tryAcquire(started);
      if (lease) return Promise.resolve(lease);
    }
    return this.waiters.enqueue(started, this.settings.acquire_timeout * 1000, abortOn);
  }

  /** A waiter gave up: counted and logged; the error it is rejected with. */
  private timedOut(enqueuedAt: number): Error {
    this.deps.counters.acquire_timeouts++;
    const waited = this.deps.clock.now() - enqueuedAt;
    this.deps.log.warn(
      `[POOL] Acquire timed out after ${(waited / 1000).toFixed(2)} s: all ${this.entries.size} connections in use (max: ${this.settings.max_size}, waiting: ${this.waiters.length})`,
    );
    return new AcquireTimeoutError(waited, this.settings.max_size);
  }

  private tryAcquire(started: number): Lease | null {
    let entry: Entry | undefined;
    while ((entry = this.idle.pop())) {
      if (!entry.conn.closed) break;
      this.destroyEntry(entry, 'socket closed while idle');
    }
    const reused = entry !== undefined;
    if (entry) {
      const e = entry;
      this.deps.counters.connections_reused++;
      e.useCount++;
      this.markInUse(e);
      this.deps.log.info(() => `[POOL] Reusing existing connection ${e.id} (use_count: ${e.useCount}, pool_size: ${this.entries.size})`);
    } else if (this.entries.size < this.settings.max_size) {
      entry = this.createEntry('in_use');
      entry.useCount = 1;
      this.markInUse(entry);
      this.deps.log.info(`[POOL] Created new connection ${entry.id} (total: ${this.entries.size}/${this.settings.max_size})`);
    } else {
      return null;
    }
    this.deps.acquireWaits.add(this.deps.clock.now() - started);
    return new PooledLease(this, entry, reused, this.deps.clock);
  }

  private markInUse(entry: Entry): void {
    entry.state = 'in_use';
    entry.leakWarned = false;
    entry.acquiredAt = entry.lastActivityAt = this.deps.clock.now();
  }

  /** Called by a lease. The manager's line comes first, as in the seed's sequence. */
  release(entry: Entry, outcome: ReleaseOutcome): void {
    this.deps.log.info(() => `[POOL_MANAGER] Releasing connection ${entry.id} back to pool`);
    entry.state = 'idle';
    entry.lastUsedAt = entry.lastActiveAt = this.deps.clock.now();
    const age = entry.lastUsedAt - entry.createdAt;
    if (outcome !== 'ok') this.destroyEntry(entry, outcome === 'aborted' ? 'request aborted, socket discarded' : 'request failed on this connection');
    else if (entry.conn.closed) this.destroyEntry(entry, 'socket closed by the upstream');
    else if (this.closing) this.destroyEntry(entry, 'pool shutting down');
    else if (age >= this.settings.max_lifetime * 1000) this.destroyEntry(entry, `reached max_lifetime (${this.settings.max_lifetime} s)`);
    else if (this.entries.size > this.settings.max_size) this.destroyEntry(entry, `pool shrunk to max_size ${this.settings.max_size}`);
    else {
      this.idle.push(entry);
      this.deps.log.info(() => `[POOL] Released connection ${entry.id} back to pool (available: ${this.idle.length}, in_use: ${this.inUseCount})`);
    }
    this.serveWaiters();
    if (this.closing && this.inUseCount === 0) this.drained?.();
  }

  /** Hands free or newly creatable connections to waiters, oldest first. */
  serveWaiters(): void {
    for (let waiter = this.waiters.head(); waiter && !this.closing; waiter = this.waiters.head()) {
      const lease = this.tryAcquire(waiter.enqueuedAt);
      if (!lease) return;
      this.waiters.serveHead(lease);
    }
  }

  private createEntry(state: Entry['state']): Entry {
    let id: string;
    do id = randomBytes(3).toString('hex');
    while (this.entries.has(id));
    const now = this.deps.clock.now();
    const entry: Entry = { id, conn: this.deps.factory.create(id), createdAt: now, lastUsedAt: now, lastActiveAt: now, acquiredAt: 0, lastActivityAt: 0, useCount: 0, state, leakWarned: false };
    // Counted per socket, so a connection that never opened is neither created nor destroyed.
    entry.conn.onOpened(() => this.deps.counters.connections_created++);
    entry.conn.onClosed(() => {
      this.deps.counters.connections_destroyed++;
      // An idle socket that closed must never be handed out: drop it now (refill comes from housekeeping).
      if (entry.state === 'idle' && this.entries.get(id) === entry) this.destroyEntry(entry, 'socket closed while idle');
    });
    this.entries.set(id, entry);
    return entry;
  }

  /** Removes a connection that never opened (failed warm-up): no "Destroyed" line, nothing was created. */
  private discard(entry: Entry): void {
    if (this.entries.get(entry.id) !== entry) return;
    this.entries.delete(entry.id);
    entry.conn.destroy().catch(() => {});
  }

  /** Closes an idle connection for the housekeeper (idle timeout, lifetime, shrink). */
  destroyIdle(id: string, reason: string): void {
    const entry = this.entries.get(id);
    if (entry?.state === 'idle') this.destroyEntry(entry, reason);
  }

  private destroyEntry(entry: Entry, reason: string): Promise<void> {
    if (this.entries.get(entry.id) !== entry) return Promise.resolve();
    this.entries.delete(entry.id);
    const i = this.idle.indexOf(entry);
    if (i >= 0) this.idle.splice(i, 1);
    this.deps.log.info(`[POOL] Destroyed connection ${entry.id}: ${reason} (total: ${this.entries.size}/${this.settings.max_size})`);
    return entry.conn.destroy().catch(() => {});
  }

  /** Marks connections whose data stopped for the leak threshold; returns them once each (the housekeeper logs). */
  takeStalled(now: number, thresholdMs: number): Array<{ id: string; heldMs: number; stillMs: number }> {
    const stalled: Array<{ id: string; heldMs: number; stillMs: number }> = [];
    for (const e of this.entries.values()) {
      const stillMs = now - e.lastActivityAt;
      if (e.state === 'in_use' && !e.leakWarned && stillMs >= thresholdMs) {
        e.leakWarned = true;
        stalled.push({ id: e.id, heldMs: now - e.acquiredAt, stillMs });
      }
    }
    return stalled;
  }

  /** Probes every idle connection; a healthy one goes back at the least-recently-used end (a check is not a use). */
  checkIdle(onResult: (id: string, healthy: boolean, reason: string) => void): Promise<void> {
    return this.probeIdle(this.idle.splice(0), onResult);
  }

  /**
   * Idle connections whose socket would reach its idle limit within `marginRatio` of it: a probe on each now
   * restarts the socket's idle clock, so warm connections stay open instead of closing and reopening every cycle.
   */
  refreshIdle(now: number, marginRatio: number, onResult: (id: string, healthy: boolean, reason: string) => void): Promise<void> {
    const due = this.idle.filter((e) => e.conn.idleLimitMs !== undefined && now - e.lastActiveAt >= e.conn.idleLimitMs * marginRatio);
    if (due.length === 0) return Promise.resolve();
    for (const e of due) this.idle.splice(this.idle.indexOf(e), 1);
    return this.probeIdle(due, onResult);
  }

  private async probeIdle(targets: Entry[], onResult: (id: string, healthy: boolean, reason: string) => void): Promise<void> {
    for (const e of targets) e.state = 'checking';
    await Promise.all(
      targets.map(async (entry) => {
        let healthy = false;
        let reason = 'no answer';
        try {
          healthy = await entry.conn.check();
        } catch (err) {
          reason = (err as Error).message;
        }
        if (this.entries.get(entry.id) !== entry) return;
        healthy &&= !entry.conn.closed && !this.closing;
        onResult(entry.id, healthy, reason);
        if (healthy) {
          entry.lastActiveAt = this.deps.clock.now();
          entry.state = 'idle';
          this.idle.unshift(entry);
        } else {
          this.destroyEntry(entry, 'health check failed');
        }
      }),
    );
    this.serveWaiters();
  }

  /** Stops taking work, fails waiters, lets in-flight requests finish for up to graceMs, then closes everything. */
  async close(graceMs: number): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.waiters.rejectAll(new PoolClosedError());
    const inUse = this.inUseCount;
    this.deps.log.info(`[POOL] Shutting down: closing ${this.entries.size} connections (in use: ${inUse})`);
    const closed: Array<Promise<void>> = [];
    for (const e of [...this.entries.values()]) if (e.state !== 'in_use') closed.push(this.destroyEntry(e, 'pool shutting down'));
    if (inUse > 0) {
      let timer: TimerHandle = null;
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        timer = this.deps.clock.setTimeout(resolve, graceMs);
      });
      this.deps.clock.clearTimeout(timer);
    }
    for (const e of [...this.entries.values()]) closed.push(this.destroyEntry(e, 'pool shut down with the request still running'));
    // The closing line's numbers count the sockets as closed, so wait for them.
    await Promise.all(closed);
    const c = this.deps.counters;
    this.deps.log.info(`[POOL] Pool closed (created: ${c.connections_created}, reused: ${c.connections_reused}, destroyed: ${c.connections_destroyed})`);
  }
}
