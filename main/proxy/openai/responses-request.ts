// OpenAI Responses request → Anthropic Messages request. Pure: no I/O; the route passes the settings it needs.
// Stateless: `previous_response_id`, `conversation` and `background` are refused (nothing is stored between
// requests; Codex sends `store: false` and the whole history each turn). The full table is in docs/openai-compat.md.
import { openAIError, type OpenAIErrorBody } from './errors.js';
import { Refusal, type AnthropicMessageParam } from './messages.js';
import { resolveModel, type ModelMapping } from './request.js';
import { convertInput } from './responses-input.js';
import { parseResponsesRequest, type ResponsesRequest } from './responses-schema.js';
import { translateToolChoice, translateTools, type ToolNames } from './responses-tools.js';
import { planStructuredOutput, structuredToolChoice, type StructuredPlan } from './structured-output.js';
import { planThinking } from './thinking.js';

export interface ResponsesContext {
  requestedModel: string;
  upstreamModel: string;
  names: ToolNames;
  /** The forced output tool's name when structured output takes the tool path. */
  outputTool?: string;
  /** The request as parsed, for the fields a Response object echoes. */
  request: ResponsesRequest;
}

export type ResponsesTranslation =
  | { ok: true; anthropic: Record<string, unknown>; stream: boolean; ctx: ResponsesContext; structured: StructuredPlan['path'] | null; notes: string[] }
  | { ok: false; status: number; error: OpenAIErrorBody; requestedModel: string | null };

export interface ResponsesSettings {
  mapping: ModelMapping;
  defaultMaxTokens: number;
  /** [openai] web_search: web_search tools become Claude's server web search tool. */
  webSearch: boolean;
}

/** The Anthropic API's limit on metadata.user_id. */
export const USER_ID_MAX = 256;

function invalid(message: string, param: string | null, requestedModel: string | null, status = 400, code: string | null = null): Extract<ResponsesTranslation, { ok: false }> {
  return { ok: false, status, error: openAIError(message, 'invalid_request_error', code, param), requestedModel };
}

function stateful(req: ResponsesRequest): [string, string] | undefined {
  if (req.previous_response_id) return ['previous_response_id', "'previous_response_id' is not supported: this proxy is stateless and stores no responses. Send the whole conversation in 'input' (with store: false, as Codex does)."];
  if (req.conversation != null) return ['conversation', "'conversation' is not supported: this proxy is stateless. Send the whole conversation in 'input'."];
  if (req.background === true) return ['background', "'background' responses are not supported: this proxy is stateless and cannot be polled."];
  return undefined;
}

/**
 * prompt_cache_key asks for the prompt to be cached: Claude caches up to explicit breakpoints, so one goes on the
 * tools, the system prompt and the newest message (3 of the 4 allowed). The key itself is not sent.
 */
function addCacheBreakpoints(anthropic: Record<string, unknown>, messages: AnthropicMessageParam[]): void {
  const mark = { type: 'ephemeral' };
  const tools = anthropic.tools as Record<string, unknown>[] | undefined;
  if (tools?.length) tools[tools.length - 1] = { ...tools[tools.length - 1], cache_control: mark };
  const system = anthropic.system as Record<string, unknown>[] | undefined;
  if (system?.length) system[system.length - 1] = { ...system[system.length - 1], cache_control: mark };
  const content = messages[messages.length - 1]?.content;
  const last = content?.[content.length - 1];
  // Thinking blocks cannot carry a breakpoint.
  if (last && last.type !== 'thinking' && last.type !== 'redacted_thinking') content[content.length - 1] = { ...last, cache_control: mark };
}

export function translateResponsesRequest(body: unknown, settings: ResponsesSettings): ResponsesTranslation {
  const parsed = parseResponsesRequest(body);
  const bodyModel = typeof (body as { model?: unknown })?.model === 'string' ? ((body as { model: string }).model) : null;
  if (!parsed.ok) return invalid(parsed.message, parsed.param, bodyModel);
  const req = parsed.value;
  const refusedState = stateful(req);
  if (refusedState) return invalid(refusedState[1], refusedState[0], req.model);
  const upstreamModel = resolveModel(req.model, settings.mapping);
  if (typeof upstreamModel !== 'string') return { ...upstreamModel, requestedModel: req.model };

  try {
    const translated = translateTools(req.tools, settings.webSearch);
    const { system, messages } = convertInput(req, translated.names);
    if (messages.length === 0) return invalid("'input' must contain at least one non-empty user or assistant item.", 'input', req.model);
    let toolChoice = translateToolChoice(req, translated);

    const format = req.text?.format;
    let structured: StructuredPlan | null = null;
    if (format && format.type !== 'text') {
      structured = planStructuredOutput(
        format.type === 'json_schema' ? { kind: 'json_schema', name: format.name ?? undefined, schema: format.schema } : { kind: 'json_object', schema: { type: 'object' } },
        upstreamModel,
        new Set(translated.tools.map((t) => String(t.name))),
      );
      if (structured.path === 'tool') {
        const clientHasTools = translated.tools.length > 0;
        translated.tools.push(structured.tool);
        if (toolChoice?.type !== 'tool') toolChoice = { ...toolChoice, ...structuredToolChoice(structured.tool.name, clientHasTools) };
      }
    }

    // A forced tool and extended thinking do not go together on Claude: thinking yields.
    const forced = toolChoice?.type === 'any' || toolChoice?.type === 'tool';
    const plan = planThinking(forced ? undefined : req.reasoning?.effort, undefined, req.max_output_tokens ?? undefined, settings.defaultMaxTokens, upstreamModel);
    const anthropic: Record<string, unknown> = { model: upstreamModel, max_tokens: plan.maxTokens, messages };
    if (system.length > 0) anthropic.system = [{ type: 'text', text: system.join('\n\n') }];
    if (plan.thinking) anthropic.thinking = plan.thinking;
    // With thinking on, Claude takes neither temperature nor top_p; otherwise as on Chat Completions.
    else if (req.temperature != null) anthropic.temperature = Math.min(req.temperature, 1);
    else if (req.top_p != null) anthropic.top_p = req.top_p;
    if (translated.tools.length > 0) anthropic.tools = translated.tools;
    if (toolChoice) anthropic.tool_choice = toolChoice;
    const outputConfig = { ...(structured?.path === 'native' ? structured.outputConfig : {}), ...(plan.effort ? { effort: plan.effort } : {}) };
  if (Object.keys(outputConfig).length > 0) anthropic.output_config = outputConfig;
    const userId = req.safety_identifier ?? req.user;
    if (userId) anthropic.metadata = { user_id: userId.slice(0, USER_ID_MAX) };
    if (req.prompt_cache_key) addCacheBreakpoints(anthropic, messages);
    const stream = req.stream === true;
    if (stream) anthropic.stream = true;
    return {
      ok: true,
      anthropic,
      stream,
      structured: structured?.path ?? null,
      notes: translated.notes,
      ctx: { requestedModel: req.model, upstreamModel, names: translated.names, outputTool: structured?.path === 'tool' ? structured.tool.name : undefined, request: req },
    };
  } catch (e) {
    if (e instanceof Refusal) return invalid(e.message, e.param, req.model);
    throw e;
  }
}
