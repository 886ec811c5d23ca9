// A request record ↔ a row of the requests table. Header lines are masked when written (the file never holds a
// credential); times are stored as epoch milliseconds so a range is an index scan.
import type { RequestRecord } from '../../common/requests.js';
import { maskedLines, type KeptRecord } from '../trace.js';

/** Column order of the INSERT (and of insertParams below). */
export const INSERT_COLUMNS = [
  'id', 'started_at', 'method', 'path', 'route', 'user_agent', 'client', 'client_version', 'session', 'model', 'mapped_model',
  'stream', 'status', 'error_type', 'error_message', 'duration_ms', 'ttfb_ms', 'acquire_wait_ms', 'sent_ms', 'connection_id',
  'connection_reused', 'request_id', 'stop_reason', 'input_tokens', 'output_tokens', 'cache_creation_input_tokens',
  'cache_creation_1h_input_tokens', 'cache_read_input_tokens', 'cost_usd', 'receive_ms',
] as const;

export const INSERT_SQL = `INSERT OR IGNORE INTO requests (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})`;

const bool = (v: boolean | null) => (v === null ? null : v ? 1 : 0);

export function insertParams(r: KeptRecord): unknown[] {
  const u = r.usage;
  return [
    r.id, Date.parse(r.started_at), r.method, r.path, r.route, r.user_agent, r.client, r.client_version, r.session, r.model, r.mapped_model,
    r.stream ? 1 : 0, r.status, r.error_type, r.error_message, r.duration_ms, r.ttfb_ms, r.acquire_wait_ms, r.sent_ms, r.connection_id,
    bool(r.connection_reused), r.request_id, r.stop_reason, u?.input_tokens ?? null, u?.output_tokens ?? null, u?.cache_creation_input_tokens ?? null,
    u?.cache_creation_1h_input_tokens ?? null, u?.cache_read_input_tokens ?? null, r.cost_usd, r.receive_ms,
  ];
}

export const INSERT_HEADERS_SQL = 'INSERT INTO headers (seq, request, response) VALUES (?, ?, ?)';

/** Header lines as stored: "name: value" lines, masked (HTTP allows no line break in either, nor ":" in a name). */
function headerText(raw: readonly string[]): string {
  let out = '';
  for (const [name, value] of maskedLines(raw)) out += `${name}: ${value}\n`;
  return out;
}

function headerLines(text: unknown): Array<[string, string]> {
  if (typeof text !== 'string' || text === '') return [];
  const out: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf(': ');
    if (at > 0) out.push([line.slice(0, at), line.slice(at + 2)]);
  }
  return out;
}

export function headerParams(seq: number | bigint, r: KeptRecord): unknown[] {
  return [seq, headerText(r.rawRequest), headerText(r.rawResponse)];
}

/** A row as SQLite returns it. */
export type Row = Record<(typeof INSERT_COLUMNS)[number] | 'seq', unknown> & { request_headers?: unknown; response_headers?: unknown };

export function recordFromRow(row: Row): RequestRecord {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const usage =
    row.input_tokens === null && row.output_tokens === null
      ? null
      : {
          input_tokens: Number(row.input_tokens ?? 0),
          output_tokens: Number(row.output_tokens ?? 0),
          cache_creation_input_tokens: Number(row.cache_creation_input_tokens ?? 0),
          cache_read_input_tokens: Number(row.cache_read_input_tokens ?? 0),
          ...(row.cache_creation_1h_input_tokens !== null ? { cache_creation_1h_input_tokens: Number(row.cache_creation_1h_input_tokens) } : {}),
        };
  return {
    id: String(row.id),
    started_at: new Date(Number(row.started_at)).toISOString(),
    method: String(row.method),
    path: String(row.path),
    route: row.route as RequestRecord['route'],
    client: String(row.client),
    client_version: s(row.client_version),
    user_agent: s(row.user_agent),
    session: s(row.session),
    model: s(row.model),
    mapped_model: s(row.mapped_model),
    stream: row.stream === 1,
    status: Number(row.status),
    error_type: s(row.error_type),
    error_message: s(row.error_message),
    duration_ms: n(row.duration_ms),
    ttfb_ms: n(row.ttfb_ms),
    receive_ms: n(row.receive_ms),
    acquire_wait_ms: n(row.acquire_wait_ms),
    sent_ms: n(row.sent_ms),
    connection_id: s(row.connection_id),
    connection_reused: row.connection_reused === null ? null : row.connection_reused === 1,
    request_id: s(row.request_id),
    stop_reason: s(row.stop_reason),
    usage,
    cost_usd: n(row.cost_usd),
    request_headers: headerLines(row.request_headers),
    response_headers: headerLines(row.response_headers),
  };
}
