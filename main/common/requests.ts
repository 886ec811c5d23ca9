// Request records, usage totals, error counts and rate-limit headroom, as the UI and GET /requests, /usage and
// /pool/stats show them. Types only: imported by the renderer.

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** The 1-hour share of cache_creation_input_tokens, when the answer gave the split (usage.cache_creation). */
  cache_creation_1h_input_tokens?: number;
}

/** One proxied request. Field names are what GET /requests returns; bodies are never kept. */
export interface RequestRecord {
  id: string;
  started_at: string;
  method: string;
  path: string;
  /** The route family: "anthropic" (/v1/* passthrough), "openai" (chat completions, models) or "responses" (the Responses API), or "proxy" (a refusal elsewhere, e.g. /admin). */
  route: 'anthropic' | 'openai' | 'responses' | 'proxy';
  /** The tool that sent it, from its user-agent: claude-code, codex, anthropic-sdk-js, anthropic-sdk-python,
   * openai-sdk-js, openai-sdk-python, curl or other. */
  client: string;
  client_version: string | null;
  /** The user-agent as sent. */
  user_agent: string | null;
  /** The tool's session (Claude Code's session id, Codex's session-id header), when it sends one. */
  session: string | null;
  /** The model the client asked for. */
  model: string | null;
  /** The Claude model it was sent to, when the OpenAI route mapped it. */
  mapped_model: string | null;
  stream: boolean;
  /** 0 while in flight, or when the client went away before any answer. */
  status: number;
  /** Anthropic error type (upstream's or the proxy's), "client_aborted", or null. */
  error_type: string | null;
  error_message: string | null;
  duration_ms: number | null;
  /** Time from arrival to the first byte of the answer. */
  ttfb_ms: number | null;
  /** Time spent receiving the client's body (null: no body). A body up to [server] buffer_body_mb is read before a connection is taken. */
  receive_ms: number | null;
  /** Time spent waiting for a pooled connection. */
  acquire_wait_ms: number | null;
  /** Time from arrival until the request was written to the upstream socket. */
  sent_ms: number | null;
  connection_id: string | null;
  /** True: an existing warm connection; false: a new one (or pooling off). */
  connection_reused: boolean | null;
  /** The upstream's request-id header. */
  request_id: string | null;
  stop_reason: string | null;
  usage: TokenUsage | null;
  /** USD from the four token counts and the model's price; null when the model has no price (or no usage). */
  cost_usd: number | null;
  /** Request and answer header lines with secrets masked (for the detail view). */
  request_headers: Array<[string, string]>;
  response_headers: Array<[string, string]>;
}

/** GET /usage: totals since start, per model. */
export interface UsageTotals {
  since: string;
  models: Record<string, { requests: number; errors: number } & TokenUsage>;
}

/** The latest anthropic-ratelimit-* values the upstream sent, per kind. */
export interface RateLimitWindow {
  limit: number | null;
  remaining: number | null;
  reset: string | null;
}

export interface RateLimits {
  requests: RateLimitWindow | null;
  tokens: RateLimitWindow | null;
  input_tokens: RateLimitWindow | null;
  output_tokens: RateLimitWindow | null;
  /** The last retry-after the upstream sent (seconds), and when. */
  retry_after: { seconds: number; at: string } | null;
  /** When the latest values arrived. */
  updated_at: string | null;
}

/**
 * Requests by class and failures by error type (beside the seed's counters in /pool/stats). Every finished request is
 * in one class, so they add up to requests_total: "2xx" succeeded, "broken" is a 2xx answer that broke mid-way,
 * "aborted" a client that went away; everything but "2xx" is a failure (error_rate).
 */
export interface ErrorCounts {
  by_status_class: Record<'2xx' | '3xx' | '4xx' | '5xx' | 'broken' | 'aborted', number>;
  by_type: Record<string, number>;
}

/** Whether the upstream answers: unreachable after consecutive connection failures or failed warm-ups. */
export interface UpstreamHealth {
  state: 'ok' | 'unreachable' | 'unknown';
  consecutive_failures: number;
  last_error: string | null;
  since: string | null;
}
