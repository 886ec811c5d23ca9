// The history file: migration from an older schema, pruning by age and size, and every way it cannot be used
// (damaged, locked by another ccproxy, read-only folder, full disk) answered with a reason, never a crash, and
// never a deleted file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, SCHEMA_VERSION } from '../../main/requests/history/migrations.js';
import { explain, moveAside, openHistoryFile } from '../../main/requests/history/store.js';
import { HistoryQueries } from '../../main/requests/history/query.js';
import { HistoryWriter } from '../../main/requests/history/writer.js';
import type { KeptRecord } from '../../main/requests/trace.js';

const dirs: string[] = [];
const opened: Database.Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-history-'));
  dirs.push(d);
  return d;
}
function open(file: string): Database.Database {
  const r = openHistoryFile(file);
  if (!r.ok) throw new Error(r.reason);
  opened.push(r.db);
  return r.db;
}

let n = 0;
export function record(over: Partial<KeptRecord> = {}): KeptRecord {
  n++;
  return {
    id: `t-${n}-${Math.random().toString(16).slice(2)}`, started_at: new Date().toISOString(), method: 'POST', path: '/v1/messages', route: 'anthropic',
    client: 'claude-code', client_version: '2.0.14', user_agent: 'claude-cli/2.0.14 (external, cli)', session: null, model: 'claude-sonnet-4-5', mapped_model: null,
    stream: false, status: 200, error_type: null, error_message: null, duration_ms: 12.5, ttfb_ms: 10, receive_ms: 0.4, acquire_wait_ms: 0, sent_ms: 1, connection_id: 'abc123',
    connection_reused: true, request_id: `req_${n}`, stop_reason: 'end_turn', usage: { input_tokens: 10, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    cost_usd: 0.00033, rawRequest: ['x-api-key', 'sk-ant-api03-secretsecretsecret', 'user-agent', 'claude-cli/2.0.14'], rawResponse: ['content-type', 'application/json'], ...over,
  };
}
function write(db: Database.Database, records: KeptRecord[]): void {
  const w = new HistoryWriter(db, (err) => {
    throw err;
  });
  for (const r of records) w.push(r);
  w.flush();
}

describe('history store', () => {
  it('brings a file with the first schema up to date and keeps its rows', () => {
    const file = path.join(tmp(), 'history.db');
    const old = new Database(file);
    migrate(old, 1);
    old.prepare("INSERT INTO requests (id, started_at, method, path, route, stream, status, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens) VALUES ('old-1', ?, 'POST', '/v1/messages', 'anthropic', 0, 200, 5, 6, 0, 0)").run(Date.now() - 1000);
    old.close();

    const db = open(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    write(db, [record({ id: 'new-1' })]);
    const rows = new HistoryQueries(db).list({}, 10);
    expect(rows.map((r) => r.id)).toEqual(['new-1', 'old-1']);
    expect(rows[1]).toMatchObject({ client: 'other', session: null, cost_usd: null, usage: { input_tokens: 5, output_tokens: 6 } });
  });

  it('stores header lines masked, never the credential', () => {
    const db = open(path.join(tmp(), 'h.db'));
    write(db, [record({ id: 'masked' })]);
    const raw = JSON.stringify(db.prepare('SELECT * FROM requests').all());
    expect(raw).not.toContain('secretsecretsecret');
    expect(new HistoryQueries(db).get('masked')!.record.request_headers[0]![1]).toContain('(masked)');
  });

  it('prunes records older than retention_days', () => {
    const db = open(path.join(tmp(), 'h.db'));
    const now = Date.now();
    const day = 86_400_000;
    write(db, [record({ id: 'ancient', started_at: new Date(now - 100 * day).toISOString() }), record({ id: 'edge', started_at: new Date(now - 89 * day).toISOString() }), record({ id: 'today' })]);
    const q = new HistoryQueries(db);
    expect(q.prune(now, 90, 1024 ** 3)).toEqual({ byAge: 1, bySize: 0 });
    expect(q.list({}, 10).map((r) => r.id)).toEqual(['today', 'edge']);
  });

  it('prunes the oldest records when the file grows past max_mb, and the file shrinks', () => {
    const file = path.join(tmp(), 'h.db');
    const db = open(file);
    const big = 'e'.repeat(500);
    const records = Array.from({ length: 6000 }, (_, i) => record({ id: `r${i}`, error_message: big }));
    write(db, records);
    const q = new HistoryQueries(db);
    const max = 1024 * 1024;
    expect(q.usedBytes()).toBeGreaterThan(2 * max);
    const pruned = q.prune(Date.now(), 90, max);
    expect(pruned.bySize).toBeGreaterThan(0);
    expect(q.usedBytes()).toBeLessThanOrEqual(max);
    const ids = q.list({}, 100_000).map((r) => r.id);
    expect(ids[0]).toBe('r5999');
    expect(ids).not.toContain('r0');
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(fs.statSync(file).size).toBeLessThanOrEqual(max * 1.2);
  });

  it('a damaged file: history off with a reason, the file left as it was until the user moves it aside', () => {
    const file = path.join(tmp(), 'history.db');
    const garbage = Buffer.alloc(8192, 0x5a);
    fs.writeFileSync(file, garbage);
    const r = openHistoryFile(file);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.corrupt).toBe(true);
    expect(r.reason).toMatch(/damaged.*--reset-history/);
    expect(fs.readFileSync(file)).toEqual(garbage);
    const aside = moveAside(file)!;
    expect(fs.readFileSync(aside)).toEqual(garbage);
    expect(fs.existsSync(file)).toBe(false);
    expect(openHistoryFile(file).ok).toBe(true);
  });

  it('a file another ccproxy holds: history off, "in use by another ccproxy"', () => {
    const file = path.join(tmp(), 'history.db');
    open(file);
    const second = openHistoryFile(file);
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.reason).toMatch(/in use by another ccproxy/);
  });

  it('a full disk while writing: the writer stops and reports it', () => {
    const db = open(path.join(tmp(), 'h.db'));
    // SQLite answers SQLITE_FULL exactly as for a full disk once the file may not grow.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    let failure: unknown = null;
    const w = new HistoryWriter(db, (err) => (failure = err));
    for (let i = 0; i < 2000; i++) w.push(record({ error_message: 'x'.repeat(300) }));
    w.flush();
    expect(failure).not.toBeNull();
    expect(explain(failure, 'h.db').reason).toMatch(/disk is full/);
    w.push(record());
    expect(w.pending).toBe(0); // stopped: nothing queues up in memory
  });

  it('a read-only folder: history off with a reason', (ctx) => {
    const dir = tmp();
    let mounted = false;
    if (process.getuid?.() === 0) {
      // root writes through permission bits: a read-only bind mount is what a read-only folder is to it.
      try {
        execFileSync('mount', ['--bind', dir, dir]);
        mounted = true;
        execFileSync('mount', ['-o', 'remount,ro,bind', dir]);
      } catch {
        if (mounted) execFileSync('umount', [dir]);
        ctx.skip();
      }
    } else fs.chmodSync(dir, 0o555);
    try {
      const r = openHistoryFile(path.join(dir, 'history.db'));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/read-only or cannot be opened/);
    } finally {
      if (mounted) execFileSync('umount', [dir]);
      else fs.chmodSync(dir, 0o755);
    }
  });
});
