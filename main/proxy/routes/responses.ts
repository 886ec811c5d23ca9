// OpenAI Responses API (POST /v1/responses, /openai/v1/responses) through the same pool: translate the request,
// call /v1/messages with the official SDK on the leased connection's dispatcher (one lease, one upstream request,
// never repeated), and translate the answer, or each stream event as it arrives, back. Stateless: nothing is
// stored between requests. A request refused before it leaves still gets a record, a metric and an [API] line.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming, MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { AppDeps } from '../deps.js';
import { acquireFor, clientGoneSignal, releaseAfter } from '../exchange.js';
import { ProxyError } from '../errors.js';
import { hookHeaderLines, logOutcome } from './anthropic.js';
import { endTrace, outcomeOf, sdkFor } from './openai.js';
import type { RequestTrace } from '../../requests/trace.js';
import type { Lease, ReleaseOutcome } from '../../pool/types.js';
import { readableText } from '../openai/errors.js';
import { translateResponsesRequest } from '../openai/responses-request.js';
import { translateResponse } from '../openai/responses-response.js';
import { ResponsesStreamTranslator } from '../openai/responses-stream.js';
import type { AnthropicMessage } from '../openai/response.js';

/** A 200 whose body is not a message (an HTML page from a middlebox): a 502 that keeps the upstream's text. */
export function notAMessage(data: unknown, upstream: string): ProxyError | null {
  if (typeof data === 'object' && data !== null && Array.isArray((data as { content?: unknown }).content)) return null;
  const text = typeof data === 'string' ? readableText(data).slice(0, 500) : JSON.stringify(data)?.slice(0, 500);
  return new ProxyError(502, 'api_error', `The upstream ${upstream} answered 200 with a body that is not a Messages answer: ${text || '(empty)'}`);
}

async function streamResponses(reply: FastifyReply, sdk: Anthropic, params: MessageCreateParamsStreaming, translator: ResponsesStreamTranslator, lease: Lease, signal: AbortSignal, trace: RequestTrace): Promise<ReleaseOutcome> {
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
    // Ended without message_stop: finish() reports it as failed, never completed.
    for (const f of translator.finish()) res.write(f);
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

export function createResponsesHandler(deps: AppDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const config = deps.config();
    const path = request.url.split('?')[0]!;
    const trace = deps.records.begin({ method: 'POST', path, route: 'responses', rawHeaders: request.raw.rawHeaders });
    reply.header('x-request-id', trace.record.id);
    const translated = translateResponsesRequest(request.body, {
      mapping: config.model_mapping,
      defaultMaxTokens: config.openai.default_max_tokens,
      webSearch: config.openai.web_search,
    });
    if (!translated.ok) {
      // Refused before anything left: the record says why, the metric counts it, the log has its line.
      trace.model(translated.requestedModel ?? '', null, false);
      trace.end({ status: translated.status, error: { type: 'invalid_request_error', message: translated.error.error.message } });
      logOutcome(deps, trace.record);
      return reply.code(translated.status).send(translated.error);
    }
    const { ctx, stream } = translated;
    for (const note of translated.notes) deps.log.debug(`[API] Responses ${path}: ${note}`);
    deps.log.info(`[API] OpenAI Responses ${path}: model ${ctx.requestedModel} → ${ctx.upstreamModel}${stream ? ' (stream)' : ''}${translated.structured ? `, structured output via ${translated.structured}` : ''}`);
    trace.model(ctx.requestedModel, ctx.upstreamModel, stream);
    const signal = clientGoneSignal(reply.raw);
    let lease: Lease | null = null;
    let outcome: ReleaseOutcome = 'failed';
    let failure: unknown = null;
    try {
      const asked = performance.now();
      lease = await acquireFor(deps.exchange, `OpenAI ${path}`, signal);
      trace.acquired(lease, performance.now() - asked);
      const sdk = sdkFor(lease, config, request, trace);
      if (stream) {
        outcome = await streamResponses(reply, sdk, translated.anthropic as unknown as MessageCreateParamsStreaming, new ResponsesStreamTranslator(ctx), lease, signal, trace);
        return;
      }
      const { data } = await sdk.messages.create(translated.anthropic as unknown as MessageCreateParamsNonStreaming, { signal }).withResponse();
      outcome = 'ok';
      const bad = notAMessage(data, config.upstream.base_url);
      if (bad) throw bad;
      trace.message(data);
      return reply.send(translateResponse(data as unknown as AnthropicMessage, ctx));
    } catch (err) {
      failure = err;
      if (!(err instanceof ProxyError && outcome === 'ok')) outcome = outcomeOf(err, signal);
      if (outcome === 'aborted') return reply.hijack();
      throw err;
    } finally {
      if (lease) releaseAfter(deps.exchange, lease, outcome);
      endTrace(trace, failure, outcome, deps.config());
      logOutcome(deps, trace.record);
    }
  };
}
