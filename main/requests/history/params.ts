// The history's parameters, checked once with zod for every door (HTTP query strings, IPC and admin payloads):
// a bad value is a 400 that names it, never a silently empty page.
import { z } from 'zod';

const iso = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'must be an ISO date or time, e.g. 2026-12-01 or 2026-12-01T08:00:00Z' });

export const filterSchema = z
  .object({
    before: z.string().min(1).max(200).optional(),
    since: iso.optional(),
    until: iso.optional(),
    model: z.string().min(1).max(200).optional(),
    status: z.enum(['2xx', '4xx', '5xx', 'aborted']).optional(),
    client: z.string().min(1).max(100).optional(),
    session: z.string().min(1).max(200).optional(),
    q: z.string().min(1).max(500).optional(),
  })
  .strict();

/** GET /requests and getRequests: a page (limit 100 unless asked, at most 1000 from the store). */
export const requestsQuerySchema = filterSchema.extend({ limit: z.coerce.number().int().min(0).max(100_000).optional() }).strict();

export const usageQuerySchema = z
  .object({
    group_by: z.enum(['day', 'hour', 'model', 'client', 'session']),
    since: iso.optional(),
    until: iso.optional(),
    model: z.string().min(1).max(200).optional(),
    client: z.string().min(1).max(100).optional(),
  })
  .strict();

export const exportQuerySchema = filterSchema.omit({ before: true }).extend({ format: z.enum(['csv', 'jsonl']) }).strict();

/** Query strings: empty values are absent (a form with an empty search box sends q=). */
export function dropEmpty(query: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (query && typeof query === 'object') for (const [k, v] of Object.entries(query)) if (v !== '' && v !== undefined) out[k] = v;
  return out;
}
