// The runtime: config + pool + proxy server + log bus. The only thing the shells (CLI, Electron) touch.
import type { FastifyInstance } from 'fastify';
import type { LogEntry, PoolStatsResponse, RuntimeStatus, SaveResult } from '../common/contract.js';
import type { LoadedConfig } from '../config/load.js';
import type { Config, PoolSettings, UpstreamSettings } from '../config/schema.js';
import { createLogBus, type ElectronLogLike, type LogBus } from '../logging/log-bus.js';
import { PoolManager } from '../pool/manager.js';
import type { Clock, ConnectionFactory } from '../pool/types.js';
import { createConnectionFactory } from '../pool/upstream-connection.js';
import { buildApp, type AppDeps } from '../proxy/app.js';
import { createMetrics } from '../proxy/metrics.js';
import { createServerApi, type ApiBackend, type ServerApi } from '../api/server-api.js';
import { createSettingsLifecycle, type OpenedListener } from './settings-lifecycle.js';
import { listen, PortInUseError } from './listen.js';
import { RequestStats } from './stats.js';
import { RequestRecorder } from '../requests/recorder.js';
import { randomBytes } from 'node:crypto';

export { PortInUseError };

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
}

export interface Runtime extends ApiBackend {
  /** Switches pooling for this run only, writing nothing (the comparison example uses it). */
  setPoolingRuntime(enabled: boolean): Promise<SaveResult>;
  start(): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
  config(): Config;
  readonly api: ServerApi;
  readonly pool: PoolManager;
  readonly logBus: LogBus;
  app(): FastifyInstance | null;
}

export function createRuntime(opts: RuntimeOptions): Runtime {
  const initial = opts.loaded.config;
  // Each run has its own id, so a view that follows log lines by number notices a restart.
  const run = randomBytes(4).toString('hex');
  const logBus = createLogBus({ base: opts.logBase, run, level: initial.logging.level, bufferSize: initial.logging.buffer_size, console: opts.console, file: opts.fileLog });
  const log = logBus.logger;
  // Each finished request is counted in the metrics (created below, once the pool exists; called only later).
  const records = new RequestRecorder(initial.logging.request_history, (r) => metrics.observeRecord(r));
  const pool = new PoolManager({
    upstreamHealth: records.health,
    pool: initial.pool_settings,
    upstream: initial.upstream,
    factoryFor: opts.factoryFor ?? createConnectionFactory,
    log,
    clock: opts.clock,
    housekeepingMs: opts.housekeepingMs,
  });
  const statusListeners = new Set<(s: RuntimeStatus) => void>();
  let shuttingDown = false;
  let app: FastifyInstance | null = null;
  let boundUrl = '';
  let state: RuntimeStatus['state'] = 'stopped';
  let error: string | null = null;

  const metrics = createMetrics(() => ({ counters: pool.counterSnapshot(), waiting: pool.waiting(), enabled: pool.enabled }));
  const settings = createSettingsLifecycle({
    initial: opts.loaded,
    log,
    pool,
    logOutput: logBus,
    // Before the first start nothing listens yet (start() uses the new address); after a failed start
    // (port in use) any save may open the listener.
    needsListener: (before, after) => state === 'error' || (app !== null && (before.server.host !== after.server.host || before.server.port !== after.server.port)),
    openListener: (next) => openBeside(next),
    changed: () => setState(state, error), // same state, but pool_enabled may have changed: tell the listeners
    isShuttingDown: () => shuttingDown,
  });
  const cfg = () => settings.current().config;
  const endpoint = () => boundUrl || `http://${cfg().server.host}:${cfg().server.port}`;
  const status = (): RuntimeStatus => ({ run, state, upstream: records.health.snapshot().state, endpoint: endpoint(), pool_enabled: pool.enabled, error });
  const setState = (next: RuntimeStatus['state'], err: string | null = null) => {
    state = next;
    error = err;
    const s = status();
    for (const l of statusListeners) l(s);
  };

  const requests = new RequestStats(pool, metrics, records);
  records.health.onChange((upstream, before) => {
    if (upstream === 'unreachable') log.error(`[API] The upstream ${cfg().upstream.base_url} is unreachable: ${records.health.snapshot().last_error ?? ''}`);
    else if (before === 'unreachable') log.info(`[API] The upstream ${cfg().upstream.base_url} answers again`);
    setState(state, error);
  });
  const stats = (): PoolStatsResponse => requests.snapshot();

  const appDeps: AppDeps = {
    config: cfg,
    exchange: { pool, log },
    records,
    log,
    stats,
    metrics,
    onRequestStart: (route) => requests.started(route),
    onRequestDone: (route, method, status, ms) => requests.finished(route, method, status, ms),
    isShuttingDown: () => shuttingDown,
    plugins: opts.plugins,
  };

  /** Builds the app and listens on `next`'s address; the caller decides when it becomes the proxy's listener. */
  async function listenOn(next: Config): Promise<{ next: FastifyInstance; bound: { url: string; port: number } }> {
    const fresh = buildApp({ ...appDeps, api });
    try {
      return { next: fresh, bound: await listen(fresh, next.server.host, next.server.port) };
    } catch (err) {
      await fresh.close().catch(() => {});
      throw err;
    }
  }

  /** A listener for a settings change, opened while the old one still serves. */
  async function openBeside(nextConfig: Config): Promise<OpenedListener> {
    const { next, bound } = await listenOn(nextConfig);
    return {
      url: bound.url,
      async activate() {
        const old = app;
        app = next;
        boundUrl = bound.url;
        log.info(`[SETTINGS] Now listening on ${bound.url}`);
        // Recovering from a start that failed (port in use): the pool has not started yet.
        if (!pool.started) {
          await startPool(bound.url);
          settings.watch();
        }
        setState('running');
        void old?.close();
      },
      discard: () => next.close(),
    };
  }

  const backend: ApiBackend & Pick<Runtime, 'setPoolingRuntime'> = {
    status,
    stats,
    logs: (): LogEntry[] => logBus.entries(),
    requests: (limit) => records.list(limit),
    usage: () => records.usage.totals(),
    onRequest: (l) => records.onRecord(l),
    onLog: (l) => logBus.subscribe(l),
    onStatus(l) {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
    settingsView: () => settings.view(),
    validateSettings: (patch) => settings.validate(patch),
    saveSettings: (patch) => settings.save(patch),
    setPoolingRuntime: (enabled) => settings.setPoolingRuntime(enabled),
  };
  const api = createServerApi(backend);

  const runtime: Runtime = {
    ...backend,
    api,
    pool,
    logBus,
    app: () => app,
    config: cfg,

    async start() {
      setState('starting');
      const loaded = settings.current();
      log.info(`[STARTUP] Starting ccproxy (config: ${loaded.configPath ?? 'none found, using defaults'})`);
      for (const w of loaded.warnings) log.warn(`[STARTUP] ${w}`);
      let bound: { url: string; port: number };
      try {
        const opened = await listenOn(loaded.config);
        app = opened.next;
        boundUrl = opened.bound.url;
        bound = opened.bound;
      } catch (err) {
        const message = err instanceof PortInUseError ? err.message : `Cannot listen on ${loaded.config.server.host}:${loaded.config.server.port}: ${(err as Error).message}`;
        log.error(`[STARTUP] ${message}`);
        logBus.flush();
        setState('error', message);
        throw err;
      }
      await startPool(bound.url);
      setState('running');
      settings.watch();
      return bound;
    },

    async stop() {
      if (shuttingDown) return;
      shuttingDown = true;
      settings.unwatch();
      if (!app) {
        // Never started listening (port in use): nothing to drain, nothing to announce.
        await pool.stop(0);
        setState('stopped');
        return;
      }
      const grace = cfg().server.shutdown_grace;
      const graceMs = grace * 1000;
      log.info(`[SHUTDOWN] Stopping: no new requests; waiting up to ${grace} s for ${requests.inFlight} in-flight request(s)`);
      const closing = app?.close();
      await pool.stop(graceMs);
      app?.server.closeAllConnections();
      await closing;
      setState('stopped');
      log.info('[SHUTDOWN] ccproxy stopped');
      logBus.flush();
    },
  };

  /** The pool starts once the proxy listens (a taken port must not cost upstream connections). */
  async function startPool(url: string): Promise<void> {
    log.info('[STARTUP] Configuring connection pool manager...');
    const complete = await pool.start();
    if (pool.enabled && complete) log.info('[STARTUP] Claude connection pool initialized successfully');
    else if (pool.enabled) log.warn(`[STARTUP] Claude connection pool started without all its warm connections: ${cfg().upstream.base_url} is not reachable yet`);
    log.info(`[STARTUP] ccproxy listening on ${url} (upstream: ${cfg().upstream.base_url})`);
    log.info(`[STARTUP] Point Claude Code at it: ANTHROPIC_BASE_URL=${url}`);
  }

  return runtime;
}
