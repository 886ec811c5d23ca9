// Shapes shared by the pool, its manager and the connection factory. The factory and the clock are the
// seams tests use to drive the pool without sockets or sleeps.
import type Anthropic from '@anthropic-ai/sdk';

/** One upstream connection: an SDK client bound to its own single-socket dispatcher. */
export interface UpstreamConnection {
  readonly client: Anthropic;
  /** Opens the socket (TCP + TLS) with a cheap request, so the first real request finds it warm. */
  warm(): Promise<void>;
  /** Whether the upstream still answers on this connection. Used by health checks. */
  check(): Promise<boolean>;
  /** True once the socket the connection held has closed (idle close by the upstream, reset, abort). */
  readonly closed: boolean;
  /** Called when the socket closes, so an idle connection can be dropped before anyone gets it. */
  onClosed(listener: () => void): void;
  /** Closes gracefully (in-flight finishes). */
  close(): Promise<void>;
  /** Tears down at once. */
  destroy(): Promise<void>;
}

export interface ConnectionFactory {
  create(id: string): UpstreamConnection;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** How a lease ended; anything but 'ok' means the connection must not be handed out again. */
export type ReleaseOutcome = 'ok' | 'failed' | 'aborted';

export interface Lease {
  readonly id: string;
  readonly client: Anthropic;
  readonly useCount: number;
  /** True when the connection came from the idle list: its socket may have gone stale since. */
  readonly reused: boolean;
  /** Whether this lease came from the pool (false: a one-off connection with pooling disabled). */
  readonly pooled: boolean;
  /** Marks data moving for this request, so a long but live stream is not reported as a leak. */
  touch(): void;
  release(outcome?: ReleaseOutcome): void;
}

export class AcquireTimeoutError extends Error {
  constructor(
    readonly waitedMs: number,
    readonly maxSize: number,
  ) {
    super(`No upstream connection became free within ${(waitedMs / 1000).toFixed(2)} s (all ${maxSize} in use)`);
    this.name = 'AcquireTimeoutError';
  }
}

export class PoolClosedError extends Error {
  constructor() {
    super('The connection pool is shutting down');
    this.name = 'PoolClosedError';
  }
}
