// Paths the proxy forwards must stay under the upstream's base path. A "." or ".." segment (raw or
// percent-encoded) or an encoded slash would let a gateway that normalises paths serve /gateway/v1/../../admin as
// /admin, with the proxy's own api_key when one is configured. Such paths are refused before anything is sent, as
// @fastify/reply-from does; the query string is not looked at (it passes unchanged).
import { ProxyError } from './errors.js';

/** %2f and %5c: "/" and "\" hidden from the router but not from a gateway that decodes before routing. */
const ENCODED_SEPARATOR = /%(2f|5c)/i;
const ENCODED_DOT = /%2e/gi;

/** Why `path` (no query) is unsafe to forward, or null when it is fine. */
export function unsafePathReason(path: string): string | null {
  if (ENCODED_SEPARATOR.test(path)) return 'an encoded slash (%2F or %5C)';
  if (path.includes('\\')) return 'a backslash';
  // Split on "/" only: a segment is what a normalising gateway would collapse.
  for (const segment of path.split('/')) {
    if (segment.length === 0 || segment.length > 6 || (segment[0] !== '.' && segment[0] !== '%')) continue;
    const decoded = segment.replace(ENCODED_DOT, '.');
    if (decoded === '.' || decoded === '..') return `a "${decoded}" segment`;
  }
  return null;
}

/** Throws a 400 for a path that could leave the upstream's base path. */
export function checkForwardPath(path: string): void {
  const reason = unsafePathReason(path);
  if (reason) {
    throw new ProxyError(400, 'invalid_request_error', `The path ${path} has ${reason}; the proxy does not forward paths that could leave the upstream's base path.`, {}, 'unsafe_path');
  }
}
