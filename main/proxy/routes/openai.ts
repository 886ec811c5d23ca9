// OpenAI Chat Completions through the same pool: translate the request, call /v1/messages upstream on a pooled
// connection, translate the answer (or each stream event as it arrives) back.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Anthropic from '@anthropic-ai/sdk';
import { Stream } from '@anthropic-ai/sdk/streaming';
import type { AppDeps } from '../app.js';
import { exchange } from '../exchange.js';
import { ProxyError } from '../errors.js';
import { proxyHoldsCredentials, UpstreamHttpError } from '../forward.js';
import { endResponse } from '../pipe.js';
import { clientAbortSignal, createAnthropicHandler, mergeHeaders } from './anthropic.js';
import type { ReleaseOutcome } from '../../pool/types.js';
import { ChatStreamTranslator, openAIError, toOpenAIError, toOpenAIModelList, translateChatRequest, translateMessageResponse, mapAnthropicErrorType, type AnthropicMessage, type OpenAIErrorBody } from '../openai/index.js';

export const OPENAI_CHAT_PATHS = ['/v1/chat/completions', '/openai/v1/chat/completions'];

export function isOpenAIPath(url: string): boolean {
  const path = url.split('?')[0]!;
  return OPENAI_CHAT_PATHS.includes(path) || path.startsWith('/openai/');
}

/** The proxy's own errors (and the upstream's) in OpenAI's shape, with the same status. */
export function openAIErrorFor(err: ProxyError | UpstreamHttpError): { status: number; body: OpenAIErrorBody; headers: Record<string, string> } {
  if (err instanceof UpstreamHttpError) {
    let parsed: unknown = err.body;
    try {
      parsed = JSON.parse(err.body);
    } catch {
      // Not JSON (an HTML error page from a gateway): toOpenAIError keeps the text as the message.
    }
    const headers = { ...err.headers };
    delete headers['content-type'];
    return { status: err.status, body: toOpenAIError(err.status, parsed), headers };
  }
  const { type, code } = mapAnthropicErrorType(err.type, err.status, err.message);
  return { status: err.status, body: openAIError(err.message, type, code), headers: err.headers };
}

function sendOpenAIFailure(reply: FastifyReply, err: unknown, signal: AbortSignal): FastifyReply | void {
  if (reply.sent || reply.raw.headersSent) return;
  if (signal.aborted) {
    reply.hijack();
    reply.raw.destroy();
    return;
  }
  if (err instanceof UpstreamHttpError || err instanceof ProxyError) {
    const { status, body, headers } = openAIErrorFor(err);
    return reply.code(status).headers(headers).send(body);
  }
  throw err;
}

async function respondJson(reply: FastifyReply, response: Response, requestedModel: string): Promise<ReleaseOutcome> {
  const message = (await response.json()) as AnthropicMessage;
  reply.hijack();
  reply.raw.writeHead(200, mergeHeaders(reply.getHeaders(), { 'content-type': 'application/json; charset=utf-8', 'x-ccproxy-upstream-request-id': response.headers.get('request-id') ?? '' }));
  await endResponse(reply.raw, JSON.stringify(translateMessageResponse(message, { requestedModel })));
  return reply.raw.writableFinished ? 'ok' : 'aborted';
}

async function respondStream(reply: FastifyReply, response: Response, lease: { client: Anthropic; touch(): void }, translator: ChatStreamTranslator, signal: AbortSignal): Promise<ReleaseOutcome> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, mergeHeaders(reply.getHeaders(), { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' }));
  res.flushHeaders();
  const write = (frames: string[]) => {
    for (const f of frames) res.write(f);
  };
  let outcome: ReleaseOutcome = 'ok';
  try {
    // The SDK's own SSE decoder: one parsed event at a time, `event: error` raised as an APIError.
    const events = Stream.fromSSEResponse<{ type: string }>(response, new AbortController(), lease.client);
    for await (const event of events) {
      lease.touch();
      write(translator.push(event.type, event));
      if (translator.done || res.destroyed) break;
    }
    write(translator.finish());
  } catch (err) {
    if (signal.aborted || res.destroyed) return 'aborted';
    const apiError = err as { error?: { error?: { message?: string } }; message?: string };
    const message = apiError.error?.error?.message ?? apiError.message ?? String(err);
    write(translator.fail(`Upstream error mid-stream: ${message}`));
    // An in-stream error event leaves the connection sound; a broken socket does not.
    outcome = apiError.error ? 'ok' : 'failed';
  }
  await endResponse(res);
  return res.writableFinished ? outcome : 'aborted';
}

export function registerOpenAIRoutes(app: FastifyInstance, deps: AppDeps): void {
  const chat = async (request: FastifyRequest, reply: FastifyReply) => {
    const config = deps.config();
    const translated = translateChatRequest(request.body, config.model_mapping);
    if (!translated.ok) return reply.code(translated.status).send(translated.error);
    const signal = clientAbortSignal(reply);
    const path = request.url.split('?')[0]!;
    const headers = { ...request.headers, 'content-type': 'application/json' };
    const body = Buffer.from(JSON.stringify(translated.anthropic));
    const upstreamRequest = { method: 'POST', url: '/v1/messages', headers, body, signal, proxyHoldsCredentials: proxyHoldsCredentials(config.upstream) };
    deps.log.info(`[API] OpenAI ${path}: model ${translated.requestedModel} → ${translated.upstreamModel}${translated.stream ? ' (stream)' : ''}`);
    try {
      await exchange(deps.exchange(), `OpenAI ${path}`, upstreamRequest, (response, lease) =>
        translated.stream
          ? respondStream(reply, response, lease, new ChatStreamTranslator({ requestedModel: translated.requestedModel, includeUsage: translated.includeUsage }), signal)
          : respondJson(reply, response, translated.requestedModel),
      );
    } catch (err) {
      return sendOpenAIFailure(reply, err, signal);
    }
  };
  for (const path of OPENAI_CHAT_PATHS) app.post(path, chat);

  /** Models in OpenAI's list shape, from the upstream's own list plus the mapped names. */
  const openAIModels = async (request: FastifyRequest, reply: FastifyReply) => {
    const signal = clientAbortSignal(reply);
    const config = deps.config();
    const upstreamRequest = { method: 'GET', url: '/v1/models?limit=1000', headers: request.headers, signal, proxyHoldsCredentials: proxyHoldsCredentials(config.upstream) };
    try {
      await exchange(deps.exchange(), 'OpenAI /v1/models', upstreamRequest, async (response) => {
        const list = toOpenAIModelList(await response.json(), config.model_mapping);
        reply.hijack();
        reply.raw.writeHead(200, mergeHeaders(reply.getHeaders(), { 'content-type': 'application/json; charset=utf-8' }));
        await endResponse(reply.raw, JSON.stringify(list));
        return 'ok';
      });
    } catch (err) {
      return sendOpenAIFailure(reply, err, signal);
    }
  };
  app.get('/openai/v1/models', openAIModels);
  // One path, two clients: Anthropic clients always send anthropic-version; OpenAI clients never do.
  const anthropic = createAnthropicHandler(deps);
  app.get('/v1/models', (request, reply) => (request.headers['anthropic-version'] ? anthropic(request, reply) : openAIModels(request, reply)));
}
