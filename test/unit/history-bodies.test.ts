// Bodies in the history: kept only with [history] capture_bodies, secrets redacted, each cut at 1 MiB with
// `truncated`, and a streamed answer reassembled beside its raw events. Also the export round trip.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { History } from '../../main/requests/history/history.js';
import { HistoryReader } from '../../main/requests/history/reader.js';
import { CSV_COLUMNS, parseCsvLine } from '../../main/requests/history/export.js';
import { RequestRecorder } from '../../main/requests/recorder.js';
import { historySchema } from '../../main/config/schema.js';
import type { Logger } from '../../main/logging/log-bus.js';

const lines: string[] = [];
const log = { error: (m: unknown) => lines.push(`ERROR ${String(m)}`), warn: (m: unknown) => lines.push(`WARN ${String(m)}`), info: (m: unknown) => lines.push(`INFO ${String(m)}`), debug: () => {} } as unknown as Logger;
const dirs: string[] = [];
const histories: History[] = [];
afterEach(() => {
  for (const h of histories.splice(0)) h.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(capture: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-bodies-'));
  dirs.push(dir);
  const history = new History(historySchema.parse({ capture_bodies: capture }), path.join(dir, 'history.db'), log);
  histories.push(history);
  history.open();
  const recorder = new RequestRecorder(100, (r) => history.record(r));
  recorder.captureBodies = history.captureBodies;
  return { history, recorder, reader: new HistoryReader(history, recorder) };
}

const SECRET = 'sk-ant-api03-AAAABBBBCCCCDDDDEEEE';
const requestBody = Buffer.from(JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: `my key is ${SECRET}` }] }));
const sse = [
  { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [], stop_reason: null, usage: { input_tokens: 5, output_tokens: 1 } } },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello ' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'there' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'tu_1', name: 'get', input: {} } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
  { type: 'content_block_stop', index: 1 },
  { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 7 } },
  { type: 'message_stop' },
].map((e) => Buffer.from(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`));

function streamed(recorder: RequestRecorder, body: Buffer[] = [requestBody]): string {
  const trace = recorder.begin({ method: 'POST', path: '/v1/messages', route: 'anthropic', rawHeaders: ['user-agent', 'Anthropic/JS 1.14.0', 'x-api-key', SECRET] });
  for (const b of body) trace.bodyChunk(b);
  trace.head(200, ['content-type', 'text/event-stream']);
  for (const e of sse) trace.data(e);
  trace.end({ status: 200 });
  return trace.record.id;
}

describe('captured bodies', () => {
  it('are not kept when capture_bodies is off', () => {
    const { recorder, reader } = setup(false);
    const id = streamed(recorder);
    const detail = reader.detail(id)!;
    expect(detail.record.id).toBe(id);
    expect(detail.bodies).toBeNull();
  });

  it('are kept when on: secrets redacted, the stream reassembled beside its raw events', () => {
    const { recorder, reader } = setup(true);
    const id = streamed(recorder);
    const detail = reader.detail(id)!;
    expect(detail.bodies!.request.text).toContain('my key is sk-***');
    expect(detail.bodies!.request.text).not.toContain(SECRET);
    expect(detail.bodies!.request.truncated).toBe(false);
    expect(detail.bodies!.response.text).toContain('event: content_block_delta');
    expect(detail.bodies!.response_message).toMatchObject({
      id: 'msg_1',
      stop_reason: 'tool_use',
      content: [{ type: 'text', text: 'Hello there' }, { type: 'tool_use', name: 'get', input: { city: 'Paris' } }],
      usage: { input_tokens: 5, output_tokens: 7 },
    });
  });

  it('are cut at 1 MiB each, flagged truncated', () => {
    const { recorder, reader } = setup(true);
    const big = Buffer.from(`{"model":"claude-haiku-4-5","messages":[{"role":"user","content":"${'a'.repeat(1536 * 1024)}"}]}`);
    const id = streamed(recorder, [big.subarray(0, 700_000), big.subarray(700_000)]);
    const body = reader.detail(id)!.bodies!.request;
    expect(body.truncated).toBe(true);
    expect(Buffer.byteLength(body.text!)).toBe(1024 * 1024);
  });
});

describe('export', () => {
  it('round-trips every record through JSONL and CSV, with the same filters as /requests', () => {
    const { recorder, reader } = setup(false);
    const ids = Array.from({ length: 30 }, () => streamed(recorder));
    const jsonl = [...reader.exportLines('jsonl', {})].join('');
    const parsed = jsonl.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(parsed.map((r) => r.id)).toEqual([...ids].reverse());
    expect(parsed[0]).toEqual(reader.page({}, 1).requests[0]);

    const csv = [...reader.exportLines('csv', { client: 'anthropic-sdk-js' })].join('').split('\r\n').filter(Boolean);
    expect(parseCsvLine(csv[0]!)).toEqual([...CSV_COLUMNS]);
    expect(csv).toHaveLength(31);
    const row = Object.fromEntries(parseCsvLine(csv[1]!).map((v, i) => [CSV_COLUMNS[i], v]));
    expect(row).toMatchObject({ id: ids[29], client: 'anthropic-sdk-js', model: 'claude-haiku-4-5', input_tokens: '5', output_tokens: '7', stop_reason: 'tool_use' });
    expect(Number(row.cost_usd)).toBeCloseTo((5 * 1 + 7 * 5) / 1e6, 10);
    expect([...reader.exportLines('csv', { client: 'codex' })]).toHaveLength(1);
  });
});
