// Records reach the file off the forwarding path: a finished request is pushed on a queue (an array append), and
// the queue is written in one transaction when it holds 500 records or 100 ms after its first one, whichever is
// first. A crash loses at most that batch. A write that fails (disk full, file gone read-only) turns history off
// with the reason; the proxy never waits on, or fails because of, the disk.
import type Database from 'better-sqlite3';
import type { KeptRecord } from '../trace.js';
import { INSERT_HEADERS_SQL, INSERT_SQL, headerParams, insertParams } from './row.js';

export const MAX_BATCH = 500;
export const MAX_DELAY_MS = 100;

export class HistoryWriter {
  private queue: KeptRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private failed = false;
  private readonly insert: Database.Statement;
  private readonly insertBodies: Database.Statement;
  private readonly insertHeaders: Database.Statement;
  private readonly writeBatch: (records: KeptRecord[]) => void;
  /** Time spent writing, for the bench (records written, milliseconds). */
  readonly spent = { records: 0, ms: 0 };

  constructor(
    db: Database.Database,
    private readonly onFailure: (err: unknown) => void,
  ) {
    this.insert = db.prepare(INSERT_SQL);
    this.insertHeaders = db.prepare(INSERT_HEADERS_SQL);
    this.insertBodies = db.prepare('INSERT OR REPLACE INTO bodies (seq, request_body, request_truncated, response_body, response_truncated) VALUES (?, ?, ?, ?, ?)');
    this.writeBatch = db.transaction((records: KeptRecord[]) => {
      for (const r of records) {
        const info = this.insert.run(insertParams(r));
        if (info.changes !== 1) continue; // already stored (the same record pushed twice)
        this.insertHeaders.run(headerParams(info.lastInsertRowid, r));
        const c = r.capture;
        // Made into text (decompressed, redacted) here, off the forwarding path.
        if (c) this.insertBodies.run(info.lastInsertRowid, c.request.text(), c.request.truncated ? 1 : 0, c.response.text(c.encoding), c.response.truncated ? 1 : 0);
      }
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  push(record: KeptRecord): void {
    if (this.failed) return;
    this.queue.push(record);
    if (this.queue.length >= MAX_BATCH) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), MAX_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Writes what is queued now (also called at stop, and before a read so it sees the latest requests). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length === 0 || this.failed) return;
    const batch = this.queue;
    this.queue = [];
    const t0 = performance.now();
    try {
      this.writeBatch(batch);
      this.spent.records += batch.length;
      this.spent.ms += performance.now() - t0;
    } catch (err) {
      this.failed = true;
      this.onFailure(err);
    }
  }

  /** Stops writing (history turned off); what is queued is dropped. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.failed = true;
  }
}
