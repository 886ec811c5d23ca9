// One request's record as it happens: the route and the forwarder report what they see (connection, bytes sent,
// the answer's head and bytes, the end), and the trace fills the record in. Reading usage from the answer is done
// by a tap on the side (taps.ts); nothing here touches what the client receives.
import type { RequestRecord } from '../common/requests.js';

/**
 * A record as kept: header lines are held as they came (no copy) and masked only when someone reads them,
 * so a request nobody looks at costs no masking.
 */
export type KeptRecord = Omit<RequestRecord, 'request_headers' | 'response_headers'> & {
  rawRequest: readonly string[];
  rawResponse: readonly string[];
  /** The bodies as they passed, when [history] capture_bodies is on (made into text when written, not here). */
  capture?: { request: BodyCapture; response: BodyCapture; encoding: string | undefined };
};

/** The record as the API shows it: secrets masked. */
export function recordView(kept: KeptRecord): RequestRecord {
  const { rawRequest, rawResponse, ...rest } = kept;
  return { ...rest, request_headers: maskedLines(rawRequest), response_headers: maskedLines(rawResponse) };
}
import type { Lease } from '../pool/types.js';
import { JsonTap, ModelSniffer, SseTap, applyMessage, emptyFacts, type AnswerFacts } from './taps.js';
import { BodyCapture } from './bodies.js';
import { SessionSniffer } from './client-id.js';

/** Lengths of content-type, content-encoding, request-id and retry-after. */
const WANTED_LENGTHS = new Set([12, 16, 10, 11]);

/** Header lines whose values are secrets: shown as their first characters and a mask. */
const SECRET = new Set(['x-api-key', 'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-ccproxy-token']);

export function maskedLines(raw: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    out.push([name, SECRET.has(name.toLowerCase()) ? mask(value) : value]);
  }
  return out;
}

function mask(value: string): string {
  const scheme = /^(bearer|basic)\s+/i.exec(value)?.[0] ?? '';
  const rest = value.slice(scheme.length);
  return `${scheme}${rest.slice(0, Math.min(6, Math.floor(rest.length / 4)))}…(masked)`;
}

export interface TraceSink {
  /** The upstream answered (any status): it is reachable. */
  answered(header: (lowerName: string) => string | undefined): void;
  /** The upstream could not be reached at all. */
  unreachable(reason: string): void;
  finished(trace: RequestTrace): void;
  /** Something a live view shows changed mid-request (the model became known). */
  changed(trace: RequestTrace): void;
}

export interface TraceEnd {
  status: number;
  /** The proxy's or the network's error, when the answer is not the upstream's own. */
  error?: { type: string; message: string } | null;
  /** The client went away first. */
  aborted?: boolean;
}

export class RequestTrace {
  private readonly t0 = performance.now();
  private sniffer: ModelSniffer | null = null;
  private tap: SseTap | JsonTap | null = null;
  private facts: AnswerFacts | null = null;
  private ended = false;
  private session: SessionSniffer | null = null;

  constructor(
    readonly record: KeptRecord,
    private readonly sink: TraceSink,
  ) {}

  private since(): number {
    return Math.round((performance.now() - this.t0) * 100) / 100;
  }

  acquired(lease: Lease, waitMs: number): void {
    this.record.acquire_wait_ms = Math.round(waitMs * 100) / 100;
    this.record.connection_id = lease.id;
    this.record.connection_reused = lease.reused;
  }

  /** The time spent receiving the client's body (before the connection, for a body read in full). */
  received(ms: number): void {
    this.record.receive_ms = Math.round(ms * 100) / 100;
  }

  /** For routes that know the model up front (OpenAI: requested and mapped). */
  model(requested: string, mapped: string | null, stream: boolean): void {
    this.record.model = requested;
    this.record.mapped_model = mapped;
    this.record.stream = stream;
  }

  sent(): void {
    this.record.sent_ms ??= this.since();
  }

  unreachable(reason: string): void {
    this.sink.unreachable(reason);
  }

  /** Looks for the session in the body as it passes (Claude Code without the session header). */
  sniffSession(): void {
    this.session = new SessionSniffer();
  }

  /** Keeps the bodies for the history ([history] capture_bodies). */
  captureBodies(): void {
    this.record.capture = { request: new BodyCapture(), response: new BodyCapture(), encoding: undefined };
  }

  bodyChunk(chunk: Buffer): void {
    this.record.capture?.request.push(chunk);
    this.session?.push(chunk);
    if (this.record.model !== null) return;
    (this.sniffer ??= new ModelSniffer()).push(chunk);
    this.record.model = this.sniffer.model;
    if (this.record.model !== null) this.sink.changed(this);
  }

  head(status: number, lines: readonly string[]): void {
    this.record.ttfb_ms = this.since();
    this.record.status = status;
    // One pass over the lines for the few this record and the rate-limit book read.
    const wanted: Record<string, string> = {};
    for (let i = 0; i < lines.length; i += 2) {
      const name = lines[i]!;
      // Lower-cased only when its length could be one of the names read (no string made for the others).
      if (!WANTED_LENGTHS.has(name.length) && !(name.length > 20 && (name.charCodeAt(0) | 32) === 97)) continue;
      const lower = name.toLowerCase();
      if (lower === 'content-type' || lower === 'content-encoding' || lower === 'request-id' || lower === 'retry-after' || lower.startsWith('anthropic-ratelimit-')) wanted[lower] ??= lines[i + 1]!;
    }
    const header = (lower: string): string | undefined => wanted[lower];
    const type = wanted['content-type'] ?? '';
    const encoding = wanted['content-encoding'];
    this.record.request_id = wanted['request-id'] ?? null;
    this.record.rawResponse = lines;
    if (this.record.capture) this.record.capture.encoding = encoding;
    this.record.stream = type.startsWith('text/event-stream');
    if (this.record.stream && !encoding) this.tap = new SseTap();
    else if (type.includes('json')) this.tap = new JsonTap(encoding);
    this.sink.answered(header);
  }

  data(chunk: Buffer): void {
    this.tap?.push(chunk);
    this.record.capture?.response.push(chunk);
  }

  /** A typed stream event or message from the SDK (OpenAI route). */
  message(value: unknown): void {
    applyMessage((this.facts ??= emptyFacts()), value);
  }

  end(end: TraceEnd): void {
    if (this.ended) return;
    this.ended = true;
    const r = this.record;
    r.duration_ms = this.since();
    r.status = end.aborted && r.status === 0 ? 0 : end.status;
    if (this.session) r.session ??= this.session.end();
    const facts = this.facts ?? (this.tap instanceof JsonTap ? this.tap.end() : this.tap?.facts ?? null);
    if (facts) {
      r.model ??= facts.model;
      r.stop_reason = facts.stop_reason;
      r.usage = facts.usage;
      if (facts.error_type) {
        r.error_type = facts.error_type;
        r.error_message = facts.error_message;
      }
    }
    if (end.error) {
      r.error_type = end.error.type;
      r.error_message = end.error.message;
    } else if (end.aborted) {
      r.error_type = 'client_aborted';
      r.error_message = 'The client went away before the answer ended.';
    } else if (!r.error_type && (r.status < 200 || r.status >= 300)) {
      r.error_type = `http_${r.status}`;
    }
    this.sink.finished(this);
  }
}
