// The shape of an accepted Chat Completions request. Deliberately loose: unknown fields are kept (and
// ignored by the translator) because OpenAI keeps adding optional fields and clients send them freely.
// Fields we cannot honour are rejected by request.ts with a message naming them, not here.
import { z } from 'zod';

const text = z.looseObject({ type: z.literal('text'), text: z.string() });
const refusal = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
const imageUrl = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: z.string(), detail: z.string().nullish() }),
});
const inputAudio = z.looseObject({ type: z.literal('input_audio'), input_audio: z.unknown() });
const file = z.looseObject({
  type: z.literal('file'),
  file: z.looseObject({ file_data: z.string().nullish(), file_id: z.string().nullish(), filename: z.string().nullish() }),
});

const textOnly = z.union([z.string(), z.array(text)]);
const userContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [text, imageUrl, inputAudio, file]))]);
const assistantContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [text, refusal]))]);

const toolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const message = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content: textOnly }),
  z.looseObject({ role: z.literal('developer'), content: textOnly }),
  z.looseObject({ role: z.literal('user'), content: userContent }),
  z.looseObject({
    role: z.literal('assistant'),
    content: assistantContent.nullish(),
    tool_calls: z.array(toolCall).nullish(),
    function_call: z.unknown().optional(),
  }),
  z.looseObject({ role: z.literal('tool'), tool_call_id: z.string(), content: textOnly }),
  // Accepted by the schema only so request.ts can refuse it with a useful message.
  z.looseObject({ role: z.literal('function'), content: z.string().nullish(), name: z.string().nullish() }),
]);

const tool = z.looseObject({
  type: z.string(),
  function: z
    .looseObject({
      name: z.string(),
      description: z.string().nullish(),
      parameters: z.record(z.string(), z.unknown()).nullish(),
    })
    .optional(),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.string(), function: z.looseObject({ name: z.string() }).optional() }),
]);

const maxTokens = z.number().int().min(1).nullish();

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  max_tokens: maxTokens,
  max_completion_tokens: maxTokens,
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  user: z.string().nullish(),
  safety_identifier: z.string().nullish(),
  n: z.number().int().min(1).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).nullish(),
  modalities: z.array(z.string()).nullish(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatMessage = ChatRequest['messages'][number];

// Missing fields read better as OpenAI phrases it than as "expected string, received undefined".
const errorMap: z.core.$ZodErrorMap = (iss) =>
  iss.code === 'invalid_type' && iss.input === undefined ? 'Missing required parameter' : undefined;

type Issue = z.core.$ZodIssue;

function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** Unions report "Invalid input"; dig into the branch that got furthest to say what is actually wrong. */
function explain(issue: Issue, base: PropertyKey[]): { path: PropertyKey[]; message: string } {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    let best: Issue | undefined;
    for (const branch of issue.errors) {
      for (const sub of branch) if (!best || sub.path.length > best.path.length) best = sub;
    }
    if (best && best.path.length > 0) return explain(best, path);
    const expected = issue.errors
      .flat()
      .map((i) => (i.code === 'invalid_type' ? i.expected : undefined))
      .filter((e): e is NonNullable<typeof e> => !!e);
    if (expected.length > 0) return { path, message: `Invalid input: expected ${[...new Set(expected)].join(' or ')}` };
  }
  return { path, message: issue.message };
}

export type SchemaResult = { ok: true; value: ChatRequest } | { ok: false; message: string; param: string | null };

/** A zod failure → one readable message naming the offending path (shared with the Responses schema). */
export function readableIssue(error: z.ZodError): { message: string; param: string | null } {
  const first = error.issues[0];
  const { path, message } = explain(first, []);
  const param = formatPath(path) || null;
  if (message === 'Missing required parameter') return { message: `Missing required parameter: '${param}'.`, param };
  return { message: `Invalid value for '${param ?? 'body'}': ${message}`, param };
}

export { errorMap as openAIErrorMap };

/** Validates a request body; on failure returns one readable message naming the offending path. */
export function parseChatRequest(body: unknown): SchemaResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'The request body must be a JSON object.', param: null };
  }
  const result = chatRequestSchema.safeParse(body, { error: errorMap });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, ...readableIssue(result.error) };
}
