// One request's life with the pool: acquire a connection, call the upstream (retrying once on a fresh
// connection when a pooled socket turns out stale), let the route write its response, release the connection
// only when that response has fully ended. The [API] lines keep the seed's wording.
import type { Logger } from '../logging/log-bus.js';
import type { PoolManager } from '../pool/manager.js';
import { AcquireTimeoutError, PoolClosedError, type Lease, type ReleaseOutcome } from '../pool/types.js';
import { ProxyError } from './errors.js';
import { callUpstream, isStaleSocketError, toProxyError, UpstreamHttpError, type UpstreamRequest } from './forward.js';

export interface ExchangeDeps {
  pool: PoolManager;
  log: Logger;
  upstreamBaseUrl: string;
  upstreamTimeoutS: number;
}

/** Writes the upstream's response to the client; resolves with how it went, which decides the connection's fate. */
export type Responder = (response: Response, lease: Lease) => Promise<ReleaseOutcome>;

async function acquire(deps: ExchangeDeps, purpose: string, signal: AbortSignal): Promise<Lease> {
  if (deps.pool.enabled) deps.log.info(`[API] Acquiring Claude client from pool for ${purpose} request`);
  else deps.log.info(`[API] Creating a fresh Claude client for ${purpose} request (pooling disabled)`);
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

function release(deps: ExchangeDeps, lease: Lease, outcome: ReleaseOutcome): void {
  if (lease.pooled) deps.log.info(`[API] Releasing Claude client connection ${lease.id} back to pool`);
  else deps.log.info(`[API] Closing one-off Claude client connection ${lease.id}`);
  lease.release(outcome);
}

/** Calls the upstream on the lease; on failure releases it (healthy after an HTTP error answer, else not) and throws the mapped error. */
async function call(deps: ExchangeDeps, lease: Lease, request: UpstreamRequest): Promise<Response> {
  try {
    return await callUpstream(lease.client, request);
  } catch (err) {
    const mapped = toProxyError(err, deps.upstreamBaseUrl, deps.upstreamTimeoutS);
    release(deps, lease, mapped instanceof UpstreamHttpError ? 'ok' : request.signal.aborted ? 'aborted' : 'failed');
    throw Object.assign(mapped, { stale: lease.reused && isStaleSocketError(err) && !request.signal.aborted });
  }
}

export async function exchange(deps: ExchangeDeps, purpose: string, request: UpstreamRequest, respond: Responder): Promise<void> {
  let lease = await acquire(deps, purpose, request.signal);
  let response: Response;
  try {
    response = await call(deps, lease, request);
  } catch (err) {
    if (!(err as { stale?: boolean }).stale) throw err;
    // A pooled socket the upstream closed just as the request went out: once more, on another connection.
    deps.log.warn(`[API] Connection ${lease.id} was closed by the upstream before the request went out; retrying once on another connection`);
    lease = await acquire(deps, purpose, request.signal);
    response = await call(deps, lease, request);
  }
  let outcome: ReleaseOutcome = 'failed';
  try {
    outcome = await respond(response, lease);
  } finally {
    release(deps, lease, outcome);
  }
}
