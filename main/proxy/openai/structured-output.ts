// OpenAI's JSON modes (Chat's response_format, Responses' text.format) → Claude. Two paths, one answer shape:
// - native: Claude's structured outputs (`output_config.format`, generally available, no beta header) on models
//   that support it; the answer is JSON text already.
// - tool: on older models, and for json_object (native structured output needs a closed schema), a tool whose
//   input_schema is the schema is forced; its input comes back to the client as the message's JSON text.
import { supportsNativeStructuredOutput } from './model-caps.js';

export { supportsNativeStructuredOutput };

export interface JsonFormat {
  kind: 'json_schema' | 'json_object';
  name?: string;
  schema: Record<string, unknown>;
}

export type StructuredPlan =
  | { path: 'native'; outputConfig: { format: { type: 'json_schema'; schema: Record<string, unknown> } } }
  | { path: 'tool'; tool: { name: string; description: string; input_schema: Record<string, unknown> } };

/** The tool's name: the format's own when Anthropic accepts it and no client tool has it, else json_output. */
function toolName(format: JsonFormat, taken: ReadonlySet<string>): string {
  const wanted = format.name && /^[a-zA-Z0-9_-]{1,64}$/.test(format.name) ? format.name : 'json_output';
  let name = wanted;
  for (let i = 2; taken.has(name); i++) name = `${wanted}_${i}`;
  return name;
}

export function planStructuredOutput(format: JsonFormat, model: string, takenToolNames: ReadonlySet<string>): StructuredPlan {
  if (format.kind === 'json_schema' && supportsNativeStructuredOutput(model)) {
    return { path: 'native', outputConfig: { format: { type: 'json_schema', schema: format.schema } } };
  }
  return {
    path: 'tool',
    tool: {
      name: toolName(format, takenToolNames),
      description: 'Give your final answer by calling this tool: its input is the answer, as JSON matching the schema.',
      input_schema: format.schema,
    },
  };
}

/** The tool_choice that makes Claude answer through the output tool (the client's own tools stay callable). */
export function structuredToolChoice(toolName: string, clientHasTools: boolean): Record<string, unknown> {
  return clientHasTools ? { type: 'any' } : { type: 'tool', name: toolName };
}
