// The pool manager: pooled or not, live reconfiguration without dropping in-flight requests, and the numbers
// behind /pool/stats. Counters live here so they survive a pool being replaced.
import type { PoolCounters, ConnectionView } from '../common/contract.js';
import type { PoolSettings, UpstreamSettings } from '../config/schema.js';
import type { Logger } from '../logging/log-bus.js';
import { ClaudeInstancePool } from './pool.js';
import { PoolHousekeeper } from './housekeeping.js';
import { newCounters, SampleWindow } from './stats.js';
import { PoolClosedError, systemClock, type AbortSource, type Clock, type ConnectionFactory, type Lease, type TimerHandle, type UpstreamConnection } from './types.js';
import { randomBytes } from 'node:crypto';
import type { Dispatcher } from 'undici';

export interface PoolManagerDeps {
  pool: PoolSettings;
  upstream: UpstreamSettings;
  /** Builds connections for the given upstream settings (the real one: one undici Client each). */
  factoryFor(upstream: UpstreamSettings): ConnectionFactory;
  log: Logger;
  /** Told when warming up a connection succeeds or fails (the upstream's reachability). */
  upstreamHealth?: { answered(): void; failed(reason: string): void };
  clock?: Clock;
  /** Housekeeping period; 0 turns the timer off (tests call tick() themselves). */
  housekeepingMs?: number;
}

export class PoolManager {
  readonly counters = newCounters();
  readonly acquireWaits = new SampleWindow();
  private pool: ClaudeInstancePool | null = null;
  private housekeeper: PoolHousekeeper | null = null;
  private readonly draining = new Set<ClaudeInstancePool>();
  /** One-off connections in flight while pooling is disabled. */
  private oneOffInFlight = 0;
  private settings: PoolSettings;
  private upstream: UpstreamSettings;
  private factory: ConnectionFactory;
  private timer: TimerHandle = null;
  private stopped = false;
  /** False until start(): a runtime whose port was taken reconfigures before it ever starts the pool. */
  started = false;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly deps: PoolManagerDeps) {
    this.settings = deps.pool;
    this.upstream = deps.upstream;
    this.clock = deps.clock ?? systemClock;
    this.log = deps.log;
    this.factory = deps.factoryFor(deps.upstream);
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  get activeSettings(): PoolSettings {
    return this.settings;
  }

  /** Which proxy the upstream is reached through (credentials not masked: mask before showing). */
  upstreamProxy(): { url: string | null; source: string | null } {
    return this.factory.describe?.().proxy ?? { url: null, source: null };
  }

  private logRoute(): void {
    const summary = this.factory.describe?.().summary;
    if (summary) this.log.info(`[POOL_MANAGER] Upstream ${this.upstream.base_url} reached ${summary}`);
  }

  /** Starts the pool; resolves true when every connection it meant to warm up opened. */
  async start(): Promise<boolean> {
    this.started = true;
    this.logRoute();
    let complete = true;
    if (this.settings.enabled) {
      this.log.info(`[POOL_MANAGER] Claude instance pool configured (min: ${this.settings.min_size}, max: ${this.settings.max_size})`);
      const opened = await this.newPool().initialize();
      complete = !this.settings.warmup_on_startup || opened >= this.settings.min_size;
    } else {
      this.log.info('[POOL_MANAGER] Connection pooling disabled: each request gets a fresh client and connection');
    }
    this.scheduleTick();
    return complete;
  }

  private newPool(): ClaudeInstancePool {
    this.pool = new ClaudeInstancePool({
      settings: this.settings,
      factory: this.factory,
      clock: this.clock,
      log: this.log,
      counters: this.counters,
      acquireWaits: this.acquireWaits,
      upstreamHealth: this.deps.upstreamHealth,
    });
    this.housekeeper = new PoolHousekeeper(this.pool, this.clock, this.log, this.counters);
    return this.pool;
  }

  private scheduleTick(): void {
    const every = this.deps.housekeepingMs ?? 1000;
    if (every <= 0 || this.stopped) return;
    // Next pass scheduled first: a slow health check (its probe may take seconds) must not hold up idle cleanup
    // and leak warnings; the housekeeper runs one check and one refill at a time by itself.
    this.timer = this.clock.setTimeout(() => {
      this.scheduleTick();
      void this.tick();
    }, every);
  }

  /** One housekeeping pass over the active pool. */
  tick(): Promise<void> {
    return this.housekeeper?.tick() ?? Promise.resolve();
  }

  /** Not async on purpose: one promise per request, the pool's own, on the hot path. */
  acquire(signal?: AbortSource): Promise<Lease> {
    if (this.stopped) return Promise.reject(new PoolClosedError());
    if (!this.pool) return Promise.resolve(this.acquireOneOff());
    this.log.info('[POOL_MANAGER] Acquiring client from pool');
    return this.pool.acquire(signal).then(this.acquired);
  }

  private readonly acquired = (lease: Lease): Lease => {
    this.log.info(() => `[POOL_MANAGER] Acquired pooled connection ${lease.id} (use_count: ${lease.useCount})`);
    return lease;
  };

  /** Pooling off: a fresh client and socket for this request, closed when it ends, so comparisons are honest. */
  private acquireOneOff(): Lease {
    const id = randomBytes(3).toString('hex');
    const conn = this.factory.create(id);
    conn.onOpened(() => this.counters.connections_created++);
    conn.onClosed(() => this.counters.connections_destroyed++);
    this.oneOffInFlight++;
    this.log.info(`[POOL_MANAGER] Pooling disabled: created one-off connection ${id} (closed after this request)`);
    return new OneOffLease(id, conn, () => {
      this.oneOffInFlight--;
      this.log.info(`[POOL_MANAGER] Closed one-off connection ${id}`);
    });
  }

  /**
   * Applies new settings live. Sizes and timeouts change in place; switching pooling on or off, or a new
   * upstream, starts a fresh pool while the old one finishes its in-flight requests and then closes.
   */
  async reconfigure(pool: PoolSettings, upstream: UpstreamSettings): Promise<void> {
    const upstreamChanged = JSON.stringify(upstream) !== JSON.stringify(this.upstream);
    const toggled = pool.enabled !== this.settings.enabled;
    this.settings = pool;
    this.upstream = upstream;
    if (upstreamChanged) this.factory = this.deps.factoryFor(upstream);
    if (!this.started) return; // start() will use the new settings
    if (upstreamChanged) this.logRoute();
    const old = this.pool;
    if (old && !toggled && !upstreamChanged) {
      old.settings = pool;
      this.log.info(`[POOL_MANAGER] Pool settings updated live (min: ${pool.min_size}, max: ${pool.max_size})`);
      await this.tick();
      return;
    }
    if (old) this.retire(old);
    this.pool = null;
    this.housekeeper = null;
    if (pool.enabled) {
      this.log.info(`[POOL_MANAGER] Claude instance pool configured (min: ${pool.min_size}, max: ${pool.max_size})`);
      await this.newPool().initialize();
    } else {
      this.log.info('[POOL_MANAGER] Connection pooling disabled: each request gets a fresh client and connection');
    }
  }

  private retire(pool: ClaudeInstancePool): void {
    this.draining.add(pool);
    void pool.close(this.upstream.timeout * 1000).finally(() => this.draining.delete(pool));
  }

  counterSnapshot(): PoolCounters {
    let total = this.oneOffInFlight;
    let available = 0;
    let inUse = this.oneOffInFlight;
    for (const p of [this.pool, ...this.draining]) {
      if (!p) continue;
      total += p.size;
      available += p.idleCount;
      inUse += p.inUseCount;
    }
    // An HTTP/2 session carries the streams of the leases on it (one at a time: see upstream-connection.ts).
    let sessions = 0;
    let streams = 0;
    for (const e of this.pool?.list() ?? []) {
      if (e.conn.protocol !== 'h2') continue;
      sessions++;
      if (e.state === 'in_use') streams++;
    }
    return { ...this.counters, total_connections: total, available_connections: available, in_use_connections: inUse, http2_sessions: sessions, http2_streams: streams };
  }

  waiting(): number {
    return this.pool?.waitingCount ?? 0;
  }

  connections(): ConnectionView[] {
    if (!this.pool) return [];
    return this.pool.list().map((e) => ({
      id: e.id,
      state: e.state === 'in_use' ? 'in_use' : 'idle',
      use_count: e.useCount,
      created_at: new Date(e.createdAt).toISOString(),
      last_used_at: new Date(e.lastUsedAt).toISOString(),
      healthy: !e.conn.closed,
    }));
  }

  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    await Promise.all([this.pool?.close(graceMs), ...[...this.draining].map((p) => p.close(graceMs))]);
    this.pool = null;
  }
}

/** A connection used for one request with pooling off; closing it on release keeps comparisons honest. */
class OneOffLease implements Lease {
  readonly pooled = false;
  readonly reused = false;
  readonly useCount = 1;
  private released = false;

  constructor(
    readonly id: string,
    private readonly conn: UpstreamConnection,
    private readonly onRelease: () => void,
  ) {}

  get dispatcher(): Dispatcher {
    return this.conn.dispatcher;
  }
  touch(): void {}
  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
    this.conn.close().catch(() => {});
  }
}
