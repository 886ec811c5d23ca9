// OpenAI-shaped error bodies. OpenAI clients (the official SDKs, LangChain, LiteLLM...) read
// `error.message`/`type`/`code` and pick their exception class from the HTTP status, so the status is
// always kept as-is and only the body is reshaped.

export interface OpenAIErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null };
}

export function openAIError(
  message: string,
  type = 'invalid_request_error',
  code: string | null = null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, code, param } };
}

// How the Anthropic API words a prompt that does not fit ("prompt is too long: 215000 tokens > 200000 maximum").
const CONTEXT_OVERFLOW = /prompt is too long|context (?:window|length)|exceeds? the (?:model's )?(?:maximum )?context/i;

/**
 * Anthropic error type → OpenAI `type`/`code`. Where OpenAI has a well-known value we use it:
 * a real OpenAI 429 is `type: "requests", code: "rate_limit_exceeded"`, and quota exhaustion is
 * `insufficient_quota` for both. 5xx-ish Anthropic types (api_error, overloaded_error, timeout_error)
 * all become `server_error`, which is what OpenAI sends for its own 500/503s.
 */
export function mapAnthropicErrorType(
  anthropicType: string | undefined,
  status: number,
  message = '',
): { type: string; code: string | null } {
  switch (anthropicType) {
    case 'invalid_request_error':
    case 'request_too_large':
      // OpenAI clients (Codex, LangChain, the SDKs' helpers) detect an overflowing prompt by this code.
      if (CONTEXT_OVERFLOW.test(message)) return { type: 'invalid_request_error', code: 'context_length_exceeded' };
      return { type: 'invalid_request_error', code: anthropicType === 'request_too_large' ? 'request_too_large' : null };
    case 'authentication_error':
      return { type: 'authentication_error', code: 'invalid_api_key' };
    case 'permission_error':
      return { type: 'permission_error', code: null };
    case 'not_found_error':
      return { type: 'not_found_error', code: /model/i.test(message) ? 'model_not_found' : null };
    case 'rate_limit_error':
      return { type: 'requests', code: 'rate_limit_exceeded' };
    case 'billing_error':
      return { type: 'insufficient_quota', code: 'insufficient_quota' };
    case 'api_error':
    case 'overloaded_error':
    case 'timeout_error':
      return { type: 'server_error', code: null };
    default:
      return typeFromStatus(status, message);
  }
}

// Used when the upstream body is not an Anthropic error (an HTML page from a middlebox, empty body...).
function typeFromStatus(status: number, message: string): { type: string; code: string | null } {
  if (status === 401) return mapAnthropicErrorType('authentication_error', status, message);
  if (status === 402) return mapAnthropicErrorType('billing_error', status, message);
  if (status === 403) return mapAnthropicErrorType('permission_error', status, message);
  if (status === 404) return mapAnthropicErrorType('not_found_error', status, message);
  if (status === 413) return mapAnthropicErrorType('request_too_large', status, message);
  if (status === 429) return mapAnthropicErrorType('rate_limit_error', status, message);
  if (status >= 500) return { type: 'server_error', code: null };
  return { type: 'invalid_request_error', code: null };
}

/** A body's text for a message: HTML tags, scripts and styles dropped, whitespace collapsed. */
export function readableText(body: string): string {
  if (!/<[a-z!/]/i.test(body)) return body.trim();
  return body
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
    .trim();
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Anthropic error body (or anything) + HTTP status → OpenAI error body with the same status. */
export function toOpenAIError(status: number, anthropicBody: unknown): OpenAIErrorBody {
  let body = anthropicBody;
  if (typeof anthropicBody === 'string') {
    try {
      body = JSON.parse(anthropicBody);
    } catch {
      // Not JSON: keep the text as the message; an HTML page (a gateway's 502) is reduced to its readable text.
      const text = readableText(anthropicBody);
      const message = text ? text.slice(0, 500) : `Upstream returned HTTP ${status}`;
      const { type, code } = typeFromStatus(status, message);
      return openAIError(message, type, code);
    }
  }
  // Anthropic: {type:"error", error:{type, message}, request_id}. Also accept a bare {type, message}.
  const inner = isRecord(body) && isRecord(body.error) ? body.error : isRecord(body) ? body : undefined;
  const rawMessage = inner && typeof inner.message === 'string' ? inner.message : undefined;
  const message = rawMessage ?? `Upstream returned HTTP ${status}`;
  const anthropicType = inner && typeof inner.type === 'string' && inner.type !== 'error' ? inner.type : undefined;
  const { type, code } = mapAnthropicErrorType(anthropicType, status, message);
  return openAIError(message, type, code);
}
