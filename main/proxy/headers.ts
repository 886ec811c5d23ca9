// Which header lines cross the proxy. A proxy is a transport: everything the client sent goes upstream and
// everything the upstream answered comes back, except hop-by-hop headers (RFC 9110 §7.6.1, plus those the
// Connection header names), which describe one connection and not the message, and the proxy's own token.
// Raw header lists keep the original spelling, order and repeats.

/** Hop-by-hop names (RFC 9110 §7.6.1, and the older proxy ones): they describe one connection, not the message. */
function isHopByHop(lower: string): boolean {
  switch (lower) {
    case 'connection':
    case 'keep-alive':
    case 'proxy-connection':
    case 'proxy-authenticate':
    case 'proxy-authorization':
    case 'te':
    case 'trailer':
    case 'transfer-encoding':
    case 'upgrade':
      return true;
    default:
      return false;
  }
}

/**
 * Request lines never sent upstream, beyond hop-by-hop ones: `host` (undici writes the upstream's own),
 * `expect` (Node's server has already answered 100 Continue to the client; undici refuses the header), and the
 * client token meant for this proxy.
 */
function isRequestOnly(lower: string): boolean {
  switch (lower) {
    case 'host':
    case 'expect':
    case 'x-ccproxy-token':
      return true;
    default:
      return false;
  }
}

/** Credentials a client sends; replaced when the proxy holds its own ([upstream] api_key / auth_token). */
function isCredential(lower: string): boolean {
  return lower === 'x-api-key' || lower === 'authorization';
}

/**
 * Header names the Connection header declares hop-by-hop, e.g. "Connection: close, x-trace" (its usual
 * "keep-alive" or "close" add nothing to drop), or null.
 */
function connectionListed(lines: readonly string[]): Set<string> | null {
  let listed: Set<string> | null = null;
  for (let i = 0; i < lines.length; i += 2) {
    if (lines[i]!.toLowerCase() !== 'connection') continue;
    for (const token of lines[i + 1]!.split(',')) {
      const name = token.trim().toLowerCase();
      if (name && name !== 'keep-alive' && name !== 'close') (listed ??= new Set()).add(name);
    }
  }
  return listed;
}

export interface UpstreamCredential {
  /** [upstream] api_key: sent as x-api-key. Wins when both are set. */
  apiKey?: string;
  /** [upstream] auth_token: sent as Authorization: Bearer. */
  authToken?: string;
}

/** [upstream] api_key / auth_token, when the proxy holds a credential of its own. */
export function proxyCredential(upstream: { api_key?: string; auth_token?: string }): UpstreamCredential | null {
  if (upstream.api_key) return { apiKey: upstream.api_key };
  if (upstream.auth_token) return { authToken: upstream.auth_token };
  return null;
}

/**
 * The client's raw header list (Node's `rawHeaders`: name, value, name, value…) as it goes upstream.
 * With a credential of the proxy's own, the client's credential lines are replaced by it.
 */
export function upstreamRequestHeaders(raw: readonly string[], credential: UpstreamCredential | null): string[] {
  const listed = connectionListed(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (isHopByHop(lower) || isRequestOnly(lower) || listed?.has(lower) || (credential !== null && isCredential(lower))) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  if (credential?.apiKey) out.push('x-api-key', credential.apiKey);
  else if (credential?.authToken) out.push('authorization', `Bearer ${credential.authToken}`);
  return out;
}

/** The upstream's raw response header list (undici gives Buffers) as it goes to the client, as strings. */
export function clientResponseHeaders(raw: readonly Buffer[]): string[] {
  const text = raw.map((b) => b.toString('latin1'));
  const listed = connectionListed(text);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 2) {
    const lower = text[i]!.toLowerCase();
    if (isHopByHop(lower) || listed?.has(lower)) continue;
    out.push(text[i]!, text[i + 1]!);
  }
  return out;
}
