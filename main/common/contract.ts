// The one API between the runtime and any UI (Electron renderer over IPC, browser dashboard over HTTP + SSE).
// Types only: this file is imported by the renderer and must not pull anything in at runtime.
import type { ErrorCounts, RateLimits, RequestRecord, UpstreamHealth, UsageTotals } from './requests.js';
import type { HistoryFilter, RequestDetail, RequestsPage, UsageGroupBy, UsageReport } from './history.js';

export type { ErrorCounts, RateLimits, RateLimitWindow, RequestRecord, TokenUsage, UpstreamHealth, UsageTotals } from './requests.js';
export type { CapturedBody, HistoryFilter, RequestDetail, RequestsPage, StatusFilter, UsageGroupBy, UsageReport, UsageRow } from './history.js';

/** The seed's /pool/stats counters, names and meaning unchanged. */
export interface PoolCounters {
  connections_created: number;
  connections_destroyed: number;
  connections_reused: number;
  acquire_timeouts: number;
  health_check_failures: number;
  total_connections: number;
  available_connections: number;
  in_use_connections: number;
  /** Connections that are HTTP/2 sessions ([upstream] http2 on and the upstream agreed), and streams open on them. */
  http2_sessions?: number;
  http2_streams?: number;
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  count: number;
}

export interface ConnectionView {
  id: string;
  state: 'idle' | 'in_use';
  use_count: number;
  created_at: string;
  last_used_at: string;
  healthy: boolean;
}

export interface PoolSettingsView {
  enabled: boolean;
  min_size: number;
  max_size: number;
  idle_timeout: number;
  acquire_timeout: number;
  health_check_interval: number;
  warmup_on_startup: boolean;
  max_lifetime: number;
  leak_warning_threshold: number;
}

/** GET /pool/stats: the seed's shape exactly, with extra fields only beside it. */
export interface PoolStatsResponse {
  pool_enabled: boolean;
  stats: PoolCounters;
  waiting_requests: number;
  requests_total: number;
  requests_in_flight: number;
  acquire_wait_ms: Percentiles;
  /** Latency of successful (2xx) requests only, over the last 1,000 of them; failures are fast and would flatter it. */
  request_latency_ms: Percentiles;
  /** Latency of failed requests, apart. */
  error_latency_ms: Percentiles;
  errors: ErrorCounts;
  rate_limits: RateLimits;
  upstream: UpstreamHealth;
  /**
   * Share of requests served on an existing connection (0-1): reused ÷ finished requests that got an upstream
   * connection. Warm-ups and refills are neither. Null before the first such request.
   */
  reuse_rate: number | null;
  /** Share of finished requests that failed (non-2xx or aborted), null before the first. */
  error_rate: number | null;
  settings: PoolSettingsView;
  connections: ConnectionView[];
  uptime_s: number;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LogEntry {
  /** The runtime that wrote it: seq starts again at 1 for each run, so a view keys on both. */
  run: string;
  seq: number;
  time: string;
  level: LogLevel;
  message: string;
}

export type ValueSource = 'default' | 'file' | 'env' | 'cli';

/** A settings value as the settings window shows it. Paths are TOML paths, e.g. "pool_settings.max_size". */
export interface SettingsView {
  values: Record<string, Record<string, unknown>>;
  sources: Record<string, ValueSource>;
  /** Env variable that set a value, by path (saving the file does not change these). */
  env_overrides: Record<string, string>;
  config_path: string | null;
  save_path: string;
  /** Field metadata for forms: type, allowed range and a description, by path. */
  fields: Record<string, FieldMeta>;
  /**
   * Values the file holds that the environment (or a flag) overrides right now: the window shows each one's
   * message beside the field, since the saved value is what applies once the variable is gone.
   */
  shadowed: ShadowedSetting[];
  /** Sections and keys in the file that ccproxy does not read (typos, or a newer version's): kept, and shown as a notice. */
  unknown?: UnknownSetting[];
}

/** A section or key ccproxy does not read, with the nearest name it does read. */
export interface UnknownSetting {
  /** "pool_setting" (a section) or "pool_settings.maxsize" (a key). */
  path: string;
  /** The nearest valid path, or null when nothing is close. */
  nearest: string | null;
  /** One sentence: "`[pool_setting]` is not a section ccproxy reads; did you mean `[pool_settings]`?" */
  message: string;
}

/** A value saved in the file but not in effect, because an environment variable or a flag sets it. */
export interface ShadowedSetting {
  path: string;
  /** "environment variable POOL_SETTINGS__MAX_SIZE" or "command-line flag --port". */
  by: string;
  /** The value in effect (secrets masked). */
  active_value: unknown;
  /** The value in the file (secrets masked). */
  file_value: unknown;
  /** One sentence for the user, naming all of the above. */
  message: string;
}

export interface FieldMeta {
  type: 'number' | 'integer' | 'boolean' | 'string' | 'string[]' | 'record';
  min?: number;
  max?: number;
  optional?: boolean;
  secret?: boolean;
  description: string;
}

export interface FieldError {
  path: string;
  message: string;
}

export type SettingsPatch = Record<string, Record<string, unknown>>;

export type SaveResult =
  | {
      ok: true;
      view: SettingsView;
      restarted: boolean;
      /** false when the change applies to the running proxy only (setPoolingEnabled with persist: false). */
      saved?: boolean;
      /** Values this save wrote that the environment or a flag overrides: saved, but not in effect now. */
      shadowed?: ShadowedSetting[];
    }
  /** Nothing was written and the running settings are as they were; the errors say why. */
  | { ok: false; errors: FieldError[] };

export interface RuntimeStatus {
  /** Changes each time the runtime starts (see LogEntry.run). */
  run: string;
  state: 'starting' | 'running' | 'error' | 'stopped';
  /** The upstream's reachability, so a status line never says all is well while every request fails. */
  upstream: UpstreamHealth['state'];
  endpoint: string;
  pool_enabled: boolean;
  error: string | null;
  /** The request history: "on", or "off: <reason>" (the header and tray say so); absent without a history. */
  history?: string;
}

/** What the history export returns over IPC and the admin API (GET /requests/export streams instead). */
export interface ExportResult {
  format: 'csv' | 'jsonl';
  text: string;
  records: number;
  /** More records matched than an export through the API returns at once (EXPORT_API_LIMIT). */
  truncated: boolean;
}

/** Operations: name → request and response. Both transports implement exactly this map. */
export interface ApiOperations {
  getStatus: { request: void; response: RuntimeStatus };
  getStats: { request: void; response: PoolStatsResponse };
  getLogs: { request: void; response: LogEntry[] };
  getSettings: { request: void; response: SettingsView };
  validateSettings: { request: SettingsPatch; response: FieldError[] };
  saveSettings: { request: SettingsPatch; response: SaveResult };
  /**
   * The header switch and the tray save the choice (persist defaults to true). persist: false switches the
   * running proxy only and writes nothing, e.g. for a benchmark that flips pooling and puts it back.
   */
  setPoolingEnabled: { request: { enabled: boolean; persist?: boolean }; response: SaveResult };
  /** Newest first; limit defaults to 100. Reads the history (filters as getRequestPage). */
  getRequests: { request: ({ limit?: number } & HistoryFilter) | void; response: RequestRecord[] };
  /** Usage since start, per model (the Stats view's live totals). */
  getUsage: { request: void; response: UsageTotals };
  /** A page of the history, newest first, with the cursor for the next (older) page. */
  getRequestPage: { request: ({ limit?: number } & HistoryFilter) | void; response: RequestsPage };
  /** One record, with its bodies when they were captured; null when unknown. */
  getRequestDetail: { request: { id: string }; response: RequestDetail | null };
  /** Usage grouped by day, hour, model, client or session over a range. */
  getUsageReport: { request: { group_by: UsageGroupBy; since?: string; until?: string; model?: string; client?: string }; response: UsageReport };
  /** The filtered history as CSV or JSON Lines (at most EXPORT_API_LIMIT records; the HTTP export streams all). */
  exportRequests: { request: { format: 'csv' | 'jsonl' } & Omit<HistoryFilter, 'before'>; response: ExportResult };
  /** Deletes every stored record. */
  clearHistory: { request: void; response: { deleted: number; history: string } };
  /** Moves a damaged history file aside and starts a new one (the desktop's "Reset history"). */
  resetHistory: { request: void; response: { moved_to: string | null; history: string } };
}

export const EXPORT_API_LIMIT = 100_000;

/** Events pushed from the runtime to the UI. */
export interface ApiEvents {
  stats: PoolStatsResponse;
  log: LogEntry;
  status: RuntimeStatus;
  /** A request record, sent when the request starts (status 0) and again when it ends. */
  request: RequestRecord;
}

export type OperationName = keyof ApiOperations;
export type EventName = keyof ApiEvents;

/** What a UI holds: one async function per operation and a subscribe for events. */
export type CcproxyApi = {
  [K in OperationName]: ApiOperations[K]['request'] extends void
    ? () => Promise<ApiOperations[K]['response']>
    : (request: ApiOperations[K]['request']) => Promise<ApiOperations[K]['response']>;
} & {
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
};

export const OPERATION_NAMES = [
  'getStatus',
  'getStats',
  'getLogs',
  'getSettings',
  'validateSettings',
  'saveSettings',
  'setPoolingEnabled',
  'getRequests',
  'getUsage',
  'getRequestPage',
  'getRequestDetail',
  'getUsageReport',
  'exportRequests',
  'clearHistory',
  'resetHistory',
] as const satisfies readonly OperationName[];

/** Fails to compile when an operation of ApiOperations is missing from OPERATION_NAMES (the renderer checks its bridge with it). */
type MustBeTrue<T extends true> = T;
export type OperationNamesComplete = MustBeTrue<Exclude<OperationName, (typeof OPERATION_NAMES)[number]> extends never ? true : false>;

export const EVENT_NAMES = ['stats', 'log', 'status', 'request'] as const satisfies readonly EventName[];
