// Responses `instructions` + `input` items → Anthropic `system` + alternating `messages`. Developer and system
// messages join the system prompt; calls and their outputs become tool_use / tool_result blocks with ids Claude
// accepts; reasoning that came from Claude goes back as its thinking block (signature kept), other reasoning is
// dropped. Pure; a Refusal names the offending field.
import { imageBlock, parseDataUrl, Refusal, textBlock, type AnthropicMessageParam } from './messages.js';
import type { ResponsesItem, ResponsesPart, ResponsesRequest } from './responses-schema.js';
import type { ToolNames } from './responses-tools.js';
import { decodeReasoning } from './thinking.js';
import { toAnthropicToolId } from './tool-ids.js';

type Block = Record<string, unknown>;

function fileBlock(part: Extract<ResponsesPart, { type: 'input_file' }>, param: string): Block {
  if (part.file_url && /^https?:\/\//i.test(part.file_url)) return { type: 'document', source: { type: 'url', url: part.file_url } };
  const parsed = part.file_data ? parseDataUrl(part.file_data) : undefined;
  if (parsed?.mediaType === 'application/pdf') return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: parsed.data } };
  // Bare base64 (the Responses API allows it) with a .pdf file name.
  if (part.file_data && !part.file_data.startsWith('data:') && /\.pdf$/i.test(part.filename ?? '')) {
    return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: part.file_data } };
  }
  throw new Refusal(`${param}: only PDF files (base64 file_data or an http(s) file_url) are supported; file_id points into OpenAI's storage.`, param);
}

function partBlocks(part: ResponsesPart, param: string): Block[] {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return textBlock(part.text);
    case 'refusal':
      return textBlock(part.refusal);
    case 'input_image':
      if (!part.image_url) throw new Refusal(`${param}.image_url: an image needs an image_url (file_id points into OpenAI's storage).`, `${param}.image_url`);
      return [imageBlock(part.image_url, `${param}.image_url`)];
    case 'input_file':
      return [fileBlock(part, param)];
  }
}

function toolOutput(output: string | ResponsesPart[], param: string): string | Block[] | undefined {
  if (typeof output === 'string') return output === '' ? undefined : output;
  const blocks = output.flatMap((p, j) => partBlocks(p, `${param}[${j}]`));
  return blocks.length > 0 ? blocks : undefined;
}

function parseArguments(raw: string, param: string): Record<string, unknown> {
  let input: unknown;
  try {
    input = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch (e) {
    throw new Refusal(`${param} is not valid JSON: ${(e as Error).message}`, param);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Refusal(`${param} must be a JSON object.`, param);
  return input as Record<string, unknown>;
}

export interface ConvertedInput {
  system: string[];
  messages: AnthropicMessageParam[];
}

export function convertInput(req: ResponsesRequest, names: ToolNames): ConvertedInput {
  const system: string[] = [];
  if (req.instructions?.trim()) system.push(req.instructions);
  const messages: AnthropicMessageParam[] = [];
  const append = (role: 'user' | 'assistant', blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = messages[messages.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  const input = req.input ?? [];
  if (typeof input === 'string') {
    append('user', textBlock(input));
    return { system, messages };
  }
  input.forEach((item: ResponsesItem, i) => {
    const param = `input[${i}]`;
    switch (item.type) {
      case 'message': {
        if (typeof item.content === 'string') {
          if (item.role === 'system' || item.role === 'developer') {
            if (item.content.trim()) system.push(item.content);
          } else append(item.role, textBlock(item.content));
          return;
        }
        if (item.role === 'system' || item.role === 'developer') {
          const texts = item.content.map((p, j) => {
            if (p.type !== 'input_text') throw new Refusal(`${param}.content[${j}]: a ${item.role} message can only hold text.`, `${param}.content[${j}].type`);
            return p.text;
          });
          const text = texts.join('\n');
          if (text.trim()) system.push(text);
          return;
        }
        return append(item.role, item.content.flatMap((p, j) => partBlocks(p, `${param}.content[${j}]`)));
      }
      case 'function_call':
        return append('assistant', [
          { type: 'tool_use', id: toAnthropicToolId(item.call_id), name: names.upstream(item.name, item.namespace), input: parseArguments(item.arguments, `${param}.arguments`) },
        ]);
      case 'custom_tool_call':
        return append('assistant', [{ type: 'tool_use', id: toAnthropicToolId(item.call_id), name: names.upstream(item.name, item.namespace), input: { input: item.input } }]);
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const content = toolOutput(item.output as string | ResponsesPart[], `${param}.output`);
        return append('user', [{ type: 'tool_result', tool_use_id: toAnthropicToolId(item.call_id), ...(content !== undefined ? { content } : {}) }]);
      }
      case 'reasoning': {
        const text = (item.summary ?? []).map((s) => s.text).join('') || (item.content ?? []).map((c) => c.text).join('');
        const block = decodeReasoning(item.encrypted_content, text);
        if (block) append('assistant', [block]);
        return;
      }
    }
  });
  return { system, messages };
}
