// The OpenAI-format routes' handlers (Chat Completions, the Responses API, the models list): each translates the
// request, calls /v1/messages with the official SDK on the leased connection's dispatcher, and translates the
// answer (or each stream event as it arrives) back. Loaded on the first OpenAI request: routes/openai.ts registers
// the routes and imports this module through proxy/lazy.ts, so @anthropic-ai/sdk and the translators cost nothing
// at start.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MessageCreateParamsNonStreaming, MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { AppDeps } from './deps.js';
import { clientGoneSignal, releaseAfter } from './exchange.js';
import { ProxyError } from './errors.js';
import { logOutcome } from './passthrough.js';
import { endTrace, forwardStream, notAMessage, openAIFailure, outcomeOf, leaseFor, refuseRecorded, sdkFor } from './openai-upstream.js';
import { createResponsesHandler } from './responses-handler.js';
import type { Lease, ReleaseOutcome } from '../pool/types.js';
import { ChatStreamTranslator, openAIError, toOpenAIModelList, translateChatRequest, translateMessageResponse, type AnthropicMessage } from './openai/index.js';

/** The handlers, bound to the app's deps (one set per registration of the routes). */
export function openAIHandlers(deps: AppDeps) {
  const chat = async (request: FastifyRequest, reply: FastifyReply) => {
    const config = deps.config();
    const path = request.url.split('?')[0]!;
    const trace = deps.records.begin({ method: 'POST', path, route: 'openai', rawHeaders: request.raw.rawHeaders });
    reply.header('x-request-id', trace.record.id);
    const translated = translateChatRequest(request.body, config.model_mapping, { maxTokens: config.openai.default_max_tokens });
    if (!translated.ok) {
      const model = (request.body as { model?: unknown } | null)?.model;
      refuseRecorded(deps, trace, typeof model === 'string' ? model : null, translated.status, translated.error);
      return reply.code(translated.status).send(translated.error);
    }
    deps.log.info(`[API] OpenAI ${path}: model ${translated.requestedModel} → ${translated.upstreamModel}${translated.stream ? ' (stream)' : ''}${translated.structured ? `, structured output via ${translated.structured}` : ''}`);
    trace.model(translated.requestedModel, translated.upstreamModel, translated.stream);
    const signal = clientGoneSignal(reply.raw);
    let lease: Lease | null = null;
    let outcome: ReleaseOutcome = 'failed';
    let failure: unknown = null;
    try {
      lease = await leaseFor(deps, `OpenAI ${path}`, signal, reply, trace);
      const call = sdkFor(lease, config, request, trace);
      if (translated.stream) {
        const translator = new ChatStreamTranslator({ requestedModel: translated.requestedModel, includeUsage: translated.includeUsage, outputTool: translated.outputTool });
        outcome = await forwardStream(reply, call, translated.anthropic as unknown as MessageCreateParamsStreaming, translator, lease, signal, trace);
        return;
      }
      const { data, response } = await call.sdk.messages.create(translated.anthropic as unknown as MessageCreateParamsNonStreaming, { ...call.options, signal }).withResponse();
      outcome = 'ok';
      // A 200 that is not a message (an HTML page from a middlebox) is the upstream's fault: 502 with its text.
      const bad = notAMessage(data, config.upstream.base_url);
      if (bad) throw bad;
      trace.message(data);
      const body = translateMessageResponse(data as unknown as AnthropicMessage, { requestedModel: translated.requestedModel, outputTool: translated.outputTool });
      return reply.header('x-ccproxy-upstream-request-id', response.headers.get('request-id') ?? '').send(body);
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

  /** Models in OpenAI's list shape (or one of them, by id), from the upstream's own list plus the mapped names. */
  const openAIModels = async (request: FastifyRequest<{ Params: { id?: string } }>, reply: FastifyReply) => {
    const config = deps.config();
    const signal = clientGoneSignal(reply.raw);
    const path = request.url.split('?')[0]!;
    const trace = deps.records.begin({ method: 'GET', path, route: 'openai', rawHeaders: request.raw.rawHeaders });
    reply.header('x-request-id', trace.record.id);
    let lease: Lease | null = null;
    let outcome: ReleaseOutcome = 'failed';
    let failure: unknown = null;
    try {
      // Inside the try: a pool that refuses (busy, shutting down) still closes the record and logs its line.
      lease = await leaseFor(deps, 'OpenAI /v1/models', signal, reply, trace);
      const call = sdkFor(lease, config, request, trace);
      const page = await call.sdk.models.list({ limit: 1000 }, { ...call.options, signal });
      outcome = 'ok';
      const list = toOpenAIModelList({ data: page.data }, config.model_mapping);
      const id = request.params.id;
      if (id === undefined) return reply.send(list);
      const model = list.data.find((m) => m.id === id);
      if (model) return reply.send(model);
      failure = new ProxyError(404, 'not_found_error', `The model '${id}' does not exist: it is neither an upstream model nor a name in [model_mapping].`);
      return reply.code(404).send(openAIError((failure as ProxyError).message, 'invalid_request_error', 'model_not_found', 'model'));
    } catch (err) {
      failure = err;
      outcome = outcomeOf(err, signal);
      throw err;
    } finally {
      if (lease) releaseAfter(deps.exchange, lease, outcome);
      endTrace(trace, failure, outcome, config);
      logOutcome(deps, trace.record);
    }
  };

  const sendOpenAIFailure = (err: unknown, reply: FastifyReply) => {
    const { status, body, headers } = openAIFailure(err, deps.config());
    if (status >= 500) deps.log.error(`[API] ${body.error.message}`);
    return reply.code(status).headers(headers).send(body);
  };
  const responses = createResponsesHandler(deps);
  return { chat, openAIModels, responses, sendOpenAIFailure };
}
