// The build step of a runtime: its pieces made in the order they need each other (log bus, request records,
// pool, metrics, request stats). Nothing listens and nothing connects yet; start() does that.
import { randomBytes } from 'node:crypto';
import type { LoadedConfig } from '../config/load.js';
import type { UpstreamSettings } from '../config/schema.js';
import { createLogBus, type ElectronLogLike, type LogBus, type Logger } from '../logging/log-bus.js';
import { PoolManager } from '../pool/manager.js';
import type { Clock, ConnectionFactory } from '../pool/types.js';
import { createConnectionFactory } from '../pool/upstream-connection.js';
import type { AppDeps } from '../proxy/app.js';
import { createMetrics, type Metrics } from '../proxy/metrics.js';
import { RequestRecorder } from '../requests/recorder.js';
import { RequestStats } from './stats.js';
import { History } from '../requests/history/history.js';
import { HistoryReader } from '../requests/history/reader.js';
import { Pricing, pricesFromConfig } from '../requests/pricing.js';

export interface RuntimeOptions {
  loaded: LoadedConfig;
  /** electron-log/node headless, electron-log/main in the desktop app. */
  logBase: ElectronLogLike;
  console?: boolean;
  fileLog?: boolean;
  /** Seams for tests: connection factory, clock, housekeeping period (0 = manual). */
  factoryFor?: (upstream: UpstreamSettings) => ConnectionFactory;
  clock?: Clock;
  housekeepingMs?: number;
  /** Extra route modules (admin API + dashboard, OpenAI). */
  plugins?: AppDeps['plugins'];
  /** The end of the port-in-use message: what to do, in the shell's words (default: the CLI's flags). */
  portAdvice?: (port: number, free: number | null) => string;
  /**
   * The history file when [history] path is not set: the shells give theirs (headless ~/.ccproxy/history.db,
   * desktop its data folder). Without either, history is off (a runtime made by a test or a library).
   */
  historyPath?: string;
  /** --reset-history: a damaged history file is moved aside at start and a new one begun. */
  resetHistory?: boolean;
}

export interface RuntimeParts {
  /** Each run has its own id, so a view that follows log lines by number notices a restart. */
  run: string;
  logBus: LogBus;
  log: Logger;
  records: RequestRecorder;
  pool: PoolManager;
  metrics: Metrics;
  requests: RequestStats;
  history: History;
  historyReader: HistoryReader;
}

export function buildParts(opts: RuntimeOptions): RuntimeParts {
  const initial = opts.loaded.config;
  const run = randomBytes(4).toString('hex');
  const logBus = createLogBus({ base: opts.logBase, run, level: initial.logging.level, bufferSize: initial.logging.buffer_size, console: opts.console, file: opts.fileLog });
  const log = logBus.logger;
  const records = new RequestRecorder(initial.logging.request_history);
  const pool = new PoolManager({
    upstreamHealth: records.health,
    pool: initial.pool_settings,
    upstream: initial.upstream,
    factoryFor: opts.factoryFor ?? createConnectionFactory,
    log,
    clock: opts.clock,
    housekeepingMs: opts.housekeepingMs,
  });
  const metrics = createMetrics(() => ({ counters: pool.counterSnapshot(), waiting: pool.waiting(), enabled: pool.enabled }));
  const requests = new RequestStats(pool, metrics, records);
  const historyPath = initial.history.path ?? opts.historyPath;
  const history = new History(historyPath ? initial.history : { ...initial.history, enabled: false }, historyPath ?? '', log);
  records.pricing = new Pricing(pricesFromConfig(initial.pricing));
  // Each finished request is counted in the metrics and goes to the history's queue (written off the
  // forwarding path, in batches).
  records.observeFinished((r) => {
    metrics.observeRecord(r);
    history.record(r);
  });
  const historyReader = new HistoryReader(history, records);
  return { run, logBus, log, records, pool, metrics, requests, history, historyReader };
}
