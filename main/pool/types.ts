// Shapes shared by the pool, its manager and the connection factory. The factory and the clock are the
// seams tests use to drive the pool without sockets or sleeps.
import type { Dispatcher } from 'undici';

/** One upstream connection: an undici Client holding (at most) one keep-alive socket. */
export interface UpstreamConnection {
  /** Where requests on this connection are dispatched (undici's dispatcher API). */
  readonly dispatcher: Dispatcher;
  /** Opens the socket (TCP + TLS) with a cheap request, so the first real request finds it warm. */
  warm(): Promise<void>;
  /** Whether the upstream still answers on this connection. Used by health checks and idle refreshes. */
  check(): Promise<boolean>;
  /**
   * How long the socket may sit idle before it is closed (keepalive_timeout, or the upstream's shorter Keep-Alive
   * hint as undici applies it), in ms; the housekeeper refreshes an idle connection well before. Absent: never.
   */
  readonly idleLimitMs?: number;
  /** The protocol the socket speaks once open ("h2" when the upstream agreed to HTTP/2), null before. */
  readonly protocol?: 'h2' | 'http/1.1' | null;
  /** True once the socket the connection held has closed (idle close by either side, reset, abort). */
  readonly closed: boolean;
  /** Called each time a socket opens (counted as a connection created). */
  onOpened(listener: () => void): void;
  /** Called each time an open socket closes (counted as destroyed; an idle one is dropped from the pool). */
  onClosed(listener: () => void): void;
  /** Closes gracefully (in-flight finishes). */
  close(): Promise<void>;
  /** Tears down at once. */
  destroy(): Promise<void>;
}

/** A connection as the pool tracks it. Read-only outside pool.ts. */
export interface Entry {
  readonly id: string;
  readonly conn: UpstreamConnection;
  readonly createdAt: number;
  lastUsedAt: number;
  /** Last time a request (a use, a health check or a refresh) ended on it: the socket's idle clock starts there. */
  lastActiveAt: number;
  acquiredAt: number;
  /** Last time bytes moved for the request holding it (a long stream that flows is not a leak). */
  lastActivityAt: number;
  useCount: number;
  state: 'opening' | 'idle' | 'in_use' | 'checking';
  leakWarned: boolean;
}

export interface ConnectionFactory {
  create(id: string): UpstreamConnection;
  /** How connections reach the upstream (proxy and trust), for the log and /health; absent in test fakes. */
  describe?(): { proxy: { url: string | null; source: string | null }; summary: string };
}

export type TimerHandle = unknown;

/**
 * Subscribes `cancel` to whatever ends a wait (a client going away) and returns the unsubscribe. Lighter than an
 * AbortController, whose event target cost a queued request tens of microseconds under load.
 */
export type CancelSubscribe = (cancel: (reason: Error) => void) => () => void;

/** What ends a wait for a connection: an AbortSignal, or a subscribe function called only if the request queues. */
export type AbortSource = AbortSignal | CancelSubscribe;

/** Time and timers, injected so housekeeping and acquire timeouts run on a fake clock in tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** How a lease ended; anything but 'ok' means the connection must not be handed out again. */
export type ReleaseOutcome = 'ok' | 'failed' | 'aborted';

export interface Lease {
  readonly id: string;
  readonly dispatcher: Dispatcher;
  readonly useCount: number;
  /** True when the connection came from the idle list (it served or warmed up before). */
  readonly reused: boolean;
  /** Whether this lease came from the pool (false: a one-off connection with pooling disabled). */
  readonly pooled: boolean;
  /** Marks data moving for this request, so a long but live stream is not reported as a leak. */
  touch(): void;
  /** Gives the connection back (or destroys it for any outcome but 'ok'). Safe to call twice. */
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
