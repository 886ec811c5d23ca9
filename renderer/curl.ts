// "Copy as cURL": the request as a shell command against the proxy. The record's header lines were masked by
// the runtime before they reached the UI (ccproxy never keeps a key), so the real key cannot be shown here.
// With the key "revealed" the command reads it from $ANTHROPIC_API_KEY instead, so it runs as-is in a shell
// where that variable is set; without, the masked value stays and the command says what it is.

/** Headers curl sets itself, or that would make the copy behave differently from a fresh request. */
const SKIPPED = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'accept-encoding']);
const SECRET = new Set(['x-api-key', 'authorization', 'proxy-authorization', 'x-ccproxy-token', 'cookie']);
export const KEY_VARIABLE = '$ANTHROPIC_API_KEY';

export interface CurlInput {
  endpoint: string;
  method: string;
  path: string;
  headers: ReadonlyArray<readonly [string, string]>;
  /** The captured request body, or null when bodies were not captured. */
  body: string | null;
  /** Put the shell variable in place of the masked key (the only "reveal" possible: the key was never stored). */
  revealKey: boolean;
}

/** One shell word in single quotes (a quote inside becomes '\''). */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function secretLine(name: string, value: string, reveal: boolean): string {
  const lower = name.toLowerCase();
  if (!reveal || (lower !== 'x-api-key' && lower !== 'authorization')) return shellQuote(`${name}: ${value}`);
  const scheme = /^(bearer|basic)\s+/i.exec(value)?.[0] ?? '';
  // Double quotes so the shell expands the variable; nothing else in the line needs escaping.
  return `"${name}: ${scheme}${KEY_VARIABLE}"`;
}

export function curlCommand(input: CurlInput): string {
  const url = new URL(input.path, input.endpoint.endsWith('/') ? input.endpoint : `${input.endpoint}/`).toString();
  const parts = [`curl ${input.method === 'GET' ? '' : `-X ${input.method} `}${shellQuote(url)}`];
  for (const [name, value] of input.headers) {
    const lower = name.toLowerCase();
    if (SKIPPED.has(lower)) continue;
    parts.push(`  -H ${SECRET.has(lower) ? secretLine(name, value, input.revealKey) : shellQuote(`${name}: ${value}`)}`);
  }
  if (input.body !== null) parts.push(`  --data-binary ${shellQuote(input.body)}`);
  return parts.join(' \\\n');
}
