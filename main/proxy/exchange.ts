// A request's lease on the pool: acquire a connection (or learn why not, as an Anthropic-shaped error) and
// give it back when the answer has ended. The [API] lines keep the seed's wording.
import type { ServerResponse } from 'node:http';
import type { Logger } from '../logging/log-bus.js';
import type { PoolManager } from '../pool/manager.js';
import { AcquireTimeoutError, PoolClosedError, type AbortSource, type CancelSubscribe, type Lease, type ReleaseOutcome } from '../pool/types.js';
import { ProxyError } from './errors.js';

export interface ExchangeDeps {
  pool: PoolManager;
  log: Logger;
}

/** Acquires a connection for `purpose` ("message", "count_tokens", …); the signal aborts a wait in the queue. */
export async function acquireFor(deps: ExchangeDeps, purpose: string, signal?: AbortSource): Promise<Lease> {
  if (deps.pool.enabled) deps.log.info(() => `[API] Acquiring Claude client from pool for ${purpose} request`);
  else deps.log.info(() => `[API] Creating a fresh Claude client for ${purpose} request (pooling disabled)`);
  try {
    return await deps.pool.acquire(signal);
  } catch (err) {
    if (err instanceof AcquireTimeoutError) {
      const retryAfter = String(Math.max(1, Math.ceil(deps.pool.activeSettings.acquire_timeout)));
      throw new ProxyError(
        503,
        'overloaded_error',
        `All ${err.maxSize} upstream connections are busy and none became free in time; retry shortly, or raise [pool_settings] max_size / acquire_timeout.`,
        { 'retry-after': retryAfter },
      );
    }
    if (err instanceof PoolClosedError) throw new ProxyError(503, 'overloaded_error', 'The proxy is shutting down.', { 'retry-after': '5' });
    throw err;
  }
}

export function releaseAfter(deps: ExchangeDeps, lease: Lease, outcome: ReleaseOutcome): void {
  if (lease.pooled) deps.log.info(() => `[API] Releasing Claude client connection ${lease.id} back to pool`);
  else deps.log.info(() => `[API] Closing one-off Claude client connection ${lease.id}`);
  lease.release(outcome);
}

/** Ends a wait in the queue when the client goes away first; no AbortController (see CancelSubscribe). */
export function clientGone(res: ServerResponse): CancelSubscribe {
  return (cancel) => {
    const gone = () => {
      if (!res.writableFinished) cancel(new Error('client disconnected'));
    };
    if (res.destroyed || res.socket?.destroyed) {
      gone();
      return () => {};
    }
    res.once('close', gone);
    return () => res.off('close', gone);
  };
}

/** An AbortSignal that fires when the client goes away before its answer has been written in full (for the SDK). */
export function clientGoneSignal(res: ServerResponse): AbortSignal {
  const ac = new AbortController();
  if (res.destroyed || res.socket?.destroyed) ac.abort(new Error('client disconnected'));
  res.once('close', () => {
    if (!res.writableFinished) ac.abort(new Error('client disconnected'));
  });
  return ac.signal;
}
