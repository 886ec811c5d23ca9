// Background care of the pool, run on a tick (every second in production, by hand in tests with a fake clock):
// idle cleanup above min_size, retirement at max_lifetime, leak warnings, health checks and refill to min_size.
import type { Logger } from '../logging/log-bus.js';
import type { Clock } from './types.js';
import type { PoolCountersState } from './stats.js';
import type { ClaudeInstancePool } from './pool.js';

export class PoolHousekeeper {
  private lastHealthCheck: number;
  private checking: Promise<void> | null = null;
  private refilling: Promise<void> | null = null;
  /** After a failed refill, wait before trying again so an unreachable upstream is not hammered. */
  private refillBackoffMs = 0;
  private nextRefillAt = 0;

  constructor(
    private readonly pool: ClaudeInstancePool,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly counters: PoolCountersState,
  ) {
    this.lastHealthCheck = clock.now();
  }

  /** One housekeeping pass. Resolves when the work it started (health checks, refill) is done. */
  async tick(): Promise<void> {
    if (this.pool.closing) return;
    const now = this.clock.now();
    const s = this.pool.settings;
    // Least recently used first, so the connections that age out are the ones nobody picks.
    for (const entry of [...this.pool.idle]) {
      const idleMs = now - entry.lastUsedAt;
      if (now - entry.createdAt >= s.max_lifetime * 1000) {
        this.pool.destroy(entry, `reached max_lifetime (${s.max_lifetime} s)`);
      } else if (idleMs >= s.idle_timeout * 1000 && this.pool.entries.size > s.min_size) {
        this.log.info(`[POOL] Closing idle connection ${entry.id} (idle ${Math.round(idleMs / 1000)} s > idle_timeout ${s.idle_timeout} s)`);
        this.pool.destroy(entry, 'idle timeout');
      }
    }
    // Above max_size after a live resize: close idle extras now; busy ones close when released.
    while (this.pool.entries.size > s.max_size && this.pool.idle.length > 0) {
      this.pool.destroy(this.pool.idle[0]!, `pool shrunk to max_size ${s.max_size}`);
    }
    if (s.leak_warning_threshold > 0) {
      for (const entry of this.pool.entries.values()) {
        // Held with nothing moving, not merely held: a ten-minute generation that streams is healthy.
        const stillMs = now - entry.lastActivityAt;
        if (entry.inUse && !entry.leakWarned && stillMs >= s.leak_warning_threshold * 1000) {
          entry.leakWarned = true;
          this.log.warn(
            `[POOL] Possible leak: connection ${entry.id} has been in use for ${Math.round((now - entry.acquiredAt) / 1000)} s with no data for ${Math.round(stillMs / 1000)} s (leak_warning_threshold: ${s.leak_warning_threshold} s); a response may be stuck or a client stopped reading`,
          );
        }
      }
    }
    const work: Promise<void>[] = [];
    if (now - this.lastHealthCheck >= s.health_check_interval * 1000 && !this.checking) {
      this.lastHealthCheck = now;
      this.checking = this.healthCheck().finally(() => (this.checking = null));
      work.push(this.checking);
    }
    if (!this.refilling && now >= this.nextRefillAt && this.pool.entries.size < s.min_size) {
      this.refilling = this.refill().finally(() => (this.refilling = null));
      work.push(this.refilling);
    }
    this.pool.serveWaiters();
    await Promise.all(work);
  }

  /** Probes every idle connection; one that does not answer is counted, logged and destroyed. */
  async healthCheck(): Promise<void> {
    const targets = [...this.pool.idle];
    if (targets.length === 0) return;
    for (const e of targets) {
      e.checking = true;
      this.pool.idle.splice(this.pool.idle.indexOf(e), 1);
    }
    await Promise.all(
      targets.map(async (entry) => {
        let healthy = false;
        let reason = 'no answer';
        try {
          healthy = await entry.conn.check();
        } catch (err) {
          reason = (err as Error).message;
        }
        entry.checking = false;
        if (this.pool.entries.get(entry.id) !== entry) return;
        if (healthy && !entry.conn.closed && !this.pool.closing) {
          // Back at the least-recently-used end: a check is not a use.
          this.pool.idle.unshift(entry);
          this.log.debug(`[POOL] Health check passed for connection ${entry.id}`);
        } else {
          this.counters.health_check_failures++;
          this.log.warn(`[POOL] Health check failed for connection ${entry.id}: ${reason}; destroying it`);
          this.pool.destroy(entry, 'health check failed');
        }
      }),
    );
    this.pool.serveWaiters();
  }

  /** Opens connections until min_size again (after idle closes by the upstream, failures or retirement). */
  async refill(): Promise<void> {
    const missing = this.pool.settings.min_size - this.pool.entries.size;
    if (missing <= 0) return;
    this.log.info(`[POOL] Refilling pool to min_size ${this.pool.settings.min_size} (opening ${missing})`);
    const results = await Promise.all(Array.from({ length: missing }, () => this.pool.addWarmConnection()));
    if (results.every(Boolean)) {
      this.refillBackoffMs = 0;
    } else {
      this.refillBackoffMs = Math.min(60_000, Math.max(2_000, this.refillBackoffMs * 2));
      this.nextRefillAt = this.clock.now() + this.refillBackoffMs;
      this.log.info(`[POOL] Next refill attempt in ${this.refillBackoffMs / 1000} s`);
    }
  }
}
