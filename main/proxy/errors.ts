// The error catalogue: every error the proxy itself produces has the Anthropic shape, so SDKs and Claude Code
// show its message instead of a parse failure.
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error'
  | 'timeout_error';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
}

export function anthropicError(type: AnthropicErrorType, message: string): AnthropicErrorBody {
  return { type: 'error', error: { type, message } };
}

/** An error the proxy answers with: status, Anthropic error type, message and extra headers. */
export class ProxyError extends Error {
  constructor(
    readonly status: number,
    readonly type: AnthropicErrorType,
    message: string,
    readonly headers: Record<string, string> = {},
    /** A short code for why the proxy refused (logs and metrics), e.g. "token_missing"; defaults to the type. */
    readonly reason: string = type,
  ) {
    super(message);
    this.name = 'ProxyError';
  }

  body(): AnthropicErrorBody {
    return anthropicError(this.type, this.message);
  }
}

export function sendProxyError(reply: FastifyReply, err: ProxyError): FastifyReply {
  return reply.code(err.status).headers({ 'x-ccproxy-error': '1', ...err.headers }).type('application/json').send(err.body());
}

/** Fastify's own 4xx errors (bad JSON, body too large, wrong content type) in the Anthropic shape. */
export function fromFastifyError(err: { statusCode?: number; code?: string; message: string }): ProxyError {
  const status = err.statusCode ?? 500;
  if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new ProxyError(413, 'request_too_large', `Request body is larger than the proxy's limit ([server] body_limit_mb). ${err.message}`);
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new ProxyError(415, 'invalid_request_error', `Unsupported Content-Type: send application/json. ${err.message}`);
  }
  if (status >= 400 && status < 500) return new ProxyError(status, 'invalid_request_error', err.message);
  return new ProxyError(500, 'api_error', `Internal proxy error: ${err.message}`);
}

/** Writes a ProxyError on a raw response (after reply.hijack()), with extra header lines (CORS, connection id). */
export function writeProxyError(res: ServerResponse, err: ProxyError, extra: string[] = []): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(err.body());
  const lines = ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(body)), 'x-ccproxy-error', '1'];
  for (const [name, value] of Object.entries(err.headers)) lines.push(name, value);
  res.writeHead(err.status, lines.concat(extra));
  res.end(body);
}

/** The SSE event a stream ends with when the upstream breaks it mid-way (the SDKs raise it as an API error). */
export function sseErrorFrame(type: AnthropicErrorType, message: string): string {
  return `event: error\ndata: ${JSON.stringify(anthropicError(type, message))}\n\n`;
}
