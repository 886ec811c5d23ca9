// Anthropic Message → OpenAI Response object (non-streaming), and the pieces the stream translator shares:
// ids, usage, status and the envelope. Shapes follow the openai SDK's resources/responses types; only the fields
// this proxy fills are declared.
import type { AnthropicMessage, AnthropicUsage } from './response.js';
import type { ResponsesContext } from './responses-request.js';
import { encodeReasoning } from './thinking.js';
import { fromAnthropicToolId } from './tool-ids.js';

export type OutputItem = Record<string, unknown> & { type: string; id: string };

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'completed' | 'incomplete' | 'failed' | 'in_progress';

/** "msg_01abc" → "resp_01abc", so a record and the client's id can be matched. */
export function responseId(anthropicId: string | undefined): string {
  if (!anthropicId) return `resp_${crypto.randomUUID().replaceAll('-', '')}`;
  return `resp_${anthropicId.startsWith('msg_') ? anthropicId.slice(4) : anthropicId}`;
}

/** Item ids derived from the response id and the item's place, so they are unique and stable within a response. */
export function itemId(prefix: 'msg' | 'fc' | 'ctc' | 'rs' | 'ws', respId: string, index: number): string {
  return `${prefix}_${respId.slice(5)}_${index}`;
}

/** input_tokens counts the whole prompt (OpenAI's way); cached reads are reported apart as well. */
export function toResponsesUsage(u: (AnthropicUsage & { output_tokens_details?: { thinking_tokens?: number } | null }) | undefined): ResponsesUsage {
  const cached = u?.cache_read_input_tokens ?? 0;
  const input = (u?.input_tokens ?? 0) + (u?.cache_creation_input_tokens ?? 0) + cached;
  const output = u?.output_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: u?.output_tokens_details?.thinking_tokens ?? 0 },
    total_tokens: input + output,
  };
}

/** Claude's stop_reason → the Response's status and incomplete_details. */
export function statusFor(stopReason: string | null | undefined): { status: ResponseStatus; incomplete_details: { reason: string } | null } {
  if (stopReason === 'max_tokens' || stopReason === 'model_context_window_exceeded') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (stopReason === 'refusal') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

export interface Envelope {
  id: string;
  createdAt: number;
  status: ResponseStatus;
  output: OutputItem[];
  usage: ResponsesUsage | null;
  incomplete_details?: { reason: string } | null;
  error?: { code: string; message: string } | null;
}

/**
 * The Response object around the output, echoing the request's settings the way OpenAI does, except the tool list:
 * `tools` is always [] (the client has its tools; the SDKs parse calls against the request's own list, and echoing
 * Codex's would add ~40 KiB to every answer and to three events of every stream).
 */
export function responseObject(ctx: ResponsesContext, e: Envelope): Record<string, unknown> {
  const r = ctx.request;
  const text = e.output
    .filter((i) => i.type === 'message')
    .flatMap((i) => (i.content as Array<{ type: string; text?: string }>).filter((c) => c.type === 'output_text').map((c) => c.text ?? ''))
    .join('');
  return {
    id: e.id,
    object: 'response',
    created_at: e.createdAt,
    status: e.status,
    error: e.error ?? null,
    incomplete_details: e.incomplete_details ?? null,
    instructions: r.instructions ?? null,
    max_output_tokens: r.max_output_tokens ?? null,
    model: ctx.requestedModel,
    output: e.output,
    output_text: text,
    parallel_tool_calls: r.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: r.reasoning?.effort ?? null, summary: r.reasoning?.summary ?? null },
    store: false,
    temperature: r.temperature ?? null,
    text: { format: r.text?.format ?? { type: 'text' } },
    tool_choice: r.tool_choice ?? 'auto',
    tools: [],
    top_p: r.top_p ?? null,
    truncation: 'disabled',
    usage: e.usage,
    metadata: r.metadata ?? {},
  };
}

type Block = AnthropicMessage['content'][number];

/** One Claude content block → the output item it becomes (undefined for blocks with no Responses equivalent). */
export function outputItemFor(block: Block, ctx: ResponsesContext, respId: string, index: number): OutputItem | undefined {
  switch (block.type) {
    case 'text':
      return messageItem(itemId('msg', respId, index), String(block.text ?? ''), 'completed');
    case 'thinking':
      return reasoningItem(itemId('rs', respId, index), String(block.thinking ?? ''), encodeReasoning({ type: 'thinking', signature: String(block.signature ?? '') }));
    case 'redacted_thinking':
      return reasoningItem(itemId('rs', respId, index), '', encodeReasoning({ type: 'redacted_thinking', data: String(block.data ?? '') }));
    case 'tool_use': {
      const name = String(block.name);
      // Structured output on the tool path: the tool's input is the answer, as JSON text.
      if (name === ctx.outputTool) return messageItem(itemId('msg', respId, index), JSON.stringify(block.input ?? {}), 'completed');
      return callItem(ctx, respId, index, String(block.id), name, block.input ?? {}, 'completed');
    }
    case 'server_tool_use':
      return { type: 'web_search_call', id: itemId('ws', respId, index), status: 'completed', action: { type: 'search', query: String((block.input as { query?: unknown })?.query ?? '') } };
    default:
      return undefined;
  }
}

export function messageItem(id: string, text: string, status: 'in_progress' | 'completed' | 'incomplete'): OutputItem {
  return { type: 'message', id, status, role: 'assistant', content: status === 'in_progress' ? [] : [outputTextPart(text)] };
}

export function outputTextPart(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

export function reasoningItem(id: string, text: string, encrypted: string | null): OutputItem {
  return { type: 'reasoning', id, summary: text ? [{ type: 'summary_text', text }] : [], encrypted_content: encrypted };
}

/** A function_call or custom_tool_call with the client's name, namespace and call id. */
export function callItem(ctx: ResponsesContext, respId: string, index: number, toolUseId: string, upstreamName: string, input: unknown, status: 'in_progress' | 'completed'): OutputItem {
  const entry = ctx.names.client(upstreamName) ?? { name: upstreamName, kind: 'function' as const };
  const common = { call_id: fromAnthropicToolId(toolUseId), name: entry.name, ...(entry.namespace ? { namespace: entry.namespace } : {}), status };
  if (entry.kind === 'custom') {
    const raw = (input as { input?: unknown })?.input;
    return { type: 'custom_tool_call', id: itemId('ctc', respId, index), ...common, input: status === 'in_progress' ? '' : typeof raw === 'string' ? raw : JSON.stringify(input) };
  }
  return { type: 'function_call', id: itemId('fc', respId, index), ...common, arguments: status === 'in_progress' ? '' : JSON.stringify(input) };
}

export function translateResponse(message: AnthropicMessage, ctx: ResponsesContext, createdAt = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  const id = responseId(message.id);
  const output: OutputItem[] = [];
  (message.content ?? []).forEach((block, i) => {
    const item = outputItemFor(block, ctx, id, i);
    if (item) output.push(item);
  });
  const { status, incomplete_details } = statusFor(message.stop_reason);
  return responseObject(ctx, { id, createdAt, status, incomplete_details, output, usage: toResponsesUsage(message.usage) });
}
