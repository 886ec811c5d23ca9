// The seed's log lines, word for word, with numbers that are true when written; /metrics; live settings.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MESSAGE, closedPort, eventually, startHarness } from '../fixtures/proxy-harness.js';

const ID = '[0-9a-f]{6}';

/** Asserts that `patterns` match consecutive-in-order lines (other lines may sit between them). */
function expectSequence(lines: string[], patterns: RegExp[]): RegExpMatchArray[] {
  const found: RegExpMatchArray[] = [];
  let i = 0;
  for (const p of patterns) {
    while (i < lines.length && !p.test(lines[i]!)) i++;
    expect(i, `no line after the previous match matches ${p}\n${lines.join('\n')}`).toBeLessThan(lines.length);
    found.push(lines[i]!.match(p)!);
    i++;
  }
  return found;
}

describe('log lines', () => {
  it('startup, request handling and new-connection sequences read as in the seed', async () => {
    const h = await startHarness({ config: { pool_settings: { min_size: 2, max_size: 10 } } });
    try {
      expectSequence(h.logs(), [
        /^\[STARTUP\] Configuring connection pool manager\.\.\.$/,
        /^\[POOL_MANAGER\] Claude instance pool configured \(min: 2, max: 10\)$/,
        /^\[POOL\] Initializing Claude instance pool \(min=2, max=10\)$/,
        new RegExp(`^\\[POOL\\] Created new pooled connection ${ID}$`),
        new RegExp(`^\\[POOL\\] Created new pooled connection ${ID}$`),
        /^\[POOL\] Claude instance pool initialized successfully with 2 connections$/,
        /^\[STARTUP\] Claude connection pool initialized successfully$/,
      ]);
      // A first warm-up that works is not a recovery: nothing says the upstream "answers again".
      expect(h.logs().filter((l) => l.includes('answers again'))).toEqual([]);
      const mark = h.logs().length;
      await h.client().messages.create(MESSAGE);
      const [, reuse, acquired, apiRelease, mgrRelease, released] = expectSequence(h.logs().slice(mark), [
        /^\[API\] Acquiring Claude client from pool for message request$/,
        new RegExp(`^\\[POOL\\] Reusing existing connection (${ID}) \\(use_count: 1, pool_size: 2\\)$`),
        new RegExp(`^\\[POOL_MANAGER\\] Acquired pooled connection (${ID}) \\(use_count: 1\\)$`),
        new RegExp(`^\\[API\\] Releasing Claude client connection (${ID}) back to pool$`),
        new RegExp(`^\\[POOL_MANAGER\\] Releasing connection (${ID}) back to pool$`),
        new RegExp(`^\\[POOL\\] Released connection (${ID}) back to pool \\(available: 2, in_use: 0\\)$`),
      ]);
      const id = reuse![1];
      expect([acquired![1], apiRelease![1], mgrRelease![1], released![1]]).toEqual([id, id, id, id]);
      expect(h.logs().slice(mark)).toContain('[POOL_MANAGER] Acquiring client from pool');

      // Three at once with two warm connections: the third is created, and says so with true totals.
      const gates = [h.upstream.hold(), h.upstream.hold(), h.upstream.hold()];
      h.upstream.enqueue({ kind: 'held' }, { kind: 'held' }, { kind: 'held' });
      const streams = [0, 1, 2].map(() => h.client().messages.stream(MESSAGE).finalText());
      await Promise.all(gates.map((g) => g.reached));
      expect(h.logs().filter((l) => new RegExp(`^\\[POOL\\] Created new connection ${ID} \\(total: 3/10\\)$`).test(l))).toHaveLength(1);
      expect((await h.stats()).stats.in_use_connections).toBe(3);
      gates.forEach((g) => g.release());
      await Promise.all(streams);
      await eventually(() => expect(h.logs().filter((l) => l.startsWith('[POOL] Released')).at(-1)).toMatch(new RegExp(`^\\[POOL\\] Released connection ${ID} back to pool \\(available: 3, in_use: 0\\)$`)));
      // And one line per request with what it was and how it went.
      expect(h.logs().filter((l) => new RegExp(`^\\[API\\] POST /v1/messages → 200 \\(claude-haiku-4-5, [\\d.]+ ms, first byte [\\d.]+ ms, connection ${ID} (reused|new), tokens in \\d+ out \\d+\\)$`).test(l))).toHaveLength(4);
    } finally {
      await h.close();
    }
  });

  it('shutdown is logged', async () => {
    const h = await startHarness();
    await h.close();
    expect(h.logs().join('\n')).toMatch(/\[SHUTDOWN\] Stopping[\s\S]*\[POOL\] Shutting down: closing 2 connections \(in use: 0\)[\s\S]*\[POOL\] Pool closed \(created: 2, reused: 0, destroyed: 2\)[\s\S]*\[SHUTDOWN\] ccproxy stopped/);
  });
});

describe('/metrics', () => {
  it('exposes pool gauges, counters and the request histogram in Prometheus format', async () => {
    const h = await startHarness();
    try {
      await h.client().messages.create(MESSAGE);
      await h.client().messages.create(MESSAGE);
      const res = await fetch(`${h.url}/metrics`);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(text).toMatch(/^ccproxy_pool_connections 2$/m);
      expect(text).toMatch(/^ccproxy_pool_connections_reused_total 2$/m);
      expect(text).toMatch(/^ccproxy_pool_enabled 1$/m);
      expect(text).toMatch(/^ccproxy_http_request_duration_seconds_count\{route="\/v1\/\*",method="POST",status="200"\} 2$/m);
      expect(text).toMatch(/^ccproxy_process_resident_memory_bytes \d+/m);
    } finally {
      await h.close();
    }
  });
});

describe('live settings through the runtime', () => {
  it('a valid change is saved and applied; an invalid one is refused, leaving file and pool unchanged', async () => {
    const h = await startHarness({ config: { pool_settings: { min_size: 2, max_size: 10 }, someone_elses: { keep: true } } });
    try {
      const ok = await h.runtime.saveSettings({ pool_settings: { max_size: 4 } });
      expect(ok.ok).toBe(true);
      expect((await h.stats()).settings.max_size).toBe(4);
      expect(fs.readFileSync(h.configPath, 'utf8')).toMatch(/max_size = 4/);
      expect(fs.readFileSync(h.configPath, 'utf8')).toMatch(/\[someone_elses\]/);
      const before = fs.readFileSync(h.configPath, 'utf8');
      const bad = await h.runtime.saveSettings({ pool_settings: { max_size: 500 } });
      expect(bad).toMatchObject({ ok: false, errors: [{ path: 'pool_settings.max_size', message: expect.stringContaining('from 1 to 100') }] });
      expect(fs.readFileSync(h.configPath, 'utf8')).toBe(before);
      expect((await h.stats()).settings.max_size).toBe(4);
      const off = await h.runtime.saveSettings({ pool_settings: { enabled: false } });
      expect(off.ok).toBe(true);
      expect((await h.stats()).pool_enabled).toBe(false);
      await h.client().messages.create(MESSAGE);
    } finally {
      await h.close();
    }
  });
});

describe('editing the config file by hand', () => {
  it('a valid edit applies live; a broken one is logged and the running settings stay', async () => {
    const h = await startHarness({ config: { pool_settings: { min_size: 1, max_size: 10 } } });
    try {
      const text = fs.readFileSync(h.configPath, 'utf8');
      fs.writeFileSync(h.configPath, text.replace('max_size = 10', 'max_size = 7'));
      await eventually(async () => expect((await h.stats()).settings.max_size).toBe(7), 5000);
      fs.writeFileSync(h.configPath, text.replace('max_size = 10', 'max_size = 700'));
      await eventually(() => expect(h.logs().some((l) => l.startsWith(`[SETTINGS] Ignoring the edit of ${h.configPath}`) && l.includes('pool_settings.max_size = 700'))).toBe(true), 5000);
      expect((await h.stats()).settings.max_size).toBe(7);
      fs.writeFileSync(h.configPath, '[pool_settings\n');
      await eventually(() => expect(h.logs().some((l) => l.includes('not valid TOML'))).toBe(true), 5000);
      expect((await h.client().messages.create(MESSAGE)).type).toBe('message');
    } finally {
      await h.close();
    }
  });
});

describe('moving the proxy to another port from the settings', () => {
  it('opens the new listener, closes the old one, and keeps the pool', async () => {
    const h = await startHarness();
    try {
      const port = await closedPort();
      const result = await h.runtime.saveSettings({ server: { port } });
      expect(result).toMatchObject({ ok: true, restarted: true });
      expect(h.runtime.status()).toMatchObject({ state: 'running', endpoint: `http://127.0.0.1:${port}` });
      const moved = h.client({ baseURL: `http://127.0.0.1:${port}` });
      expect((await moved.messages.create(MESSAGE)).type).toBe('message');
      await eventually(async () => expect(await fetch(`${h.url}/health`).then((r) => r.status, () => 'refused')).toBe('refused'));
      expect(h.runtime.stats().stats.connections_reused).toBeGreaterThanOrEqual(1);
    } finally {
      await h.close();
    }
  });
});

