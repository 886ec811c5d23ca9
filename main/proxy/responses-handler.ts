// OpenAI Responses API (POST /v1/responses, /openai/v1/responses) through the same pool: translate the request,
// call /v1/messages with the official SDK on the leased connection's dispatcher (one lease, one upstream request,
// never repeated), and translate the answer, or each stream event as it arrives, back. Stateless: nothing is
// stored between requests. A request refused before it leaves still gets a record, a metric and an [API] line.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MessageCreateParamsNonStreaming, MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { AppDeps } from './deps.js';
import { clientGoneSignal, releaseAfter } from './exchange.js';
import { logOutcome } from './passthrough.js';
import { endTrace, forwardStream, notAMessage, outcomeOf, leaseFor, refuseRecorded, sdkFor } from './openai-upstream.js';
import type { Lease, ReleaseOutcome } from '../pool/types.js';
import { translateResponsesRequest } from './openai/responses-request.js';
import { translateResponse } from './openai/responses-response.js';
import { ResponsesStreamTranslator } from './openai/responses-stream.js';
import type { AnthropicMessage } from './openai/response.js';

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
      refuseRecorded(deps, trace, translated.requestedModel, translated.status, translated.error);
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
      lease = await leaseFor(deps, `OpenAI ${path}`, signal, reply, trace);
      const call = sdkFor(lease, config, request, trace);
      if (stream) {
        outcome = await forwardStream(reply, call, translated.anthropic as unknown as MessageCreateParamsStreaming, new ResponsesStreamTranslator(ctx), lease, signal, trace);
        return;
      }
      const { data } = await call.sdk.messages.create(translated.anthropic as unknown as MessageCreateParamsNonStreaming, { ...call.options, signal }).withResponse();
      outcome = 'ok';
      const bad = notAMessage(data, config.upstream.base_url);
      if (bad) {
        failure = bad;
        throw bad;
      }
      trace.message(data);
      return reply.send(translateResponse(data as unknown as AnthropicMessage, ctx));
    } catch (err) {
      failure = err;
      // A body that was read in full (even a useless one) leaves the connection sound.
      if (outcome !== 'ok') outcome = outcomeOf(err, signal);
      if (outcome === 'aborted') return reply.hijack();
      throw err;
    } finally {
      if (lease) releaseAfter(deps.exchange, lease, outcome);
      endTrace(trace, failure, outcome, deps.config());
      logOutcome(deps, trace.record);
    }
  };
}
