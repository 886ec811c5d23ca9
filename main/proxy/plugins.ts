// The route modules beside the Anthropic surface, registered by both shells.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from './app.js';
import { adminRoutes } from './routes/admin.js';
import { uiRoutes } from './routes/ui.js';
import { registerOpenAIRoutes } from './routes/openai.js';

export type RoutePlugin = (app: FastifyInstance, deps: AppDeps) => void;

export function defaultPlugins(): RoutePlugin[] {
  return [registerOpenAIRoutes, adminRoutes, (app, deps) => uiRoutes(app, deps)];
}
