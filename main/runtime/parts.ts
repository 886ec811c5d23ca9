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
  portAdvice?: (port: number) => string;
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
  // Each finished request is counted in the metrics.
  records.observeFinished((r) => metrics.observeRecord(r));
  const requests = new RequestStats(pool, metrics, records);
  return { run, logBus, log, records, pool, metrics, requests };
}
