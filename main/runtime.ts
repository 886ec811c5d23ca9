// The runtime: config + pool + proxy server + log bus. The only thing the shells (CLI, Electron) touch.
import type { FastifyInstance } from 'fastify';
import type { LogEntry, PoolStatsResponse, RuntimeStatus, SaveResult, SettingsPatch } from './common/contract.js';
import { ConfigError, validateLayers, type LoadedConfig } from './config/load.js';
import type { Config, PoolSettings, UpstreamSettings } from './config/schema.js';
import { writeTomlAtomic } from './config/save.js';
import { watchConfigFile } from './config/watch.js';
import { parse as parseToml } from 'smol-toml';
import { createLogBus, type ElectronLogLike, type LogBus } from './logging/log-bus.js';
import { PoolManager } from './pool/manager.js';
import type { Clock, ConnectionFactory } from './pool/types.js';
import { createConnectionFactory } from './pool/upstream-connection.js';
import { buildApp, type AppDeps } from './proxy/app.js';
import { createMetrics } from './proxy/metrics.js';
import { createServerApi, type ApiBackend, type ServerApi } from './api/server-api.js';
import { prepareSave, problemsOf, settingsView } from './runtime-settings.js';
import { listen, PortInUseError } from './runtime-listen.js';
import { RequestStats } from './runtime-stats.js';

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
  start(): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
  config(): Config;
  readonly api: ServerApi;
  readonly pool: PoolManager;
  readonly logBus: LogBus;
  app(): FastifyInstance | null;
}

export function createRuntime(opts: RuntimeOptions): Runtime {
  let loaded = opts.loaded;
  const logBus = createLogBus({ base: opts.logBase, level: loaded.config.logging.level, bufferSize: loaded.config.logging.buffer_size, console: opts.console, file: opts.fileLog });
  const log = logBus.logger;
  const secretsOf = (c: Config) => [c.upstream.api_key, c.upstream.auth_token, c.security.auth_token].filter((s): s is string => !!s);
  logBus.setSecrets(secretsOf(loaded.config));
  const pool = new PoolManager({
    pool: loaded.config.pool_settings,
    upstream: loaded.config.upstream,
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
  let stopWatching: () => void = () => {};
  /** The text of our own last save, so the watcher does not re-apply it. */
  let lastWritten: string | null = null;

  const metrics = createMetrics(() => ({ counters: pool.counterSnapshot(), waiting: pool.waiting(), enabled: pool.enabled }));
  const endpoint = () => boundUrl || `http://${loaded.config.server.host}:${loaded.config.server.port}`;
  const status = (): RuntimeStatus => ({ state, endpoint: endpoint(), pool_enabled: pool.enabled, error });
  const setState = (next: RuntimeStatus['state'], err: string | null = null) => {
    state = next;
    error = err;
    const s = status();
    for (const l of statusListeners) l(s);
  };

  const requests = new RequestStats(pool, metrics);
  const stats = (): PoolStatsResponse => requests.snapshot();

  const appDeps: AppDeps = {
    config: () => loaded.config,
    exchange: { pool, log },
    log,
    stats,
    metrics,
    onRequestStart: (route) => requests.started(route),
    onRequestDone: (route, method, status, ms) => requests.finished(route, method, status, ms),
    isShuttingDown: () => shuttingDown,
    plugins: opts.plugins,
  };

  async function openListener(): Promise<{ url: string; port: number }> {
    const next = buildApp({ ...appDeps, api: runtime.api });
    try {
      const bound = await listen(next, loaded.config.server.host, loaded.config.server.port);
      app = next;
      boundUrl = bound.url;
      return bound;
    } catch (err) {
      await next.close().catch(() => {});
      throw err;
    }
  }

  const runtime: Runtime = {
    pool,
    logBus,
    app: () => app,
    config: () => loaded.config,
    api: undefined as unknown as ServerApi,
    status,
    stats,
    logs: (): LogEntry[] => logBus.entries(),
    onLog: (l) => logBus.subscribe(l),
    onStatus(l) {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
    settingsView: () => settingsView(loaded),
    validateSettings: (patch: SettingsPatch) => {
      const r = prepareSave(loaded, patch);
      return r.ok ? [] : r.errors;
    },

    async start() {
      setState('starting');
      log.info(`[STARTUP] Starting ccproxy (config: ${loaded.configPath ?? 'none found, using defaults'})`);
      for (const w of loaded.warnings) log.warn(`[STARTUP] ${w}`);
      let bound: { url: string; port: number };
      try {
        bound = await openListener();
      } catch (err) {
        const message = err instanceof PortInUseError ? err.message : `Cannot listen on ${loaded.config.server.host}:${loaded.config.server.port}: ${(err as Error).message}`;
        log.error(`[STARTUP] ${message}`);
        logBus.flush();
        setState('error', message);
        throw err;
      }
      await startPool(bound.url);
      setState('running');
      stopWatching = watchConfigFile(loaded.savePath, (text) => void reloadFromFile(text));
      return bound;
    },

    async saveSettings(patch: SettingsPatch): Promise<SaveResult> {
      const r = prepareSave(loaded, patch);
      if (!r.ok) {
        log.warn(`[SETTINGS] Not saved: ${r.errors.map((e) => e.message).join(' ')}`);
        return r;
      }
      try {
        lastWritten = writeTomlAtomic(loaded.savePath, r.prepared.nextFile);
      } catch (err) {
        log.error(`[SETTINGS] ${(err as Error).message}`);
        return { ok: false, errors: problemsOf(err) };
      }
      const before = loaded.config;
      loaded = { ...loaded, config: r.prepared.config, sources: r.prepared.sources, configPath: loaded.savePath, layers: { ...loaded.layers, file: r.prepared.nextFile } };
      log.info(`[SETTINGS] Saved ${loaded.savePath}`);
      const restarted = await applyLive(before, loaded.config);
      return { ok: true, view: settingsView(loaded), restarted };
    },

    async stop() {
      if (shuttingDown) return;
      shuttingDown = true;
      stopWatching();
      if (!app) {
        // Never started listening (port in use): nothing to drain, nothing to announce.
        await pool.stop(0);
        setState('stopped');
        return;
      }
      const graceMs = loaded.config.server.shutdown_grace * 1000;
      log.info(`[SHUTDOWN] Stopping: no new requests; waiting up to ${loaded.config.server.shutdown_grace} s for ${requests.inFlight} in-flight request(s)`);
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
    else if (pool.enabled) log.warn(`[STARTUP] Claude connection pool started without all its warm connections: ${loaded.config.upstream.base_url} is not reachable yet`);
    log.info(`[STARTUP] ccproxy listening on ${url} (upstream: ${loaded.config.upstream.base_url})`);
    log.info(`[STARTUP] Point Claude Code at it: ANTHROPIC_BASE_URL=${url}`);
  }

  /** An edit of the config file from outside: applied live when valid, otherwise logged and ignored. */
  async function reloadFromFile(text: string | null): Promise<void> {
    if (text === null || text === lastWritten || shuttingDown) return;
    try {
      const file = parseToml(text) as typeof loaded.layers.file;
      const { config, sources } = validateLayers({ ...loaded.layers, file }, loaded.envNames, loaded.savePath);
      const before = loaded.config;
      loaded = { ...loaded, config, sources, configPath: loaded.savePath, layers: { ...loaded.layers, file } };
      log.info(`[SETTINGS] ${loaded.savePath} changed on disk; applying it`);
      await applyLive(before, config);
    } catch (err) {
      const detail = err instanceof ConfigError ? err.message : `not valid TOML: ${(err as Error).message.split('\n')[0]}`;
      log.error(`[SETTINGS] Ignoring the edit of ${loaded.savePath}, the running settings stay: ${detail}`);
    }
  }

  /** Applies a new config to the running pieces; returns true when the listener had to be reopened. */
  async function applyLive(before: Config, after: Config): Promise<boolean> {
    logBus.setLevel(after.logging.level);
    logBus.setSecrets(secretsOf(after));
    await pool.reconfigure(after.pool_settings, after.upstream);
    setState(state, error); // same state, but pool_enabled may have changed: tell the listeners
    const s0 = before.server;
    const s1 = after.server;
    for (const key of ['body_limit_mb', 'headers_timeout', 'request_timeout'] as const) {
      if (s0[key] !== s1[key]) log.info(`[SETTINGS] server.${key} applies from the next start`);
    }
    // The same address keeps its listener: reopening it would wait for every open stream to end.
    if (s0.host === s1.host && s0.port === s1.port && state !== 'error') return false;
    // A new listener first, so a bad port leaves the old one serving.
    const old = app;
    try {
      const bound = await openListener();
      log.info(`[SETTINGS] Now listening on ${bound.url}`);
      // Recovering from a start that failed (port in use): the pool has not started yet.
      if (!pool.started) {
        await startPool(bound.url);
        stopWatching = watchConfigFile(loaded.savePath, (text) => void reloadFromFile(text));
      }
      setState('running');
      void old?.close();
      return true;
    } catch (err) {
      log.error(`[SETTINGS] ${(err as Error).message}`);
      if (!old) setState('error', (err as Error).message);
      return false;
    }
  }

  (runtime as { api: ServerApi }).api = createServerApi(runtime);
  return runtime;
}
