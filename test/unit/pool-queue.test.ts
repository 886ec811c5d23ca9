// The wait queue: fair FIFO order, and a waiter that gives up leaves it. A fake factory and clock, no sockets.
import { describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { PoolManager } from '../../main/pool/manager.js';
import { poolSchema, upstreamSchema } from '../../main/config/schema.js';
import type { UpstreamConnection } from '../../main/pool/types.js';
import { fakeClock } from '../fixtures/fake-clock.js';

const quiet = { error() {}, warn() {}, info() {}, debug() {} };

function connection(): UpstreamConnection {
  return { dispatcher: {} as Dispatcher, closed: false, warm: async () => {}, check: async () => true, onOpened() {}, onClosed() {}, close: async () => {}, destroy: async () => {} };
}

async function pool(maxSize: number) {
  const clock = fakeClock();
  const manager = new PoolManager({
    pool: poolSchema.parse({ min_size: 0, max_size: maxSize, acquire_timeout: 5 }),
    upstream: upstreamSchema.parse({}),
    factoryFor: () => ({ create: connection }),
    log: quiet,
    clock,
    housekeepingMs: 0,
  });
  await manager.start();
  return { manager, clock };
}

describe('the wait queue', () => {
  it('serves waiters in the order they came, and a newcomer does not barge ahead', async () => {
    const { manager } = await pool(1);
    const first = await manager.acquire();
    const served: string[] = [];
    const waiting = ['b', 'c', 'd'].map((name) => manager.acquire().then((lease) => (served.push(name), lease)));
    expect(manager.waiting()).toBe(3);
    first.release();
    const b = await waiting[0]!;
    // Arrives while c and d still wait: it must queue behind them.
    const late = manager.acquire().then((lease) => (served.push('late'), lease));
    b.release();
    (await waiting[1]!).release();
    (await waiting[2]!).release();
    (await late).release();
    expect(served).toEqual(['b', 'c', 'd', 'late']);
  });

  it('a waiter whose client went away leaves the queue and never gets a connection', async () => {
    const { manager } = await pool(1);
    const first = await manager.acquire();
    const gone = new AbortController();
    const abandoned = manager.acquire(gone.signal);
    const next = manager.acquire();
    gone.abort(new Error('client disconnected'));
    await expect(abandoned).rejects.toThrow('client disconnected');
    expect(manager.waiting()).toBe(1);
    first.release();
    const lease = await next;
    expect(lease.useCount).toBe(2);
    expect(manager.counterSnapshot().connections_reused).toBe(1);
  });

  it('times out on the injected clock, counted, with the seed-style line', async () => {
    const { manager, clock } = await pool(1);
    await manager.acquire();
    const waiting = manager.acquire();
    clock.advance(4999);
    expect(manager.waiting()).toBe(1);
    clock.advance(1);
    await expect(waiting).rejects.toThrow(/No upstream connection became free within 5\.00 s/);
    expect(manager.counterSnapshot().acquire_timeouts).toBe(1);
  });
});
