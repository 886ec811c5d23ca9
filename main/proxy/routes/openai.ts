// OpenAI-format routes through the same pool: Chat Completions, the Responses API and the models list, in OpenAI's
// shapes. This module only registers the routes: their handlers (proxy/openai-handlers.ts, with @anthropic-ai/sdk
// and the translators) are imported on the first OpenAI request (proxy/lazy.ts), so the proxy listens and serves
// /v1/messages without loading them. This scope owns its error shape: every refusal here is OpenAI-shaped,
// carries x-request-id, and leaves a record, a metric and an [API] line.
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { AppDeps } from '../deps.js';
import { ProxyError, fromFastifyError, sendProxyError } from '../errors.js';
import { lazyHandler, lazyModule } from '../lazy.js';
import { createPassthroughHandler } from '../passthrough.js';

export const openAIRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  // Imported by the first request that needs them, then bound to these deps (Node imports the module once per
  // process; each app gets its own handlers).
  const handlers = lazyModule(async () => (await import('../openai-handlers.js')).openAIHandlers(deps));
  const chat = lazyHandler(handlers, (h) => h.chat);
  const responses = lazyHandler(handlers, (h) => h.responses);
  const openAIModels = lazyHandler(handlers, (h) => h.openAIModels);
  const sendOpenAIFailure = lazyHandler(handlers, (h) => h.sendOpenAIFailure);
  // An OpenAI-shaped error needs the handlers' module too; a request refused before any handler ran (a body
  // that is not JSON, over the limit) loads it then. If that import itself fails, the answer is Anthropic-shaped.
  const onOpenAIError = (err: unknown, reply: FastifyReply) =>
    sendOpenAIFailure(err, reply).catch((loadError: Error) => sendProxyError(reply, new ProxyError(500, 'api_error', `Internal proxy error: ${loadError.message}`)));
  const sendAnthropicFailure = (err: unknown, reply: FastifyReply) =>
    sendProxyError(reply, err instanceof ProxyError ? err : fromFastifyError(err as FastifyError));
  const scoped = (prefix: string, register: (scope: FastifyInstance) => void) =>
    app.register(
      async (scope) => {
        // Every answer names its request; handlers replace this with the record's id once they have one.
        scope.addHook('onRequest', async (request, reply) => {
          reply.header('x-request-id', request.id);
        });
        scope.setErrorHandler((err, _request, reply) => onOpenAIError(err, reply));
        register(scope);
      },
      { prefix },
    );
  void scoped('', (scope) => {
    scope.post('/v1/chat/completions', chat);
    scope.post('/v1/responses', responses);
    // One path, two clients: Anthropic clients always send anthropic-version; OpenAI clients never do.
    const passthrough = createPassthroughHandler(deps);
    for (const url of ['/v1/models', '/v1/models/:id']) {
      scope.get<{ Params: { id?: string } }>(url, {
        // Each client gets errors in its own shape.
        errorHandler: (err, request, reply) => (request.headers['anthropic-version'] ? sendAnthropicFailure(err, reply) : onOpenAIError(err, reply)),
        handler: (request, reply) => (request.headers['anthropic-version'] ? passthrough(request, reply) : openAIModels(request, reply)),
      });
    }
  });
  void scoped('/openai', (scope) => {
    scope.post('/v1/chat/completions', chat);
    scope.post('/v1/responses', responses);
    scope.get('/v1/models', openAIModels);
    scope.get('/v1/models/:id', openAIModels);
    // OpenAI's error body, written here: a wrong path is no reason to load the handlers.
    scope.setNotFoundHandler((request, reply) =>
      reply.code(404).send({ error: { message: `No route ${request.method} ${request.url.split('?')[0]} on this proxy.`, type: 'invalid_request_error', code: 'not_found', param: null } }),
    );
  });
};
