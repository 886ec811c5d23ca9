// Tool-call ids across the two APIs. Anthropic accepts only ids matching ^[a-zA-Z0-9_-]+$; other providers
// (and clients replaying their history) use ids like "call:abc/1.2". A client id that fits is sent as it is;
// one that does not is encoded reversibly (base64url, whose alphabet fits), so the answer's tool_use id and every
// later tool_result map back to exactly the client's id with no state kept between requests.
const VALID = /^[a-zA-Z0-9_-]+$/;
const PREFIX = 'ccpx_';

/** The client's tool-call id → an id the Anthropic API accepts (deterministic; `fromAnthropicToolId` undoes it). */
export function toAnthropicToolId(clientId: string): string {
  if (VALID.test(clientId) && !clientId.startsWith(PREFIX)) return clientId;
  return PREFIX + Buffer.from(clientId, 'utf8').toString('base64url');
}

/** An id from the Anthropic side → the client's original id (ids the proxy did not encode pass unchanged). */
export function fromAnthropicToolId(anthropicId: string): string {
  if (!anthropicId.startsWith(PREFIX)) return anthropicId;
  return Buffer.from(anthropicId.slice(PREFIX.length), 'base64url').toString('utf8');
}
