// One upstream call through the SDK's generic request method, returning the raw Response so its bytes can be
// forwarded untouched. SDK errors are turned into the proxy's error catalogue here.
import type { IncomingHttpHeaders } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { ProxyError } from './errors.js';

/** Headers never forwarded upstream: hop-by-hop, ours, and browser context the upstream must not judge us by. */
const DROP_REQUEST = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'accept-encoding',
  'x-ccproxy-token',
  'cookie',
  'origin',
  'referer',
]);

/** Response headers not passed back: hop-by-hop, and encodings undici has already undone. */
const DROP_RESPONSE = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'set-cookie']);

export interface UpstreamRequest {
  method: string;
  /** Path and query as the client sent them, e.g. /v1/messages?beta=true */
  url: string;
  headers: IncomingHttpHeaders;
  body?: Buffer;
  signal: AbortSignal;
  /** True when [upstream] api_key/auth_token is set: the client's own credentials are then not forwarded. */
  proxyHoldsCredentials: boolean;
}

/** True when [upstream] api_key or auth_token is set: clients' own credentials are then not forwarded. */
export function proxyHoldsCredentials(upstream: { api_key?: string; auth_token?: string }): boolean {
  return !!(upstream.api_key || upstream.auth_token);
}

export function upstreamHeaders(req: Pick<UpstreamRequest, 'headers' | 'proxyHoldsCredentials'>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || DROP_REQUEST.has(name) || name.startsWith('sec-')) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (req.proxyHoldsCredentials) {
    // The SDK client carries the configured credential; a client's own must not override it.
    delete out['x-api-key'];
    delete out['authorization'];
  } else {
    // Forward exactly the client's credential; null tells the SDK to send no other auth header.
    if (!('authorization' in out)) out['authorization'] = null;
    if (!('x-api-key' in out)) out['x-api-key'] = null;
  }
  return out;
}

export function responseHeaders(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!DROP_RESPONSE.has(name)) out[name] = value;
  });
  return out;
}

/** The upstream answered with an error status; its status, headers and body go back to the client. */
export class UpstreamHttpError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: string,
  ) {
    super(`upstream answered ${status}`);
  }
}

function causeCodes(err: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const msg = (e as { message?: unknown }).message;
    if (typeof msg === 'string') codes.push(msg);
  }
  return codes;
}

/** A socket problem before any response: the classic stale keep-alive socket. Safe to retry once on a new one. */
export function isStaleSocketError(err: unknown): boolean {
  if (!(err instanceof Anthropic.APIConnectionError) || err instanceof Anthropic.APIConnectionTimeoutError) return false;
  return causeCodes(err).some((c) => /UND_ERR_SOCKET|ECONNRESET|EPIPE|other side closed/i.test(c));
}

export function toProxyError(err: unknown, baseUrl: string, timeoutS: number): ProxyError | UpstreamHttpError {
  if (err instanceof ProxyError || err instanceof UpstreamHttpError) return err;
  if (err instanceof Anthropic.APIError && typeof err.status === 'number') {
    const headers: Record<string, string> = {};
    err.headers?.forEach((value: string, name: string) => {
      if (!DROP_RESPONSE.has(name)) headers[name] = value;
    });
    const body = err.error !== undefined ? JSON.stringify(err.error) : JSON.stringify({ type: 'error', error: { type: 'api_error', message: err.message } });
    headers['content-type'] ??= 'application/json';
    return new UpstreamHttpError(err.status, headers, body);
  }
  if (err instanceof Anthropic.APIConnectionTimeoutError) {
    return new ProxyError(504, 'timeout_error', `The upstream ${baseUrl} did not answer within ${timeoutS} s ([upstream] timeout).`);
  }
  if (err instanceof Anthropic.APIConnectionError) {
    const detail = causeCodes(err).filter((c) => c !== err.message).slice(-2).join(': ') || err.message;
    return new ProxyError(502, 'api_error', `Cannot reach the upstream ${baseUrl}: ${detail}`);
  }
  return new ProxyError(500, 'api_error', `Internal proxy error: ${(err as Error)?.message ?? String(err)}`);
}

export async function callUpstream(client: Anthropic, req: UpstreamRequest): Promise<Response> {
  const method = req.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  return client
    .request({
      method,
      path: req.url,
      headers: upstreamHeaders(req),
      ...(req.body && req.body.length > 0 ? { body: req.body } : {}),
      signal: req.signal,
    })
    .asResponse();
}
