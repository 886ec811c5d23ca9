// One table from the ways an upstream call fails (undici error codes, socket and TLS errors) to the proxy's
// Anthropic-shaped answers. Every message names the upstream, and says whether the request may have reached it:
// the proxy never sends a request twice, so after that point retrying is the client's call.
import { ProxyError } from './errors.js';

export interface FailureContext {
  /** [upstream] base_url, named in every message. */
  upstream: string;
  timeoutS: number;
  connectTimeoutS: number;
  /** True once undici started writing the request: it may have been received (and billed). Failures to connect are never sent. */
  mayHaveLeft: boolean;
}

type Rule = { codes: string[]; answer: (ctx: FailureContext, detail: string) => ProxyError };

const NOT_SENT = ' The request was not sent.';
const notRetried = (ctx: FailureContext) => (ctx.mayHaveLeft ? ' The request may have reached it and was not sent again; retry if you want it.' : NOT_SENT);

const RULES: Rule[] = [
  {
    codes: ['UND_ERR_CONNECT_TIMEOUT'],
    answer: (ctx) => new ProxyError(504, 'timeout_error', `Could not connect to the upstream ${ctx.upstream} within ${ctx.connectTimeoutS} s ([upstream] connect_timeout).${NOT_SENT}`),
  },
  {
    codes: ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'],
    answer: (ctx) => new ProxyError(504, 'timeout_error', `The upstream ${ctx.upstream} did not answer within ${ctx.timeoutS} s ([upstream] timeout).${notRetried(ctx)}`),
  },
  {
    codes: ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'],
    answer: (ctx, detail) => new ProxyError(502, 'api_error', `Cannot reach the upstream ${ctx.upstream}: ${detail}.${NOT_SENT}`),
  },
  {
    codes: ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED'],
    answer: (ctx, detail) => new ProxyError(502, 'api_error', `The connection to the upstream ${ctx.upstream} broke: ${detail}.${notRetried(ctx)}`),
  },
  {
    codes: ['UND_ERR_CLOSED', 'UND_ERR_DESTROYED'],
    answer: () => new ProxyError(503, 'overloaded_error', 'The proxy is shutting down or reconfiguring its upstream connections; retry shortly.', { 'retry-after': '1' }),
  },
  {
    codes: ['UND_ERR_REQ_CONTENT_LENGTH_MISMATCH'],
    answer: () => new ProxyError(400, 'invalid_request_error', 'The request body did not match its Content-Length.'),
  },
];

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

/** The codes and messages along an error's cause chain, outermost first. */
function chain(err: unknown): Array<{ code?: string; message: string; issuer?: string }> {
  const out: Array<{ code?: string; message: string; issuer?: string }> = [];
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    // Set by the pool's TLS diagnosis (pool/tls-diagnosis.ts) when it could read the certificate's issuer.
    const issuer = (e as { certificateIssuer?: unknown }).certificateIssuer;
    out.push({ code: typeof code === 'string' ? code : undefined, message: String((e as { message?: unknown }).message ?? e), issuer: typeof issuer === 'string' ? issuer : undefined });
  }
  return out;
}

/** Maps an upstream failure to the answer the client gets. */
export function upstreamFailure(err: unknown, ctx: FailureContext): ProxyError {
  if (err instanceof ProxyError) return err;
  const links = chain(err);
  const detail = links.map((l) => (l.code && !l.message.includes(l.code) ? `${l.code} ${l.message}` : l.message)).join(': ');
  for (const link of links) {
    if (!link.code) continue;
    const rule = RULES.find((r) => r.codes.includes(link.code!));
    if (rule) return rule.answer(ctx, detail);
    if (TLS_CODES.test(link.code)) {
      const issuer = links.find((l) => l.issuer)?.issuer;
      const who = issuer ? ` The certificate was issued by "${issuer}".` : '';
      return new ProxyError(
        502,
        'api_error',
        `TLS with the upstream ${ctx.upstream} failed: ${detail}.${who} If that issuer is your network's TLS-inspecting proxy or a private CA, install its certificate in the system store ([upstream] system_ca = true, the default) or point [upstream] ca_file at it (PEM).${NOT_SENT}`,
      );
    }
  }
  // A refused tunnel or any other failure: still a 502 that says what happened.
  return new ProxyError(502, 'api_error', `The upstream ${ctx.upstream} could not be used: ${detail}.${notRetried(ctx)}`);
}
