// The history as the runtime holds it: opened at start, fed each finished record, pruned on the housekeeping
// tick, read by the API. When it cannot open or a write fails, it is off with a reason (one ERROR line), and the
// API answers from this run's in-memory records; the proxy keeps serving either way.
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { HistoryFilter, RequestDetail, UsageGroupBy, UsageRow } from '../../common/history.js';
import type { RequestRecord } from '../../common/requests.js';
import type { HistorySettings } from '../../config/schema.js';
import type { Logger } from '../../logging/log-bus.js';
import { reassembleSse } from '../bodies.js';
import type { KeptRecord } from '../trace.js';
import { HistoryQueries } from './query.js';
import { explain, moveAside, openHistoryFile } from './store.js';
import { HistoryWriter } from './writer.js';

/** Headless default; the desktop passes its data folder's history.db. */
export function defaultHistoryPath(): string {
  return path.join(os.homedir(), '.ccproxy', 'history.db');
}

export class History {
  private db: Database.Database | null = null;
  private writer: HistoryWriter | null = null;
  private queries: HistoryQueries | null = null;
  private reason: string | null = 'off: not opened yet';
  private corrupt = false;
  private readonly listeners = new Set<(state: string) => void>();

  constructor(
    private settings: HistorySettings,
    private readonly defaultPath: string,
    private readonly log: Logger,
  ) {}

  get file(): string {
    return this.settings.path ?? this.defaultPath;
  }

  /** "on", or "off: <reason>". */
  get state(): string {
    return this.reason ?? 'on';
  }

  get on(): boolean {
    return this.reason === null;
  }

  /** Told when the state changes (the header and tray show it). */
  onChange(listener: (state: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  open(): void {
    if (!this.settings.enabled) return this.off(this.defaultPath || this.settings.path ? 'turned off ([history] enabled = false)' : 'no history file was given', false);
    const opened = openHistoryFile(this.file);
    if (!opened.ok) return this.off(opened.reason, true, opened.corrupt);
    this.db = opened.db;
    this.queries = new HistoryQueries(opened.db);
    this.writer = new HistoryWriter(opened.db, (err) => {
      const why = explain(err, this.file);
      this.off(`writing failed: ${why.reason}`, true, why.corrupt);
    });
    this.reason = null;
    this.corrupt = false;
    if (opened.migrated.from !== opened.migrated.to && opened.migrated.from > 0) this.log.info(`[HISTORY] Brought ${this.file} up to schema version ${opened.migrated.to} (was ${opened.migrated.from})`);
    this.log.info(`[HISTORY] Keeping request history in ${this.file} (${this.settings.retention_days} days, at most ${this.settings.max_mb} MiB${this.settings.capture_bodies ? ', with bodies' : ''})`);
    this.emit();
  }

  /**
   * The user asked (--reset-history, or the desktop's button): a damaged file is moved aside and a new one begun.
   * A file that is fine is left alone; one that is off for another reason (locked, read-only) is tried again.
   */
  reset(): { moved_to: string | null; history: string } {
    if (this.on || !this.settings.enabled) return { moved_to: null, history: this.state };
    this.close();
    if (!this.corrupt) {
      this.open();
      return { moved_to: null, history: this.state };
    }
    const moved = moveAside(this.file);
    if (moved) this.log.warn(`[HISTORY] Moved the damaged history file aside to ${moved}`);
    this.open();
    return { moved_to: moved, history: this.state };
  }

  /** Settings changed: retention and size apply at the next tick; a new path or enabled applies from the next start. */
  update(settings: HistorySettings): void {
    const changed = settings.path !== this.settings.path || settings.enabled !== this.settings.enabled;
    if (changed) this.log.info('[SETTINGS] history.path and history.enabled apply from the next start');
    this.settings = { ...settings, path: this.settings.path, enabled: this.settings.enabled };
  }

  get captureBodies(): boolean {
    return this.on && this.settings.capture_bodies;
  }

  record(r: KeptRecord): void {
    this.writer?.push(r);
  }

  /** The housekeeping tick: writes what is queued and prunes by age and size. */
  tick(now = Date.now()): void {
    if (!this.on) return;
    this.writer!.flush();
    try {
      const pruned = this.queries!.prune(now, this.settings.retention_days, this.settings.max_mb * 1024 * 1024);
      if (pruned.byAge + pruned.bySize > 0) this.log.info(`[HISTORY] Pruned ${pruned.byAge} record(s) older than ${this.settings.retention_days} days and ${pruned.bySize} over ${this.settings.max_mb} MiB`);
    } catch (err) {
      this.log.warn(`[HISTORY] Pruning failed: ${(err as Error).message}`);
    }
  }

  /** The store's reads (after writing what is queued, so a read sees every finished request); null when off. */
  read(): HistoryQueries | null {
    if (!this.on) return null;
    this.writer!.flush();
    return this.on ? this.queries : null;
  }

  list(filter: HistoryFilter, limit: number): RequestRecord[] | null {
    return this.read()?.list(filter, limit) ?? null;
  }

  usage(groupBy: UsageGroupBy, filter: HistoryFilter): UsageRow[] | null {
    return this.read()?.usage(groupBy, filter) ?? null;
  }

  detail(id: string): RequestDetail | null | undefined {
    const q = this.read();
    if (!q) return undefined;
    const found = q.get(id);
    if (!found) return null;
    const b = found.bodies;
    const sse = found.record.stream && b?.response && !b.response_truncated ? reassembleSse(b.response) : null;
    return {
      record: found.record,
      bodies: b ? { request: { text: b.request, truncated: b.request_truncated }, response: { text: b.response, truncated: b.response_truncated }, response_message: sse } : null,
    };
  }

  clear(): number {
    const q = this.read();
    if (!q) return 0;
    const n = q.clear();
    this.log.info(`[HISTORY] Cleared ${n} record(s) from ${this.file}`);
    return n;
  }

  /** Writes what is queued and closes the file (at stop). */
  close(): void {
    this.writer?.flush();
    this.writer?.stop();
    try {
      this.db?.close();
    } catch {
      // Closing a file that failed: nothing more to do.
    }
    this.db = null;
    this.writer = null;
    this.queries = null;
  }

  get isCorrupt(): boolean {
    return this.corrupt;
  }

  /** Bench: records written and time spent writing them. */
  get spent(): { records: number; ms: number } {
    return this.writer?.spent ?? { records: 0, ms: 0 };
  }

  private off(reason: string, loud: boolean, corrupt = false): void {
    this.reason = `off: ${reason}`;
    this.corrupt = corrupt;
    this.writer?.stop();
    if (loud) this.log.error(`[HISTORY] History is off: ${reason}. The proxy serves as usual; requests are kept in memory for this run only.`);
    else this.log.info(`[HISTORY] History is ${reason}`);
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l(this.state);
  }
}
