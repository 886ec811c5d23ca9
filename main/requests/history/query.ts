// Reading the history: pages of records newest first (filters, a `before` cursor), one record with its bodies,
// usage grouped by day, hour, model, client or session, an export iterator, clearing, and the pruning by age and
// size the housekeeping tick runs. Statements are prepared once per shape and reused.
import type Database from 'better-sqlite3';
import type { RequestRecord } from '../../common/requests.js';
import type { HistoryFilter, UsageGroupBy, UsageRow } from '../../common/history.js';
import { recordFromRow, type Row } from './row.js';

const STATUS_RANGES: Record<NonNullable<HistoryFilter['status']>, string> = {
  '2xx': 'status BETWEEN 200 AND 299 AND error_type IS NULL',
  '4xx': 'status BETWEEN 400 AND 499',
  '5xx': 'status BETWEEN 500 AND 599',
  aborted: 'status = 0',
};

function where(f: HistoryFilter, beforeSeq: number | null): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (beforeSeq !== null) (parts.push('seq < ?'), params.push(beforeSeq));
  if (f.since) (parts.push('started_at >= ?'), params.push(Date.parse(f.since)));
  if (f.until) (parts.push('started_at < ?'), params.push(Date.parse(f.until)));
  if (f.model) (parts.push('(model = ? OR mapped_model = ?)'), params.push(f.model, f.model));
  if (f.client) (parts.push('client = ?'), params.push(f.client));
  if (f.session) (parts.push('session = ?'), params.push(f.session));
  if (f.status) parts.push(STATUS_RANGES[f.status]);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push("(path LIKE ? ESCAPE '\\' OR model LIKE ? ESCAPE '\\' OR error_message LIKE ? ESCAPE '\\' OR error_type LIKE ? ESCAPE '\\' OR request_id LIKE ? ESCAPE '\\')");
    params.push(like, like, like, like, like);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

const GROUP_KEYS: Record<UsageGroupBy, string> = {
  // Days and hours in UTC, like the ISO times everywhere else.
  day: "strftime('%Y-%m-%d', started_at / 1000, 'unixepoch')",
  hour: "strftime('%Y-%m-%dT%H:00Z', started_at / 1000, 'unixepoch')",
  model: "COALESCE(mapped_model, model, 'unknown')",
  client: 'client',
  session: "COALESCE(session, 'none')",
};

export class HistoryQueries {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.cache.size < 200) this.cache.set(sql, s);
    }
    return s;
  }

  /** The seq of a record id (the `before` cursor names a record), or null when it is not stored. */
  seqOf(id: string): number | null {
    const row = this.stmt('SELECT seq FROM requests WHERE id = ?').get(id) as { seq: number } | undefined;
    return row ? row.seq : null;
  }

  list(filter: HistoryFilter, limit: number): RequestRecord[] {
    const beforeSeq = filter.before ? (this.seqOf(filter.before) ?? 0) : null;
    const w = where(filter, beforeSeq);
    const rows = this.stmt(`SELECT * FROM requests ${w.sql} ORDER BY seq DESC LIMIT ?`).all(...w.params, limit) as Row[];
    return rows.map((row) => recordFromRow(this.withHeaders(row)));
  }

  private withHeaders(row: Row): Row {
    const h = this.stmt('SELECT request, response FROM headers WHERE seq = ?').get(row.seq) as { request: string; response: string } | undefined;
    if (h) {
      row.request_headers = h.request;
      row.response_headers = h.response;
    }
    return row;
  }

  get(id: string): { record: RequestRecord; bodies: { request: string | null; request_truncated: boolean; response: string | null; response_truncated: boolean } | null } | null {
    const row = this.stmt('SELECT * FROM requests WHERE id = ?').get(id) as Row | undefined;
    if (!row) return null;
    const b = this.stmt('SELECT * FROM bodies WHERE seq = ?').get(row.seq) as Record<string, unknown> | undefined;
    return {
      record: recordFromRow(this.withHeaders(row)),
      bodies: b ? { request: (b.request_body as string | null) ?? null, request_truncated: b.request_truncated === 1, response: (b.response_body as string | null) ?? null, response_truncated: b.response_truncated === 1 } : null,
    };
  }

  usage(groupBy: UsageGroupBy, filter: HistoryFilter): UsageRow[] {
    const w = where(filter, null);
    const key = GROUP_KEYS[groupBy];
    const rows = this.stmt(
      `SELECT ${key} AS key, count(*) AS requests,
         sum(CASE WHEN status BETWEEN 200 AND 299 AND error_type IS NULL THEN 0 ELSE 1 END) AS errors,
         total(input_tokens) AS input_tokens, total(output_tokens) AS output_tokens,
         total(cache_creation_input_tokens) AS cache_creation_input_tokens, total(cache_read_input_tokens) AS cache_read_input_tokens,
         total(cost_usd) AS cost_usd, sum(CASE WHEN cost_usd IS NULL AND input_tokens IS NOT NULL THEN 1 ELSE 0 END) AS unpriced_requests
       FROM requests ${w.sql} GROUP BY key ORDER BY key`,
    ).all(...w.params) as Array<Record<string, number | string>>;
    return rows.map((r) => ({
      key: String(r.key),
      [groupBy]: String(r.key),
      requests: Number(r.requests),
      errors: Number(r.errors),
      input_tokens: Number(r.input_tokens),
      output_tokens: Number(r.output_tokens),
      cache_creation_input_tokens: Number(r.cache_creation_input_tokens),
      cache_read_input_tokens: Number(r.cache_read_input_tokens),
      cost_usd: Math.round(Number(r.cost_usd) * 1e8) / 1e8,
      unpriced_requests: Number(r.unpriced_requests),
    })) as UsageRow[];
  }

  clear(): number {
    const n = this.deleteUpTo(Number.MAX_SAFE_INTEGER);
    this.db.pragma('incremental_vacuum');
    return n;
  }

  /** Deletes every record with seq ≤ `last`, with its header lines and bodies, in one transaction. */
  private deleteUpTo(last: number): number {
    return this.db.transaction(() => {
      const n = this.stmt('DELETE FROM requests WHERE seq <= ?').run(last).changes;
      this.stmt('DELETE FROM headers WHERE seq <= ?').run(last);
      this.stmt('DELETE FROM bodies WHERE seq <= ?').run(last);
      return n;
    })();
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
  }

  /** Bytes the file's live pages take (freed pages are not counted; they are given back by incremental_vacuum). */
  usedBytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * (this.db.pragma('page_size', { simple: true }) as number);
  }

  /**
   * Drops records older than `retentionDays` and, past `maxBytes`, the oldest until a tenth under it. Records are
   * written in time order, so "older than" is "seq up to the newest old one".
   */
  prune(now: number, retentionDays: number, maxBytes: number): { byAge: number; bySize: number } {
    const cutoff = now - retentionDays * 86_400_000;
    const lastOld = (this.stmt('SELECT max(seq) AS seq FROM requests WHERE started_at < ?').get(cutoff) as { seq: number | null }).seq;
    const byAge = lastOld === null ? 0 : this.deleteUpTo(lastOld);
    let bySize = 0;
    const used = this.usedBytes();
    if (used > maxBytes) {
      const rows = this.count();
      const perRow = rows > 0 ? used / rows : used;
      const drop = Math.min(rows, Math.ceil((used - maxBytes * 0.9) / perRow));
      const last = (this.stmt('SELECT seq FROM requests ORDER BY seq LIMIT 1 OFFSET ?').get(Math.max(0, drop - 1)) as { seq: number } | undefined)?.seq;
      if (last !== undefined) bySize = this.deleteUpTo(last);
    }
    if (byAge + bySize > 0) this.db.pragma('incremental_vacuum');
    return { byAge, bySize };
  }
}
