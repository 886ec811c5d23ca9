// Anthropic Messages response → OpenAI chat.completion object. The shapes below are the subset of
// each API this proxy reads or writes, declared here so runtime code does not depend on the openai
// package (a dev dependency); test/unit/openai-sdk-parse.test.ts checks them against the real SDK.
import { fromAnthropicToolId } from './tool-ids.js';

export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

export interface AnthropicMessage {
  id: string;
  type?: 'message';
  role?: 'assistant';
  model?: string;
  content: Array<{ type: string; text?: string; id?: string; name?: string; input?: unknown; [k: string]: unknown }>;
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: AnthropicUsage;
}

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface OpenAIChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: 'assistant';
      content: string | null;
      tool_calls?: OpenAIToolCall[];
      refusal: null;
      /** Claude's thinking as text (the field DeepSeek, LiteLLM and OpenRouter clients read). */
      reasoning_content?: string;
      /** The thinking blocks with their signatures, to send back on the next turn (LiteLLM's field). */
      thinking_blocks?: Array<Record<string, unknown>>;
    };
    finish_reason: FinishReason;
    logprobs: null;
  }>;
  usage: OpenAIUsage;
}

export function mapStopReason(r: string | null | undefined): FinishReason | null {
  switch (r) {
    case 'end_turn':
    case 'stop_sequence':
    // pause_turn means a server tool paused a long turn; to an OpenAI client the turn simply ended.
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    case null:
    case undefined:
      return null;
    default:
      return 'stop';
  }
}

/** "msg_01abc" → "chatcmpl-01abc": clients only need a unique id, and keeping Anthropic's helps correlate logs. */
export function completionId(anthropicId: string | undefined): string {
  if (!anthropicId) return `chatcmpl-${crypto.randomUUID().replaceAll('-', '')}`;
  return `chatcmpl-${anthropicId.startsWith('msg_') ? anthropicId.slice(4) : anthropicId}`;
}

/** OpenAI's prompt_tokens counts the whole prompt; Anthropic splits cached parts out of input_tokens. */
export function toOpenAIUsage(usage: AnthropicUsage | undefined): OpenAIUsage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const prompt = (usage?.input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0) + cacheRead;
  const completion = usage?.output_tokens ?? 0;
  const out: OpenAIUsage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (cacheRead > 0) out.prompt_tokens_details = { cached_tokens: cacheRead };
  return out;
}

export function translateMessageResponse(
  message: AnthropicMessage,
  ctx: { requestedModel: string; created?: number; outputTool?: string },
): OpenAIChatCompletion {
  const texts: string[] = [];
  const toolCalls: OpenAIToolCall[] = [];
  const reasoning: string[] = [];
  const thinkingBlocks: Array<Record<string, unknown>> = [];
  let answeredByOutputTool = false;
  // Server-tool blocks have no Chat Completions equivalent and are dropped.
  for (const block of message.content ?? []) {
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'thinking') {
      reasoning.push(String(block.thinking ?? ''));
      thinkingBlocks.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
    } else if (block.type === 'redacted_thinking') thinkingBlocks.push({ type: 'redacted_thinking', data: block.data });
    else if (block.type === 'tool_use' && block.name === ctx.outputTool) {
      // Structured output on the tool path: the forced tool's input is the answer, as JSON text.
      texts.push(JSON.stringify(block.input ?? {}));
      answeredByOutputTool = true;
    } else if (block.type === 'tool_use') {
      toolCalls.push({
        id: fromAnthropicToolId(String(block.id)),
        type: 'function',
        function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  // content is null only for a pure tool-call answer, as OpenAI does; an empty answer is "".
  const content = texts.length > 0 ? texts.join('') : toolCalls.length > 0 ? null : '';
  return {
    id: completionId(message.id),
    object: 'chat.completion',
    created: ctx.created ?? Math.floor(Date.now() / 1000),
    model: ctx.requestedModel,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          refusal: null,
          ...(thinkingBlocks.length > 0 ? { reasoning_content: reasoning.join(''), thinking_blocks: thinkingBlocks } : {}),
        },
        finish_reason: answeredByOutputTool && toolCalls.length === 0 ? 'stop' : (mapStopReason(message.stop_reason) ?? 'stop'),
        logprobs: null,
      },
    ],
    usage: toOpenAIUsage(message.usage),
  };
}
