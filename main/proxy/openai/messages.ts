// OpenAI `messages` → Anthropic `system` + `messages`. Anthropic differs in three ways that matter:
// the system prompt is a top-level field, tool results are user content blocks rather than a role,
// and roles must alternate. Text blocks must also contain non-whitespace, so empty ones are dropped.
import type { ChatMessage } from './schema.js';
import { toAnthropicToolId } from './tool-ids.js';

type Block = Record<string, unknown>;
export interface AnthropicMessageParam {
  role: 'user' | 'assistant';
  content: Block[];
}
export type ConvertResult =
  | { ok: true; system: string | Block[] | undefined; messages: AnthropicMessageParam[] }
  | { ok: false; message: string; param: string };

export class Refusal extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
  }
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
// Spellings clients send for the types Claude accepts (image/jpg is common; it is not a registered type).
const IMAGE_ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg' };

function textOf(content: string | Array<{ text: string }>): string {
  return typeof content === 'string' ? content : content.map((p) => p.text).join('\n');
}

export function textBlock(text: string): Block[] {
  return text.trim() ? [{ type: 'text', text }] : [];
}

/** `data:<media type>;base64,<data>` → its parts, or undefined when it is not a base64 data URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const m = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/s.exec(url);
  return m ? { mediaType: m[1].toLowerCase(), data: m[3] } : undefined;
}

export function imageBlock(url: string, param: string): Block {
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  const parsed = parseDataUrl(url);
  if (!parsed) throw new Refusal(`${param}: image URLs must be http(s) URLs or base64 data: URLs.`, param);
  const mediaType = IMAGE_ALIASES[parsed.mediaType] ?? parsed.mediaType;
  if (!IMAGE_TYPES.has(mediaType)) {
    throw new Refusal(`${param}: unsupported image type "${parsed.mediaType}" (Claude accepts jpeg, png, gif and webp).`, param);
  }
  return { type: 'image', source: { type: 'base64', media_type: mediaType, data: parsed.data } };
}

/** A part's cache_control (Anthropic's prompt-caching breakpoint, which some OpenAI clients send) goes on its block. */
function withCache(blocks: Block[], part: { cache_control?: unknown }): Block[] {
  const mark = part.cache_control;
  if (typeof mark !== 'object' || mark === null || blocks.length === 0) return blocks;
  blocks[blocks.length - 1] = { ...blocks[blocks.length - 1], cache_control: mark };
  return blocks;
}

type UserPart = Extract<ChatMessage, { role: 'user' }>['content'] extends string | Array<infer P> ? P : never;

function userPart(part: UserPart, param: string): Block[] {
  return withCache(userBlocks(part, param), part as { cache_control?: unknown });
}

function userBlocks(part: UserPart, param: string): Block[] {
  switch (part.type) {
    case 'text':
      return textBlock(part.text);
    case 'image_url':
      return [imageBlock(part.image_url.url, `${param}.image_url.url`)];
    case 'file': {
      // Only inline PDFs can be forwarded: OpenAI file ids point into OpenAI's storage.
      const parsed = part.file.file_data ? parseDataUrl(part.file.file_data) : undefined;
      if (parsed?.mediaType === 'application/pdf') {
        return [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: parsed.data } }];
      }
      throw new Refusal(`${param}: only PDF files sent inline as base64 file_data are supported.`, param);
    }
    case 'input_audio':
      throw new Refusal(`${param}: audio input is not supported by Claude.`, param);
  }
}

/** Thinking a previous answer carried (`thinking_blocks`, with signatures) goes back first, as Claude requires. */
function thinkingBlocks(list: unknown): Block[] {
  if (!Array.isArray(list)) return [];
  const out: Block[] = [];
  for (const b of list as Array<Record<string, unknown>>) {
    if (b?.type === 'thinking' && typeof b.thinking === 'string' && typeof b.signature === 'string') out.push({ type: 'thinking', thinking: b.thinking, signature: b.signature });
    else if (b?.type === 'redacted_thinking' && typeof b.data === 'string') out.push({ type: 'redacted_thinking', data: b.data });
  }
  return out;
}

function assistantBlocks(msg: Extract<ChatMessage, { role: 'assistant' }>, i: number): Block[] {
  if (msg.function_call != null) {
    throw new Refusal(
      `messages[${i}].function_call: the legacy function-calling format is not supported; use tool_calls.`,
      `messages[${i}].function_call`,
    );
  }
  const blocks: Block[] = thinkingBlocks(msg.thinking_blocks);
  if (typeof msg.content === 'string') blocks.push(...textBlock(msg.content));
  else for (const p of msg.content ?? []) blocks.push(...withCache(textBlock(p.type === 'text' ? p.text : p.refusal), p as { cache_control?: unknown }));
  (msg.tool_calls ?? []).forEach((call, j) => {
    const param = `messages[${i}].tool_calls[${j}].function.arguments`;
    const raw = call.function.arguments;
    let input: unknown;
    try {
      // Some clients send "" for a call without arguments; Claude needs an object.
      input = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch (e) {
      throw new Refusal(`${param} (message ${i}) is not valid JSON: ${(e as Error).message}`, param);
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new Refusal(`${param} (message ${i}) must be a JSON object.`, param);
    }
    blocks.push({ type: 'tool_use', id: toAnthropicToolId(call.id), name: call.function.name, input });
  });
  return blocks;
}

function toolResult(msg: Extract<ChatMessage, { role: 'tool' }>): Block {
  const block: Block = { type: 'tool_result', tool_use_id: toAnthropicToolId(msg.tool_call_id) };
  if (typeof msg.content === 'string') {
    if (msg.content !== '') block.content = msg.content;
  } else {
    const parts = msg.content.flatMap((p) => withCache(textBlock(p.text), p as { cache_control?: unknown }));
    if (parts.length > 0) block.content = parts;
  }
  return block;
}

function convert(messages: ChatMessage[]): { system: string | Block[] | undefined; messages: AnthropicMessageParam[] } {
  const system: string[] = [];
  const systemBlocks: Block[] = [];
  let systemCached = false;
  const out: AnthropicMessageParam[] = [];
  const append = (role: 'user' | 'assistant', blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    // Anthropic requires alternating roles; consecutive same-role turns (including runs of tool
    // results, which become user turns) are merged in order.
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  messages.forEach((msg, i) => {
    switch (msg.role) {
      case 'system':
      case 'developer': {
        const text = textOf(msg.content);
        if (text.trim()) system.push(text);
        // Parts keep their own cache_control; the system prompt is then sent as blocks.
        if (typeof msg.content === 'string') systemBlocks.push(...textBlock(msg.content));
        else for (const p of msg.content) systemBlocks.push(...withCache(textBlock(p.text), p as { cache_control?: unknown }));
        systemCached ||= systemBlocks.some((b) => b.cache_control !== undefined);
        return;
      }
      case 'user': {
        const blocks =
          typeof msg.content === 'string'
            ? textBlock(msg.content)
            : msg.content.flatMap((p, j) => userPart(p, `messages[${i}].content[${j}]`));
        return append('user', blocks);
      }
      case 'assistant':
        return append('assistant', assistantBlocks(msg, i));
      case 'tool':
        return append('user', [toolResult(msg)]);
      case 'function':
        throw new Refusal(
          `messages[${i}]: role "function" (legacy function calling) is not supported; use tool messages.`,
          `messages[${i}].role`,
        );
    }
  });
  if (systemCached) return { system: systemBlocks, messages: out };
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: out };
}

export function convertMessages(messages: ChatMessage[]): ConvertResult {
  try {
    const result = convert(messages);
    if (result.messages.length === 0) {
      return { ok: false, message: 'messages must contain at least one non-empty user or assistant message.', param: 'messages' };
    }
    return { ok: true, ...result };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, message: e.message, param: e.param };
    throw e;
  }
}
