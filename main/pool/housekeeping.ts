// Background care of the pool, run on a tick (every second in production, by hand in tests with a fake clock):
// idle cleanup above min_size, retirement at max_lifetime, leak warnings, health checks and refill to min_size.
// It decides; the pool carries out, through its methods.
import type { Logger } from '../logging/log-bus.js';
import type { Clock } from './types.js';
import type { PoolCountersState } from './stats.js';
import type { ClaudeInstancePool } from './pool.js';

/** An idle connection is refreshed once half its idle limit has passed (ticks are a second apart: margin to spare). */
const REFRESH_AT = 0.5;

export class PoolHousekeeper {
  private lastHealthCheck: number;
  private checking: Promise<void> | null = null;
  private refilling: Promise<void> | null = null;
  private refreshing: Promise<void> | null = null;
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
    if (this.pool.isClosing) return;
    const now = this.clock.now();
    const s = this.pool.settings;
    // Least recently used first, so the connections that age out are the ones nobody picks.
    for (const entry of this.pool.idleList()) {
      const idleMs = now - entry.lastUsedAt;
      if (now - entry.createdAt >= s.max_lifetime * 1000) {
        this.pool.destroyIdle(entry.id, `reached max_lifetime (${s.max_lifetime} s)`);
      } else if (idleMs >= s.idle_timeout * 1000 && this.pool.size > s.min_size) {
        this.log.info(`[POOL] Closing idle connection ${entry.id} (idle ${Math.round(idleMs / 1000)} s > idle_timeout ${s.idle_timeout} s)`);
        this.pool.destroyIdle(entry.id, 'idle timeout');
      }
    }
    // Above max_size after a live resize: close idle extras now; busy ones close when released.
    for (const entry of this.pool.idleList()) {
      if (this.pool.size <= s.max_size) break;
      this.pool.destroyIdle(entry.id, `pool shrunk to max_size ${s.max_size}`);
    }
    if (s.leak_warning_threshold > 0) {
      // Held with nothing moving, not merely held: a ten-minute generation that streams is healthy.
      for (const { id, heldMs, stillMs } of this.pool.takeStalled(now, s.leak_warning_threshold * 1000)) {
        this.log.warn(
          `[POOL] Possible leak: connection ${id} has been in use for ${Math.round(heldMs / 1000)} s with no data for ${Math.round(stillMs / 1000)} s (leak_warning_threshold: ${s.leak_warning_threshold} s); a response may be stuck or a client stopped reading`,
        );
      }
    }
    const work: Promise<void>[] = [];
    // Keep warm connections warm: an idle socket half-way to its idle limit gets a cheap probe (one DEBUG line),
    // instead of closing at the limit and being reopened by the refill (five INFO lines), every cycle, forever.
    if (!this.checking && !this.refreshing) {
      this.refreshing = this.pool
        .refreshIdle(now, REFRESH_AT, (id, healthy, reason) => {
          if (healthy) this.log.debug(`[POOL] Refreshed idle connection ${id} before its keep-alive limit`);
          else this.log.info(`[POOL] Idle connection ${id} did not answer its refresh (${reason}); replacing it`);
        })
        .finally(() => (this.refreshing = null));
      work.push(this.refreshing);
    }
    if (now - this.lastHealthCheck >= s.health_check_interval * 1000 && !this.checking) {
      this.lastHealthCheck = now;
      this.checking = this.healthCheck().finally(() => (this.checking = null));
      work.push(this.checking);
    }
    if (!this.refilling && now >= this.nextRefillAt && this.pool.size < s.min_size) {
      this.refilling = this.refill().finally(() => (this.refilling = null));
      work.push(this.refilling);
    }
    this.pool.serveWaiters();
    await Promise.all(work);
  }

  /** Probes every idle connection; one that does not answer is counted, logged and destroyed. */
  healthCheck(): Promise<void> {
    return this.pool.checkIdle((id, healthy, reason) => {
      if (healthy) {
        this.log.debug(`[POOL] Health check passed for connection ${id}`);
      } else {
        this.counters.health_check_failures++;
        this.log.warn(`[POOL] Health check failed for connection ${id}: ${reason}; destroying it`);
      }
    });
  }

  /** Opens connections until min_size again (after idle closes by the upstream, failures or retirement). */
  async refill(): Promise<void> {
    const missing = this.pool.settings.min_size - this.pool.size;
    if (missing <= 0) return;
    this.log.info(`[POOL] Refilling pool to min_size ${this.pool.settings.min_size} (opening ${missing})`);
    const results = await Promise.all(Array.from({ length: missing }, () => this.pool.addWarmConnection()));
    if (results.every(Boolean)) {
      this.refillBackoffMs = 0;
    } else {
      this.refillBackoffMs = Math.min(60_000, Math.max(2_000, this.refillBackoffMs * 2));
      this.nextRefillAt = this.clock.now() + this.refillBackoffMs;
      this.log.warn(`[POOL] Warm-up failed for ${results.filter((ok) => !ok).length} of ${missing} connections; next refill attempt in ${this.refillBackoffMs / 1000} s`);
    }
  }
}
