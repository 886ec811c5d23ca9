// Reading what a request record needs from the bytes as they pass, on the side: the model a request names, and
// the usage, stop reason and errors an answer carries (JSON body or SSE events). Nothing here delays, buffers
// for the client, or changes a byte; each tap keeps only what it needs and gives up past a size cap.
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import type { TokenUsage } from '../common/requests.js';

/** The request's model is near the start in every client seen; a body is never scanned past this. */
const SNIFF_LIMIT = 64 * 1024;
/** A JSON answer larger than this is not parsed for usage (messages are small; model lists are not needed). */
const JSON_LIMIT = 1024 * 1024;

/** Finds the top-level "model" of a JSON request body from its first bytes (depth-aware, strings skipped). */
export class ModelSniffer {
  private text = '';
  private bytes = 0;
  private done = false;
  model: string | null = null;

  push(chunk: Buffer): void {
    if (this.done) return;
    const take = chunk.length > SNIFF_LIMIT - this.bytes ? chunk.subarray(0, SNIFF_LIMIT - this.bytes) : chunk;
    this.text += take.toString('latin1');
    this.bytes += take.length;
    this.model = topLevelString(this.text, 'model');
    if (this.model !== null || this.bytes >= SNIFF_LIMIT) this.done = true;
  }
}

/** The value of a top-level string field in (the start of) a JSON object, or null. */
export function topLevelString(text: string, key: string): string | null {
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const end = stringEnd(text, i);
      if (end < 0) return null;
      if (depth === 1 && text.slice(i + 1, end) === key) {
        let j = end + 1;
        while (j < n && text.charCodeAt(j) <= 32) j++;
        if (text.charCodeAt(j) !== 58 /* : */) return null;
        j++;
        while (j < n && text.charCodeAt(j) <= 32) j++;
        if (text.charCodeAt(j) !== 34) return null;
        const valueEnd = stringEnd(text, j);
        return valueEnd < 0 ? null : Buffer.from(text.slice(j + 1, valueEnd), 'latin1').toString('utf8');
      }
      i = end + 1;
    } else {
      if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) depth--;
      i++;
    }
  }
  return null;
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i;
  }
  return -1;
}

/** What an answer told about itself. */
export interface AnswerFacts {
  model: string | null;
  stop_reason: string | null;
  usage: TokenUsage | null;
  error_type: string | null;
  error_message: string | null;
}

export function emptyFacts(): AnswerFacts {
  return { model: null, stop_reason: null, usage: null, error_type: null, error_message: null };
}

function mergeUsage(facts: AnswerFacts, raw: unknown): void {
  if (!raw || typeof raw !== 'object') return;
  const u = raw as Record<string, unknown>;
  const usage = (facts.usage ??= { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  for (const key of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const) {
    // Counts in later events are cumulative: the latest wins.
    if (typeof u[key] === 'number') usage[key] = u[key] as number;
  }
  // The split of cache writes by lifetime (priced differently): 1-hour ones are counted apart.
  const split = u.cache_creation as Record<string, unknown> | undefined;
  if (split && typeof split.ephemeral_1h_input_tokens === 'number') usage.cache_creation_1h_input_tokens = split.ephemeral_1h_input_tokens;
}

/** Applies one parsed Messages object or stream event to the facts. */
export function applyMessage(facts: AnswerFacts, value: unknown): void {
  if (!value || typeof value !== 'object') return;
  const v = value as Record<string, any>;
  if (v.type === 'error' && v.error) {
    facts.error_type = typeof v.error.type === 'string' ? v.error.type : 'error';
    facts.error_message = typeof v.error.message === 'string' ? v.error.message : null;
  } else if (v.type === 'message_start' && v.message) {
    applyMessage(facts, v.message);
  } else if (v.type === 'message_delta') {
    if (typeof v.delta?.stop_reason === 'string') facts.stop_reason = v.delta.stop_reason;
    mergeUsage(facts, v.usage);
  } else if (v.type === 'message') {
    if (typeof v.model === 'string') facts.model = v.model;
    if (typeof v.stop_reason === 'string') facts.stop_reason = v.stop_reason;
    mergeUsage(facts, v.usage);
  }
}

/** SSE: only the few events that carry facts are parsed; the many content deltas are skipped by a substring test. */
export class SseTap {
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';
  readonly facts = emptyFacts();

  push(chunk: Buffer): void {
    const text = this.carry + this.decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    this.carry = text.slice(start);
    if (this.carry.length > JSON_LIMIT) this.carry = ''; // a line this long carries no facts we read
  }

  private line(line: string): void {
    if (!line.startsWith('data:')) return;
    if (!line.includes('"message_start"') && !line.includes('"message_delta"') && !line.includes('"error"')) return;
    try {
      applyMessage(this.facts, JSON.parse(line.slice(5)));
    } catch {
      // Not JSON: nothing to learn from it.
    }
  }
}

/** A JSON answer: chunks kept (by reference) up to a cap, parsed once it has ended, decompressed if need be. */
export class JsonTap {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  readonly facts = emptyFacts();

  constructor(private readonly encoding: string | undefined) {}

  push(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size <= JSON_LIMIT) this.chunks.push(chunk);
  }

  end(): AnswerFacts {
    if (this.size === 0 || this.size > JSON_LIMIT) return this.facts;
    try {
      let body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      if (this.encoding === 'gzip') body = zlib.gunzipSync(body);
      else if (this.encoding === 'br') body = zlib.brotliDecompressSync(body);
      else if (this.encoding === 'deflate') body = zlib.inflateSync(body);
      else if (this.encoding && this.encoding !== 'identity') return this.facts;
      applyMessage(this.facts, JSON.parse(body.toString('utf8')));
    } catch {
      // Not JSON, or cut short: no facts.
    }
    return this.facts;
  }
}
