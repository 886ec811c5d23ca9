// Requests the proxy refuses itself are seen: a record (status, reason, client), ccproxy_refusals_total and one
// rate-limited WARN line each; its own 401 and 403 say x-should-retry: false, so a client fails at once.
import http from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { MESSAGE, eventually, startHarness, type Harness } from '../fixtures/proxy-harness.js';

const TOKEN = 'proxy-client-token-0123456789';
let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const refusalLines = () => h!.logs().filter((l) => l.startsWith('[SECURITY] Refused'));
const records = (status: number) => h!.runtime.requests(1000).filter((r) => r.status === status);

async function refusalMetric(status: number, reason: string): Promise<number> {
  const text = await (await fetch(`${h!.url}/metrics`, { headers: { 'x-ccproxy-token': TOKEN } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`ccproxy_refusals_total{status="${status}",reason="${reason}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

function rawRequest(path: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  const { hostname, port } = new URL(h!.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('refusals are seen', () => {
  it('a missing token: the official SDK (default retries) gives up at once, and the proxy records, counts and logs it', async () => {
    h = await startHarness({ config: { security: { auth_token: TOKEN } } });
    // maxRetries left at the SDK's default (2).
    const client = new Anthropic({ baseURL: h.url, apiKey: 'sk-ant-test-client-key-0001' });
    const err = await client.messages.create(MESSAGE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.AuthenticationError>).message).toContain('x-ccproxy-token');
    expect((err as InstanceType<typeof Anthropic.AuthenticationError>).headers?.get('x-should-retry')).toBe('false');
    // One attempt reached the proxy, none the upstream.
    expect(records(401)).toHaveLength(1);
    expect(records(401)[0]).toMatchObject({ path: '/v1/messages', error_type: 'authentication_error', route: 'anthropic' });
    expect(records(401)[0]).toMatchObject({ client: 'anthropic-sdk-js', user_agent: expect.stringMatching(/Anthropic\/JS/) });
    expect(h.upstream.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(refusalLines()).toHaveLength(1);
    expect(refusalLines()[0]).toMatch(/^\[SECURITY\] Refused POST \/v1\/messages from 127\.0\.0\.1 anthropic-sdk-js\/\d[^:]*: 401 token_refused: /);
    expect(await refusalMetric(401, 'token_refused')).toBe(1);

    // The token as the SDKs send it (a default header) is accepted.
    const withToken = new Anthropic({ baseURL: h.url, apiKey: 'sk-ant-test-client-key-0001', defaultHeaders: { 'x-ccproxy-token': TOKEN } });
    expect((await withToken.messages.create(MESSAGE)).type).toBe('message');
  }, 30_000);

  it('a client retrying a refused request in a loop gets one WARN line, while every refusal is recorded and counted', async () => {
    h = await startHarness({ config: { security: { auth_token: TOKEN } } });
    for (let i = 0; i < 20; i++) {
      const res = await rawRequest('/v1/messages', { 'x-api-key': 'k-1' });
      expect(res.status).toBe(401);
      expect(res.headers['x-should-retry']).toBe('false');
    }
    expect(records(401)).toHaveLength(20);
    expect(await refusalMetric(401, 'token_refused')).toBe(20);
    expect(refusalLines()).toHaveLength(1);
  }, 30_000);

  it('a bad Host (403), no route (404), a bad path (400) and a too-large body (413) each leave a record, a count and a line', async () => {
    h = await startHarness({ config: { server: { body_limit_mb: 1 } } });
    const badHost = await rawRequest('/v1/messages', { host: 'evil.example:8000' });
    expect(badHost.status).toBe(403);
    expect(badHost.headers['x-should-retry']).toBe('false');
    expect((await rawRequest('/nowhere', {})).status).toBe(404);
    expect((await rawRequest('/v1/%2e%2e/admin', {})).status).toBe(400);
    const big = await fetch(`${h.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
    await eventually(() => {
      expect(records(403)).toHaveLength(1);
      expect(records(404)).toHaveLength(1);
      expect(records(400)).toHaveLength(1);
      expect(records(413)).toHaveLength(1);
    });
    expect(records(404)[0]).toMatchObject({ path: '/nowhere', route: 'proxy', error_type: 'not_found_error' });
    expect(await refusalMetric(403, 'host_not_allowed')).toBe(1);
    expect(await refusalMetric(404, 'no_route')).toBe(1);
    expect(await refusalMetric(400, 'unsafe_path')).toBe(1);
    expect(await refusalMetric(413, 'body_too_large')).toBe(1);
    const lines = refusalLines();
    expect(lines.filter((l) => l.includes(': 403 host_not_allowed: '))).toHaveLength(1);
    expect(lines.filter((l) => l.includes(': 404 no_route: '))).toHaveLength(1);
    expect(lines.filter((l) => l.includes(': 400 unsafe_path: '))).toHaveLength(1);
    expect(lines.filter((l) => l.includes(': 413 body_too_large: '))).toHaveLength(1);
    // Refusals count in the totals like any other answer.
    // A route with its own error handler (OpenAI) is covered too: malformed JSON is a refusal.
    const badJson = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(badJson.status).toBe(400);
    await eventually(async () => expect(await refusalMetric(400, 'bad_json')).toBe(1));
    expect(records(400).map((r) => r.path)).toContain('/v1/chat/completions');
    expect(refusalLines().filter((l) => l.includes(': 400 bad_json: '))).toHaveLength(1);
    const stats = await h.stats();
    expect(stats.errors.by_status_class['4xx']).toBe(5);
  }, 30_000);
});
