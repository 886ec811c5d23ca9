// The history over HTTP: GET /requests (a page, newest first, with filters and a `before` cursor),
// GET /requests/{id} (one record, bodies when captured), GET /requests/export?format=csv|jsonl (streamed, same
// filters), DELETE /requests (clears; same-origin only) and GET /usage?group_by=… (the no-parameter /usage keeps
// answering the since-start totals per model the Stats view reads).
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HistoryBackend } from '../../api/server-api.js';
import { History } from '../../requests/history/history.js';
import { HistoryReader } from '../../requests/history/reader.js';
import type { AppDeps } from '../deps.js';
import { dropEmpty, exportQuerySchema, requestsQuerySchema, usageQuerySchema } from '../../requests/history/params.js';
import { ProxyError } from '../errors.js';
import { isSameOrigin } from '../security.js';

function parse<T>(schema: z.ZodType<T>, request: FastifyRequest, what: string): T {
  const parsed = schema.safeParse(dropEmpty(request.query));
  if (!parsed.success) throw new ProxyError(400, 'invalid_request_error', `Invalid query for ${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export const historyRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  // Without a history (bare proxy tests) the same answers come from this run's records.
  const history: HistoryBackend = deps.history ?? new HistoryReader(new History({ enabled: false, retention_days: 90, max_mb: 1024, capture_bodies: false }, '', deps.log), deps.records);

  app.get('/requests', async (request) => {
    const { limit, ...filter } = parse(requestsQuerySchema, request, 'GET /requests');
    return history.page(filter, limit);
  });

  app.get('/requests/export', async (request, reply) => {
    const { format, ...filter } = parse(exportQuerySchema, request, 'GET /requests/export');
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="ccproxy-requests-${stamp}.${format}"`)
      .header('cache-control', 'no-store');
    // Lines are made as the client reads them (a Readable over the generator), never all at once.
    return reply.send(Readable.from(history.exportLines(format, filter), { objectMode: false }));
  });

  app.get<{ Params: { id: string } }>('/requests/:id', async (request) => {
    const found = history.detail(request.params.id);
    if (!found) throw new ProxyError(404, 'not_found_error', `No request ${request.params.id} in the history.`);
    return found;
  });

  app.delete('/requests', async (request) => {
    // Clearing is the dashboard's or a local tool's: a browser page from any other origin is refused, allowed or not.
    const origin = request.headers.origin;
    if (origin && !isSameOrigin(origin, request.headers.host)) throw new ProxyError(403, 'permission_error', 'Clearing the history is allowed from the dashboard (same origin) or a local tool only.');
    return history.clear();
  });

  app.get('/usage', async (request) => {
    const raw = dropEmpty(request.query);
    if (Object.keys(raw).length === 0) return deps.records.usage.totals();
    const { group_by, ...filter } = parse(usageQuerySchema, request, 'GET /usage');
    return history.usage(group_by, filter);
  });
};
