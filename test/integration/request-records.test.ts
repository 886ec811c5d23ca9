// Every API request leaves a record, read on the side of the forwarding path: what the client asked, how the pool
// served it, what the upstream answered. The client's view (the SDK's parsed answer) is the ground truth.
import zlib from 'node:zlib';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, eventually, MESSAGE, postMessage, startHarness, type Harness } from '../fixtures/proxy-harness.js';
import { startFakeUpstream } from '../fixtures/fake-upstream/index.js';

const records = async (h: Harness, limit?: number) => (await (await fetch(`${h.url}/requests${limit === undefined ? '' : `?limit=${limit}`}`)).json()).requests;
const last = async (h: Harness) => {
  let record: any;
  await eventually(async () => {
    record = (await records(h, 1))[0];
    expect(record.duration_ms).not.toBeNull();
  });
  return record;
};

describe('records of Anthropic requests', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { pool_settings: { min_size: 1, max_size: 4 } } });
  });
  afterAll(() => h.close());

  it('a JSON answer: model, status, timings, connection, request-id, stop reason and usage as the client saw them', async () => {
    // A connection this test used once already, so the answer below is served by a reused one whatever ran before.
    await postMessage(h.url).then((r) => r.text());
    const { data, response } = await h.client({ defaultHeaders: { 'user-agent': 'records-test/1.0' } }).messages.create(MESSAGE).withResponse();
    const r = await last(h);
    expect(r).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      route: 'anthropic',
      client: 'other', // a user-agent no tool is known by
      user_agent: 'records-test/1.0',
      model: 'claude-haiku-4-5',
      stream: false,
      status: 200,
      error_type: null,
      connection_id: response.headers.get('x-ccproxy-connection'),
      connection_reused: true,
      request_id: response.headers.get('request-id'),
      stop_reason: data.stop_reason,
      usage: { input_tokens: data.usage.input_tokens, output_tokens: data.usage.output_tokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
    expect(r.ttfb_ms).toBeGreaterThan(0);
    expect(r.duration_ms).toBeGreaterThanOrEqual(r.ttfb_ms);
    expect(r.acquire_wait_ms).toBeGreaterThanOrEqual(0);
    expect(r.sent_ms).toBeLessThanOrEqual(r.ttfb_ms);
    // Headers for the detail view, with the secret masked.
    const key = r.request_headers.find(([name]: [string]) => name.toLowerCase() === 'authorization');
    expect(key[1]).toMatch(/^Bearer sk-ant…\(masked\)$/);
    expect(JSON.stringify(r)).not.toContain('sk-ant-test-client-key-0001');
  });

  it('a stream: usage and stop reason from message_start and message_delta, read on the side', async () => {
    const stream = h.client().messages.stream(MESSAGE);
    const final = await stream.finalMessage();
    const r = await last(h);
    expect(r).toMatchObject({ stream: true, status: 200, model: 'claude-haiku-4-5', stop_reason: final.stop_reason });
    expect(r.usage).toMatchObject({ input_tokens: final.usage.input_tokens, output_tokens: final.usage.output_tokens });
  });

  it('a tool call: stop reason tool_use', async () => {
    h.upstream.enqueue({ kind: 'tool_use' });
    await h.client().messages.create({ ...MESSAGE, tools: [{ name: 'get_weather', description: 'w', input_schema: { type: 'object', properties: {} } }] });
    expect((await last(h)).stop_reason).toBe('tool_use');
  });

  it('a compressed JSON answer is still read (decompressed on the side, passed on compressed)', async () => {
    const body = { id: 'msg_gz', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [], stop_reason: 'end_turn', usage: { input_tokens: 11, output_tokens: 22, cache_read_input_tokens: 5 } };
    const gz = zlib.gzipSync(JSON.stringify(body));
    h.upstream.enqueue({ kind: 'raw', status: 200, headers: ['content-type', 'application/json', 'content-encoding', 'gzip'], body: gz });
    const res = await postMessage(h.url);
    expect((await res.json()).usage.input_tokens).toBe(11);
    expect((await last(h)).usage).toEqual({ input_tokens: 11, output_tokens: 22, cache_creation_input_tokens: 0, cache_read_input_tokens: 5 });
  });

  it.each([
    [429, 'rate_limit_error'],
    [529, 'overloaded_error'],
    [500, 'api_error'],
  ] as const)('an upstream %i is recorded with its error type, counted, and kept out of the latency percentiles', async (status, type) => {
    const before = await h.stats();
    h.upstream.enqueue({ kind: 'error', status, retryAfter: 4 });
    const res = await postMessage(h.url);
    expect(res.status).toBe(status);
    const r = await last(h);
    expect(r).toMatchObject({ status, error_type: type, error_message: expect.any(String) });
    const after = await h.stats();
    expect(after.errors.by_status_class[status === 429 ? '4xx' : '5xx']).toBe(before.errors.by_status_class[status === 429 ? '4xx' : '5xx'] + 1);
    expect(after.errors.by_type[type]).toBe((before.errors.by_type[type] ?? 0) + 1);
    expect(after.request_latency_ms.count).toBe(before.request_latency_ms.count);
    expect(after.error_latency_ms.count).toBe(before.error_latency_ms.count + 1);
    if (status === 429) expect(after.rate_limits.retry_after).toMatchObject({ seconds: 4 });
  });

  it('the latest rate-limit headroom is kept: the exact header values', async () => {
    await postMessage(h.url).then((r) => r.text());
    const res = await postMessage(h.url);
    await res.text();
    const header = (name: string) => res.headers.get(`anthropic-ratelimit-${name}`);
    // The fake counts down, so after two requests remaining is below the limit: reading the wrong line shows.
    expect(Number(header('requests-remaining'))).toBeLessThan(Number(header('requests-limit')));
    const { rate_limits } = await h.stats();
    expect(rate_limits.requests).toEqual({ limit: Number(header('requests-limit')), remaining: Number(header('requests-remaining')), reset: header('requests-reset') });
    expect(rate_limits.tokens).toMatchObject({ limit: 400000 });
  });

  it('an upstream that resets the socket after the request: 502 with the proxy\'s error type', async () => {
    h.upstream.enqueue({ kind: 'drop' });
    expect((await postMessage(h.url)).status).toBe(502);
    expect(await last(h)).toMatchObject({ status: 502, error_type: 'api_error', error_message: expect.stringContaining('may have reached it') });
  });

  it('a client that goes away mid-stream is recorded as aborted', async () => {
    const hold = h.upstream.hold();
    h.upstream.enqueue({ kind: 'held' });
    const ac = new AbortController();
    const res = await postMessage(h.url, { ...MESSAGE, stream: true }, { signal: ac.signal });
    await hold.reached;
    const aborted = h.upstream.abortedRequests;
    ac.abort();
    await res.text().catch(() => {});
    // The proxy notices and stops the upstream request before the upstream would have finished.
    await eventually(() => expect(h.upstream.abortedRequests).toBe(aborted + 1));
    hold.release();
    await eventually(async () => expect((await records(h, 1))[0]).toMatchObject({ error_type: 'client_aborted' }));
  });

  it('GET /requests is newest first and honours limit; a bad limit is a 400', async () => {
    for (let i = 0; i < 3; i++) await postMessage(h.url).then((r) => r.text());
    await last(h);
    const all = await records(h);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const starts = all.map((r: any) => r.started_at);
    expect([...starts].sort().reverse()).toEqual(starts);
    expect(await records(h, 2)).toHaveLength(2);
    expect((await fetch(`${h.url}/requests?limit=-1`)).status).toBe(400);
  });

});

describe('the request_history ring', () => {
  it('holds exactly request_history records, the newest ones', async () => {
    // History off: GET /requests then answers from the ring (with history on it reads the SQLite store).
    const h = await startHarness({ config: { logging: { request_history: 3 }, pool_settings: { min_size: 1 }, history: { enabled: false } } });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await postMessage(h.url);
        await res.text();
        ids.push(res.headers.get('request-id')!);
      }
      await eventually(async () => expect((await records(h, 100)).every((r: any) => r.duration_ms !== null)).toBe(true));
      const kept = await records(h, 100);
      expect(kept).toHaveLength(3);
      expect(kept.map((r: any) => r.request_id)).toEqual(ids.slice(-3).reverse());
      const usage = await (await fetch(`${h.url}/usage`)).json();
      expect(usage.models['claude-haiku-4-5'].requests).toBe(5); // totals count every request; the ring keeps 3
    } finally {
      await h.close();
    }
  });
});

describe('secrets in records kept in memory', () => {
  it('are masked in the ring (history off) as in the history file', async () => {
    const h = await startHarness({ config: { pool_settings: { min_size: 1 }, history: { enabled: false } } });
    try {
      await h.client().messages.create(MESSAGE);
      await eventually(async () => expect((await records(h, 1))[0]?.duration_ms ?? null).not.toBeNull());
      const [r] = await records(h, 1);
      const key = r.request_headers.find(([name]: [string]) => name.toLowerCase() === 'x-api-key' || name.toLowerCase() === 'authorization');
      expect(key[1]).toMatch(/…\(masked\)$/);
      expect(JSON.stringify(r)).not.toContain('sk-ant-test-client-key-0001');
    } finally {
      await h.close();
    }
  });
});

describe('usage totals', () => {
  it('GET /usage adds up tokens and errors per model; /metrics counts tokens by model and kind', async () => {
    // Its own proxy: the totals below are exactly what this test sent.
    const h = await startHarness({ config: { pool_settings: { min_size: 1, max_size: 4 } } });
    try {
      const a = await h.client().messages.create(MESSAGE);
      const b = await h.client().messages.create(MESSAGE);
      const body = { id: 'msg_gz', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [], stop_reason: 'end_turn', usage: { input_tokens: 11, output_tokens: 22, cache_read_input_tokens: 5 } };
      h.upstream.enqueue({ kind: 'raw', status: 200, headers: ['content-type', 'application/json'], body: Buffer.from(JSON.stringify(body)) });
      await (await postMessage(h.url)).text();
      h.upstream.enqueue({ kind: 'error', status: 429, retryAfter: 4 });
      await (await postMessage(h.url)).text();
      await eventually(async () => expect((await records(h)).filter((r: any) => r.duration_ms !== null)).toHaveLength(4));
      const usage = await (await fetch(`${h.url}/usage`)).json();
      const haiku = usage.models['claude-haiku-4-5'];
      expect(haiku).toMatchObject({
        requests: 4,
        errors: 1,
        input_tokens: a.usage.input_tokens + b.usage.input_tokens + 11,
        output_tokens: a.usage.output_tokens + b.usage.output_tokens + 22,
        cache_read_input_tokens: 5,
      });
      const metrics = await (await fetch(`${h.url}/metrics`)).text();
      expect(metrics).toContain(`ccproxy_tokens_total{model="claude-haiku-4-5",kind="output"} ${a.usage.output_tokens + b.usage.output_tokens + 22}`);
      expect(metrics).toMatch(/ccproxy_api_requests_total\{route="anthropic",status_class="4xx",error_type="rate_limit_error"\} 1\n/);
    } finally {
      await h.close();
    }
  });
});

describe('the records through the typed contract', () => {
  it('getRequests and getUsage answer, and each request is pushed live when it starts and when it ends', async () => {
    const h = await startHarness();
    try {
      const seen: Array<{ id: string; status: number; model: string | null }> = [];
      const off = h.runtime.api.subscribe((event, payload) => {
        if (event === 'request') seen.push({ id: (payload as any).id, status: (payload as any).status, model: (payload as any).model });
      });
      await h.client().messages.create(MESSAGE);
      off();
      // At the start, again once the body named its model (a live view shows it while in flight), at the end.
      expect(seen.map((s) => [s.status, s.model])).toEqual([
        [0, null],
        [0, 'claude-haiku-4-5'],
        [200, 'claude-haiku-4-5'],
      ]);
      expect(new Set(seen.map((s) => s.id)).size).toBe(1);
      const [record] = await h.runtime.api.call('getRequests', { limit: 1 });
      expect(record).toMatchObject({ id: seen[0]!.id, status: 200 });

      await expect(h.runtime.api.call('getRequests', { limit: 'ten' })).rejects.toThrow(/Invalid payload for getRequests/);
      expect((await h.runtime.api.call('getUsage', null)).models['claude-haiku-4-5'].requests).toBe(1);
    } finally {
      await h.close();
    }
  });
});

describe('records of OpenAI requests', () => {
  it('name the requested and the mapped model, with usage', async () => {
    const h = await startHarness({ config: { model_mapping: { 'gpt-4o': 'claude-sonnet-4-5' } } });
    try {
      const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'sk-ant-openai-client', maxRetries: 0 });
      const done = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
      const r = await last(h);
      expect(r).toMatchObject({ route: 'openai', path: '/v1/chat/completions', model: 'gpt-4o', mapped_model: 'claude-sonnet-4-5', status: 200 });
      expect(r.usage).toMatchObject({ input_tokens: done.usage!.prompt_tokens, output_tokens: done.usage!.completion_tokens });
      expect(r.connection_id).toMatch(/^[0-9a-f]{6}$/);
    } finally {
      await h.close();
    }
  });
});

describe('an unreachable upstream', () => {
  it('a failed request alone (no warm-up ran) makes it unreachable, with the reason', async () => {
    const port = await closedPort();
    const h = await startHarness({ upstreamUrl: `http://127.0.0.1:${port}`, config: { pool_settings: { min_size: 0, warmup_on_startup: false } }, runtime: { housekeepingMs: 0 } });
    try {
      // Nothing has tried the upstream yet.
      expect((await (await fetch(`${h.url}/health`)).json()).upstream).toBe('unknown');
      expect((await postMessage(h.url)).status).toBe(502);
      expect((await (await fetch(`${h.url}/health`)).json())).toMatchObject({ upstream: 'unreachable', upstream_error: expect.stringContaining('ECONNREFUSED') });
      expect((await h.stats()).upstream).toMatchObject({ state: 'unreachable', consecutive_failures: 1 });
    } finally {
      await h.close();
    }
  });

  it('is said so by /health, /pool/stats and the status, and an ERROR line; it clears when the upstream answers', async () => {
    const port = await closedPort();
    const h = await startHarness({ upstreamUrl: `http://127.0.0.1:${port}`, runtime: { housekeepingMs: 0 } });
    try {
      expect((await (await fetch(`${h.url}/health`)).json()).upstream).toBe('unreachable');
      expect((await postMessage(h.url)).status).toBe(502);
      expect((await h.stats()).upstream).toMatchObject({ state: 'unreachable', consecutive_failures: expect.any(Number), last_error: expect.stringContaining('ECONNREFUSED') });
      expect(h.runtime.status().upstream).toBe('unreachable');
      expect(h.logs().some((l) => l.startsWith(`[API] The upstream http://127.0.0.1:${port} is unreachable`))).toBe(true);
      expect((await last(h))).toMatchObject({ status: 502, error_type: 'api_error' });
      // The upstream comes up on that port: the next request is served and the state clears.
      const upstream = await startFakeUpstream({ port });
      try {
        expect((await postMessage(h.url)).status).toBe(200);
        expect((await (await fetch(`${h.url}/health`)).json()).upstream).toBe('ok');
        expect(h.logs().some((l) => l === `[API] The upstream http://127.0.0.1:${port} answers again`)).toBe(true);
      } finally {
        await upstream.close();
      }
    } finally {
      await h.close();
    }
  });
});
