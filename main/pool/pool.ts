// The Claude instance pool: warm upstream connections handed out most-recently-used first, created on demand
// up to max_size, and a fair FIFO queue with a timeout beyond that. Log lines keep the seed's wording, and every
// number in them is read at the moment of logging.
import { randomBytes } from 'node:crypto';
import type { PoolSettings } from '../config/schema.js';
import type { Logger } from '../logging/log-bus.js';
import { AcquireTimeoutError, PoolClosedError, type Clock, type ConnectionFactory, type Lease, type ReleaseOutcome, type UpstreamConnection } from './types.js';
import type { PoolCountersState, SampleWindow } from './stats.js';

export interface Entry {
  id: string;
  conn: UpstreamConnection;
  createdAt: number;
  lastUsedAt: number;
  acquiredAt: number;
  /** Last time bytes moved for the request holding it (a long stream that flows is not a leak). */
  lastActivityAt: number;
  useCount: number;
  inUse: boolean;
  checking: boolean;
  leakWarned: boolean;
}

interface Waiter {
  enqueuedAt: number;
  resolve(lease: Lease): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export interface PoolDeps {
  settings: PoolSettings;
  factory: ConnectionFactory;
  clock: Clock;
  log: Logger;
  counters: PoolCountersState;
  acquireWaits: SampleWindow;
}

export class ClaudeInstancePool {
  readonly entries = new Map<string, Entry>();
  /** Idle connections; the end of the array is the most recently used. */
  readonly idle: Entry[] = [];
  private readonly waiters: Waiter[] = [];
  settings: PoolSettings;
  closing = false;
  private drained: (() => void) | null = null;

  constructor(private readonly deps: PoolDeps) {
    this.settings = deps.settings;
  }

  get inUseCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.inUse) n++;
    return n;
  }

  get waitingCount(): number {
    return this.waiters.length;
  }

  /** Creates min_size connections in parallel and opens their sockets (when warmup_on_startup); returns how many opened. */
  async initialize(): Promise<number> {
    const { min_size, max_size, warmup_on_startup } = this.settings;
    this.deps.log.info(`[POOL] Initializing Claude instance pool (min=${min_size}, max=${max_size})`);
    const wanted = warmup_on_startup ? min_size : 0;
    if (wanted > 0) await Promise.all(Array.from({ length: wanted }, () => this.addWarmConnection()));
    if (this.entries.size >= wanted) {
      this.deps.log.info(`[POOL] Claude instance pool initialized successfully with ${this.entries.size} connections`);
    } else {
      this.deps.log.warn(`[POOL] Claude instance pool initialized with ${this.entries.size} of ${wanted} connections: the upstream could not be reached; retrying in the background`);
    }
    return this.entries.size;
  }

  /** Creates an idle connection and opens its socket; a failure destroys it again and reports false. */
  async addWarmConnection(): Promise<boolean> {
    if (this.closing || this.entries.size >= this.settings.max_size) return false;
    const entry = this.createEntry();
    this.deps.log.info(`[POOL] Created new pooled connection ${entry.id}`);
    this.idle.unshift(entry);
    try {
      await entry.conn.warm();
      return true;
    } catch (err) {
      this.deps.log.warn(`[POOL] Could not open connection ${entry.id} to the upstream: ${(err as Error).message}`);
      if (!entry.inUse) this.destroy(entry, 'warm-up failed');
      return false;
    }
  }

  acquire(signal?: AbortSignal): Promise<Lease> {
    if (this.closing) return Promise.reject(new PoolClosedError());
    const started = this.deps.clock.now();
    // Queue behind earlier waiters so nobody barges ahead (fair FIFO).
    if (this.waiters.length === 0) {
      const lease = this.tryAcquire(started);
      if (lease) return Promise.resolve(lease);
    }
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = {
        enqueuedAt: started,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.removeWaiter(waiter);
          this.deps.counters.acquire_timeouts++;
          const waited = this.deps.clock.now() - started;
          this.deps.log.warn(
            `[POOL] Acquire timed out after ${(waited / 1000).toFixed(2)} s: all ${this.entries.size} connections in use (max: ${this.settings.max_size}, waiting: ${this.waiters.length})`,
          );
          reject(new AcquireTimeoutError(waited, this.settings.max_size));
        }, this.settings.acquire_timeout * 1000),
      };
      signal?.addEventListener('abort', () => {
        if (this.removeWaiter(waiter)) reject(signal.reason ?? new Error('aborted'));
      });
      this.waiters.push(waiter);
    });
  }

  private tryAcquire(started: number): Lease | null {
    let entry: Entry | undefined;
    while ((entry = this.idle.pop())) {
      if (!entry.conn.closed) break;
      this.destroy(entry, 'socket closed while idle');
    }
    const fromIdle = entry !== undefined;
    if (entry) {
      this.deps.counters.connections_reused++;
      entry.useCount++;
      this.markInUse(entry);
      this.deps.log.info(`[POOL] Reusing existing connection ${entry.id} (use_count: ${entry.useCount}, pool_size: ${this.entries.size})`);
    } else if (this.entries.size < this.settings.max_size) {
      entry = this.createEntry();
      entry.useCount = 1;
      this.markInUse(entry);
      this.deps.log.info(`[POOL] Created new connection ${entry.id} (total: ${this.entries.size}/${this.settings.max_size})`);
    } else {
      return null;
    }
    this.deps.acquireWaits.add(this.deps.clock.now() - started);
    // A connection from the idle list holds a socket that may have gone stale (warmed or used before).
    return this.leaseFor(entry, fromIdle);
  }

  private markInUse(entry: Entry): void {
    entry.inUse = true;
    entry.leakWarned = false;
    entry.acquiredAt = entry.lastActivityAt = this.deps.clock.now();
  }

  private leaseFor(entry: Entry, reused: boolean): Lease {
    let released = false;
    return {
      id: entry.id,
      client: entry.conn.client,
      useCount: entry.useCount,
      reused,
      pooled: true,
      touch: () => {
        entry.lastActivityAt = this.deps.clock.now();
      },
      release: (outcome: ReleaseOutcome = 'ok') => {
        if (released) return;
        released = true;
        this.release(entry, outcome);
      },
    };
  }

  private release(entry: Entry, outcome: ReleaseOutcome): void {
    entry.inUse = false;
    entry.lastUsedAt = this.deps.clock.now();
    const age = entry.lastUsedAt - entry.createdAt;
    if (outcome !== 'ok') this.destroy(entry, outcome === 'aborted' ? 'request aborted, socket discarded' : 'request failed on this connection');
    else if (entry.conn.closed) this.destroy(entry, 'socket closed by the upstream');
    else if (this.closing) this.destroy(entry, 'pool shutting down');
    else if (age >= this.settings.max_lifetime * 1000) this.destroy(entry, `reached max_lifetime (${this.settings.max_lifetime} s)`);
    else if (this.entries.size > this.settings.max_size) this.destroy(entry, `pool shrunk to max_size ${this.settings.max_size}`);
    else {
      this.idle.push(entry);
      this.deps.log.info(`[POOL] Released connection ${entry.id} back to pool (available: ${this.idle.length}, in_use: ${this.inUseCount})`);
    }
    this.serveWaiters();
    if (this.closing && this.inUseCount === 0) this.drained?.();
  }

  /** Hands free or newly creatable connections to waiters, oldest first. */
  serveWaiters(): void {
    while (this.waiters.length > 0 && !this.closing) {
      const waiter = this.waiters[0]!;
      const lease = this.tryAcquire(waiter.enqueuedAt);
      if (!lease) return;
      this.waiters.shift();
      clearTimeout(waiter.timer);
      waiter.resolve(lease);
    }
  }

  private removeWaiter(waiter: Waiter): boolean {
    const i = this.waiters.indexOf(waiter);
    if (i < 0) return false;
    this.waiters.splice(i, 1);
    clearTimeout(waiter.timer);
    return true;
  }

  private createEntry(): Entry {
    let id: string;
    do id = randomBytes(3).toString('hex');
    while (this.entries.has(id));
    const now = this.deps.clock.now();
    const entry: Entry = { id, conn: this.deps.factory.create(id), createdAt: now, lastUsedAt: now, acquiredAt: 0, lastActivityAt: 0, useCount: 0, inUse: false, checking: false, leakWarned: false };
    entry.conn.onClosed(() => {
      // An idle socket the upstream closed must never be handed out: drop it now (refill comes from housekeeping).
      if (!entry.inUse && !entry.checking && this.entries.get(id) === entry) this.destroy(entry, 'socket closed by the upstream while idle');
    });
    this.entries.set(id, entry);
    this.deps.counters.connections_created++;
    return entry;
  }

  destroy(entry: Entry, reason: string): void {
    if (this.entries.get(entry.id) !== entry) return;
    this.entries.delete(entry.id);
    const i = this.idle.indexOf(entry);
    if (i >= 0) this.idle.splice(i, 1);
    this.deps.counters.connections_destroyed++;
    this.deps.log.info(`[POOL] Destroyed connection ${entry.id}: ${reason} (total: ${this.entries.size}/${this.settings.max_size})`);
    entry.conn.destroy().catch(() => {});
  }

  /** Stops taking work, fails waiters, lets in-flight requests finish for up to graceMs, then closes everything. */
  async close(graceMs: number): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new PoolClosedError());
    }
    const inUse = this.inUseCount;
    this.deps.log.info(`[POOL] Shutting down: closing ${this.entries.size} connections (in use: ${inUse})`);
    for (const e of [...this.idle]) this.destroy(e, 'pool shutting down');
    if (inUse > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        timer = setTimeout(resolve, graceMs);
      });
      clearTimeout(timer);
    }
    for (const e of [...this.entries.values()]) this.destroy(e, 'pool shut down with the request still running');
    const c = this.deps.counters;
    this.deps.log.info(`[POOL] Pool closed (created: ${c.connections_created}, reused: ${c.connections_reused}, destroyed: ${c.connections_destroyed})`);
  }
}
