// Real connection reuse, counted as TCP connections at the upstream, and the pool's numbers while requests run.
import { describe, expect, it } from 'vitest';
import { eventually, MESSAGE, postMessage, startHarness } from '../fixtures/proxy-harness.js';

describe('connection reuse', () => {
  it('20 sequential requests through the pool open no more sockets than the pool holds', async () => {
    const h = await startHarness({ config: { pool_settings: { min_size: 2, max_size: 10 } } });
    try {
      const client = h.client();
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const { response } = await client.messages.create(MESSAGE).withResponse();
        ids.add(response.headers.get('x-ccproxy-connection')!);
      }
      const stats = await h.stats();
      expect(h.upstream.connectionsAccepted).toBeLessThanOrEqual(stats.stats.total_connections);
      expect(h.upstream.connectionsAccepted).toBe(2);
      expect(stats.stats.connections_reused).toBeGreaterThanOrEqual(18);
      expect(stats.pool_enabled).toBe(true);
      // Most recently used first: sequential requests keep riding one warm connection.
      expect(ids.size).toBe(1);
    } finally {
      await h.close();
    }
  });

  it('with pooling disabled, 20 requests open 20 sockets and reuse nothing', async () => {
    const h = await startHarness({ config: { pool_settings: { enabled: false } } });
    try {
      for (let i = 0; i < 20; i++) await h.client().messages.create(MESSAGE);
      const stats = await h.stats();
      expect(h.upstream.connectionsAccepted).toBe(20);
      expect(stats.pool_enabled).toBe(false);
      expect(stats.stats).toMatchObject({ connections_reused: 0, connections_created: 20, connections_destroyed: 20 });
    } finally {
      await h.close();
    }
  });
});

describe('the numbers while requests run', () => {
  it('a stream holds one connection in use, and gives it back when it ends', async () => {
    const h = await startHarness();
    try {
      const gate = h.upstream.hold();
      h.upstream.enqueue({ kind: 'held' });
      const stream = h.client().messages.stream(MESSAGE);
      const text = stream.finalText();
      await gate.reached;
      expect((await h.stats()).stats).toMatchObject({ in_use_connections: 1, total_connections: 2, available_connections: 1 });
      gate.release();
      await text;
      await eventually(async () => expect((await h.stats()).stats).toMatchObject({ in_use_connections: 0, available_connections: 2 }));
    } finally {
      await h.close();
    }
  });

  it('50 concurrent requests with max_size 10 all succeed and never exceed 10 connections', async () => {
    const h = await startHarness({ config: { pool_settings: { min_size: 2, max_size: 10, acquire_timeout: 30 } } });
    try {
      let maxOpen = 0;
      let maxTotal = 0;
      h.upstream.on('request', () => {
        maxOpen = Math.max(maxOpen, h.upstream.openConnections);
        maxTotal = Math.max(maxTotal, h.runtime.stats().stats.total_connections);
      });
      h.upstream.setDefault({ kind: 'delay', ms: 20 });
      const results = await Promise.all(Array.from({ length: 50 }, () => h.client().messages.create(MESSAGE)));
      expect(results.every((m) => m.type === 'message')).toBe(true);
      expect(maxTotal).toBeLessThanOrEqual(10);
      expect(maxOpen).toBeLessThanOrEqual(10);
      expect(h.upstream.connectionsAccepted).toBeLessThanOrEqual(10);
      const stats = await h.stats();
      expect(stats.stats.total_connections).toBeLessThanOrEqual(10);
      expect(stats.stats.connections_reused + stats.stats.connections_created).toBeGreaterThanOrEqual(50);
      expect(stats.stats.acquire_timeouts).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('sustained load from 32 clients opens no more connections in all than max_size (no churn)', async () => {
    const h = await startHarness({ config: { pool_settings: { min_size: 2, max_size: 10, acquire_timeout: 30 } } });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 32 }, async () => {
          const got: number[] = [];
          for (let i = 0; i < 20; i++) {
            const res = await postMessage(h.url);
            await res.arrayBuffer();
            got.push(res.status);
          }
          return got;
        }),
      );
      expect(statuses.flat().filter((s) => s !== 200)).toEqual([]);
      expect(h.upstream.connectionsAccepted).toBeLessThanOrEqual(10);
      const stats = await h.stats();
      expect(stats.stats.connections_created).toBeLessThanOrEqual(10);
      expect(stats.stats.connections_destroyed).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('exhaustion with a short acquire_timeout answers 503 overloaded_error with retry-after, and counts it', async () => {
    const h = await startHarness({ config: { pool_settings: { min_size: 1, max_size: 1, acquire_timeout: 0.2 } } });
    try {
      const gate = h.upstream.hold();
      h.upstream.enqueue({ kind: 'held' });
      const first = h.client().messages.stream(MESSAGE).finalText();
      await gate.reached;
      const res = await postMessage(h.url);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: expect.stringContaining('max_size') } });
      expect((await h.stats()).stats.acquire_timeouts).toBe(1);
      gate.release();
      await first;
    } finally {
      await h.close();
    }
  });
});

describe('broken and stale connections', () => {
  it('a connection that broke is destroyed, not handed out again', async () => {
    const h = await startHarness({ config: { pool_settings: { min_size: 1, max_size: 2 } } });
    try {
      h.upstream.enqueue({ kind: 'disconnect_mid_stream' });
      const broken = await postMessage(h.url, { ...MESSAGE, stream: true });
      const brokenId = broken.headers.get('x-ccproxy-connection');
      await broken.text();
      await eventually(async () => expect((await h.stats()).stats.connections_destroyed).toBe(1));
      const { response } = await h.client().messages.create(MESSAGE).withResponse();
      expect(response.headers.get('x-ccproxy-connection')).not.toBe(brokenId);
      expect(h.runtime.stats().connections.map((c) => c.id)).not.toContain(brokenId);
    } finally {
      await h.close();
    }
  });

  it('the upstream closing idle sockets causes no client error, and each request goes upstream once', async () => {
    const h = await startHarness({ config: { pool_settings: { min_size: 2, max_size: 4 } } });
    try {
      await h.client().messages.create(MESSAGE);
      for (let round = 0; round < 3; round++) {
        h.upstream.closeIdleConnections();
        // No waiting: the next request may race the close; it must still succeed.
        const msg = await h.client().messages.create(MESSAGE);
        expect(msg.type).toBe('message');
      }
      expect(h.upstream.requests.filter((r) => r.method === 'POST')).toHaveLength(4);
      expect(h.logs().some((l) => /socket closed/.test(l))).toBe(true);
    } finally {
      await h.close();
    }
  });
});

describe('an upstream that reads the whole request, then resets the socket', () => {
  it('receives it once: the client gets a 502 saying it may have arrived, and no retry', async () => {
    const h = await startHarness({ config: { pool_settings: { min_size: 2, max_size: 4 } } });
    try {
      h.upstream.enqueue({ kind: 'drop' });
      const res = await postMessage(h.url);
      expect(res.status).toBe(502);
      const body = await res.json();
      expect(body).toMatchObject({ type: 'error', error: { type: 'api_error' } });
      expect(body.error.message).toContain(`The connection to the upstream ${h.upstream.url} broke`);
      expect(body.error.message).toContain('may have reached it and was not sent again');
      expect(h.upstream.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      // The next request is served on a sound connection.
      expect((await postMessage(h.url)).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});
