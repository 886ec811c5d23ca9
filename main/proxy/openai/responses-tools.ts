// Responses tools → Anthropic tools, and the name map that turns Claude's tool_use back into the client's
// function_call / custom_tool_call (with its namespace). Pure.
import { Refusal } from './messages.js';
import type { ResponsesRequest, ResponsesTool } from './responses-schema.js';

export interface ToolEntry {
  name: string;
  namespace?: string;
  kind: 'function' | 'custom';
}

const NAME_OK = /^[a-zA-Z0-9_-]{1,64}$/;

/** The names Claude sees and what each stands for on the client's side. */
export class ToolNames {
  private readonly byUpstream = new Map<string, ToolEntry>();
  private readonly byClient = new Map<string, string>();

  private static key(name: string, namespace: string | null | undefined): string {
    return namespace ? `${namespace}\u0000${name}` : name;
  }

  /** Registers a client tool; namespaced ones are flattened to `namespace__name`, made unique and valid. */
  add(entry: ToolEntry): string {
    const key = ToolNames.key(entry.name, entry.namespace);
    const known = this.byClient.get(key);
    if (known) return known;
    const base = flatName(entry.name, entry.namespace);
    let name = base;
    for (let i = 2; this.byUpstream.has(name); i++) name = `${base.slice(0, 60)}_${i}`;
    this.byUpstream.set(name, entry);
    this.byClient.set(key, name);
    return name;
  }

  /** The upstream name of a client tool (also for a call in history to a tool no longer listed). */
  upstream(name: string, namespace?: string | null): string {
    return this.byClient.get(ToolNames.key(name, namespace)) ?? flatName(name, namespace);
  }

  /** Claude's tool name → the client's tool (undefined for a name the proxy did not list, passed as a function). */
  client(upstreamName: string): ToolEntry | undefined {
    return this.byUpstream.get(upstreamName);
  }

  get size(): number {
    return this.byUpstream.size;
  }

  has(upstreamName: string): boolean {
    return this.byUpstream.has(upstreamName);
  }
}

function flatName(name: string, namespace: string | null | undefined): string {
  const raw = namespace ? `${namespace}__${name}` : name;
  if (NAME_OK.test(raw)) return raw;
  const cleaned = raw.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return cleaned || 'tool';
}

/** A JSON schema for a tool's input: `type: "object"` is filled in when missing; any other type is refused. */
export function objectSchema(parameters: Record<string, unknown> | null | undefined, param: string): Record<string, unknown> {
  if (parameters == null) return { type: 'object', properties: {} };
  if (parameters.type === undefined) return { type: 'object', ...parameters };
  if (parameters.type !== 'object') {
    throw new Refusal(`${param}: a tool's parameters must be a JSON schema of type "object" (got type ${JSON.stringify(parameters.type)}).`, param);
  }
  return parameters;
}

// A freeform tool (Codex's apply_patch) takes one string; Claude's tools take objects, so it is wrapped.
export const CUSTOM_INPUT_SCHEMA = { type: 'object', properties: { input: { type: 'string', description: 'The raw input for this tool.' } }, required: ['input'] };

export interface TranslatedTools {
  tools: Record<string, unknown>[];
  names: ToolNames;
  /** Debug lines for tools dropped on purpose. */
  notes: string[];
}

export function translateTools(list: ResponsesTool[] | null | undefined, webSearch: boolean): TranslatedTools {
  const names = new ToolNames();
  const tools: Record<string, unknown>[] = [];
  const notes: string[] = [];
  const addOne = (t: Extract<ResponsesTool, { type: 'function' | 'custom' }>, param: string, namespace?: string) => {
    const description = t.description ?? undefined;
    if (t.type === 'function') {
      const name = names.add({ name: t.name, namespace, kind: 'function' });
      tools.push({
        name,
        ...(description ? { description } : {}),
        input_schema: objectSchema(t.parameters, `${param}.parameters`),
        ...(t.strict === true ? { strict: true } : {}),
      });
    } else {
      const name = names.add({ name: t.name, namespace, kind: 'custom' });
      tools.push({ name, ...(description ? { description } : {}), input_schema: CUSTOM_INPUT_SCHEMA });
    }
  };
  (list ?? []).forEach((t, i) => {
    const param = `tools[${i}]`;
    if (t.type === 'function' || t.type === 'custom') addOne(t, param);
    else if (t.type === 'namespace') t.tools.forEach((inner, j) => addOne(inner, `${param}.tools[${j}]`, t.name));
    else if (webSearch) {
      const allowed = t.filters?.allowed_domains;
      tools.push({ type: 'web_search_20250305', name: 'web_search', ...(allowed?.length ? { allowed_domains: allowed } : {}) });
    } else notes.push(`${param}: ${t.type} dropped ([openai] web_search is off)`);
  });
  return { tools, names, notes };
}

export function translateToolChoice(req: ResponsesRequest, translated: TranslatedTools): Record<string, unknown> | undefined {
  const choice = req.tool_choice;
  let out: Record<string, unknown> | undefined;
  if (choice == null || choice === 'auto') out = choice == null ? undefined : { type: 'auto' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice === 'none') out = { type: 'none' };
  else if ((choice.type === 'function' || choice.type === 'custom') && typeof choice.name === 'string') {
    out = { type: 'tool', name: translated.names.upstream(choice.name, typeof choice.namespace === 'string' ? choice.namespace : undefined) };
  } else {
    throw new Refusal(`'tool_choice' of type "${choice.type}" is not supported; use "auto", "required", "none", a function or a custom tool.`, 'tool_choice');
  }
  if (translated.tools.length === 0) {
    if (out && (out.type === 'any' || out.type === 'tool')) throw new Refusal("'tool_choice' requires 'tools'.", 'tool_choice');
    return undefined;
  }
  if (req.parallel_tool_calls === false && out?.type !== 'none') out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return out;
}
