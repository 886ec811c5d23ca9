// Anthropic Messages SSE events → OpenAI chat.completion.chunk SSE frames, one event at a time.
// Stateful only in what the OpenAI format needs: the ids, which content block is which tool call,
// the usage seen so far, and whether the final chunk / [DONE] were already written.
import { mapAnthropicErrorType } from './errors.js';
import { completionId, mapStopReason, toOpenAIUsage, type AnthropicUsage, type FinishReason } from './response.js';
import { fromAnthropicToolId } from './tool-ids.js';

interface ToolSlot {
  index: number;
  sentArguments: boolean;
}

/** A thinking block being streamed: its text and signature, sent as thinking_blocks when it ends. */
interface ThinkingSlot {
  thinking: string;
  signature: string;
  redacted?: string;
}

const DONE = 'data: [DONE]\n\n';

function frame(body: unknown): string {
  return `data: ${JSON.stringify(body)}\n\n`;
}

export class ChatStreamTranslator {
  private id: string | undefined;
  private readonly created: number;
  private readonly requestedModel: string;
  private readonly includeUsage: boolean;
  private started = false;
  private finishReason: FinishReason | null = null;
  private finishSent = false;
  private finished = false;
  /** The stream was ended as a failure (an error event, or cut off before its stop reason). */
  failed = false;
  private readonly tools = new Map<number, ToolSlot>();
  private readonly thinking = new Map<number, ThinkingSlot>();
  private readonly outputTool: string | undefined;
  /** Index of the forced structured-output tool's block, whose JSON is streamed as content. */
  private outputBlock: number | undefined;
  private outputSent = false;
  private upstreamStopReason: string | null = null;
  private usage: AnthropicUsage = {};

  constructor(ctx: { requestedModel: string; includeUsage: boolean; created?: number; outputTool?: string }) {
    this.requestedModel = ctx.requestedModel;
    this.includeUsage = ctx.includeUsage;
    this.outputTool = ctx.outputTool;
    this.created = ctx.created ?? Math.floor(Date.now() / 1000);
  }

  get done(): boolean {
    return this.finished;
  }

  private chunk(delta: Record<string, unknown>, finishReason: FinishReason | null = null): string {
    return frame({
      id: (this.id ??= completionId(undefined)),
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.requestedModel,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      // OpenAI sends "usage": null on every chunk when include_usage is on, and the totals at the end.
      ...(this.includeUsage ? { usage: null } : {}),
    });
  }

  /** The role chunk OpenAI always sends first; emitted lazily so an out-of-order event still gets one. */
  private start(out: string[]): void {
    if (this.started) return;
    this.started = true;
    out.push(this.chunk({ role: 'assistant', content: '' }));
  }

  private mergeUsage(u: AnthropicUsage | undefined): void {
    if (!u) return;
    for (const key of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const) {
      if (typeof u[key] === 'number') this.usage[key] = u[key];
    }
  }

  /** Feed one upstream SSE event (its `event:` name and parsed `data:` JSON). Returns complete SSE frames, in order. */
  push(eventName: string, data: any): string[] {
    if (this.finished) return [];
    const type: string = typeof data?.type === 'string' ? data.type : eventName;
    if (eventName === 'error' || type === 'error') {
      const err = data?.error ?? data;
      const message = typeof err?.message === 'string' ? err.message : 'Upstream stream error';
      return this.fail(message, typeof err?.type === 'string' ? err.type : undefined);
    }
    const out: string[] = [];
    switch (type) {
      case 'message_start':
        this.id ??= completionId(data?.message?.id);
        this.mergeUsage(data?.message?.usage);
        this.start(out);
        break;
      case 'content_block_start': {
        const block = data?.content_block;
        if (block?.type === 'thinking') this.thinking.set(data.index, { thinking: '', signature: '' });
        if (block?.type === 'redacted_thinking') this.thinking.set(data.index, { thinking: '', signature: '', redacted: String(block.data ?? '') });
        if (block?.type === 'tool_use' && block.name === this.outputTool && this.outputTool !== undefined) {
          this.outputBlock = data.index;
          this.start(out);
          break;
        }
        if (block?.type !== 'tool_use') break;
        this.start(out);
        const input = block.input;
        const hasInput = typeof input === 'object' && input !== null && Object.keys(input).length > 0;
        const slot: ToolSlot = { index: this.tools.size, sentArguments: hasInput };
        this.tools.set(data.index, slot);
        const args = hasInput ? JSON.stringify(input) : '';
        out.push(this.chunk({ tool_calls: [{ index: slot.index, id: fromAnthropicToolId(String(block.id)), type: 'function', function: { name: block.name, arguments: args } }] }));
        break;
      }
      case 'content_block_delta': {
        const delta = data?.delta;
        if (delta?.type === 'text_delta' && typeof delta.text === 'string' && delta.text !== '') {
          this.start(out);
          out.push(this.chunk({ content: delta.text }));
        } else if (delta?.type === 'thinking_delta' && typeof delta.thinking === 'string') {
          const slot = this.thinking.get(data.index);
          if (slot) slot.thinking += delta.thinking;
          this.start(out);
          out.push(this.chunk({ reasoning_content: delta.thinking }));
        } else if (delta?.type === 'signature_delta' && typeof delta.signature === 'string') {
          const slot = this.thinking.get(data.index);
          if (slot) slot.signature += delta.signature;
        } else if (delta?.type === 'input_json_delta' && data.index === this.outputBlock && typeof delta.partial_json === 'string' && delta.partial_json !== '') {
          this.outputSent = true;
          out.push(this.chunk({ content: delta.partial_json }));
        } else if (delta?.type === 'input_json_delta' && typeof delta.partial_json === 'string' && delta.partial_json !== '') {
          const slot = this.tools.get(data.index);
          if (!slot) break;
          slot.sentArguments = true;
          out.push(this.chunk({ tool_calls: [{ index: slot.index, function: { arguments: delta.partial_json } }] }));
        }
        // citations_delta: no Chat Completions equivalent.
        break;
      }
      case 'content_block_stop': {
        const thought = this.thinking.get(data?.index);
        if (thought) {
          // The whole block with its signature, so a client can send it back on the next turn.
          const block = thought.redacted !== undefined ? { type: 'redacted_thinking', data: thought.redacted } : { type: 'thinking', thinking: thought.thinking, signature: thought.signature };
          this.start(out);
          out.push(this.chunk({ thinking_blocks: [block] }));
          this.thinking.delete(data.index);
        }
        if (data?.index === this.outputBlock && !this.outputSent) {
          this.outputSent = true;
          out.push(this.chunk({ content: '{}' }));
        }
        // A tool called without arguments streams no JSON at all; "" would not parse on the client.
        const slot = this.tools.get(data?.index);
        if (slot && !slot.sentArguments) {
          slot.sentArguments = true;
          out.push(this.chunk({ tool_calls: [{ index: slot.index, function: { arguments: '{}' } }] }));
        }
        break;
      }
      case 'message_delta':
        this.mergeUsage(data?.usage);
        if (data?.delta?.stop_reason != null && !this.finishSent) {
          this.start(out);
          this.upstreamStopReason = data.delta.stop_reason;
          // Answered through the structured-output tool alone: to the client that is a plain stop.
          const onlyOutputTool = data.delta.stop_reason === 'tool_use' && this.outputBlock !== undefined && this.tools.size === 0;
          this.finishReason = onlyOutputTool ? 'stop' : mapStopReason(data.delta.stop_reason);
          this.finishSent = true;
          out.push(this.chunk({}, this.finishReason));
        }
        break;
      // ping, message_stop and anything new: nothing to send.
    }
    return out;
  }

  /**
   * Frames to end the stream once the upstream's ended: final chunk if not sent yet, the usage chunk when asked for,
   * then [DONE]. A stream that ended without a stop reason was cut off: it ends with an error chunk instead, so a
   * partial answer never looks complete. Idempotent.
   */
  finish(): string[] {
    if (this.finished) return [];
    if (this.upstreamStopReason === null) return this.fail('The upstream stream ended before the answer was complete.');
    const out: string[] = [];
    this.start(out);
    if (!this.finishSent) {
      this.finishSent = true;
      out.push(this.chunk({}, this.finishReason ?? 'stop'));
    }
    if (this.includeUsage) {
      out.push(
        frame({
          id: this.id,
          object: 'chat.completion.chunk',
          created: this.created,
          model: this.requestedModel,
          choices: [],
          usage: toOpenAIUsage(this.usage),
        }),
      );
    }
    out.push(DONE);
    this.finished = true;
    return out;
  }

  /**
   * Frames to end the stream on an upstream error: an OpenAI error object frame and no [DONE] (clients that wait for
   * [DONE] then see an incomplete stream). The openai SDK throws an APIError on the error frame.
   */
  fail(message: string, anthropicType?: string): string[] {
    if (this.finished) return [];
    this.finished = true;
    this.failed = true;
    const { type, code } = mapAnthropicErrorType(anthropicType, 500, message);
    return [frame({ error: { message, type, code, param: null } })];
  }
}
