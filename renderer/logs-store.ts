// The lines the Logs view holds: keyed by run + seq (each start of ccproxy is a new run whose sequence numbers
// begin again at 1), in arrival order. Two budgets: the last `limit` lines of any level (the runtime's
// [logging] buffer_size), and apart from them the last `limit` warnings and errors, so a flood of INFO lines
// never pushes a warning out.
import type { LogEntry, LogLevel } from '../main/common/contract.js';

export const keyOf = (e: LogEntry) => `${e.run}:${e.seq}`;

/** A line, or the marker the view shows where a new run of ccproxy began. `n`: arrival order. */
export type LogItem = { kind: 'line'; entry: LogEntry; key: string; n: number } | { kind: 'restart'; run: string; key: string; time: string; n: number };

const isWarning = (level: LogLevel) => level === 'warn' || level === 'error';

/** A queue that drops from the front without shifting the array every time. */
class Queue<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  first(): T | undefined {
    return this.items[this.head];
  }

  toArray(): T[] {
    return this.items.slice(this.head);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

export class LogStore {
  /** Every line (and restart marker), at most `limit` lines. */
  private readonly all = new Queue<LogItem>();
  /** Warnings and errors, at most `limit`, kept when `all` lets them go. */
  private readonly warnings = new Queue<LogItem>();
  /** Lines in the general buffer (at most `limit`). */
  allLines = 0;
  private readonly lastSeq = new Map<string, number>();
  private currentRun: string | null = null;
  private n = 0;

  constructor(private limit: number) {}

  setLimit(limit: number): void {
    this.limit = Math.max(1, limit);
  }

  /** Lines held, counting a warning held by both budgets once (kept up to date, not counted per call). */
  lines = 0;

  /** Keeps the line (and a restart marker before the first line of a new run). `dropped`: items no longer held at all. */
  add(e: LogEntry): { added: LogItem[]; dropped: LogItem[] } {
    const last = this.lastSeq.get(e.run) ?? 0;
    if (e.seq <= last) return { added: [], dropped: [] }; // the initial fetch and the stream overlap
    this.lastSeq.set(e.run, e.seq);
    const added: LogItem[] = [];
    if (this.currentRun !== e.run) {
      if (this.currentRun !== null) added.push({ kind: 'restart', run: e.run, key: `restart:${e.run}`, time: e.time, n: ++this.n });
      this.currentRun = e.run;
    }
    const item: LogItem = { kind: 'line', entry: e, key: keyOf(e), n: ++this.n };
    added.push(item);
    for (const a of added) this.all.push(a);
    this.allLines++;
    this.lines++;
    if (isWarning(e.level)) this.warnings.push(item);
    const dropped = this.trim();
    for (const d of dropped) if (d.kind === 'line') this.lines--;
    return { added, dropped };
  }

  /** Everything held, oldest first: warnings older than the general buffer, then the general buffer. */
  items(): LogItem[] {
    const firstN = this.all.first()?.n ?? Infinity;
    return [...this.warnings.toArray().filter((w) => w.n < firstN), ...this.all.toArray()];
  }

  /** Only the warnings and errors held (the "Warnings and errors" and "Errors only" levels read these). */
  warningItems(): LogItem[] {
    return this.warnings.toArray();
  }

  /** Forgets every line held; lines already seen stay ignored if the buffer is fetched again. */
  clear(): void {
    this.all.clear();
    this.warnings.clear();
    this.allLines = 0;
    this.lines = 0;
  }

  private trim(): LogItem[] {
    const dropped: LogItem[] = [];
    while (this.warnings.length > this.limit) {
      const w = this.warnings.shift()!;
      // Still in the general buffer: shown from there, not dropped.
      if (w.n < (this.all.first()?.n ?? Infinity)) dropped.push(w);
    }
    while (this.allLines > this.limit) {
      const item = this.all.shift()!;
      if (item.kind === 'line') this.allLines--;
      // A warning the warnings budget still holds (it holds every warning from its first on) stays on screen.
      if (item.kind === 'line' && isWarning(item.entry.level) && (this.warnings.first()?.n ?? Infinity) <= item.n) continue;
      dropped.push(item);
    }
    // A marker left at the top with no line before it says nothing.
    while (this.all.first()?.kind === 'restart' && this.all.length > 1 && dropped.length > 0) dropped.push(this.all.shift()!);
    return dropped.sort((a, b) => a.n - b.n);
  }
}
