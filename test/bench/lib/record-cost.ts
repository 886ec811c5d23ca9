// What a request record costs the proxy, measured in this process: the trace and taps a JSON and an SSE answer
// go through (body sniff, head, data, end, totals), with the same bytes the fake upstream sends.
import { RequestRecorder } from '../../../main/requests/recorder.js';
import type { Lease } from '../../../main/pool/types.js';

const REQUEST_LINES = ['host', 'localhost:8000', 'user-agent', 'bench/1', 'x-api-key', 'sk-ant-bench-000000', 'content-type', 'application/json', 'content-length', '97'];
const BODY = Buffer.from(JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello proxy' }] }));
const HEAD = ['request-id', 'req_011C', 'anthropic-ratelimit-requests-limit', '4000', 'anthropic-ratelimit-requests-remaining', '3999', 'anthropic-ratelimit-requests-reset', '2026-01-01T00:00:00Z', 'content-type'];
const JSON_ANSWER = Buffer.from(JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [{ type: 'text', text: 'Hello there, from the fake upstream.' }], stop_reason: 'end_turn', usage: { input_tokens: 12, output_tokens: 9 } }));
const SSE_EVENTS = [
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":12,"output_tokens":1}}}\n\n',
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
  ...Array.from({ length: 8 }, (_, i) => `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"word${i} "}}\n\n`),
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":9}}\n\n',
  'event: message_stop\ndata: {"type":"message_stop"}\n\n',
].map((e) => Buffer.from(e));
const lease = { id: 'abc123', reused: true } as Lease;

function oneRequest(recorder: RequestRecorder, sse: boolean): void {
  const trace = recorder.begin({ method: 'POST', path: '/v1/messages', route: 'anthropic', rawHeaders: REQUEST_LINES });
  trace.acquired(lease, 0.01);
  trace.sent();
  trace.bodyChunk(BODY);
  trace.head(200, [...HEAD, sse ? 'text/event-stream' : 'application/json']);
  if (sse) for (const e of SSE_EVENTS) trace.data(e);
  else trace.data(JSON_ANSWER);
  trace.end({ status: 200 });
}

/** Microseconds of CPU per record, JSON and SSE, after a warm-up. */
export function measureRecordCost(n = 50_000): { jsonUs: number; sseUs: number } {
  const recorder = new RequestRecorder(1000);
  const run = (sse: boolean) => {
    for (let i = 0; i < 2000; i++) oneRequest(recorder, sse);
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) oneRequest(recorder, sse);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / n;
  };
  return { jsonUs: run(false), sseUs: run(true) };
}

/**
 * Microseconds of CPU per record written to the history (queue push, row made, header lines masked, insert in
 * batched transactions of 500), on top of the record's own cost above; a fresh file in a temp folder.
 */
export async function measureHistoryWriteCost(n = 50_000): Promise<{ writeUs: number; fileBytesPerRecord: number }> {
  const { default: fs } = await import('node:fs');
  const { default: os } = await import('node:os');
  const { default: path } = await import('node:path');
  const { openHistoryFile } = await import('../../../main/requests/history/store.js');
  const { HistoryWriter } = await import('../../../main/requests/history/writer.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-bench-history-'));
  try {
    const opened = openHistoryFile(path.join(dir, 'history.db'));
    if (!opened.ok) throw new Error(opened.reason);
    const recorder = new RequestRecorder(1000);
    const finished: import('../../../main/requests/trace.js').KeptRecord[] = [];
    recorder.onRecord(() => {});
    const make = (count: number) => {
      finished.length = 0;
      for (let i = 0; i < count; i++) {
        const trace = recorder.begin({ method: 'POST', path: '/v1/messages', route: 'anthropic', rawHeaders: REQUEST_LINES });
        trace.acquired(lease, 0.01);
        trace.bodyChunk(BODY);
        trace.head(200, [...HEAD, 'application/json']);
        trace.data(JSON_ANSWER);
        trace.end({ status: 200 });
        finished.push(trace.record);
      }
    };
    const writer = new HistoryWriter(opened.db, (err) => {
      throw err;
    });
    make(2000);
    for (const r of finished) writer.push(r);
    writer.flush();
    make(n);
    const before = process.cpuUsage();
    for (const r of finished) writer.push(r);
    writer.flush();
    const used = process.cpuUsage(before);
    opened.db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = fs.statSync(path.join(dir, 'history.db')).size;
    opened.db.close();
    return { writeUs: (used.user + used.system) / n, fileBytesPerRecord: bytes / (n + 2000) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
