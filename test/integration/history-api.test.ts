// The history through the real proxy (real HTTP, the fake upstream, the official SDKs as clients): records with
// client, session and cost_usd; paging with `before`; filters and search; one record; usage grouped; export
// streamed and read back; clearing (same origin only); the since-start /usage kept for the Stats view.
import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, MESSAGE, startHarness, type Harness } from '../fixtures/proxy-harness.js';
import { CSV_COLUMNS, parseCsvLine } from '../../main/requests/history/export.js';

let hx: Harness;
const SESSION = '7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

beforeAll(async () => {
  hx = await startHarness({ config: { model_mapping: { 'gpt-4o': 'claude-haiku-4-5' }, security: { allowed_origins: ['http://tool.example'] } } });
});
afterAll(() => hx?.close());
beforeEach(async () => {
  await fetch(`${hx.url}/requests`, { method: 'DELETE' });
  hx.upstream.reset();
});

const get = async (p: string) => {
  const res = await fetch(`${hx.url}${p}`);
  return { status: res.status, body: (await res.json()) as any };
};

/** A Claude Code request: its user-agent and its session in metadata.user_id (no session header). */
async function claudeCode(body: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${hx.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'x-api-key': 'sk-ant-test-0001', 'content-type': 'application/json', 'user-agent': 'claude-cli/2.0.14 (external, cli)' },
    body: JSON.stringify({ ...MESSAGE, ...body, metadata: { user_id: `user_0a1b_account_11111111-2222-3333-4444-555555555555_session_${SESSION}` } }),
  });
}

describe('history API', () => {
  it('keeps each request with its client, session and cost, newest first', async () => {
    expect((await claudeCode()).status).toBe(200);
    await hx.client().messages.create(MESSAGE);
    await new OpenAI({ baseURL: `${hx.url}/v1`, apiKey: 'sk-test', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    const { body } = await get('/requests');
    expect(body.history).toBe('on');
    const [openai, sdk, cc] = body.requests;
    expect(cc).toMatchObject({ client: 'claude-code', client_version: '2.0.14', session: SESSION, model: 'claude-haiku-4-5', status: 200 });
    expect(sdk).toMatchObject({ client: 'anthropic-sdk-js', session: null });
    expect(openai).toMatchObject({ client: 'openai-sdk-js', route: 'openai', model: 'gpt-4o', mapped_model: 'claude-haiku-4-5' });
    // Haiku 4.5 at $1 in / $5 out per million: the record's own token counts, priced.
    expect(cc.cost_usd).toBeCloseTo((cc.usage.input_tokens * 1 + cc.usage.output_tokens * 5) / 1e6, 12);
    expect(cc.cost_usd).toBeGreaterThan(0);
  });

  it('prices the four token kinds exactly, 1-hour cache writes apart, and null for a model without a price', async () => {
    const answer = (model: string) => ({
      kind: 'raw' as const,
      status: 200,
      headers: ['content-type', 'application/json', 'request-id', 'req_cost'],
      body: JSON.stringify({ id: 'msg_c', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', usage: { input_tokens: 1000, output_tokens: 2000, cache_creation_input_tokens: 3000, cache_read_input_tokens: 4000, cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 } } }),
    });
    hx.upstream.enqueue(answer('claude-sonnet-4-5-20250929'), answer('claude-unknown-9'));
    await hx.client().messages.create({ ...MESSAGE, model: 'claude-sonnet-4-5-20250929' });
    await hx.client().messages.create({ ...MESSAGE, model: 'claude-unknown-9' });
    const [unknown, sonnet] = (await get('/requests')).body.requests;
    // 1000×$3 + 2000×$15 + 1000×$3.75 (5m) + 2000×$6 (1h) + 4000×$0.30 = 3000 + 30000 + 3750 + 12000 + 1200 µ$
    expect(sonnet.cost_usd).toBe(0.04995);
    expect(sonnet.usage).toMatchObject({ cache_creation_input_tokens: 3000, cache_creation_1h_input_tokens: 2000 });
    expect(unknown.cost_usd).toBeNull();
    const byModel = (await get('/usage?group_by=model')).body.rows;
    expect(byModel.find((r: any) => r.model === 'claude-unknown-9')).toMatchObject({ cost_usd: 0, unpriced_requests: 1 });
    expect(byModel.find((r: any) => r.model === 'claude-sonnet-4-5-20250929')).toMatchObject({ cost_usd: 0.04995, unpriced_requests: 0 });
  });

  it('pages with before, filters by model, status, client and search, and answers one record', async () => {
    for (let i = 0; i < 5; i++) await hx.client().messages.create(MESSAGE);
    hx.upstream.enqueue({ kind: 'error', status: 529 });
    await hx.client().messages.create({ ...MESSAGE, model: 'claude-opus-4-5' }).catch(() => {});
    await claudeCode({ model: 'claude-sonnet-4-5' });
    const first = (await get('/requests?limit=3')).body;
    expect(first.requests).toHaveLength(3);
    const second = (await get(`/requests?limit=3&before=${first.next_before}`)).body;
    const third = (await get(`/requests?limit=3&before=${second.next_before}`)).body;
    const ids = [...first.requests, ...second.requests, ...third.requests].map((r: any) => r.id);
    expect(new Set(ids).size).toBe(7);
    expect(third.next_before).toBeNull();

    expect((await get('/requests?status=5xx')).body.requests.map((r: any) => r.status)).toEqual([529]);
    expect((await get('/requests?model=claude-sonnet-4-5')).body.requests.map((r: any) => r.client)).toEqual(['claude-code']);
    expect((await get('/requests?client=anthropic-sdk-js')).body.requests).toHaveLength(6);
    expect((await get('/requests?q=overloaded')).body.requests.map((r: any) => r.error_type)).toEqual(['overloaded_error']);
    expect((await get(`/requests?session=${SESSION}`)).body.requests).toHaveLength(1);
    const since = new Date(Date.now() + 60_000).toISOString();
    expect((await get(`/requests?since=${since}`)).body.requests).toHaveLength(0);

    const one = await get(`/requests/${ids[0]}`);
    expect(one.body.record.id).toBe(ids[0]);
    expect(one.body.bodies).toBeNull(); // capture_bodies is off by default
    expect((await get('/requests/nope-1')).status).toBe(404);
    const bad = await get('/requests?status=3xx');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/status/);
  });

  it('groups usage by day, hour, client and session, and keeps the since-start /usage', async () => {
    await hx.client().messages.create(MESSAGE);
    await claudeCode();
    const day = (await get('/usage?group_by=day')).body;
    expect(day.rows).toHaveLength(1);
    expect(day.rows[0]).toMatchObject({ key: new Date().toISOString().slice(0, 10), requests: 2, errors: 0 });
    expect(day.rows[0].input_tokens).toBeGreaterThan(0);
    expect((await get('/usage?group_by=client')).body.rows.map((r: any) => r.client).sort()).toEqual(['anthropic-sdk-js', 'claude-code']);
    expect((await get('/usage?group_by=session')).body.rows.map((r: any) => r.session).sort()).toEqual([SESSION, 'none']);
    expect((await get('/usage?group_by=hour')).body.rows[0].hour).toMatch(/T\d\d:00Z$/);
    const live = (await get('/usage')).body;
    expect(live.since).toBeTruthy();
    expect(live.models['claude-haiku-4-5'].requests).toBeGreaterThanOrEqual(2);
    expect((await get('/usage?group_by=week')).status).toBe(400);
  });

  it('exports the filtered history as CSV and JSON Lines, streamed, and reads back the same records', async () => {
    for (let i = 0; i < 4; i++) await hx.client().messages.create(MESSAGE);
    await claudeCode();
    const listed = (await get('/requests?limit=100')).body.requests;
    const jsonl = await fetch(`${hx.url}/requests/export?format=jsonl`);
    expect(jsonl.headers.get('content-type')).toMatch(/ndjson/);
    expect(jsonl.headers.get('content-disposition')).toMatch(/attachment; filename="ccproxy-requests-.*\.jsonl"/);
    expect((await jsonl.text()).trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(listed);
    const csv = (await (await fetch(`${hx.url}/requests/export?format=csv&client=claude-code`)).text()).split('\r\n').filter(Boolean);
    expect(parseCsvLine(csv[0]!)).toEqual([...CSV_COLUMNS]);
    expect(csv).toHaveLength(2);
    const row = Object.fromEntries(parseCsvLine(csv[1]!).map((v, i) => [CSV_COLUMNS[i], v]));
    const cc = listed.find((r: any) => r.client === 'claude-code');
    expect(row).toMatchObject({ id: cc.id, session: SESSION, status: '200', cost_usd: String(cc.cost_usd), input_tokens: String(cc.usage.input_tokens), user_agent: 'claude-cli/2.0.14 (external, cli)' });
  });

  it('clears the history: a local tool or the dashboard may, another origin may not', async () => {
    await hx.client().messages.create(MESSAGE);
    // Even an origin allowed to call the proxy (CORS) may not clear it.
    const other = await fetch(`${hx.url}/requests`, { method: 'DELETE', headers: { origin: 'http://tool.example' } });
    expect(other.status).toBe(403);
    expect((await other.json()).error.message).toMatch(/Clearing the history/);
    // The refusal is a record of its own (a 403 the proxy answered itself), beside the message.
    const kept = (await get('/requests')).body.requests;
    expect(kept.map((r: any) => r.status).sort()).toEqual([200, 403]);
    const same = await fetch(`${hx.url}/requests`, { method: 'DELETE', headers: { origin: hx.url } });
    expect(await same.json()).toMatchObject({ deleted: 2, history: 'on' });
    await eventually(async () => expect((await get('/requests')).body.requests).toHaveLength(0));
  });

  it('gives the same operations through the admin API', async () => {
    await claudeCode();
    const call = async (op: string, payload: unknown) => (await fetch(`${hx.url}/admin/api/${op}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })).json() as Promise<any>;
    const page = await call('getRequestPage', { limit: 10, client: 'claude-code' });
    expect(page.requests).toHaveLength(1);
    expect((await call('getRequestDetail', { id: page.requests[0].id })).record.session).toBe(SESSION);
    expect((await call('getUsageReport', { group_by: 'client' })).rows[0]).toMatchObject({ client: 'claude-code', requests: 1 });
    const exported = await call('exportRequests', { format: 'jsonl' });
    expect(exported).toMatchObject({ format: 'jsonl', records: 1, truncated: false });
    expect((await call('getUsageReport', { group_by: 'nope' })).error).toMatch(/group_by/);
    expect(await call('clearHistory', null)).toMatchObject({ deleted: 1 });
    expect(fs.existsSync(path.join(hx.dir, 'history.db'))).toBe(true);
  });
});

describe('history in a read-only folder', () => {
  it('is off with the reason, and the proxy serves', async (ctx) => {
    const { execFileSync } = await import('node:child_process');
    const os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-ro-'));
    let mounted = false;
    if (process.getuid?.() === 0) {
      // root writes through permission bits: a read-only bind mount is what a read-only folder is to it.
      try {
        execFileSync('mount', ['--bind', dir, dir]);
        mounted = true;
        execFileSync('mount', ['-o', 'remount,ro,bind', dir]);
      } catch {
        if (mounted) execFileSync('umount', [dir]);
        fs.rmSync(dir, { recursive: true, force: true });
        ctx.skip();
      }
    } else fs.chmodSync(dir, 0o555);
    const h = await startHarness({ config: { history: { path: path.join(dir, 'history.db') } } });
    try {
      const health = await (await fetch(`${h.url}/health`)).json();
      expect(health).toMatchObject({ status: 'ok', history: expect.stringMatching(/^off: the history folder or file is read-only/) });
      expect(h.logs().filter((l) => l.startsWith('[HISTORY] History is off'))).toHaveLength(1);
      expect((await h.client().messages.create(MESSAGE)).type).toBe('message');
      expect((await (await fetch(`${h.url}/requests`)).json()).requests).toHaveLength(1);
    } finally {
      await h.close();
      if (mounted) execFileSync('umount', [dir]);
      else fs.chmodSync(dir, 0o755);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('captured bodies through the proxy', () => {
  it('with [history] capture_bodies: redacted request, raw events and the reassembled message in /requests/{id}', async () => {
    const h = await startHarness({ config: { history: { capture_bodies: true } } });
    try {
      const secret = 'sk-ant-api03-ZZZZYYYYXXXXWWWWVVVV';
      const stream = h.client().messages.stream({ ...MESSAGE, messages: [{ role: 'user', content: `the key is ${secret}` }] });
      const final = await stream.finalMessage();
      const id = (await (await fetch(`${h.url}/requests`)).json()).requests[0].id;
      const detail = await (await fetch(`${h.url}/requests/${id}`)).json();
      expect(detail.bodies.request.text).toContain('the key is sk-***');
      expect(JSON.stringify(detail)).not.toContain(secret);
      expect(detail.bodies.response.text).toContain('event: message_start');
      // The fake upstream echoes the prompt, so the answer is redacted too.
      const content = JSON.parse(JSON.stringify(final.content).split(secret).join('sk-***'));
      expect(detail.bodies.response_message).toMatchObject({ id: final.id, content, stop_reason: final.stop_reason, usage: { output_tokens: final.usage.output_tokens } });
    } finally {
      await h.close();
    }
  });
});

describe('[pricing] from .ccproxy.toml', () => {
  it('prices a model the table lacks, cache prices defaulting to the usual multiples of input', async () => {
    const h = await startHarness({ config: { pricing: { 'claude-house-1': { input: 2, output: 10 } } } });
    try {
      h.upstream.enqueue({
        kind: 'raw',
        status: 200,
        headers: ['content-type', 'application/json'],
        body: JSON.stringify({ id: 'msg_p', type: 'message', role: 'assistant', model: 'claude-house-1', content: [], stop_reason: 'end_turn', usage: { input_tokens: 1000, output_tokens: 100, cache_creation_input_tokens: 400, cache_read_input_tokens: 2000 } }),
      });
      await h.client().messages.create({ ...MESSAGE, model: 'claude-house-1' });
      const [r] = (await (await fetch(`${h.url}/requests`)).json()).requests;
      // 1000×2 + 100×10 + 400×2.5 (5m writes: 1.25 × input) + 2000×0.2 (reads: 0.1 × input) = 2000 + 1000 + 1000 + 400 µ$
      expect(r.cost_usd).toBe(0.0044);
      // A section ccproxy reads: no "unknown setting" warning for it.
      expect(h.logs().filter((l) => l.includes('pricing') && l.includes('ccproxy reads'))).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
