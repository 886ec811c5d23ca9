// Records reach the file off the forwarding path: a finished request is pushed on a queue (an array append), and
// the queue is written in one transaction when it holds 500 records or 100 ms after its first one, whichever is
// first. A crash loses at most that batch. A write that fails (disk full, file gone read-only) turns history off
// with the reason; the proxy never waits on, or fails because of, the disk.
//
// Rows are written 50 to a statement (a third less CPU per record than one by one: the per-call and per-statement
// work is shared), with seq numbers given here: this process holds the file's only write lock.
import type Database from 'better-sqlite3';
import type { KeptRecord } from '../trace.js';
import { INSERT_COLUMNS, headerParams, insertParams } from './row.js';

export const MAX_BATCH = 500;
export const MAX_DELAY_MS = 100;
const ROWS_PER_STATEMENT = 50;

const COLUMNS = ['seq', ...INSERT_COLUMNS];
const ROW = `(${COLUMNS.map(() => '?').join(', ')})`;
const requestsSql = (rows: number) => `INSERT OR IGNORE INTO requests (${COLUMNS.join(', ')}) VALUES ${Array(rows).fill(ROW).join(', ')}`;
const headersSql = (rows: number) => `INSERT OR REPLACE INTO headers (seq, request, response) VALUES ${Array(rows).fill('(?, ?, ?)').join(', ')}`;

export class HistoryWriter {
  private queue: KeptRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private failed = false;
  private seq: number;
  private readonly many: { requests: Database.Statement; headers: Database.Statement };
  private readonly one: { requests: Database.Statement; headers: Database.Statement };
  private readonly insertBodies: Database.Statement;
  private readonly writeBatch: (records: KeptRecord[]) => void;
  /** Time spent writing, for the bench (records written, milliseconds). */
  readonly spent = { records: 0, ms: 0 };

  constructor(
    db: Database.Database,
    private readonly onFailure: (err: unknown) => void,
  ) {
    this.seq = (db.prepare('SELECT max(seq) AS seq FROM requests').get() as { seq: number | null }).seq ?? 0;
    this.many = { requests: db.prepare(requestsSql(ROWS_PER_STATEMENT)), headers: db.prepare(headersSql(ROWS_PER_STATEMENT)) };
    this.one = { requests: db.prepare(requestsSql(1)), headers: db.prepare(headersSql(1)) };
    this.insertBodies = db.prepare('INSERT OR REPLACE INTO bodies (seq, request_body, request_truncated, response_body, response_truncated) VALUES (?, ?, ?, ?, ?)');
    this.writeBatch = db.transaction((records: KeptRecord[]) => {
      let i = 0;
      for (; i + ROWS_PER_STATEMENT <= records.length; i += ROWS_PER_STATEMENT) this.write(records, i, ROWS_PER_STATEMENT, this.many);
      for (; i < records.length; i++) this.write(records, i, 1, this.one);
    });
  }

  private write(records: KeptRecord[], from: number, count: number, stmts: { requests: Database.Statement; headers: Database.Statement }): void {
    const rows: unknown[] = [];
    const headers: unknown[] = [];
    for (let i = from; i < from + count; i++) {
      const r = records[i]!;
      const seq = ++this.seq;
      rows.push(seq, ...insertParams(r));
      headers.push(...headerParams(seq, r));
      const c = r.capture;
      // Made into text (decompressed, redacted) here, off the forwarding path.
      if (c) this.insertBodies.run(seq, c.request.text(), c.request.truncated ? 1 : 0, c.response.text(c.encoding), c.response.truncated ? 1 : 0);
    }
    stmts.requests.run(rows);
    stmts.headers.run(headers);
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
    const seqBefore = this.seq;
    try {
      this.writeBatch(batch);
      this.spent.records += batch.length;
      this.spent.ms += performance.now() - t0;
    } catch (err) {
      this.seq = seqBefore; // rolled back
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
