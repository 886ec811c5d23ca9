// The request records: a bounded ring ([logging] request_history) of the newest requests, live events for the
// UI, and the totals derived from them (usage per model, errors, rate-limit headroom, upstream reachability,
// latency of successes and of failures apart).
import { randomBytes } from 'node:crypto';
import type { Percentiles } from '../common/contract.js';
import type { RequestRecord } from '../common/requests.js';
import { SampleWindow } from '../pool/stats.js';
import { ErrorBook, isFailure, RateLimitBook, UpstreamHealthBook, UsageBook } from './aggregates.js';
import { recordView, RequestTrace, type KeptRecord, type TraceSink } from './trace.js';
import { identifyClient, sessionFromHeaders } from './client-id.js';
import { Pricing } from './pricing.js';

export interface TraceInit {
  method: string;
  path: string;
  route: RequestRecord['route'];
  /** The client's raw header lines (masked before they are kept). */
  rawHeaders: readonly string[];
}

export class RequestRecorder implements TraceSink {
  private ring: KeptRecord[] = [];
  private next = 0;
  private seq = 0;
  private readonly prefix = randomBytes(3).toString('hex');
  private readonly listeners = new Set<(record: RequestRecord) => void>();
  readonly usage = new UsageBook();
  readonly errors = new ErrorBook();
  readonly rateLimits = new RateLimitBook();
  readonly health = new UpstreamHealthBook();
  readonly latency = new SampleWindow();
  readonly errorLatency = new SampleWindow();
  finished_total = 0;
  failed_total = 0;
  /** Prices each finished request (replaced when [pricing] changes). */
  pricing = new Pricing();
  /** [history] capture_bodies (and history on): bodies are kept for the history. */
  captureBodies = false;
  /** Finished requests that got an upstream connection, and those of them served on an existing one (the reuse rate). */
  connected_total = 0;
  reused_total = 0;

  constructor(
    private size: number,
    /** Told of every finished request (metrics), before any view is made. */
    private onFinished: (record: KeptRecord) => void = () => {},
  ) {}

  /** Sets who is told of every finished request (the metrics, which are made after the recorder). */
  observeFinished(listener: (record: KeptRecord) => void): void {
    this.onFinished = listener;
  }

  begin(init: TraceInit): RequestTrace {
    let userAgent: string | null = null;
    for (let i = 0; i < init.rawHeaders.length; i += 2) if (init.rawHeaders[i]!.length === 10 && init.rawHeaders[i]!.toLowerCase() === 'user-agent') userAgent = init.rawHeaders[i + 1]!;
    const { client, client_version } = identifyClient(userAgent);
    const session = sessionFromHeaders(init.rawHeaders);
    const record: KeptRecord = {
      id: `${this.prefix}-${++this.seq}`,
      started_at: new Date().toISOString(),
      method: init.method,
      path: init.path,
      route: init.route,
      client,
      client_version,
      user_agent: userAgent,
      session,
      model: null,
      mapped_model: null,
      stream: false,
      status: 0,
      error_type: null,
      error_message: null,
      duration_ms: null,
      ttfb_ms: null,
      receive_ms: null,
      acquire_wait_ms: null,
      sent_ms: null,
      connection_id: null,
      connection_reused: null,
      request_id: null,
      stop_reason: null,
      usage: null,
      cost_usd: null,
      rawRequest: init.rawHeaders,
      rawResponse: [],
    };
    if (this.size > 0) {
      if (this.ring.length < this.size) this.ring.push(record);
      else this.ring[this.next] = record;
      this.next = (this.next + 1) % this.size;
    }
    this.emit(record);
    const trace = new RequestTrace(record, this);
    // Claude Code names its session in the body's metadata when it sends no session header.
    if (session === null && client === 'claude-code') trace.sniffSession();
    if (this.captureBodies) trace.captureBodies();
    return trace;
  }

  answered(header: (lowerName: string) => string | undefined): void {
    this.health.answered();
    this.rateLimits.update(header);
  }

  unreachable(reason: string): void {
    this.health.failed(reason);
  }

  finished(trace: RequestTrace): void {
    const r = trace.record;
    r.cost_usd = this.pricing.cost(r.mapped_model ?? r.model, r.usage);
    this.finished_total++;
    this.usage.add(r);
    this.errors.add(r);
    const ok = !isFailure(r);
    if (!ok) this.failed_total++;
    if (r.connection_reused !== null) {
      this.connected_total++;
      if (r.connection_reused) this.reused_total++;
    }
    (ok ? this.latency : this.errorLatency).add(r.duration_ms ?? 0);
    this.onFinished(r);
    this.emit(r);
  }

  changed(trace: RequestTrace): void {
    this.emit(trace.record);
  }

  /** Newest first; 100 unless asked, never more than the ring holds. `before`: only records older than that id. */
  list(limit = 100, before?: string): RequestRecord[] {
    limit = Math.min(limit, this.size);
    let ordered = this.ring.length < this.size ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    if (before !== undefined) {
      const at = ordered.findIndex((r) => r.id === before);
      ordered = at === -1 ? [] : ordered.slice(0, at); // a cursor no longer held: nothing older is left
    }
    return limit <= 0 ? [] : ordered.slice(-limit).reverse().map(recordView);
  }

  onRecord(listener: (record: RequestRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  percentiles(): { ok: Percentiles; failed: Percentiles } {
    return { ok: this.latency.percentiles(), failed: this.errorLatency.percentiles() };
  }


  private emit(record: KeptRecord): void {
    if (this.listeners.size === 0) return;
    const view = recordView(record);
    for (const l of this.listeners) l(view);
  }
}
