// The pool's wait queue: fair FIFO, a waiter whose client went away leaves it, and one timer for the whole queue,
// armed for the oldest waiter's deadline (FIFO with one timeout: the oldest gives up first), so a busy pool does
// not set and clear a timer per queued request.
import type { AbortSource, Clock, TimerHandle } from './types.js';

export interface Waiter<T> {
  readonly enqueuedAt: number;
  /** When it gives up (enqueuedAt + the acquire timeout). */
  readonly deadline: number;
  resolve(value: T): void;
  reject(err: Error): void;
  /** Stops listening for the cancellation (the waiter was served, timed out or cancelled). */
  unsubscribe?: () => void;
}

export class WaitQueue<T> {
  private readonly waiters: Array<Waiter<T>> = [];
  private timer: TimerHandle = null;

  /** `expired` is told of each waiter that timed out (already removed) and returns the error it gets. */
  constructor(
    private readonly clock: Clock,
    private readonly expired: (waiter: Waiter<T>) => Error,
  ) {}

  get length(): number {
    return this.waiters.length;
  }

  head(): Waiter<T> | undefined {
    return this.waiters[0];
  }

  enqueue(enqueuedAt: number, timeoutMs: number, abortOn?: AbortSource): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = { enqueuedAt, deadline: enqueuedAt + timeoutMs, resolve, reject };
      // In the queue first: a cancellation that fires at once must find it there.
      this.waiters.push(waiter);
      this.arm();
      const cancel = (reason: Error) => {
        if (this.remove(waiter)) reject(reason);
      };
      if (typeof abortOn === 'function') waiter.unsubscribe = abortOn(cancel);
      else if (abortOn) {
        const signal = abortOn;
        const onAbort = () => cancel(signal.reason ?? new Error('aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.unsubscribe = () => signal.removeEventListener('abort', onAbort);
        if (signal.aborted) onAbort();
      }
    });
  }

  /** Hands `value` to the oldest waiter. */
  serveHead(value: T): void {
    const waiter = this.waiters.shift();
    if (!waiter) return;
    this.forget(waiter);
    waiter.resolve(value);
  }

  rejectAll(err: Error): void {
    this.clock.clearTimeout(this.timer);
    this.timer = null;
    for (const w of this.waiters.splice(0)) {
      this.forget(w);
      w.reject(err);
    }
  }

  private arm(): void {
    if (this.timer !== null || this.waiters.length === 0) return;
    const wait = Math.max(0, this.waiters[0]!.deadline - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      const now = this.clock.now();
      while (this.waiters.length > 0 && this.waiters[0]!.deadline <= now) {
        const waiter = this.waiters[0]!;
        this.remove(waiter);
        waiter.reject(this.expired(waiter));
      }
      this.arm();
    }, wait);
  }

  private remove(waiter: Waiter<T>): boolean {
    const i = this.waiters.indexOf(waiter);
    if (i < 0) return false;
    this.waiters.splice(i, 1);
    this.forget(waiter);
    return true;
  }

  private forget(waiter: Waiter<T>): void {
    waiter.unsubscribe?.();
    waiter.unsubscribe = undefined;
  }
}
