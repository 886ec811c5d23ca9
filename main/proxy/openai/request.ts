// OpenAI Chat Completions request → Anthropic Messages request. Pure: no I/O, no config reading.
// Every field is either translated, ignored on purpose, or refused with a 400 naming it; the full
// table is in docs/openai-compat.md. Refusing beats silently ignoring a field that changes what the
// client gets back (n > 1, logprobs, JSON mode, audio): the client would misbehave later instead.
import { openAIError, type OpenAIErrorBody } from './errors.js';
import { convertMessages, Refusal } from './messages.js';
import { objectSchema } from './responses-tools.js';
import { parseChatRequest, type ChatRequest } from './schema.js';
import { planStructuredOutput, structuredToolChoice, type StructuredPlan } from './structured-output.js';
import { planThinking } from './thinking.js';

export type ModelMapping = Record<string, string>;
export type TranslateResult =
  | {
      ok: true;
      /** Anthropic MessageCreateParams JSON, ready to send to POST /v1/messages (includes `stream: true` when streaming). */
      anthropic: Record<string, unknown>;
      stream: boolean;
      includeUsage: boolean;
      requestedModel: string;
      upstreamModel: string;
      /** Which structured-output path response_format took, and the forced tool's name on the tool path. */
      structured: StructuredPlan['path'] | null;
      outputTool?: string;
    }
  | { ok: false; status: number; error: OpenAIErrorBody };

export const DEFAULT_MAX_TOKENS = 4096;

type Fail = Extract<TranslateResult, { ok: false }>;

function invalid(message: string, param: string | null, code: string | null = null): Fail {
  return { ok: false, status: 400, error: openAIError(message, 'invalid_request_error', code, param) };
}

/** A model name in `mapping` → mapped value; `claude-*` passes through; anything else is refused. */
export function resolveModel(model: string, mapping: ModelMapping): string | Fail {
  if (Object.hasOwn(mapping, model)) return mapping[model];
  if (model.startsWith('claude-')) return model;
  // 404 model_not_found, as OpenAI answers for a model it does not have.
  return {
    ok: false,
    status: 404,
    error: openAIError(
      `Model "${model}" is not mapped to a Claude model. Add it to [model_mapping] in .ccproxy.toml, ` +
        `e.g. "${model}" = "claude-sonnet-4-5", or use a claude-* model name.`,
      'invalid_request_error',
      'model_not_found',
      'model',
    ),
  };
}

/** Fields that would change the shape or meaning of the answer and that Claude cannot honour. */
function refusal(req: ChatRequest): Fail | undefined {
  if (req.n != null && req.n > 1) return invalid("'n' > 1 is not supported: Claude returns one choice per request.", 'n');
  if (req.logprobs === true) return invalid("'logprobs' is not supported: Claude does not return token log probabilities.", 'logprobs');
  if (req.top_logprobs != null && req.top_logprobs > 0) {
    return invalid("'top_logprobs' is not supported: Claude does not return token log probabilities.", 'top_logprobs');
  }
  if (req.audio != null) return invalid("'audio' output is not supported by Claude.", 'audio');
  if (req.modalities?.includes('audio')) return invalid("'modalities' containing \"audio\" is not supported by Claude.", 'modalities');
  const format = req.response_format?.type;
  if (format != null && format !== 'text' && format !== 'json_object' && format !== 'json_schema') {
    return invalid(`'response_format.type' "${format}" is not supported; use "text", "json_object" or "json_schema".`, 'response_format.type');
  }
  if (req.functions != null) return invalid("'functions' (legacy function calling) is not supported; use 'tools'.", 'functions');
  if (req.function_call != null) {
    return invalid("'function_call' (legacy function calling) is not supported; use 'tool_choice'.", 'function_call');
  }
  if (req.web_search_options != null) return invalid("'web_search_options' is not supported by this proxy.", 'web_search_options');
  return undefined;
}

function translateTools(req: ChatRequest): Record<string, unknown>[] | Fail {
  const tools: Record<string, unknown>[] = [];
  for (const [i, tool] of (req.tools ?? []).entries()) {
    if (tool.type !== 'function' || !tool.function) {
      return invalid(`tools[${i}]: only tools of type "function" are supported (got "${tool.type}").`, `tools[${i}].type`);
    }
    const fn = tool.function;
    tools.push({
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      // OpenAI allows omitting parameters for a no-argument function; Claude requires a schema.
      input_schema: objectSchema(fn.parameters, `tools[${i}].function.parameters`),
    });
  }
  return tools;
}

function translateToolChoice(req: ChatRequest, hasTools: boolean): Record<string, unknown> | undefined | Fail {
  const choice = req.tool_choice;
  let out: Record<string, unknown> | undefined;
  if (choice == null) out = undefined;
  else if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice === 'none') out = { type: 'none' };
  else if (choice.type === 'function') {
    if (!choice.function) return invalid("Missing required parameter: 'tool_choice.function'.", 'tool_choice.function');
    out = { type: 'tool', name: choice.function.name };
  } else return invalid(`'tool_choice' of type "${choice.type}" is not supported; use "auto", "required", "none" or a function.`, 'tool_choice');

  if (!hasTools) {
    // Without tools, "auto"/"none" mean plain text anyway; forcing a tool cannot be satisfied.
    if (out && (out.type === 'any' || out.type === 'tool')) return invalid("'tool_choice' requires 'tools'.", 'tool_choice');
    return undefined;
  }
  if (req.parallel_tool_calls === false && out?.type !== 'none') {
    out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true };
  }
  return out;
}

// Claude rejects stop sequences that are empty or whitespace-only (e.g. "\n"); they are dropped.
function translateStop(stop: ChatRequest['stop']): string[] {
  const list = stop == null ? [] : typeof stop === 'string' ? [stop] : stop;
  return list.filter((s) => s.trim() !== '');
}

/** response_format json_schema / json_object → the plan (native output_config or a forced tool), or a refusal. */
function structuredFor(req: ChatRequest, model: string, taken: ReadonlySet<string>): StructuredPlan | null | Fail {
  const rf = req.response_format as { type: string; json_schema?: { name?: unknown; schema?: unknown } } | null | undefined;
  if (!rf || rf.type === 'text') return null;
  if (rf.type === 'json_object') return planStructuredOutput({ kind: 'json_object', schema: { type: 'object' } }, model, taken);
  const schema = rf.json_schema?.schema;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return invalid("'response_format.json_schema.schema' must be a JSON schema object.", 'response_format.json_schema.schema');
  }
  const name = typeof rf.json_schema?.name === 'string' ? rf.json_schema.name : undefined;
  return planStructuredOutput({ kind: 'json_schema', name, schema: schema as Record<string, unknown> }, model, taken);
}

/** reasoning_effort (OpenAI), or an Anthropic-style thinking object some clients send on this route. */
function thinkingAsked(req: ChatRequest): { effort?: string; budget?: number } {
  const thinking = req.thinking as { type?: unknown; budget_tokens?: unknown } | undefined;
  if (thinking?.type === 'enabled' && typeof thinking.budget_tokens === 'number') return { budget: thinking.budget_tokens };
  return { effort: typeof req.reasoning_effort === 'string' ? req.reasoning_effort : undefined };
}

export const USER_ID_MAX = 256;

function isFail(v: unknown): v is Fail {
  return typeof v === 'object' && v !== null && (v as { ok?: unknown }).ok === false;
}

export function translateChatRequest(body: unknown, mapping: ModelMapping, defaults: { maxTokens?: number } = {}): TranslateResult {
  const parsed = parseChatRequest(body);
  if (!parsed.ok) return invalid(parsed.message, parsed.param);
  const req = parsed.value;

  const refused = refusal(req);
  if (refused) return refused;
  const upstreamModel = resolveModel(req.model, mapping);
  if (isFail(upstreamModel)) return upstreamModel;

  const converted = convertMessages(req.messages);
  if (!converted.ok) return invalid(converted.message, converted.param);
  let tools: Record<string, unknown>[] | Fail;
  try {
    tools = translateTools(req);
  } catch (e) {
    if (e instanceof Refusal) return invalid(e.message, e.param);
    throw e;
  }
  if (isFail(tools)) return tools;
  const clientHasTools = tools.length > 0;
  let toolChoice = translateToolChoice(req, clientHasTools);
  if (isFail(toolChoice)) return toolChoice;
  const structured = structuredFor(req, upstreamModel, new Set(tools.map((t) => String(t.name))));
  if (isFail(structured)) return structured;
  if (structured?.path === 'tool') {
    tools.push(structured.tool);
    if (toolChoice?.type !== 'tool') toolChoice = { ...toolChoice, ...structuredToolChoice(structured.tool.name, clientHasTools) };
  }

  // A forced tool and extended thinking do not go together on Claude: thinking yields.
  const forced = toolChoice?.type === 'any' || toolChoice?.type === 'tool';
  const asked = forced ? {} : thinkingAsked(req);
  // max_completion_tokens replaced max_tokens in OpenAI's API, so it wins when both are sent.
  const clientMax = req.max_completion_tokens ?? req.max_tokens ?? undefined;
  const plan = planThinking(asked.effort, asked.budget, clientMax, defaults.maxTokens ?? DEFAULT_MAX_TOKENS, upstreamModel);
  const anthropic: Record<string, unknown> = { model: upstreamModel, max_tokens: plan.maxTokens, messages: converted.messages };
  if (converted.system !== undefined) anthropic.system = converted.system;
  if (plan.thinking) anthropic.thinking = plan.thinking;
  // With thinking on, Claude takes neither temperature nor top_p.
  // OpenAI's range is 0–2, Claude's 0–1: values above 1 are clamped, not rescaled, so 0–1 keeps its meaning.
  else if (req.temperature != null) anthropic.temperature = Math.min(req.temperature, 1);
  // Recent Claude models reject temperature and top_p together; temperature is the one clients set on purpose.
  if (req.top_p != null && req.temperature == null && !plan.thinking) anthropic.top_p = req.top_p;
  const outputConfig = { ...(structured?.path === 'native' ? structured.outputConfig : {}), ...(plan.effort ? { effort: plan.effort } : {}) };
  if (Object.keys(outputConfig).length > 0) anthropic.output_config = outputConfig;
  const stop = translateStop(req.stop);
  if (stop.length > 0) anthropic.stop_sequences = stop;
  if (tools.length > 0) anthropic.tools = tools;
  if (toolChoice) anthropic.tool_choice = toolChoice;
  const userId = req.user ?? req.safety_identifier;
  // The Anthropic API takes at most 256 characters here.
  if (userId) anthropic.metadata = { user_id: userId.slice(0, USER_ID_MAX) };
  const stream = req.stream === true;
  if (stream) anthropic.stream = true;

  return {
    ok: true,
    anthropic,
    stream,
    includeUsage: stream && req.stream_options?.include_usage === true,
    requestedModel: req.model,
    upstreamModel,
    structured: structured?.path ?? null,
    ...(structured?.path === 'tool' ? { outputTool: structured.tool.name } : {}),
  };
}
