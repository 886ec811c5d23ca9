// Anthropic GET /v1/models → OpenAI GET /v1/models. Alias names from [model_mapping] are listed too,
// because those are the names an OpenAI client is configured with and model pickers show this list.
import type { ModelMapping } from './request.js';

export interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Anthropic's created_at is an RFC 3339 string; OpenAI's created is Unix seconds (0 when unknown). */
function unixSeconds(createdAt: unknown): number {
  const ms = typeof createdAt === 'string' ? Date.parse(createdAt) : NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

/** Anthropic GET /v1/models body → OpenAI list shape; mapped alias names are appended after the real models. */
export function toOpenAIModelList(
  anthropicList: unknown,
  mapping: ModelMapping,
): { object: 'list'; data: OpenAIModel[] } {
  const data: OpenAIModel[] = [];
  const byId = new Map<string, OpenAIModel>();
  const rows = isRecord(anthropicList) && Array.isArray(anthropicList.data) ? anthropicList.data : [];
  for (const row of rows) {
    if (!isRecord(row) || typeof row.id !== 'string' || byId.has(row.id)) continue;
    const model: OpenAIModel = { id: row.id, object: 'model', created: unixSeconds(row.created_at), owned_by: 'anthropic' };
    byId.set(model.id, model);
    data.push(model);
  }
  for (const [alias, target] of Object.entries(mapping)) {
    if (byId.has(alias)) continue;
    const model: OpenAIModel = { id: alias, object: 'model', created: byId.get(target)?.created ?? 0, owned_by: 'anthropic' };
    byId.set(alias, model);
    data.push(model);
  }
  return { object: 'list', data };
}
