// The same reads over this run's in-memory records, for when history is off: the Requests and Usage views keep
// working for the current run, and the answer says history is off.
import type { HistoryFilter, UsageGroupBy, UsageRow } from '../../common/history.js';
import type { RequestRecord } from '../../common/requests.js';

function statusOk(r: RequestRecord): boolean {
  return r.status >= 200 && r.status < 300 && !r.error_type;
}

export function matches(r: RequestRecord, f: HistoryFilter): boolean {
  const t = Date.parse(r.started_at);
  if (f.since && t < Date.parse(f.since)) return false;
  if (f.until && t >= Date.parse(f.until)) return false;
  if (f.model && r.model !== f.model && r.mapped_model !== f.model) return false;
  if (f.client && r.client !== f.client) return false;
  if (f.session && r.session !== f.session) return false;
  if (f.status) {
    const ok = f.status === '2xx' ? statusOk(r) : f.status === 'aborted' ? r.status === 0 : Math.floor(r.status / 100) === Number(f.status[0]);
    if (!ok) return false;
  }
  if (f.q) {
    const q = f.q.toLowerCase();
    if (![r.path, r.model, r.error_message, r.error_type, r.request_id].some((v) => v?.toLowerCase().includes(q))) return false;
  }
  return true;
}

/** Newest first (as `records` come), after the `before` record. */
export function pageOf(records: RequestRecord[], f: HistoryFilter, limit: number): RequestRecord[] {
  let start = 0;
  if (f.before) {
    const at = records.findIndex((r) => r.id === f.before);
    start = at < 0 ? records.length : at + 1;
  }
  const out: RequestRecord[] = [];
  for (let i = start; i < records.length && out.length < limit; i++) if (matches(records[i]!, f)) out.push(records[i]!);
  return out;
}

export function usageOf(records: RequestRecord[], groupBy: UsageGroupBy, f: HistoryFilter): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const r of records) {
    if (r.status === 0 && r.duration_ms === null) continue; // still in flight
    if (!matches(r, f)) continue;
    const key =
      groupBy === 'day' ? r.started_at.slice(0, 10) : groupBy === 'hour' ? `${r.started_at.slice(0, 13)}:00Z` : groupBy === 'model' ? (r.mapped_model ?? r.model ?? 'unknown') : groupBy === 'client' ? r.client : (r.session ?? 'none');
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { key, [groupBy]: key, requests: 0, errors: 0, input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cost_usd: 0, unpriced_requests: 0 } as UsageRow));
    row.requests++;
    if (!statusOk(r)) row.errors++;
    if (r.usage) {
      row.input_tokens += r.usage.input_tokens;
      row.output_tokens += r.usage.output_tokens;
      row.cache_creation_input_tokens += r.usage.cache_creation_input_tokens;
      row.cache_read_input_tokens += r.usage.cache_read_input_tokens;
      if (r.cost_usd === null) row.unpriced_requests++;
    }
    if (r.cost_usd !== null) row.cost_usd = Math.round((row.cost_usd + r.cost_usd) * 1e8) / 1e8;
  }
  return [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}
