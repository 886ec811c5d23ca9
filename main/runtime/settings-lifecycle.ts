// The settings life cycle of a running proxy: save from the window, notice edits of the file, apply live,
// and the runtime-only pooling switch. One rule throughout: a change is either fully in effect (file and
// running proxy agree) or not at all. A save therefore opens a new listener *before* it writes the file, and
// puts the old text back if applying fails afterwards; saves and file reloads run one at a time.
import type { FieldError, SaveResult, SettingsPatch, SettingsView } from '../common/contract.js';
import { unknownSettingWarnings, validateLayers, type LoadedConfig } from '../config/load.js';
import type { Layer } from '../config/layers.js';
import { commitWrite, parseTomlText, undoWrite } from '../config/save.js';
import { resolveSaveTarget } from '../config/atomic-write.js';
import type { Config, PoolSettings, UpstreamSettings } from '../config/schema.js';
import { secretsOf } from '../config/secrets.js';
import { hiddenProblems } from '../config/shadow.js';
import { watchConfigFile } from '../config/watch.js';
import type { Logger } from '../logging/log-bus.js';
import { prepareSave, problemsOf, settingsView } from './settings.js';

/** A listener opened beside the current one, not yet serving as "the" proxy. */
export interface OpenedListener {
  url: string;
  /** Makes it the proxy's listener and closes the old one. */
  activate(): Promise<void>;
  /** Closes it again; the old listener keeps serving. */
  discard(): Promise<void>;
}

export interface SettingsLifecycleDeps {
  initial: LoadedConfig;
  log: Logger;
  pool: { reconfigure(pool: PoolSettings, upstream: UpstreamSettings): Promise<void>; readonly enabled: boolean };
  logOutput: { setLevel(level: Config['logging']['level']): void; setSecrets(secrets: string[]): void };
  /** Whether going from `before` to `after` needs another listener (host or port changed, or none is open). */
  needsListener(before: Config, after: Config): boolean;
  /** Opens a listener for `next` without closing the current one; throws (PortInUseError, …) when it cannot. */
  openListener(next: Config): Promise<OpenedListener>;
  /** Something the status shows changed (pooling on/off). */
  changed(): void;
  isShuttingDown(): boolean;
}

export interface SettingsLifecycle {
  current(): LoadedConfig;
  /** The pool settings in effect: the configured ones with the runtime-only pooling switch applied. */
  poolSettings(config?: Config): PoolSettings;
  view(): SettingsView;
  validate(patch: SettingsPatch): FieldError[];
  save(patch: SettingsPatch): Promise<SaveResult>;
  /** Switches pooling for this run only; writes nothing. Back to the configured value clears the switch. */
  setPoolingRuntime(enabled: boolean): Promise<SaveResult>;
  /** Starts applying edits of the file made outside the app. */
  watch(): void;
  unwatch(): void;
}

const touches = (patch: SettingsPatch, section: string, key: string) => Object.hasOwn(patch[section] ?? {}, key);

/** Runs tasks one at a time: each one reads the file and the running settings the previous one left. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => {});
    return run;
  }
}

/**
 * The settings of a running proxy, in named steps: applyRunning (the pieces), listenerFor (the address),
 * save (window or admin API), reload (an edit of the file) and the runtime-only pooling switch.
 */
export class RunningSettings implements SettingsLifecycle {
  private loaded: LoadedConfig;
  /** The runtime-only pooling switch; null: the configured value applies. */
  private poolingOverride: boolean | null = null;
  /** The text of our own last write, so the watcher does not apply it a second time. */
  private lastWritten: string | null = null;
  private stopWatching: (() => void) | null = null;
  private readonly queue = new SerialQueue();

  constructor(private readonly deps: SettingsLifecycleDeps) {
    this.loaded = deps.initial;
    deps.logOutput.setSecrets(secretsOf(this.loaded.config));
  }

  current(): LoadedConfig {
    return this.loaded;
  }

  poolSettings(config: Config = this.loaded.config): PoolSettings {
    return this.poolingOverride === null ? config.pool_settings : { ...config.pool_settings, enabled: this.poolingOverride };
  }

  view(): SettingsView {
    return settingsView(this.loaded);
  }

  validate(patch: SettingsPatch): FieldError[] {
    const r = prepareSave(this.loaded, patch);
    return r.ok ? [] : r.errors;
  }

  save(patch: SettingsPatch): Promise<SaveResult> {
    return this.queue.run(() => this.saveNow(patch));
  }

  setPoolingRuntime(enabled: boolean): Promise<SaveResult> {
    return this.queue.run(() => this.setPoolingNow(enabled));
  }

  watch(): void {
    if (this.stopWatching) return;
    const path = this.loaded.savePath;
    // Watch the path the user knows and, behind a link, the real file: either may be edited or replaced.
    const onChange = (text: string | null) => void this.queue.run(() => this.reload(text));
    const stops = [watchConfigFile(path, onChange)];
    let target = path;
    try {
      target = resolveSaveTarget(path);
    } catch {
      // A link loop: the path itself is watched, which is all that can be watched.
    }
    if (target !== path) stops.push(watchConfigFile(target, onChange));
    this.stopWatching = () => stops.forEach((stop) => stop());
  }

  unwatch(): void {
    this.stopWatching?.();
    this.stopWatching = null;
  }

  /** Puts `after` into the running pieces (not the listener). */
  private async applyRunning(before: Config, after: Config): Promise<void> {
    const { deps } = this;
    deps.logOutput.setLevel(after.logging.level);
    deps.logOutput.setSecrets(secretsOf(after));
    await deps.pool.reconfigure(this.poolSettings(after), after.upstream);
    deps.changed();
    for (const key of ['body_limit_mb', 'headers_timeout', 'request_timeout'] as const) {
      if (before.server[key] !== after.server[key]) deps.log.info(`[SETTINGS] server.${key} applies from the next start`);
    }
  }

  /**
   * Opens the listener `after` needs, if any; throws when a new address cannot be opened. The same address
   * is only reopened after a failed start (nothing serves yet): still taken, the save goes on without it.
   */
  private async listenerFor(before: Config, after: Config): Promise<OpenedListener | null> {
    if (!this.deps.needsListener(before, after)) return null;
    try {
      return await this.deps.openListener(after);
    } catch (err) {
      const moved = before.server.host !== after.server.host || before.server.port !== after.server.port;
      if (moved) throw err;
      this.deps.log.warn(`[SETTINGS] Still not listening: ${(err as Error).message}`);
      return null;
    }
  }

  private async saveNow(patch: SettingsPatch): Promise<SaveResult> {
    const { log } = this.deps;
    const r = prepareSave(this.loaded, patch);
    if (!r.ok) {
      log.warn(`[SETTINGS] Not saved: ${r.errors.map((e) => e.message).join(' ')}`);
      return r;
    }
    const { plan, config, sources, shadowed } = r.prepared;
    const before = this.loaded;
    let opened: OpenedListener | null;
    try {
      opened = await this.listenerFor(before.config, config);
    } catch (err) {
      const message = `Not saved: ${(err as Error).message} The file and the running settings are unchanged.`;
      log.error(`[SETTINGS] ${message}`);
      return { ok: false, errors: [{ path: 'server.port', message }] };
    }
    try {
      commitWrite(plan);
      this.lastWritten = plan.after;
    } catch (err) {
      await opened?.discard();
      const errors = problemsOf(err);
      log.error(`[SETTINGS] ${errors.map((e) => e.message).join(' ')}`);
      return { ok: false, errors };
    }
    const overrideBefore = this.poolingOverride;
    if (touches(patch, 'pool_settings', 'enabled')) this.poolingOverride = null;
    this.loaded = { ...before, config, sources, configPath: before.savePath, layers: { ...before.layers, file: plan.nextFile } };
    try {
      await this.applyRunning(before.config, config);
      await opened?.activate();
    } catch (err) {
      // Applying failed after the write: the old text goes back, so file and proxy still agree.
      this.loaded = before;
      this.poolingOverride = overrideBefore;
      await opened?.discard().catch(() => {});
      await this.applyRunning(config, before.config).catch(() => {});
      let fileNote = 'the file is as it was';
      try {
        undoWrite(plan);
        this.lastWritten = plan.before;
      } catch (undoErr) {
        fileNote = `and putting the old file back failed too: ${(undoErr as Error).message}`;
      }
      const message = `Not saved: applying the settings failed (${(err as Error).message}); ${fileNote}.`;
      log.error(`[SETTINGS] ${message}`);
      return { ok: false, errors: [{ path: '', message }] };
    }
    log.info(`[SETTINGS] Saved ${this.loaded.savePath}`);
    for (const s of shadowed) log.warn(`[SETTINGS] ${s.message}`);
    return { ok: true, view: settingsView(this.loaded), restarted: opened !== null, saved: true, shadowed };
  }

  private async setPoolingNow(enabled: boolean): Promise<SaveResult> {
    const { deps } = this;
    const configured = this.loaded.config.pool_settings.enabled;
    this.poolingOverride = enabled === configured ? null : enabled;
    if (deps.pool.enabled !== enabled) await deps.pool.reconfigure(this.poolSettings(), this.loaded.config.upstream);
    deps.changed();
    deps.log.info(`[SETTINGS] Pooling ${enabled ? 'enabled' : 'disabled'} for this run only (not saved; the configured value is enabled = ${configured})`);
    return { ok: true, view: settingsView(this.loaded), restarted: false, saved: false, shadowed: [] };
  }

  /** An edit of the config file from outside: applied live when valid, otherwise logged and ignored. */
  private async reload(text: string | null): Promise<void> {
    const { log } = this.deps;
    if (text === null || text === this.lastWritten || this.deps.isShuttingDown()) return;
    const before = this.loaded;
    let file: Layer;
    let next: { config: Config; sources: LoadedConfig['sources'] };
    try {
      file = parseTomlText(text, before.savePath);
      next = validateLayers({ ...before.layers, file }, before.envNames, before.savePath);
    } catch (err) {
      const detail = problemsOf(err).map((e) => e.message).join(' ');
      log.error(`[SETTINGS] Ignoring the edit of ${before.savePath}, the running settings stay: ${detail}`);
      return;
    }
    let opened: OpenedListener | null;
    try {
      opened = await this.listenerFor(before.config, next.config);
    } catch (err) {
      log.error(`[SETTINGS] The edit of ${before.savePath} is not in effect, the running settings stay: ${(err as Error).message}`);
      return;
    }
    for (const p of hiddenProblems({ ...before.layers, file }, before.envNames, before.savePath)) log.warn(`[SETTINGS] ${p.message}`);
    for (const w of unknownSettingWarnings(file, before.savePath)) log.warn(`[SETTINGS] ${w}`);
    for (const w of before.envWarnings ?? []) log.warn(`[SETTINGS] ${w}`);
    if (next.config.pool_settings.enabled !== before.config.pool_settings.enabled) this.poolingOverride = null;
    this.loaded = { ...before, config: next.config, sources: next.sources, configPath: before.savePath, layers: { ...before.layers, file } };
    log.info(`[SETTINGS] ${before.savePath} changed on disk; applying it`);
    await this.applyRunning(before.config, next.config);
    await opened?.activate();
  }
}

export function createSettingsLifecycle(deps: SettingsLifecycleDeps): SettingsLifecycle {
  return new RunningSettings(deps);
}
