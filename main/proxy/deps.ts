// What the route modules get from the runtime. Its own module, so app.ts and the routes never import each other.
import type { FastifyPluginAsync } from 'fastify';
import type { PoolStatsResponse } from '../common/contract.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logging/log-bus.js';
import type { HistoryBackend, ServerApi } from '../api/server-api.js';
import type { ExchangeDeps } from './exchange.js';
import type { Metrics } from './metrics.js';
import type { RequestRecorder } from '../requests/recorder.js';

export interface AppDeps {
  /** The live configuration (settings can change while the app runs). */
  config(): Config;
  exchange: ExchangeDeps;
  /** Where each API request leaves its record. */
  records: RequestRecorder;
  log: Logger;
  stats(): PoolStatsResponse;
  metrics: Metrics;
  /** Called when a request arrives and when its response has ended (route pattern, status, milliseconds). */
  onRequestStart(route: string): void;
  onRequestDone(route: string, method: string, status: number, ms: number): void;
  isShuttingDown(): boolean;
  /** The admin API for the dashboard; absent in bare proxy tests. */
  api?: ServerApi;
  /** The request history (GET /requests, /usage?group_by, export); absent in bare proxy tests (then: this run's records). */
  history?: HistoryBackend;
  /** Extra routes (admin API, dashboard, OpenAI): Fastify plugins, each registered with these deps as its options. */
  plugins?: RoutePlugin[];
}

/** A route module: a Fastify plugin (its own encapsulated scope) that takes the app's deps as its options. */
export type RoutePlugin = FastifyPluginAsync<AppDeps>;
