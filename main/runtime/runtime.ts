// The runtime: config + pool + proxy server + log bus. The only thing the shells (CLI, Electron) touch.
// Its life in named steps: build (parts.ts), start, apply a settings change (a listener opened beside the
// current one; the rest of the change is settings-lifecycle.ts), stop. RuntimeHost holds what changes while
// it lives: the listener and the status.
import type { FastifyInstance } from 'fastify';
import type { LogEntry, PoolStatsResponse, RuntimeStatus, SaveResult } from '../common/contract.js';
import type { Config } from '../config/schema.js';
import type { LogBus } from '../logging/log-bus.js';
import type { PoolManager } from '../pool/manager.js';
import { buildApp, type AppDeps } from '../proxy/app.js';
import { createServerApi, type ApiBackend, type ServerApi } from '../api/server-api.js';
import { createSettingsLifecycle, type OpenedListener, type SettingsLifecycle } from './settings-lifecycle.js';
import { listen, PortInUseError } from './listen.js';
import { buildParts, type RuntimeOptions, type RuntimeParts } from './parts.js';
import { Pricing, pricesFromConfig } from '../requests/pricing.js';

/** How often the history is pruned by age and size (its queue is written every 100 ms on its own). */
const HISTORY_HOUSEKEEPING_MS = 60_000;

export { PortInUseError };
export type { RuntimeOptions };

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

type Backend = ApiBackend & Pick<Runtime, 'setPoolingRuntime'>;

export class RuntimeHost {
  app: FastifyInstance | null = null;
  private boundUrl = '';
  private state: RuntimeStatus['state'] = 'stopped';
  private error: string | null = null;
  private shuttingDown = false;
  private readonly statusListeners = new Set<(s: RuntimeStatus) => void>();
  readonly settings: SettingsLifecycle;
  readonly backend: Backend;
  readonly api: ServerApi;
  private readonly appDeps: AppDeps;
  private historyTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly parts: RuntimeParts,
    plugins: AppDeps['plugins'],
    loaded: RuntimeOptions['loaded'],
    private readonly portAdvice?: RuntimeOptions['portAdvice'],
    private readonly resetHistory = false,
  ) {
    const { log, pool, logBus, records, requests, metrics, history, historyReader } = parts;
    this.settings = createSettingsLifecycle({
      initial: loaded,
      log,
      pool,
      logOutput: logBus,
      // Before the first start nothing listens yet (start() uses the new address); after a failed start
      // (port in use) any save may open the listener.
      needsListener: (before, after) => this.state === 'error' || (this.app !== null && (before.server.host !== after.server.host || before.server.port !== after.server.port)),
      openListener: (next) => this.openBeside(next),
      changed: () => {
        // Prices and the history's retention and size apply live.
        records.pricing = new Pricing(pricesFromConfig(this.config().pricing));
        history.update(this.config().history);
        this.setState(this.state, this.error); // same state, but pool_enabled may have changed: tell the listeners
      },
      isShuttingDown: () => this.shuttingDown,
    });
    records.health.onChange((upstream, before) => {
      if (upstream === 'unreachable') log.error(`[API] The upstream ${this.config().upstream.base_url} is unreachable: ${records.health.snapshot().last_error ?? ''}`);
      else if (before === 'unreachable') log.info(`[API] The upstream ${this.config().upstream.base_url} answers again`);
      this.setState(this.state, this.error);
    });
    history.onChange(() => {
      records.captureBodies = history.captureBodies;
      this.setState(this.state, this.error);
    });
    const stats = (): PoolStatsResponse => requests.snapshot();
    const settings = this.settings;
    this.backend = {
      status: () => this.status(),
      stats,
      logs: (): LogEntry[] => logBus.entries(),
      requests: (limit, before) => records.list(limit, before),
      usage: () => records.usage.totals(),
      onRequest: (l) => records.onRecord(l),
      onLog: (l) => logBus.subscribe(l),
      onStatus: (l) => {
        this.statusListeners.add(l);
        return () => this.statusListeners.delete(l);
      },
      settingsView: () => settings.view(),
      validateSettings: (patch) => settings.validate(patch),
      saveSettings: (patch) => settings.save(patch),
      setPoolingRuntime: (enabled) => settings.setPoolingRuntime(enabled),
      history: historyReader,
    };
    this.api = createServerApi(this.backend);
    this.appDeps = {
      config: () => this.config(),
      exchange: { pool, log },
      records,
      log,
      stats,
      metrics,
      onRequestStart: (route) => requests.started(route),
      onRequestDone: (route, method, status, ms) => requests.finished(route, method, status, ms),
      isShuttingDown: () => this.shuttingDown,
      plugins,
      api: this.api,
      history: historyReader,
    };
  }

  config(): Config {
    return this.settings.current().config;
  }

  status(): RuntimeStatus {
    const endpoint = this.boundUrl || `http://${this.config().server.host}:${this.config().server.port}`;
    const { run, records, pool } = this.parts;
    return { run, state: this.state, upstream: records.health.snapshot().state, endpoint, pool_enabled: pool.enabled, error: this.error, history: this.parts.history.state };
  }

  private setState(next: RuntimeStatus['state'], err: string | null = null): void {
    this.state = next;
    this.error = err;
    const s = this.status();
    for (const l of this.statusListeners) l(s);
  }

  /** Step "start": listen first, then the pool (a taken port must not cost upstream connections), then watch the file. */
  async start(): Promise<{ url: string; port: number }> {
    const { log, logBus } = this.parts;
    this.setState('starting');
    const loaded = this.settings.current();
    log.info(`[STARTUP] Starting ccproxy (config: ${loaded.configPath ?? 'none found, using defaults'})`);
    for (const w of loaded.warnings) log.warn(`[STARTUP] ${w}`);
    this.openHistory();
    let bound: { url: string; port: number };
    try {
      const opened = await this.listenOn(loaded.config);
      this.app = opened.next;
      this.boundUrl = opened.bound.url;
      bound = opened.bound;
    } catch (err) {
      const message = err instanceof PortInUseError ? err.message : `Cannot listen on ${loaded.config.server.host}:${loaded.config.server.port}: ${(err as Error).message}`;
      log.error(`[STARTUP] ${message}`);
      logBus.flush();
      this.setState('error', message);
      throw err;
    }
    await this.startPool(bound.url);
    this.setState('running');
    this.settings.watch();
    return bound;
  }

  /** Step "start", first part: the history file opened (never a reason not to serve), pruned now and every minute. */
  private openHistory(): void {
    const { history } = this.parts;
    history.open();
    if (this.resetHistory && !history.on) {
      const { moved_to } = history.reset();
      if (!moved_to) this.parts.log.info(`[HISTORY] --reset-history: nothing was moved aside (${history.state})`);
    }
    history.tick();
    this.historyTimer = setInterval(() => history.tick(), HISTORY_HOUSEKEEPING_MS);
    this.historyTimer.unref();
  }

  /** Step "apply settings" (the listener part): a listener for a settings change, opened while the old one still serves. */
  async openBeside(nextConfig: Config): Promise<OpenedListener> {
    const { next, bound } = await this.listenOn(nextConfig);
    return {
      url: bound.url,
      activate: async () => {
        const old = this.app;
        this.app = next;
        this.boundUrl = bound.url;
        this.parts.log.info(`[SETTINGS] Now listening on ${bound.url}`);
        // Recovering from a start that failed (port in use): the pool has not started yet.
        if (!this.parts.pool.started) {
          await this.startPool(bound.url);
          this.settings.watch();
        }
        this.setState('running');
        void old?.close();
      },
      discard: () => next.close(),
    };
  }

  /** Step "stop": no new requests, in-flight ones get [server] shutdown_grace, then the pool and the listener close. */
  async stop(): Promise<void> {
    const { log, logBus, pool, requests } = this.parts;
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.settings.unwatch();
    const app = this.app;
    if (this.historyTimer) clearInterval(this.historyTimer);
    if (!app) {
      // Never started listening (port in use): nothing to drain, nothing to announce.
      await pool.stop(0);
      this.parts.history.close();
      this.setState('stopped');
      return;
    }
    const grace = this.config().server.shutdown_grace;
    log.info(`[SHUTDOWN] Stopping: no new requests; waiting up to ${grace} s for ${requests.inFlight} in-flight request(s)`);
    const closing = app.close();
    await pool.stop(grace * 1000);
    app.server.closeAllConnections();
    await closing;
    // After the last request ended: its record is in the queue, written now.
    this.parts.history.close();
    this.setState('stopped');
    log.info('[SHUTDOWN] ccproxy stopped');
    logBus.flush();
  }

  /** Builds the app and listens on `next`'s address; the caller decides when it becomes the proxy's listener. */
  private async listenOn(next: Config): Promise<{ next: FastifyInstance; bound: { url: string; port: number } }> {
    const fresh = buildApp(this.appDeps);
    try {
      return { next: fresh, bound: await listen(fresh, next.server.host, next.server.port, this.portAdvice) };
    } catch (err) {
      await fresh.close().catch(() => {});
      throw err;
    }
  }

  /** The pool starts once the proxy listens. */
  private async startPool(url: string): Promise<void> {
    const { log, pool } = this.parts;
    log.info('[STARTUP] Configuring connection pool manager...');
    const complete = await pool.start();
    const upstream = this.config().upstream.base_url;
    if (pool.enabled && complete) log.info('[STARTUP] Claude connection pool initialized successfully');
    else if (pool.enabled) log.warn(`[STARTUP] Claude connection pool started without all its warm connections: ${upstream} is not reachable yet`);
    log.info(`[STARTUP] ccproxy listening on ${url} (upstream: ${upstream})`);
    log.info(`[STARTUP] Point Claude Code at it: ANTHROPIC_BASE_URL=${url}`);
  }
}

export function createRuntime(opts: RuntimeOptions): Runtime {
  const parts = buildParts(opts);
  const host = new RuntimeHost(parts, opts.plugins, opts.loaded, opts.portAdvice, opts.resetHistory);
  return {
    ...host.backend,
    api: host.api,
    pool: parts.pool,
    logBus: parts.logBus,
    app: () => host.app,
    config: () => host.config(),
    start: () => host.start(),
    stop: () => host.stop(),
  };
}
