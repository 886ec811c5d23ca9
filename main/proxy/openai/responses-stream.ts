// Anthropic Messages stream events → Responses API SSE events, one upstream event at a time (nothing is held back
// except a freeform tool's input, which only parses once whole). Every event carries its sequence_number. The end
// is response.completed, response.incomplete (max_tokens) or response.failed + error; a stream that broke or
// never said message_stop is never reported as completed.
import { mapAnthropicErrorType } from './errors.js';
import type { AnthropicUsage } from './response.js';
import type { ResponsesContext } from './responses-request.js';
import { callItem, itemId, messageItem, outputTextPart, reasoningItem, responseId, responseObject, statusFor, toResponsesUsage, type OutputItem } from './responses-response.js';
import { encodeReasoning } from './thinking.js';

type Kind = 'text' | 'reasoning' | 'redacted' | 'call' | 'custom' | 'output_json' | 'web_search';

interface Slot {
  kind: Kind;
  outputIndex: number;
  id: string;
  buffer: string;
  signature: string;
  toolUseId: string;
  name: string;
}

export class ResponsesStreamTranslator {
  private seq = 0;
  private id: string | undefined;
  private readonly createdAt: number;
  private started = false;
  private finished = false;
  /** The stream was ended as a failure (an error event, or cut off before its stop). */
  failed = false;
  private readonly slots = new Map<number, Slot>();
  private readonly output: OutputItem[] = [];
  private usage: AnthropicUsage & { output_tokens_details?: { thinking_tokens?: number } } = {};
  private stopReason: string | null = null;

  constructor(private readonly ctx: ResponsesContext, createdAt = Math.floor(Date.now() / 1000)) {
    this.createdAt = createdAt;
  }

  get done(): boolean {
    return this.finished;
  }

  private event(type: string, fields: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, ...fields, sequence_number: this.seq++ })}\n\n`;
  }

  private envelope(status: 'in_progress' | 'completed' | 'incomplete' | 'failed', extra: { incomplete_details?: { reason: string } | null; error?: { code: string; message: string } } = {}) {
    const usage = status === 'in_progress' ? null : toResponsesUsage(this.usage);
    return responseObject(this.ctx, { id: (this.id ??= responseId(undefined)), createdAt: this.createdAt, status, output: this.output, usage, ...extra });
  }

  private start(out: string[]): void {
    if (this.started) return;
    this.started = true;
    const response = this.envelope('in_progress');
    out.push(this.event('response.created', { response }), this.event('response.in_progress', { response }));
  }

  private mergeUsage(u: Record<string, unknown> | undefined): void {
    if (!u) return;
    for (const key of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const) {
      if (typeof u[key] === 'number') this.usage[key] = u[key] as number;
    }
    const details = u.output_tokens_details as { thinking_tokens?: unknown } | undefined;
    if (typeof details?.thinking_tokens === 'number') this.usage.output_tokens_details = { thinking_tokens: details.thinking_tokens };
  }

  /** Feed one upstream event (its name and parsed data). Returns complete SSE frames, in order. */
  push(eventName: string, data: any): string[] {
    if (this.finished) return [];
    const type: string = typeof data?.type === 'string' ? data.type : eventName;
    if (type === 'error') {
      const err = data?.error ?? data;
      return this.fail(typeof err?.message === 'string' ? err.message : 'Upstream stream error', typeof err?.type === 'string' ? err.type : undefined);
    }
    const out: string[] = [];
    switch (type) {
      case 'message_start':
        this.id ??= responseId(data?.message?.id);
        this.mergeUsage(data?.message?.usage);
        this.start(out);
        break;
      case 'content_block_start':
        this.start(out);
        this.open(data?.index, data?.content_block, out);
        break;
      case 'content_block_delta':
        this.delta(this.slots.get(data?.index), data?.delta, out);
        break;
      case 'content_block_stop':
        this.close(this.slots.get(data?.index), out);
        this.slots.delete(data?.index);
        break;
      case 'message_delta':
        this.mergeUsage(data?.usage);
        if (data?.delta?.stop_reason != null) this.stopReason = data.delta.stop_reason;
        break;
      case 'message_stop':
        out.push(...this.finish());
        break;
    }
    return out;
  }

  private open(index: number, block: any, out: string[]): void {
    const outputIndex = this.output.length;
    const respId = (this.id ??= responseId(undefined));
    const base = { outputIndex, buffer: '', signature: '', toolUseId: String(block?.id ?? ''), name: String(block?.name ?? '') };
    let slot: Slot;
    let item: OutputItem;
    switch (block?.type) {
      case 'text':
      case 'tool_use':
        if (block.type === 'text' || block.name === this.ctx.outputTool) {
          slot = { ...base, kind: block.type === 'text' ? 'text' : 'output_json', id: itemId('msg', respId, outputIndex) };
          item = messageItem(slot.id, '', 'in_progress');
          this.added(item, out);
          out.push(this.event('response.content_part.added', { item_id: slot.id, output_index: outputIndex, content_index: 0, part: outputTextPart('') }));
          break;
        }
        item = callItem(this.ctx, respId, outputIndex, base.toolUseId, base.name, {}, 'in_progress');
        slot = { ...base, kind: item.type === 'custom_tool_call' ? 'custom' : 'call', id: item.id };
        this.added(item, out);
        break;
      case 'thinking':
        slot = { ...base, kind: 'reasoning', id: itemId('rs', respId, outputIndex) };
        this.added(reasoningItem(slot.id, '', null), out);
        out.push(this.event('response.reasoning_summary_part.added', { item_id: slot.id, output_index: outputIndex, summary_index: 0, part: { type: 'summary_text', text: '' } }));
        break;
      case 'redacted_thinking':
        slot = { ...base, kind: 'redacted', id: itemId('rs', respId, outputIndex), signature: String(block.data ?? '') };
        this.added(reasoningItem(slot.id, '', null), out);
        break;
      case 'server_tool_use':
        slot = { ...base, kind: 'web_search', id: itemId('ws', respId, outputIndex) };
        this.added({ type: 'web_search_call', id: slot.id, status: 'in_progress', action: { type: 'search', query: '' } }, out);
        break;
      default:
        return; // web_search_tool_result and other blocks: no item of their own
    }
    this.slots.set(index, slot);
  }

  private added(item: OutputItem, out: string[]): void {
    this.output.push(item);
    out.push(this.event('response.output_item.added', { output_index: this.output.length - 1, item }));
  }

  private delta(slot: Slot | undefined, delta: any, out: string[]): void {
    if (!slot) return;
    const at = { item_id: slot.id, output_index: slot.outputIndex };
    if (delta?.type === 'text_delta' && slot.kind === 'text') {
      slot.buffer += delta.text;
      out.push(this.event('response.output_text.delta', { ...at, content_index: 0, delta: delta.text, logprobs: [] }));
    } else if (delta?.type === 'thinking_delta' && slot.kind === 'reasoning') {
      slot.buffer += delta.thinking;
      out.push(this.event('response.reasoning_summary_text.delta', { ...at, summary_index: 0, delta: delta.thinking }));
    } else if (delta?.type === 'signature_delta') {
      slot.signature += String(delta.signature ?? '');
    } else if (delta?.type === 'input_json_delta' && typeof delta.partial_json === 'string' && delta.partial_json !== '') {
      slot.buffer += delta.partial_json;
      if (slot.kind === 'call') out.push(this.event('response.function_call_arguments.delta', { ...at, delta: delta.partial_json }));
      else if (slot.kind === 'output_json') out.push(this.event('response.output_text.delta', { ...at, content_index: 0, delta: delta.partial_json, logprobs: [] }));
    }
  }

  private close(slot: Slot | undefined, out: string[]): void {
    if (!slot) return;
    const at = { item_id: slot.id, output_index: slot.outputIndex };
    let item: OutputItem;
    switch (slot.kind) {
      case 'text':
      case 'output_json': {
        // A forced output tool that streamed no JSON answered an empty object.
        const text = slot.kind === 'output_json' && slot.buffer === '' ? '{}' : slot.buffer;
        out.push(this.event('response.output_text.done', { ...at, content_index: 0, text, logprobs: [] }));
        out.push(this.event('response.content_part.done', { ...at, content_index: 0, part: outputTextPart(text) }));
        item = messageItem(slot.id, text, 'completed');
        break;
      }
      case 'reasoning':
        out.push(this.event('response.reasoning_summary_text.done', { ...at, summary_index: 0, text: slot.buffer }));
        out.push(this.event('response.reasoning_summary_part.done', { ...at, summary_index: 0, part: { type: 'summary_text', text: slot.buffer } }));
        item = reasoningItem(slot.id, slot.buffer, encodeReasoning({ type: 'thinking', signature: slot.signature }));
        break;
      case 'redacted':
        item = reasoningItem(slot.id, '', encodeReasoning({ type: 'redacted_thinking', data: slot.signature }));
        break;
      case 'call':
      case 'custom': {
        const input = parseObject(slot.buffer);
        item = callItem(this.ctx, this.id!, slot.outputIndex, slot.toolUseId, slot.name, input, 'completed');
        if (slot.kind === 'call') {
          out.push(this.event('response.function_call_arguments.done', { ...at, name: item.name, arguments: item.arguments }));
        } else {
          out.push(this.event('response.custom_tool_call_input.delta', { ...at, delta: item.input }));
          out.push(this.event('response.custom_tool_call_input.done', { ...at, input: item.input }));
        }
        break;
      }
      case 'web_search':
        item = { type: 'web_search_call', id: slot.id, status: 'completed', action: { type: 'search', query: String(parseObject(slot.buffer).query ?? '') } };
        break;
    }
    this.output[slot.outputIndex] = item;
    out.push(this.event('response.output_item.done', { output_index: slot.outputIndex, item }));
  }

  /** The end after message_stop: response.completed, or response.incomplete when max_tokens cut the answer. */
  finish(): string[] {
    if (this.finished) return [];
    if (this.stopReason === null) return this.fail('The upstream stream ended before the message was complete.');
    const out: string[] = [];
    this.start(out);
    this.finished = true;
    const { status, incomplete_details } = statusFor(this.stopReason);
    out.push(this.event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: this.envelope(status, { incomplete_details }) }));
    return out;
  }

  /** The end on an upstream error or a broken stream: response.failed, then an error event. */
  fail(message: string, anthropicType?: string): string[] {
    if (this.finished) return [];
    const out: string[] = [];
    this.start(out);
    this.finished = true;
    this.failed = true;
    const { type, code } = mapAnthropicErrorType(anthropicType, 500, message);
    const errorCode = code ?? type;
    out.push(this.event('response.failed', { response: this.envelope('failed', { error: { code: errorCode, message } }) }));
    out.push(this.event('error', { code: errorCode, message, param: null }));
    return out;
  }
}

function parseObject(json: string): Record<string, unknown> {
  if (json.trim() === '') return {};
  try {
    const v = JSON.parse(json);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}
