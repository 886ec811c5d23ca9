// OpenAI Chat Completions through the same pool: translate the request, call /v1/messages with the official
// SDK (typed params and stream events) on the leased connection's dispatcher, translate the answer (or each
// stream event as it arrives) back. This scope owns its error shape: every refusal here is OpenAI-shaped.
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming, MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages';
import { fetch as undiciFetch } from 'undici';
import type { AppDeps } from '../deps.js';
import { acquireFor, clientGoneSignal, releaseAfter } from '../exchange.js';
import { ProxyError, fromFastifyError, sendProxyError } from '../errors.js';
import { hookHeaderLines, createPassthroughHandler, logOutcome } from '../passthrough.js';
import type { RequestTrace } from '../../requests/trace.js';
import { upstreamFailure } from '../upstream-errors.js';
import { createResponsesHandler } from './responses.js';
import type { Lease, ReleaseOutcome } from '../../pool/types.js';
import type { Config } from '../../config/schema.js';
import { ChatStreamTranslator, openAIError, toOpenAIError, toOpenAIModelList, translateChatRequest, translateMessageResponse, mapAnthropicErrorType, type AnthropicMessage, type OpenAIErrorBody } from '../openai/index.js';

/** The SDK as the proxy uses it: no credential lookup of its own (the client's or the config's is passed). */
class UpstreamSdk extends Anthropic {
  protected override _shouldResolveDefaultCredentials(): boolean {
    return false;
  }
}

/** One SDK instance per request, on the lease's dispatcher with undici's own fetch (never Node's global one). */
export function sdkFor(lease: Lease, config: Config, request: FastifyRequest, trace: RequestTrace): Anthropic {
  const { upstream } = config;
  const own = upstream.api_key ? { apiKey: upstream.api_key, authToken: null } : upstream.auth_token ? { apiKey: null, authToken: upstream.auth_token } : null;
  const clientAuth: Record<string, string> = {};
  for (const name of ['x-api-key', 'authorization'] as const) {
    const value = request.headers[name];
    if (typeof value === 'string') clientAuth[name] = value;
  }
  return new UpstreamSdk({
    baseURL: upstream.base_url,
    ...(own ?? { apiKey: null, authToken: null, defaultHeaders: clientAuth }),
    // The record learns when the request went out and what came back, as on the passthrough.
    fetch: (async (url: string, init: RequestInit) => {
      trace.sent();
      const response = await undiciFetch(url, init as never);
      const lines: string[] = [];
      response.headers.forEach((value, name) => lines.push(name, value));
      trace.head(response.status, lines);
      return response;
    }) as unknown as typeof globalThis.fetch,
    fetchOptions: { dispatcher: lease.dispatcher } as never,
    // Clients retry on their own; the proxy never sends a request twice.
    maxRetries: 0,
    timeout: upstream.timeout * 1000,
    logLevel: 'off',
  });
}

/** Any failure on this route as OpenAI's error body, with the status it deserves. */
export function openAIFailure(err: unknown, config: Config): { status: number; body: OpenAIErrorBody; headers: Record<string, string> } {
  if (err instanceof Anthropic.APIError && typeof err.status === 'number') {
    const headers: Record<string, string> = {};
    for (const name of ['retry-after', 'request-id']) {
      const value = err.headers?.get(name);
      if (value) headers[name] = value;
    }
    return { status: err.status, body: toOpenAIError(err.status, err.error), headers };
  }
  const { upstream } = config;
  const proxyError =
    err instanceof Anthropic.APIConnectionTimeoutError
      ? new ProxyError(504, 'timeout_error', `The upstream ${upstream.base_url} did not answer within ${upstream.timeout} s ([upstream] timeout).`)
      : err instanceof ProxyError
        ? err
        : err instanceof Anthropic.APIConnectionError
          ? upstreamFailure(err, { upstream: upstream.base_url, timeoutS: upstream.timeout, connectTimeoutS: upstream.connect_timeout, mayHaveLeft: true })
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
  const { status } = openAIFailure(failure, config);
  const apiError = failure instanceof Anthropic.APIError ? (failure.error as { error?: { type?: string; message?: string } } | undefined)?.error : undefined;
  const type = apiError?.type ?? (failure instanceof ProxyError ? failure.type : 'api_error');
  trace.end({ status, error: { type, message: apiError?.message ?? (failure as Error).message } });
}

export function outcomeOf(err: unknown, signal: AbortSignal): ReleaseOutcome {
  if (signal.aborted) return 'aborted';
  // An HTTP error answer was read in full: the connection is fine.
  return err instanceof Anthropic.APIError && typeof err.status === 'number' ? 'ok' : 'failed';
}

async function streamChat(reply: FastifyReply, sdk: Anthropic, params: MessageCreateParamsStreaming, translator: ChatStreamTranslator, lease: Lease, signal: AbortSignal, trace: RequestTrace): Promise<ReleaseOutcome> {
  const stream = await sdk.messages.create(params, { signal });
  const res = reply.raw;
  reply.hijack();
  res.writeHead(200, ['content-type', 'text/event-stream; charset=utf-8', 'cache-control', 'no-cache', ...hookHeaderLines(reply)]);
  res.flushHeaders();
  let outcome: ReleaseOutcome = 'ok';
  try {
    for await (const event of stream) {
      lease.touch();
      trace.message(event);
      for (const f of translator.push(event.type, event)) res.write(f);
      if (translator.done || res.destroyed) break;
    }
    for (const f of translator.finish()) res.write(f);
  } catch (err) {
    if (signal.aborted || res.destroyed) return 'aborted';
    const apiError = err as { error?: { error?: { message?: string } }; message?: string };
    const message = apiError.error?.error?.message ?? apiError.message ?? String(err);
    trace.message(apiError.error ?? { type: 'error', error: { type: 'api_error', message } });
    for (const f of translator.fail(`Upstream error mid-stream: ${message}`)) res.write(f);
    // An in-stream error event leaves the connection sound; a broken socket does not.
    outcome = apiError.error ? 'ok' : 'failed';
  }
  res.end();
  return outcome;
}

export const openAIRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const chat = async (request: FastifyRequest, reply: FastifyReply) => {
    const config = deps.config();
    const translated = translateChatRequest(request.body, config.model_mapping);
    if (!translated.ok) return reply.code(translated.status).send(translated.error);
    const path = request.url.split('?')[0]!;
    deps.log.info(`[API] OpenAI ${path}: model ${translated.requestedModel} → ${translated.upstreamModel}${translated.stream ? ' (stream)' : ''}`);
    const trace = deps.records.begin({ method: 'POST', path, route: 'openai', rawHeaders: request.raw.rawHeaders });
    trace.model(translated.requestedModel, translated.upstreamModel, translated.stream);
    const signal = clientGoneSignal(reply.raw);
    let lease: Lease | null = null;
    let outcome: ReleaseOutcome = 'failed';
    let failure: unknown = null;
    try {
      const asked = performance.now();
      lease = await acquireFor(deps.exchange, `OpenAI ${path}`, signal);
      trace.acquired(lease, performance.now() - asked);
      const sdk = sdkFor(lease, config, request, trace);
      if (translated.stream) {
        const translator = new ChatStreamTranslator({ requestedModel: translated.requestedModel, includeUsage: translated.includeUsage });
        outcome = await streamChat(reply, sdk, translated.anthropic as unknown as MessageCreateParamsStreaming, translator, lease, signal, trace);
        return;
      }
      const { data, response } = await sdk.messages.create(translated.anthropic as unknown as MessageCreateParamsNonStreaming, { signal }).withResponse();
      outcome = 'ok';
      trace.message(data);
      const body = translateMessageResponse(data as unknown as AnthropicMessage, { requestedModel: translated.requestedModel });
      return reply.header('x-ccproxy-upstream-request-id', response.headers.get('request-id') ?? '').send(body);
    } catch (err) {
      failure = err;
      outcome = outcomeOf(err, signal);
      if (outcome === 'aborted') return reply.hijack();
      throw err;
    } finally {
      if (lease) releaseAfter(deps.exchange, lease, outcome);
      endTrace(trace, failure, outcome, deps.config());
      logOutcome(deps, trace.record);
    }
  };

  /** Models in OpenAI's list shape, from the upstream's own list plus the mapped names. */
  const openAIModels = async (request: FastifyRequest, reply: FastifyReply) => {
    const config = deps.config();
    const signal = clientGoneSignal(reply.raw);
    const trace = deps.records.begin({ method: 'GET', path: request.url.split('?')[0]!, route: 'openai', rawHeaders: request.raw.rawHeaders });
    const lease = await acquireFor(deps.exchange, 'OpenAI /v1/models', signal);
    trace.acquired(lease, 0);
    let outcome: ReleaseOutcome = 'failed';
    let failure: unknown = null;
    try {
      const page = await sdkFor(lease, config, request, trace).models.list({ limit: 1000 }, { signal });
      outcome = 'ok';
      return reply.send(toOpenAIModelList({ data: page.data }, config.model_mapping));
    } catch (err) {
      failure = err;
      outcome = outcomeOf(err, signal);
      throw err;
    } finally {
      releaseAfter(deps.exchange, lease, outcome);
      endTrace(trace, failure, outcome, config);
    }
  };

  const sendOpenAIFailure = (err: unknown, reply: FastifyReply) => {
    const { status, body, headers } = openAIFailure(err, deps.config());
    if (status >= 500) deps.log.error(`[API] ${body.error.message}`);
    return reply.code(status).headers(headers).send(body);
  };
  const sendAnthropicFailure = (err: unknown, reply: FastifyReply) =>
    sendProxyError(reply, err instanceof ProxyError ? err : fromFastifyError(err as FastifyError));
  const scoped = (prefix: string, register: (scope: FastifyInstance) => void) =>
    app.register(
      async (scope) => {
        scope.setErrorHandler((err, _request, reply) => sendOpenAIFailure(err, reply));
        register(scope);
      },
      { prefix },
    );
  const responses = createResponsesHandler(deps);
  void scoped('', (scope) => {
    scope.post('/v1/chat/completions', chat);
    scope.post('/v1/responses', responses);
    // One path, two clients: Anthropic clients always send anthropic-version; OpenAI clients never do.
    const passthrough = createPassthroughHandler(deps);
    scope.get('/v1/models', {
      // Each client gets errors in its own shape.
      errorHandler: (err, request, reply) => (request.headers['anthropic-version'] ? sendAnthropicFailure(err, reply) : sendOpenAIFailure(err, reply)),
      handler: (request, reply) => (request.headers['anthropic-version'] ? passthrough(request, reply) : openAIModels(request, reply)),
    });
  });
  void scoped('/openai', (scope) => {
    scope.post('/v1/chat/completions', chat);
    scope.post('/v1/responses', responses);
    scope.get('/v1/models', openAIModels);
    scope.setNotFoundHandler((request, reply) => reply.code(404).send(openAIError(`No route ${request.method} ${request.url.split('?')[0]} on this proxy.`, 'invalid_request_error', 'not_found')));
  });
};
