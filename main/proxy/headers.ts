// Which header lines cross the proxy. A proxy is a transport: everything the client sent goes upstream and
// everything the upstream answered comes back, except hop-by-hop headers (RFC 9110 §7.6.1, plus those the
// Connection header names), which describe one connection and not the message, and the proxy's own token.
// Raw header lists keep the original spelling, order and repeats.

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * Request lines never sent upstream, beyond hop-by-hop ones: `host` (undici writes the upstream's own),
 * `expect` (Node's server has already answered 100 Continue to the client; undici refuses the header), and the
 * client token meant for this proxy.
 */
const REQUEST_ONLY = new Set(['host', 'expect', 'x-ccproxy-token']);

/** Credentials a client sends; replaced when the proxy holds its own ([upstream] api_key / auth_token). */
const CREDENTIALS = new Set(['x-api-key', 'authorization']);

/**
 * Lengths of every name a list may lose: a name of another length is kept without being lower-cased, which
 * spares a string per header line on every request.
 */
const DROPPABLE_LENGTHS = new Set([...HOP_BY_HOP, ...REQUEST_ONLY, ...CREDENTIALS].map((n) => n.length));

/**
 * Header names the Connection header declares hop-by-hop, e.g. "Connection: close, x-trace" (its usual
 * "keep-alive" or "close" add nothing to drop), or null.
 */
function connectionListed(lines: readonly string[]): Set<string> | null {
  let listed: Set<string> | null = null;
  for (let i = 0; i < lines.length; i += 2) {
    if (lines[i]!.length !== 10 || lines[i]!.toLowerCase() !== 'connection') continue;
    const value = lines[i + 1]!;
    if (value === 'keep-alive' || value === 'close' || value === 'Keep-Alive' || value === 'Close') continue;
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase();
      if (name && name !== 'keep-alive' && name !== 'close') (listed ??= new Set()).add(name);
    }
  }
  return listed;
}

const NOTHING: ReadonlySet<string> = new Set();

/** Whether a line with this name crosses: only names of a droppable length are looked at closely. */
function crosses(name: string, drop: ReadonlySet<string>, listed: Set<string> | null, credential: boolean): boolean {
  if (!DROPPABLE_LENGTHS.has(name.length) && listed === null) return true;
  const lower = name.toLowerCase();
  return !(drop.has(lower) || HOP_BY_HOP.has(lower) || listed?.has(lower) || (credential && CREDENTIALS.has(lower)));
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
    if (crosses(raw[i]!, REQUEST_ONLY, listed, credential !== null)) out.push(raw[i]!, raw[i + 1]!);
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
    if (crosses(text[i]!, NOTHING, listed, false)) out.push(text[i]!, text[i + 1]!);
  }
  return out;
}
