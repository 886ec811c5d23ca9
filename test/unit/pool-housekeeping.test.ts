// Housekeeping driven by an injected clock and connection factory: no sockets, no sleeps.
import { describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { PoolManager } from '../../main/pool/manager.js';
import { poolSchema, upstreamSchema, type PoolSettings } from '../../main/config/schema.js';
import type { ConnectionFactory, UpstreamConnection } from '../../main/pool/types.js';
import type { Logger } from '../../main/logging/log-bus.js';
import { fakeClock } from '../fixtures/fake-clock.js';

class FakeConnection implements UpstreamConnection {
  readonly dispatcher = {} as Dispatcher;
  closed = false;
  healthy = true;
  destroyed = false;
  private listeners: Array<() => void> = [];
  private openedListeners: Array<() => void> = [];
  /** Warming up opens the socket (counted as created). */
  async warm() {
    for (const l of this.openedListeners) l();
  }
  onOpened(l: () => void) {
    this.openedListeners.push(l);
  }
  async check() {
    if (!this.healthy) throw new Error('connection reset by peer');
    return true;
  }
  onClosed(l: () => void) {
    this.listeners.push(l);
  }
  /** The upstream closes the idle socket. */
  dropByUpstream() {
    this.closed = true;
    for (const l of this.listeners) l();
  }
  async close() {
    await this.destroy();
  }
  /** Tearing down closes the socket (counted as destroyed). */
  async destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    if (!this.closed) this.dropByUpstream();
  }
}

function setup(overrides: Partial<PoolSettings> = {}) {
  const clock = fakeClock();
  const created: FakeConnection[] = [];
  const lines: string[] = [];
  const log: Logger = {
    error: (m) => lines.push(`error ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    info: (m) => lines.push(String(m)),
    debug: (m) => lines.push(`debug ${m}`),
  };
  const factory: ConnectionFactory = {
    create: () => {
      const c = new FakeConnection();
      created.push(c);
      return c;
    },
  };
  const pool = poolSchema.parse({ min_size: 2, max_size: 5, idle_timeout: 60, max_lifetime: 600, health_check_interval: 30, leak_warning_threshold: 120, ...overrides });
  const manager = new PoolManager({ pool, upstream: upstreamSchema.parse({}), factoryFor: () => factory, log, clock, housekeepingMs: 0 });
  return {
    manager,
    created,
    lines,
    advance: (seconds: number) => clock.advance(seconds * 1000),
    stats: () => manager.counterSnapshot(),
  };
}

describe('idle cleanup', () => {
  it('closes connections idle past idle_timeout while above min_size, never below', async () => {
    const t = setup({ min_size: 1 });
    await t.manager.start();
    const leases = await Promise.all([t.manager.acquire(), t.manager.acquire(), t.manager.acquire()]);
    leases.forEach((l) => l.release());
    expect(t.stats().total_connections).toBe(3);
    t.advance(59);
    await t.manager.tick();
    expect(t.stats().total_connections).toBe(3);
    t.advance(2);
    await t.manager.tick();
    expect(t.stats().total_connections).toBe(1);
    expect(t.stats().connections_destroyed).toBe(2);
    expect(t.lines.filter((l) => /Closing idle connection \w{6} \(idle 61 s > idle_timeout 60 s\)/.test(l))).toHaveLength(2);
  });
});

describe('max_lifetime', () => {
  it('retires an idle connection at max_lifetime and refills to min_size; never one in use', async () => {
    const t = setup({ min_size: 2, max_lifetime: 600 });
    await t.manager.start();
    const busy = await t.manager.acquire();
    t.advance(601);
    await t.manager.tick();
    const snap = t.stats();
    expect(snap.in_use_connections).toBe(1);
    expect(t.lines.some((l) => l.includes(`Destroyed connection ${busy.id}`))).toBe(false);
    expect(t.lines.some((l) => /Destroyed connection \w{6}: reached max_lifetime \(600 s\)/.test(l))).toBe(true);
    expect(snap.total_connections).toBe(2);
    busy.release();
    expect(t.lines.at(-1)).toMatch(new RegExp(`Destroyed connection ${busy.id}: reached max_lifetime`));
  });
});

describe('health checks', () => {
  it('checks idle connections every health_check_interval, counts failures, destroys and refills', async () => {
    const t = setup({ min_size: 2, health_check_interval: 30 });
    await t.manager.start();
    t.created[0]!.healthy = false;
    t.advance(29);
    await t.manager.tick();
    expect(t.stats().health_check_failures).toBe(0);
    t.advance(1);
    await t.manager.tick();
    expect(t.stats().health_check_failures).toBe(1);
    expect(t.created[0]!.destroyed).toBe(true);
    expect(t.lines.some((l) => /^warn \[POOL\] Health check failed for connection \w{6}: connection reset by peer; destroying it$/.test(l))).toBe(true);
    await t.manager.tick();
    expect(t.stats()).toMatchObject({ total_connections: 2, available_connections: 2 });
    expect(t.created).toHaveLength(3);
  });

  it('drops an idle connection the upstream closed before anyone gets it', async () => {
    const t = setup({ min_size: 2 });
    await t.manager.start();
    t.created[1]!.dropByUpstream();
    expect(t.stats().total_connections).toBe(1);
    const lease = await t.manager.acquire();
    expect(t.created[1]!.destroyed).toBe(true);
    expect(lease.dispatcher).toBe(t.created[0]!.dispatcher);
  });
});

describe('leak warning', () => {
  it('warns once when a connection is held longer than leak_warning_threshold', async () => {
    const t = setup({ leak_warning_threshold: 120 });
    await t.manager.start();
    const lease = await t.manager.acquire();
    t.advance(119);
    await t.manager.tick();
    expect(t.lines.some((l) => l.includes('Possible leak'))).toBe(false);
    t.advance(6);
    await t.manager.tick();
    await t.manager.tick();
    const warnings = t.lines.filter((l) => l.startsWith('warn [POOL] Possible leak'));
    expect(warnings).toEqual([`warn [POOL] Possible leak: connection ${lease.id} has been in use for 125 s with no data for 125 s (leak_warning_threshold: 120 s); a response may be stuck or a client stopped reading`]);
  });

  it('stays quiet for a long response whose data keeps flowing', async () => {
    const t = setup({ leak_warning_threshold: 120 });
    await t.manager.start();
    const lease = await t.manager.acquire();
    for (let i = 0; i < 10; i++) {
      t.advance(60);
      lease.touch();
      await t.manager.tick();
    }
    expect(t.lines.some((l) => l.includes('Possible leak'))).toBe(false);
    t.advance(121);
    await t.manager.tick();
    expect(t.lines.filter((l) => l.includes('Possible leak'))[0]).toContain('in use for 721 s with no data for 121 s');
  });
});

describe('live reconfigure', () => {
  it('shrinking max_size closes idle extras now and busy extras on release; in-flight leases keep working', async () => {
    const t = setup({ min_size: 0, max_size: 5 });
    await t.manager.start();
    const leases = await Promise.all(Array.from({ length: 4 }, () => t.manager.acquire()));
    leases[0]!.release();
    leases[1]!.release();
    await t.manager.reconfigure({ ...t.manager.activeSettings, max_size: 1 }, upstreamSchema.parse({}));
    expect(t.stats().total_connections).toBe(2);
    expect(t.stats().in_use_connections).toBe(2);
    leases[2]!.release();
    expect(t.stats().total_connections).toBe(1);
    leases[3]!.release();
    expect(t.stats()).toMatchObject({ total_connections: 1, available_connections: 1, in_use_connections: 0 });
  });

  it('turning pooling off lets in-flight requests finish on the old pool, then closes it', async () => {
    const t = setup({ min_size: 1 });
    await t.manager.start();
    const lease = await t.manager.acquire();
    await t.manager.reconfigure({ ...t.manager.activeSettings, enabled: false }, upstreamSchema.parse({}));
    expect(t.manager.enabled).toBe(false);
    expect(t.stats().in_use_connections).toBe(1);
    const oneOff = await t.manager.acquire();
    expect(oneOff.pooled).toBe(false);
    oneOff.release();
    lease.release();
    await new Promise((r) => setImmediate(r));
    expect(t.stats()).toMatchObject({ total_connections: 0, in_use_connections: 0 });
  });
});
