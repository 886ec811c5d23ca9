// Host and Origin checks, the optional client token, and credentials: forwarded or replaced, never logged.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE, startHarness, type Harness } from '../fixtures/proxy-harness.js';

/** A raw request, so the Host header can be anything (fetch will not let us set it). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}

describe('Host and Origin', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { security: { allowed_hosts: ['ccproxy.lan'], allowed_origins: ['http://tool.example'] } } });
  });
  afterAll(() => h.close());

  it('refuses a Host that is not a local name (DNS rebinding)', async () => {
    const res = await rawGet(`${h.url}/v1/models`, { host: 'attacker.example:8000', 'x-api-key': 'k-123456', 'anthropic-version': '2023-06-01' });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ type: 'error', error: { type: 'permission_error', message: expect.stringContaining('attacker.example') } });
  });

  it('accepts localhost, 127.0.0.1, [::1] and allowed_hosts', async () => {
    for (const host of ['localhost:1', '127.0.0.1', '[::1]:8000', 'ccproxy.lan']) {
      expect((await rawGet(`${h.url}/health`, { host })).status, host).toBe(200);
    }
  });

  it('refuses a cross-site request that carries no Origin (an <img> or <script> on another site)', async () => {
    const res = await fetch(`${h.url}/v1/models`, { headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'x-api-key': 'k-123456' } });
    expect(res.status).toBe(403);
    const nav = await fetch(`${h.url}/health`, { headers: { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' } });
    expect(nav.status).toBe(200);
  });

  it('refuses a cross-origin browser request, allows a listed origin with CORS headers', async () => {
    const bad = await fetch(`${h.url}/v1/models`, { headers: { origin: 'http://evil.example', 'x-api-key': 'k-123456' } });
    expect(bad.status).toBe(403);
    const good = await fetch(`${h.url}/v1/models`, { headers: { origin: 'http://tool.example', 'x-api-key': 'k-123456' } });
    expect(good.status).toBe(200);
    expect(good.headers.get('access-control-allow-origin')).toBe('http://tool.example');
    const preflight = await fetch(`${h.url}/v1/messages`, { method: 'OPTIONS', headers: { origin: 'http://tool.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key,content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('x-api-key,content-type');
  });
});

describe("the client's own credentials", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('forwards x-api-key as is, and nothing else for auth', async () => {
    await h.client({ apiKey: null, authToken: null, defaultHeaders: { 'x-api-key': 'sk-ant-api03-SECRETKEY-abcdef' } }).messages.create(MESSAGE);
    const seen = h.upstream.requests.at(-1)!.headers;
    expect(seen['x-api-key']).toBe('sk-ant-api03-SECRETKEY-abcdef');
    expect(seen.authorization).toBeUndefined();
  });

  it('forwards an Authorization bearer token as is (Claude Code with OAuth)', async () => {
    await h.client({ apiKey: null, authToken: 'sk-ant-oat01-OAUTHTOKEN-123456' }).messages.create(MESSAGE);
    const seen = h.upstream.requests.at(-1)!.headers;
    expect(seen.authorization).toBe('Bearer sk-ant-oat01-OAUTHTOKEN-123456');
    expect(seen['x-api-key']).toBeUndefined();
  });

  it('no credentials at all reach the upstream, which answers 401', async () => {
    const res = await fetch(`${h.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(MESSAGE) });
    expect(res.status).toBe(401);
  });

  it('never writes a key or token into the log', async () => {
    const all = h.logs().join('\n');
    expect(all).not.toContain('SECRETKEY');
    expect(all).not.toContain('OAUTHTOKEN');
  });
});

describe('credentials held by the proxy, and a client token', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { upstream: { api_key: 'sk-ant-api03-PROXYKEY-999999' }, security: { auth_token: 'local-client-token-1' } } });
  });
  afterAll(() => h.close());

  it('replaces the client credential with the configured key', async () => {
    await h.client({ apiKey: 'local-client-token-1' }).messages.create(MESSAGE);
    const seen = h.upstream.requests.at(-1)!.headers;
    expect(seen['x-api-key']).toBe('sk-ant-api03-PROXYKEY-999999');
    expect(seen.authorization).toBeUndefined();
    expect(seen['x-ccproxy-token']).toBeUndefined();
  });

  it('accepts the token as x-ccproxy-token, refuses a wrong or missing one with 401', async () => {
    const ok = await fetch(`${h.url}/v1/models`, { headers: { 'x-ccproxy-token': 'local-client-token-1' } });
    expect(ok.status).toBe(200);
    const wrong = await h.client({ apiKey: 'not-the-token' }).messages.create(MESSAGE).catch((e) => e);
    expect(wrong.status).toBe(401);
    expect(wrong.error.error.message).toContain('x-ccproxy-token');
    const missing = await fetch(`${h.url}/v1/models`);
    expect(missing.status).toBe(401);
    // Claude Code retries a 401 for minutes unless told not to; with this it shows the message at once.
    expect(missing.headers.get('x-should-retry')).toBe('false');
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
  });

  it('never logs the configured key or the client token', () => {
    h.runtime.logBus.logger.info('debug dump: api_key=sk-ant-api03-PROXYKEY-999999 token local-client-token-1');
    const all = h.logs().join('\n');
    expect(all).not.toContain('PROXYKEY');
    expect(all).not.toContain('local-client-token-1');
  });
});
