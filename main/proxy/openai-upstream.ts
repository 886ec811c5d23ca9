// What the OpenAI-format routes (Chat Completions, Responses) share: the SDK on a lease's dispatcher, their
// error shape, how a request's record is closed, and the loop that forwards a translated stream as it arrives.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages';
import { fetch as undiciFetch } from 'undici';
import type { AppDeps } from './deps.js';
import { ProxyError, fromFastifyError } from './errors.js';
import { hookHeaderLines, logOutcome } from './passthrough.js';
import { drained } from './forward.js';
import { acquireFor } from './exchange.js';
import type { RequestTrace } from '../requests/trace.js';
import { upstreamFailure } from './upstream-errors.js';
import { tooLarge } from './request-body.js';
import type { Lease, ReleaseOutcome } from '../pool/types.js';
import type { Config } from '../config/schema.js';
import { openAIError, readableText, toOpenAIError, mapAnthropicErrorType, type OpenAIErrorBody } from './openai/errors.js';

/** The SDK as the proxy uses it: no credential lookup of its own (the client's or the config's is passed). */
class UpstreamSdk extends Anthropic {
  protected override _shouldResolveDefaultCredentials(): boolean {
    return false;
  }

  // A client that sent no credential gets the upstream's own 401, as on the passthrough, not the SDK's local
  // "Could not resolve authentication method" turned into a 500.
  protected override validateHeaders(): void {}
}

/** Carries the request's trace from the per-request options to the shared fetch below (symbol keys survive the SDK's spreads). */
const TRACE = Symbol('ccproxy.trace');
type TracedInit = RequestInit & { [TRACE]?: RequestTrace; dispatcher?: unknown };

/** The record learns when the request went out and what came back, as on the passthrough; undici's own fetch. */
const tracedFetch = (async (url: string, init: TracedInit) => {
  const trace = init[TRACE];
  delete init[TRACE];
  // The SDK hands over its JSON as a string. undici's fetch turns a string body into a web stream with a
  // TextEncoder step, and that path costs ~0.3-0.5 ms CPU per 50 KiB request more than the same UTF-8 bytes
  // as a Buffer (measured in-process). Same bytes, same headers (the SDK sets content-type itself).
  if (typeof init.body === 'string') init.body = Buffer.from(init.body, 'utf8');
  trace?.sent();
  const response = await undiciFetch(url, init as never);
  if (trace) {
    const lines: string[] = [];
    response.headers.forEach((value, name) => lines.push(name, value));
    trace.head(response.status, lines);
  }
  return response;
}) as unknown as typeof globalThis.fetch;

/**
 * One SDK client per upstream config, reused: constructing one builds every resource object of the SDK (~0.2 ms
 * CPU per request measured). What belongs to one request goes in its request options: the lease's dispatcher
 * (so every upstream byte still goes through the leased connection, with undici's own fetch), the client's
 * credential, and the trace. A config reload gives a new `upstream` object and so a new client.
 */
const clients = new WeakMap<Config['upstream'], Anthropic>();

function clientFor(upstream: Config['upstream']): Anthropic {
  let client = clients.get(upstream);
  if (client) return client;
  const own = upstream.api_key ? { apiKey: upstream.api_key, authToken: null } : upstream.auth_token ? { apiKey: null, authToken: upstream.auth_token } : { apiKey: null, authToken: null };
  client = new UpstreamSdk({
    baseURL: upstream.base_url,
    ...own,
    fetch: tracedFetch,
    // Clients retry on their own; the proxy never sends a request twice.
    maxRetries: 0,
    timeout: upstream.timeout * 1000,
    logLevel: 'off',
    // No OpenTelemetry span per call: the proxy's record is its trace, and an unused tracer still costs a span
    // start and its attributes on every request.
    openTelemetry: false,
  });
  clients.set(upstream, client);
  return client;
}

/**
 * A pooled connection for one OpenAI-format request: waited for (the seed's [API] lines), timed in the record, and
 * named on the answer (x-ccproxy-connection), as /v1/* answers name theirs.
 */
export async function leaseFor(deps: AppDeps, purpose: string, signal: AbortSignal, reply: FastifyReply, trace: RequestTrace): Promise<Lease> {
  const asked = performance.now();
  const lease = await acquireFor(deps.exchange, purpose, signal);
  trace.acquired(lease, performance.now() - asked);
  reply.header('x-ccproxy-connection', lease.id);
  return lease;
}

/** The SDK and the options that bind one call to this request: the lease's dispatcher, the client's credential, the trace. */
export interface UpstreamCall {
  sdk: Anthropic;
  options: Anthropic.RequestOptions;
}

export function sdkFor(lease: Lease, config: Config, request: FastifyRequest, trace: RequestTrace): UpstreamCall {
  const { upstream } = config;
  // Without a credential of its own, the proxy passes on the client's (as the passthrough does).
  const clientAuth: Record<string, string> = {};
  if (!upstream.api_key && !upstream.auth_token) {
    for (const name of ['x-api-key', 'authorization'] as const) {
      const value = request.headers[name];
      if (typeof value === 'string') clientAuth[name] = value;
    }
  }
  const fetchOptions = { dispatcher: lease.dispatcher, [TRACE]: trace };
  return { sdk: clientFor(upstream), options: { headers: clientAuth, fetchOptions: fetchOptions as never } };
}

/** Any failure on this route as OpenAI's error body, with the status it deserves. */
export function openAIFailure(err: unknown, config: Config): { status: number; body: OpenAIErrorBody; headers: Record<string, string> } {
  if (err instanceof Anthropic.APIError && typeof err.status === 'number') {
    const headers: Record<string, string> = {};
    for (const name of ['retry-after', 'request-id']) {
      const value = err.headers?.get(name);
      if (value) headers[name] = value;
    }
    // A body that was not JSON (a gateway's HTML 502) only survives in the message, after the status.
    const body = err.error ?? err.message.replace(/^\d{3}\s*/, '');
    return { status: err.status, body: toOpenAIError(err.status, body), headers };
  }
  const { upstream } = config;
  const proxyError =
    err instanceof Anthropic.APIConnectionTimeoutError
      ? new ProxyError(504, 'timeout_error', `The upstream ${upstream.base_url} did not answer within ${upstream.timeout} s ([upstream] timeout).`)
      : err instanceof ProxyError
        ? err
        : err instanceof Anthropic.APIConnectionError
          ? upstreamFailure(err, { upstream: upstream.base_url, timeoutS: upstream.timeout, connectTimeoutS: upstream.connect_timeout, mayHaveLeft: true })
          : (err as { statusCode?: number }).statusCode === 413
            ? tooLarge(config.server.body_limit_mb * 1024 * 1024) // the limit in MiB, as the passthrough says it
            : (err as { statusCode?: number }).statusCode !== undefined
              ? fromFastifyError(err as FastifyError)
              : new ProxyError(500, 'api_error', `Internal proxy error: ${(err as Error)?.message ?? String(err)}`);
  const { type, code } = mapAnthropicErrorType(proxyError.type, proxyError.status, proxyError.message);
  return { status: proxyError.status, body: openAIError(proxyError.message, type, code), headers: proxyError.headers };
}

/** Closes the record of an OpenAI request: the upstream's status and error type, or the proxy's. */
export function endTrace(trace: RequestTrace, failure: unknown, outcome: ReleaseOutcome, config: Config): void {
  if (outcome === 'aborted') return trace.end({ status: trace.record.status, aborted: true });
  if (failure === null) return trace.end({ status: trace.record.status || 200 });
  const { status, body } = openAIFailure(failure, config);
  const apiError = failure instanceof Anthropic.APIError ? (failure.error as { error?: { type?: string; message?: string } } | undefined)?.error : undefined;
  const type = apiError?.type ?? (failure instanceof ProxyError ? failure.type : 'api_error');
  // The message the client got (for an unreachable upstream: its URL and the cause, not the SDK's bare "Connection error.").
  trace.end({ status, error: { type, message: apiError?.message ?? body.error.message } });
}

export function outcomeOf(err: unknown, signal: AbortSignal): ReleaseOutcome {
  if (signal.aborted) return 'aborted';
  // An HTTP error answer was read in full: the connection is fine.
  return err instanceof Anthropic.APIError && typeof err.status === 'number' ? 'ok' : 'failed';
}

/** A 200 whose body is not a message (an HTML page from a middlebox): a 502 that keeps the upstream's text. */
export function notAMessage(data: unknown, upstream: string): ProxyError | null {
  if (typeof data === 'object' && data !== null && Array.isArray((data as { content?: unknown }).content)) return null;
  const text = typeof data === 'string' ? readableText(data).slice(0, 500) : JSON.stringify(data)?.slice(0, 500);
  return new ProxyError(502, 'api_error', `The upstream ${upstream} answered 200 with a body that is not a Messages answer: ${text || '(empty)'}`);
}

/** A request the proxy refuses itself, before anything is sent: the record says why, the metric counts it, the log has its line. */
export function refuseRecorded(deps: AppDeps, trace: RequestTrace, model: string | null, status: number, body: OpenAIErrorBody): void {
  trace.model(model ?? '', null, false);
  trace.end({ status, error: { type: body.error.type, message: body.error.message } });
  logOutcome(deps, trace.record);
}

/** A stream translator as the forwarding loop drives it (Chat Completions chunks or Responses events). */
export interface StreamTranslator {
  push(eventName: string, data: unknown): string[];
  finish(): string[];
  fail(message: string, anthropicType?: string): string[];
  readonly done: boolean;
  /** True once the stream was ended as a failure (an error event, or cut off before its stop). */
  readonly failed: boolean;
}

/** Opens the upstream stream, then writes each translated frame as its event arrives; returns how the lease ends. */
export async function forwardStream(reply: FastifyReply, call: UpstreamCall, params: MessageCreateParamsStreaming, translator: StreamTranslator, lease: Lease, signal: AbortSignal, trace: RequestTrace): Promise<ReleaseOutcome> {
  const stream = await call.sdk.messages.create(params, { ...call.options, signal });
  const res = reply.raw;
  reply.hijack();
  res.writeHead(200, ['content-type', 'text/event-stream; charset=utf-8', 'cache-control', 'no-cache', ...hookHeaderLines(reply)]);
  res.flushHeaders();
  let outcome: ReleaseOutcome = 'ok';
  try {
    for await (const event of stream) {
      lease.touch();
      trace.message(event);
      // The frames one upstream event becomes go out in one write (one syscall), as soon as it arrived.
      const frames = translator.push(event.type, event);
      if (frames.length > 0) res.write(frames.length === 1 ? frames[0]! : frames.join(''));
      if (translator.done || res.destroyed) break;
      // A slow reader: stop pulling events (and so reading the upstream) until it has drained.
      if (res.writableNeedDrain) await drained(res);
    }
    // An upstream stream that ended without its stop is reported as failed by finish(), never as complete.
    for (const f of translator.finish()) res.write(f);
    if (translator.failed) trace.message({ type: 'error', error: { type: 'api_error', message: 'The upstream stream ended before the answer was complete.' } });
  } catch (err) {
    if (signal.aborted || res.destroyed) return 'aborted';
    const apiError = err as { error?: { error?: { type?: string; message?: string } }; message?: string };
    const message = apiError.error?.error?.message ?? apiError.message ?? String(err);
    trace.message(apiError.error ?? { type: 'error', error: { type: 'api_error', message } });
    for (const f of translator.fail(`Upstream error mid-stream: ${message}`, apiError.error?.error?.type)) res.write(f);
    // An in-stream error event leaves the connection sound; a broken socket does not.
    outcome = apiError.error ? 'ok' : 'failed';
  }
  res.end();
  return outcome;
}
