// A TLS upstream trusted through [upstream] ca_file: warm TLS connections are reused, an untrusted one is refused.
import { describe, expect, it } from 'vitest';
import { MESSAGE, postMessage, startHarness } from '../fixtures/proxy-harness.js';
import { TLS_CERT_PATH } from '../fixtures/tls/paths.js';
import { startConnectProxy } from '../fixtures/connect-proxy.js';

describe('TLS upstream', () => {
  it('reuses warm TLS connections when the CA is given in ca_file', async () => {
    const h = await startHarness({ upstream: { tls: true }, config: { upstream: { ca_file: TLS_CERT_PATH } } });
    try {
      expect(h.upstream.url).toMatch(/^https:/);
      for (let i = 0; i < 5; i++) await h.client().messages.create(MESSAGE);
      expect(await h.client().messages.stream(MESSAGE).finalText()).toContain('Hello from the fake upstream');
      expect(h.upstream.connectionsAccepted).toBe(2);
      expect((await h.stats()).stats.connections_reused).toBe(6);
    } finally {
      await h.close();
    }
  });

  it('without the CA, the certificate is refused with a 502 that says why', async () => {
    const h = await startHarness({ upstream: { tls: true } });
    try {
      const res = await postMessage(h.url);
      expect(res.status).toBe(502);
      expect((await res.json()).error.message).toMatch(/TLS with the upstream https:\/\/127\.0\.0\.1:\d+ failed: .*(self[- ]signed|certificate).*ca_file/i);
    } finally {
      await h.close();
    }
  });
});

describe('through an HTTP proxy ([upstream] proxy_url)', () => {
  it('tunnels each pooled connection once and reuses it', async () => {
    const proxy = await startConnectProxy();
    const h = await startHarness({ upstream: { tls: true }, config: { upstream: { ca_file: TLS_CERT_PATH, proxy_url: proxy.url } } });
    try {
      for (let i = 0; i < 5; i++) await h.client().messages.create(MESSAGE);
      expect(proxy.tunnels).toBe(2);
      expect(proxy.targets.every((t) => t === `127.0.0.1:${h.upstream.port}`)).toBe(true);
      expect(h.upstream.connectionsAccepted).toBe(2);
      expect((await h.stats()).stats.connections_reused).toBe(5);
    } finally {
      await h.close();
      await proxy.close();
    }
  });

  it('a proxy that refuses the tunnel gives a 502 naming the proxy and its answer', async () => {
    const proxy = await startConnectProxy();
    proxy.refuseWith = 407;
    const h = await startHarness({ upstream: { tls: true }, config: { upstream: { ca_file: TLS_CERT_PATH, proxy_url: proxy.url } } });
    try {
      const res = await postMessage(h.url);
      expect(res.status).toBe(502);
      expect((await res.json()).error.message).toContain(`the HTTP proxy ${proxy.url.slice('http://'.length)} refused the tunnel to 127.0.0.1:${h.upstream.port}: 407`);
    } finally {
      await h.close();
      await proxy.close();
    }
  });
});
