// The lines the Logs view holds: keyed by run + seq (each start of ccproxy is a new run whose sequence numbers
// begin again at 1), in arrival order, at most `limit` (the runtime's [logging] buffer_size).
import type { LogEntry } from '../main/common/contract.js';

export const keyOf = (e: LogEntry) => `${e.run}:${e.seq}`;

/** A line, or the marker the view shows where a new run of ccproxy began. */
export type LogItem = { kind: 'line'; entry: LogEntry; key: string } | { kind: 'restart'; run: string; key: string; time: string };

export class LogStore {
  items: LogItem[] = [];
  private readonly lastSeq = new Map<string, number>();
  private currentRun: string | null = null;

  constructor(private limit: number) {}

  setLimit(limit: number): void {
    this.limit = Math.max(1, limit);
  }

  get lines(): number {
    return this.items.filter((i) => i.kind === 'line').length;
  }

  /** Keeps the line (and a restart marker before the first line of a new run); false when it was already there. */
  add(e: LogEntry): { added: LogItem[]; dropped: LogItem[] } {
    const last = this.lastSeq.get(e.run) ?? 0;
    if (e.seq <= last) return { added: [], dropped: [] }; // the initial fetch and the stream overlap
    this.lastSeq.set(e.run, e.seq);
    const added: LogItem[] = [];
    if (this.currentRun !== e.run) {
      if (this.currentRun !== null) added.push({ kind: 'restart', run: e.run, key: `restart:${e.run}`, time: e.time });
      this.currentRun = e.run;
    }
    added.push({ kind: 'line', entry: e, key: keyOf(e) });
    this.items.push(...added);
    return { added, dropped: this.trim() };
  }

  private trim(): LogItem[] {
    let over = this.lines - this.limit;
    let cut = 0;
    while (over > 0 && cut < this.items.length) {
      if (this.items[cut]!.kind === 'line') over--;
      cut++;
    }
    // A marker left at the top with no line before it says nothing.
    while (cut < this.items.length && this.items[cut]!.kind === 'restart' && cut > 0) cut++;
    return cut ? this.items.splice(0, cut) : [];
  }
}
