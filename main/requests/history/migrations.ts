// The history file's schema, as numbered steps. PRAGMA user_version holds the last step applied; opening a file
// runs the steps after it, each in its own transaction, so an older file is brought up to date and keeps its rows.
// A file from a newer ccproxy (a version above the last step) is left alone: history is off for this run.
import type Database from 'better-sqlite3';

export const MIGRATIONS: ReadonlyArray<{ version: number; what: string; sql: string }> = [
  {
    version: 1,
    what: 'requests with their timings, status and tokens',
    sql: `
      CREATE TABLE requests (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        route TEXT NOT NULL,
        user_agent TEXT,
        model TEXT,
        mapped_model TEXT,
        stream INTEGER NOT NULL,
        status INTEGER NOT NULL,
        error_type TEXT,
        error_message TEXT,
        duration_ms REAL,
        ttfb_ms REAL,
        acquire_wait_ms REAL,
        sent_ms REAL,
        connection_id TEXT,
        connection_reused INTEGER,
        request_id TEXT,
        stop_reason TEXT,
        input_tokens INTEGER,
        output_tokens INTEGER,
        cache_creation_input_tokens INTEGER,
        cache_read_input_tokens INTEGER
      );
      CREATE INDEX requests_started_at ON requests (started_at);`,
  },
  {
    version: 2,
    what: 'who made each request, its cost, the 1-hour share of cache writes, and the masked header lines apart',
    sql: `
      ALTER TABLE requests ADD COLUMN client TEXT NOT NULL DEFAULT 'other';
      ALTER TABLE requests ADD COLUMN client_version TEXT;
      ALTER TABLE requests ADD COLUMN session TEXT;
      ALTER TABLE requests ADD COLUMN cache_creation_1h_input_tokens INTEGER;
      ALTER TABLE requests ADD COLUMN cost_usd REAL;
      CREATE UNIQUE INDEX requests_id ON requests (id);
      -- Few indexes: each costs every write. A filter by client or session scans newest first (the values are
      -- few and recent); a model can be rare, so it has one.
      CREATE INDEX requests_model ON requests (model, seq);
      -- Header lines ("name: value" lines, masked) are read for a page of 100 or one record, never scanned: kept
      -- out of the requests table so a day's usage reads few pages. Rows share the request's seq; pruning deletes
      -- all three tables by seq range (no foreign key checked on every insert).
      CREATE TABLE headers (
        seq INTEGER PRIMARY KEY,
        request TEXT NOT NULL,
        response TEXT NOT NULL
      );`,
  },
  {
    version: 3,
    what: 'captured bodies ([history] capture_bodies), kept apart so the requests table stays small',
    sql: `
      CREATE TABLE bodies (
        seq INTEGER PRIMARY KEY,
        request_body TEXT,
        request_truncated INTEGER NOT NULL DEFAULT 0,
        response_body TEXT,
        response_truncated INTEGER NOT NULL DEFAULT 0
      );`,
  },
  {
    version: 4,
    what: 'the time the client took to send its body (receive_ms)',
    sql: `ALTER TABLE requests ADD COLUMN receive_ms REAL;`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export class NewerSchemaError extends Error {}

/** Applies the steps after the file's version, up to `upTo` (tests stop early to make an older file). */
export function migrate(db: Database.Database, upTo = SCHEMA_VERSION): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > SCHEMA_VERSION) throw new NewerSchemaError(`the history file has schema version ${from}, newer than this ccproxy knows (${SCHEMA_VERSION})`);
  for (const step of MIGRATIONS) {
    if (step.version <= from || step.version > upTo) continue;
    db.transaction(() => {
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    })();
  }
  return { from, to: Math.max(from, Math.min(upTo, SCHEMA_VERSION)) };
}
