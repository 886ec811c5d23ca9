// Which header lines cross the proxy, name by name and in any spelling: hop-by-hop lines and the proxy's own
// token stay behind, names the Connection header lists stay behind, everything else crosses in order.
import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, upstreamRequestHeaders } from '../../main/proxy/headers.js';

const HOP_BY_HOP = ['Connection', 'Keep-Alive', 'Proxy-Connection', 'Proxy-Authenticate', 'Proxy-Authorization', 'TE', 'Trailer', 'Transfer-Encoding', 'Upgrade'];
const names = (lines: readonly string[]) => lines.filter((_, i) => i % 2 === 0);
const spellings = (name: string) => [name, name.toLowerCase(), name.toUpperCase()];

describe('request headers going upstream', () => {
  it.each(HOP_BY_HOP.flatMap(spellings).concat(['Host', 'HOST', 'Expect', 'X-Ccproxy-Token', 'x-ccproxy-token']))('drops %s', (name) => {
    expect(names(upstreamRequestHeaders(['Accept', 'a', name, 'v', 'X-Other', 'b'], null))).toEqual(['Accept', 'X-Other']);
  });

  it('keeps every other line in its spelling, order and repeats', () => {
    const raw = ['X-App', 'cli', 'anthropic-version', '2023-06-01', 'X-App', 'again', 'Content-Length', '2', 'Authorization', 'Bearer c'];
    expect(upstreamRequestHeaders(raw, null)).toEqual(raw);
  });

  it('drops the names the Connection header lists, in any spelling', () => {
    const raw = ['Connection', 'close, X-Trace', 'x-trace', '1', 'X-TRACE', '2', 'X-Kept', '3'];
    expect(upstreamRequestHeaders(raw, null)).toEqual(['X-Kept', '3']);
  });

  it("replaces the client's credential lines with the proxy's own", () => {
    const raw = ['X-Api-Key', 'client', 'AUTHORIZATION', 'Bearer client', 'Accept', 'a'];
    expect(upstreamRequestHeaders(raw, { apiKey: 'proxy' })).toEqual(['Accept', 'a', 'x-api-key', 'proxy']);
    expect(upstreamRequestHeaders(raw, { authToken: 't' })).toEqual(['Accept', 'a', 'authorization', 'Bearer t']);
  });
});

describe('response headers coming back', () => {
  it.each(HOP_BY_HOP.flatMap(spellings))('drops %s', (name) => {
    const raw = ['content-type', 'application/json', name, 'v', 'request-id', 'r'].map((s) => Buffer.from(s, 'latin1'));
    expect(names(clientResponseHeaders(raw))).toEqual(['content-type', 'request-id']);
  });

  it('keeps the rest (a Host or x-api-key line from the upstream is not hop-by-hop)', () => {
    const text = ['Host', 'h', 'x-api-key', 'k', 'Connection', 'keep-alive, X-Hop', 'x-hop', '1', 'Set-Cookie', 'a', 'Set-Cookie', 'b'];
    expect(clientResponseHeaders(text.map((s) => Buffer.from(s, 'latin1')))).toEqual(['Host', 'h', 'x-api-key', 'k', 'Set-Cookie', 'a', 'Set-Cookie', 'b']);
  });
});
