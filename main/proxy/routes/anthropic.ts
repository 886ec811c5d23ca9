// The Anthropic surface: /v1/messages (JSON and SSE), /v1/messages/count_tokens, /v1/models, any other /v1/*
// path, and HEAD / (Claude Code's check at start), all forwarded as they are on a pooled connection.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../deps.js';
import { createPassthroughHandler } from '../passthrough.js';

/** A plugin, so its own scope: bodies here are not parsed (or even read) by Fastify, they stream to the upstream. */
export const anthropicRoutes: FastifyPluginAsync<AppDeps> = async (scope, deps) => {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
  const handler = createPassthroughHandler(deps);
  scope.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/v1/*', handler });
  scope.route({ method: 'HEAD', url: '/', handler });
};
