// Secrets never reach a log line: API keys, bearer tokens and credential headers are masked wherever they appear.

const PATTERNS: Array<[RegExp, string]> = [
  // Anthropic-style keys and OAuth tokens (sk-ant-api03-…, sk-ant-oat01-…) and other sk- keys.
  [/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-***'],
  // Authorization: Bearer <token>
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{6,}/gi, '$1 ***'],
  // header or JSON field forms: x-api-key: xxx, "api_key":"xxx", auth_token = xxx
  [/((?:x-api-key|api[_-]?key|auth[_-]?token|x-ccproxy-token|authorization)["']?\s*[:=]\s*["']?)(?!Bearer\b)[^\s"',}]{4,}/gi, '$1***'],
];

/** Every pattern needs one of these words; most lines (the pool's) have none and skip the patterns. */
const TRIGGER = /sk-|bearer|key|token|authorization/i;

/** Masks secrets in a log line; also masks any exact secret values the caller knows about. */
export function redact(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret && secret.length >= 4 && out.includes(secret)) out = out.split(secret).join('***');
  }
  if (!TRIGGER.test(out)) return out;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}
