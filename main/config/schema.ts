// The single source of defaults, ranges and types for every setting. Forms, env parsing and error messages
// all read their limits from here (see meta.ts), so a range is written once.
import { z } from 'zod';

const int = (min: number, max: number, def: number, description: string) =>
  z.number().int().min(min).max(max).default(def).describe(description);
const num = (min: number, max: number, def: number, description: string) =>
  z.number().min(min).max(max).default(def).describe(description);
const bool = (def: boolean, description: string) => z.boolean().default(def).describe(description);
const optionalString = (description: string) => z.string().min(1).optional().describe(description);
const stringList = (description: string) => z.array(z.string().min(1)).default([]).describe(description);

export const serverSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Address to listen on. Keep 127.0.0.1 unless you need LAN access.'),
    port: int(0, 65535, 8000, 'TCP port to listen on (0 picks a free port).'),
    body_limit_mb: int(1, 512, 32, 'Largest request body accepted, in MiB (requests with images are large). Applies from the next start.'),
    buffer_body_mb: int(0, 512, 4, 'Request bodies up to this many MiB (by Content-Length) are read completely before an upstream connection is taken, so a slow client holds none; larger and chunked bodies stream (0: always stream).'),
    shutdown_grace: num(0, 600, 10, 'Seconds in-flight requests get to finish on shutdown.'),
    headers_timeout: num(1, 300, 10, 'Seconds a client gets to send a request\'s headers; a slower one is cut (408). Applies from the next start.'),
    request_timeout: num(1, 3600, 30, 'Seconds a client gets to send a whole request, body included; a slower one is cut (408). Applies from the next start.'),
  })
  .strip()
  .refine((s) => s.headers_timeout <= s.request_timeout, {
    message: 'headers_timeout must not be greater than request_timeout',
    path: ['headers_timeout'],
  });

export const poolSchema = z
  .object({
    enabled: bool(true, 'Reuse warm upstream connections. Off: a fresh client and connection per request.'),
    min_size: int(0, 100, 2, 'Connections kept open (and warmed up at start).'),
    max_size: int(1, 100, 10, 'Most connections open at once.'),
    idle_timeout: num(30, 3600, 300, 'Seconds an idle connection above min_size is kept.'),
    acquire_timeout: num(0.05, 300, 5, 'Seconds a request waits for a free connection before 503.'),
    health_check_interval: num(1, 3600, 60, 'Seconds between health checks of idle connections.'),
    warmup_on_startup: bool(true, 'Open min_size connections at start so the first request is fast.'),
    max_lifetime: num(60, 86400, 1800, 'Seconds after which a connection is retired (never while in use).'),
    leak_warning_threshold: num(0, 3600, 120, 'Warn when a connection is held with no data moving for this many seconds (0: off).'),
  })
  .strip()
  .refine((p) => p.min_size <= p.max_size, {
    message: 'min_size must not be greater than max_size',
    path: ['min_size'],
  });

export const upstreamSchema = z
  .object({
    base_url: z.url({ protocol: /^https?$/ }).default('https://api.anthropic.com').describe('The Anthropic API (or a compatible server) the proxy calls.'),
    api_key: optionalString('API key sent upstream instead of the client\'s own credentials.').meta({ secret: true }),
    auth_token: optionalString('Bearer token sent upstream instead of the client\'s own credentials.').meta({ secret: true }),
    timeout: num(1, 3600, 600, 'Seconds to wait for the upstream before 504.'),
    connect_timeout: num(0.5, 120, 10, 'Seconds to wait for a new upstream connection.'),
    keepalive_timeout: num(0.1, 3600, 120, 'Seconds an idle upstream socket is kept open. Keep it well below the upstream\'s own idle limit (the Anthropic API closes idle sockets at 400 s); a shorter Keep-Alive hint from the upstream wins.'),
    ca_file: optionalString('Extra CA certificate (PEM) to trust for the upstream, e.g. a corporate proxy; added to the others.'),
    http2: bool(false, 'Offer HTTP/2 to the upstream (TLS ALPN): a pooled connection is then an HTTP/2 session. Off by default: measured no faster here (npm run bench).'),
    system_ca: bool(true, 'Trust the operating system\'s certificate store as well as Node\'s bundled CAs (a TLS-inspecting corporate proxy\'s CA installed by IT).'),
    proxy_url: z.url({ protocol: /^https?$/ }).optional().describe('HTTP proxy to reach the upstream through (CONNECT tunnel), e.g. http://proxy.corp:3128. Wins over HTTPS_PROXY / HTTP_PROXY / NO_PROXY, which apply when it is unset.'),
  })
  .strip();

export const securitySchema = z
  .object({
    allowed_hosts: stringList('Extra Host names accepted (for a LAN bind). Local names are always accepted.'),
    allowed_origins: stringList('Browser origins allowed to call the proxy (CORS). Same-origin is always allowed.'),
    auth_token: optionalString('Token clients must send (x-ccproxy-token, or as their API key when the proxy holds the upstream key).').meta({ secret: true }),
  })
  .strip();

export const loggingSchema = z
  .object({
    level: z.enum(['error', 'warn', 'info', 'debug']).default('info').describe('Least severe level written.'),
    buffer_size: int(100, 100000, 1000, 'Log lines kept in memory for the log view. Applies from the next start.'),
    request_history: int(0, 100000, 1000, 'Requests kept for the Requests view and GET /requests (0: none). Applies from the next start.'),
  })
  .strip();

export const openaiSchema = z
  .object({
    default_max_tokens: int(1, 128000, 4096, 'max_tokens for OpenAI-format requests that set no limit (Claude requires one).'),
    web_search: bool(false, 'OpenAI web_search tools become Claude\'s server web search tool (billed per search). Off: they are dropped.'),
  })
  .strip();

export const historySchema = z
  .object({
    enabled: bool(true, 'Keep every request, its tokens and its cost in a SQLite file that survives a restart. Off: only this run\'s records, in memory.'),
    path: optionalString('The history file. Default: history.db in the app\'s data folder (desktop), ~/.ccproxy/history.db (headless). Applies from the next start.'),
    retention_days: int(1, 3650, 90, 'Records older than this many days are deleted.'),
    max_mb: int(1, 1048576, 1024, 'Largest size of the history file in MiB; past it the oldest records are deleted.'),
    capture_bodies: bool(false, 'Also keep request and answer bodies (secrets redacted, each capped at 1 MiB) for the request detail.'),
  })
  .strip();

const perMillion = (description: string) => z.number().min(0).max(10_000).optional().describe(description);
export const pricingSchema = z
  .record(
    z.string().min(1),
    z
      .object({
        input: z.number().min(0).max(10_000).describe('USD per million input tokens.'),
        output: z.number().min(0).max(10_000).describe('USD per million output tokens.'),
        cache_write_5m: perMillion('USD per million 5-minute cache-write tokens (default 1.25 × input).'),
        cache_write_1h: perMillion('USD per million 1-hour cache-write tokens (default 2 × input).'),
        cache_read: perMillion('USD per million cache-read tokens (default 0.1 × input).'),
      })
      .strict(),
  )
  .default({})
  .describe('Prices per model, overriding or adding to the built-in table, e.g. [pricing."claude-sonnet-5"] input = 3, output = 15.');

export const modelMappingSchema = z
  .record(z.string().min(1), z.string().regex(/^claude-/, 'must be a claude-* model name'))
  .default({})
  .describe('OpenAI model names mapped to Claude models, e.g. "gpt-4o" = "claude-sonnet-4-5".');

export const configSchema = z
  .object({
    server: serverSchema.default(serverSchema.parse({})),
    pool_settings: poolSchema.default(poolSchema.parse({})),
    upstream: upstreamSchema.default(upstreamSchema.parse({})),
    security: securitySchema.default(securitySchema.parse({})),
    logging: loggingSchema.default(loggingSchema.parse({})),
    openai: openaiSchema.default(openaiSchema.parse({})),
    model_mapping: modelMappingSchema,
    history: historySchema.default(historySchema.parse({})),
    pricing: pricingSchema,
  })
  .strip();

export type Config = z.infer<typeof configSchema>;
export type PoolSettings = z.infer<typeof poolSchema>;
export type UpstreamSettings = z.infer<typeof upstreamSchema>;
export type SecuritySettings = z.infer<typeof securitySchema>;
export type HistorySettings = z.infer<typeof historySchema>;
export type PricingSettings = z.infer<typeof pricingSchema>;

/** The sections this app manages; anything else in a file is kept untouched on save. */
export const SECTION_SCHEMAS = {
  server: serverSchema,
  pool_settings: poolSchema,
  upstream: upstreamSchema,
  security: securitySchema,
  logging: loggingSchema,
  openai: openaiSchema,
  history: historySchema,
} as const;

export type SectionName = keyof typeof SECTION_SCHEMAS;

export function defaultConfig(): Config {
  return configSchema.parse({});
}
