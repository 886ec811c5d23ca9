// The history's shapes, as GET /requests, /requests/{id}, /usage?group_by and the contract return them.
// Types only: imported by the renderer.
import type { RequestRecord } from './requests.js';

export type StatusFilter = '2xx' | '4xx' | '5xx' | 'aborted';

export interface HistoryFilter {
  /** A record id: only records older than it (the next page). */
  before?: string;
  /** ISO times: started_at ≥ since and < until. */
  since?: string;
  until?: string;
  /** The requested or the mapped model. */
  model?: string;
  status?: StatusFilter;
  client?: string;
  session?: string;
  /** Searched in path, model, error type and message, and request-id. */
  q?: string;
}

export interface RequestsPage {
  requests: RequestRecord[];
  /** Pass as `before` for the next (older) page; null when this page is the last. */
  next_before: string | null;
  /** "on", or "off: <reason>" (then the page comes from the in-memory records of this run). */
  history: string;
}

export interface CapturedBody {
  /** The text, secrets redacted, at most 1 MiB. */
  text: string | null;
  truncated: boolean;
}

export interface RequestDetail {
  record: RequestRecord;
  /** Present when [history] capture_bodies was on for this request. */
  bodies: {
    request: CapturedBody;
    response: CapturedBody;
    /** A streamed answer reassembled into the final message (null for a JSON answer or when cut short). */
    response_message: unknown;
  } | null;
}

export type UsageGroupBy = 'day' | 'hour' | 'model' | 'client' | 'session';

export interface UsageRow {
  key: string;
  day?: string;
  hour?: string;
  model?: string;
  client?: string;
  session?: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** The sum over the priced requests only; unpriced_requests says how many had tokens but no price. */
  cost_usd: number;
  unpriced_requests: number;
}

export interface UsageReport {
  group_by: UsageGroupBy;
  since: string | null;
  until: string | null;
  rows: UsageRow[];
  history: string;
}
