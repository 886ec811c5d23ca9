// [upstream] http2: against a local HTTP/2 server with TLS, pooled connections are HTTP/2 sessions (the server sees
// HTTP/2 requests on as many sessions as the pool holds), counted in /pool/stats; off, the same server is spoken to
// over HTTP/1.1.
import fs from 'node:fs';
import http2 from 'node:http2';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE, postMessage, startHarness } from '../fixtures/proxy-harness.js';
import { TLS_CERT_PATH, TLS_KEY_PATH } from '../fixtures/tls/paths.js';

let server: http2.Http2SecureServer;
let url: string;
const seen: Array<{ version: string; method: string; path: string }> = [];
let sessions = 0;

beforeAll(async () => {
  // allowHTTP1: the same server answers either protocol, so the setting alone decides.
  server = http2.createSecureServer({ key: fs.readFileSync(TLS_KEY_PATH), cert: fs.readFileSync(TLS_CERT_PATH), allowHTTP1: true }, (req, res) => {
    seen.push({ version: req.httpVersion, method: req.method, path: req.url });
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'msg_h2', type: 'message', role: 'assistant', model: MESSAGE.model, content: [{ type: 'text', text: `over ${req.httpVersion}` }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 2 } }));
    });
  });
  server.on('session', () => sessions++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('HTTP/2 to the upstream', () => {
  it('http2 = true: every pooled connection is an HTTP/2 session, counted in /pool/stats', async () => {
    const before = seen.length;
    const sessionsBefore = sessions;
    const h = await startHarness({ upstreamUrl: url, config: { upstream: { ca_file: TLS_CERT_PATH, http2: true }, pool_settings: { min_size: 2 } } });
    try {
      const answers = await Promise.all(Array.from({ length: 4 }, () => h.client().messages.create(MESSAGE)));
      expect(answers.every((a) => a.content[0]!.type === 'text' && a.content[0]!.text === 'over 2.0')).toBe(true);
      const mine = seen.slice(before);
      expect(mine.filter((r) => r.method === 'POST')).toHaveLength(4);
      expect(mine.every((r) => r.version === '2.0')).toBe(true);
      const stats = await h.stats();
      expect(stats.stats.http2_sessions).toBe(stats.stats.total_connections);
      expect(stats.stats.http2_sessions).toBe(sessions - sessionsBefore);
      expect(stats.stats.http2_streams).toBe(0);
      expect((await postMessage(h.url)).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('http2 = false (the default): the same server is spoken to over HTTP/1.1', async () => {
    const before = seen.length;
    const h = await startHarness({ upstreamUrl: url, config: { upstream: { ca_file: TLS_CERT_PATH }, pool_settings: { min_size: 2 } } });
    try {
      const answer = await h.client().messages.create(MESSAGE);
      expect(answer.content[0]!.type === 'text' && answer.content[0]!.text).toBe('over 1.1');
      expect(seen.slice(before).every((r) => r.version === '1.1')).toBe(true);
      expect((await h.stats()).stats.http2_sessions).toBe(0);
    } finally {
      await h.close();
    }
  });
});
