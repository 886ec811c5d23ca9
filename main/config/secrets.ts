// Which setting values are secret, how they are masked for the settings window, and how a masked value sent
// back by the window is turned into the real one again (so saving the form as shown never loses a secret).
import { FIELDS } from './meta.js';
import type { Config } from './schema.js';

/** What the form shows for a secret that is set; sending it back means "unchanged". */
export const SECRET_MASK = '********';

/** Settings that hold a URL whose user:password@ part is a secret (the rest stays readable). */
const URLS_WITH_CREDENTIALS = new Set(['upstream.proxy_url']);

export function isSecretPath(path: string): boolean {
  return !!FIELDS[path]?.secret;
}

/** scheme://userinfo@rest, matched on the text so the URL is never re-normalised (no added trailing slash). */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i;

function userinfoParts(value: string): string[] | null {
  const m = USERINFO.exec(value);
  return m ? m[2]!.split(':') : null;
}

/** http://user:pass@proxy:3128 → http://********:********@proxy:3128; a URL without credentials is unchanged. */
export function maskUrlCredentials(value: string): string {
  return value.replace(USERINFO, (_m, scheme: string, userinfo: string) => `${scheme}${userinfo.split(':').map((p) => (p ? SECRET_MASK : p)).join(':')}@`);
}

/**
 * The window sends back what it was shown. Masked credentials in a URL stand for the ones already set, so
 * they are put back (also when only the host was edited); anything the user typed instead is taken as typed.
 */
export function unmaskUrlCredentials(sent: string, current: string | undefined): string {
  const before = current ? (userinfoParts(current) ?? []) : [];
  return sent.replace(USERINFO, (_m, scheme: string, userinfo: string) => `${scheme}${userinfo.split(':').map((p, i) => (p === SECRET_MASK ? (before[i] ?? '') : p)).join(':')}@`);
}

/** A value as it may be shown (window, error message, shadow note): secrets masked, URL credentials masked. */
export function maskValue(path: string, value: unknown): unknown {
  if (value === undefined || value === null || value === '') return value;
  if (isSecretPath(path)) return SECRET_MASK;
  if (URLS_WITH_CREDENTIALS.has(path) && typeof value === 'string') return maskUrlCredentials(value);
  return value;
}

/** Turns a masked value sent back by the window into the value to save; undefined means "unchanged, skip it". */
export function unmaskValue(path: string, sent: unknown, current: unknown): unknown {
  if (isSecretPath(path) && sent === SECRET_MASK) return undefined;
  if (URLS_WITH_CREDENTIALS.has(path) && typeof sent === 'string') {
    const real = unmaskUrlCredentials(sent, typeof current === 'string' ? current : undefined);
    return real === current ? undefined : real;
  }
  return sent;
}

/** Every secret string in a config, for the log redaction (URL credentials included, as written and decoded). */
export function secretsOf(config: Config): string[] {
  const out = [config.upstream.api_key, config.upstream.auth_token, config.security.auth_token];
  for (const path of URLS_WITH_CREDENTIALS) {
    const [section, key] = path.split('.') as [keyof Config, string];
    const value = (config[section] as Record<string, unknown>)[key];
    const parts = typeof value === 'string' ? userinfoParts(value) : null;
    if (!parts) continue;
    // The user name alone is not a secret (and a short one would blank ordinary words in every log line).
    const password = parts.slice(1).join(':');
    out.push(parts.join(':'), password, safeDecode(password));
  }
  return out.filter((s): s is string => !!s);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
