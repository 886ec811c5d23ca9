// Paths stay under the upstream's base path: "." and ".." segments, raw or percent-encoded, and encoded slashes get
// a 400 before anything is sent; query strings pass unchanged. The upstream here has a base path (/gateway).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../fixtures/proxy-harness.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream/index.js';

let upstream: FakeUpstream;
let h: Harness;
beforeAll(async () => {
  upstream = await startFakeUpstream();
  h = await startHarness({ upstreamUrl: `${upstream.url}/gateway` });
});
afterAll(async () => {
  await h.close();
  await upstream.close();
});

/** A GET with the path exactly as given (fetch and URL would normalise the dot segments away), as an Anthropic client sends it. */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(h.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method: 'GET', headers: { 'x-api-key': 'k-123456', 'anthropic-version': '2023-06-01' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const forwarded = () => upstream.requests.filter((r) => r.method === 'GET').map((r) => r.url);

describe('paths that could leave the base path', () => {
  it.each([
    '/v1/../../admin',
    '/v1/models/../../../admin',
    '/v1/%2e%2e/%2e%2e/admin',
    '/v1/%2E%2e/admin',
    '/v1/.%2e/admin',
    '/v1/./models',
    '/v1/%2e/models',
    '/v1/models/..',
    '/v1/models%2f..%2f..%2fadmin',
    '/v1/models%2F..%2Fadmin',
    '/v1/models%5c..%5cadmin',
    '/v1/models\\..\\admin',
  ])('%s is refused with a 400 and nothing is sent', async (path) => {
    const before = forwarded().length;
    const res = await rawGet(path);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatchObject({ type: 'invalid_request_error' });
    expect(JSON.parse(res.body).error.message).toMatch(/could leave the upstream's base path/);
    expect(forwarded().length).toBe(before);
  });

  it('ordinary paths and their query strings reach the upstream unchanged, under the base path', async () => {
    await rawGet('/v1/files?after_id=..%2f..%2fx&q=../y&z=%2e%2e');
    await rawGet('/v1/models/claude-haiku-4-5..beta');
    expect(forwarded()).toContain('/gateway/v1/files?after_id=..%2f..%2fx&q=../y&z=%2e%2e');
    expect(forwarded()).toContain('/gateway/v1/models/claude-haiku-4-5..beta');
  });
});
