// The route modules beside the Anthropic surface, registered by both shells.
import type { RoutePlugin } from './deps.js';
import { adminRoutes } from './routes/admin.js';
import { uiRoutes } from './routes/ui.js';
import { openAIRoutes } from './routes/openai.js';

export type { RoutePlugin } from './deps.js';

export function defaultPlugins(): RoutePlugin[] {
  return [openAIRoutes, adminRoutes, uiRoutes()];
}
