// OpenAI-format routes through the same pool: Chat Completions, the Responses API and the models list. Each
// translates the request, calls /v1/messages with the official SDK on the leased connection's dispatcher, and
// translates the answer (or each stream event as it arrives) back. This scope owns its error shape: every
// refusal here is OpenAI-shaped, carries x-request-id, and leaves a record, a metric and an [API] line.
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { MessageCreateParamsNonStreaming, MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { AppDeps } from '../deps.js';
import { acquireFor, clientGoneSignal, releaseAfter } from '../exchange.js';
import { ProxyError, fromFastifyError, sendProxyError } from '../errors.js';
import { createPassthroughHandler, logOutcome } from '../passthrough.js';
import { endTrace, forwardStream, notAMessage, openAIFailure, outcomeOf, refuseRecorded, sdkFor } from '../openai-upstream.js';
import { createResponsesHandler } from '../responses-handler.js';
import type { Lease, ReleaseOutcome } from '../../pool/types.js';
import { ChatStreamTranslator, openAIError, toOpenAIModelList, translateChatRequest, translateMessageResponse, type AnthropicMessage } from '../openai/index.js';

export const openAIRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
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
      const asked = performance.now();
      lease = await acquireFor(deps.exchange, `OpenAI ${path}`, signal);
      trace.acquired(lease, performance.now() - asked);
      const sdk = sdkFor(lease, config, request, trace);
      if (translated.stream) {
        const translator = new ChatStreamTranslator({ requestedModel: translated.requestedModel, includeUsage: translated.includeUsage, outputTool: translated.outputTool });
        outcome = await forwardStream(reply, sdk, translated.anthropic as unknown as MessageCreateParamsStreaming, translator, lease, signal, trace);
        return;
      }
      const { data, response } = await sdk.messages.create(translated.anthropic as unknown as MessageCreateParamsNonStreaming, { signal }).withResponse();
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
      const asked = performance.now();
      lease = await acquireFor(deps.exchange, 'OpenAI /v1/models', signal);
      trace.acquired(lease, performance.now() - asked);
      const page = await sdkFor(lease, config, request, trace).models.list({ limit: 1000 }, { signal });
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
  const sendAnthropicFailure = (err: unknown, reply: FastifyReply) =>
    sendProxyError(reply, err instanceof ProxyError ? err : fromFastifyError(err as FastifyError));
  const scoped = (prefix: string, register: (scope: FastifyInstance) => void) =>
    app.register(
      async (scope) => {
        // Every answer names its request; handlers replace this with the record's id once they have one.
        scope.addHook('onRequest', async (request, reply) => {
          reply.header('x-request-id', request.id);
        });
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
    for (const url of ['/v1/models', '/v1/models/:id']) {
      scope.get<{ Params: { id?: string } }>(url, {
        // Each client gets errors in its own shape.
        errorHandler: (err, request, reply) => (request.headers['anthropic-version'] ? sendAnthropicFailure(err, reply) : sendOpenAIFailure(err, reply)),
        handler: (request, reply) => (request.headers['anthropic-version'] ? passthrough(request, reply) : openAIModels(request, reply)),
      });
    }
  });
  void scoped('/openai', (scope) => {
    scope.post('/v1/chat/completions', chat);
    scope.post('/v1/responses', responses);
    scope.get('/v1/models', openAIModels);
    scope.get('/v1/models/:id', openAIModels);
    scope.setNotFoundHandler((request, reply) => reply.code(404).send(openAIError(`No route ${request.method} ${request.url.split('?')[0]} on this proxy.`, 'invalid_request_error', 'not_found')));
  });
};
