// `npx tsx test/bench/history-bench.ts [--rows 1000000]`: the history store's figures on a fixture of 1,000,000
// records spread over 90 days (6 models, 5 clients, 200 sessions, 3% errors): a day's usage by model, a day by
// hour, 90 days by day, a page of 100 with a filter, a search, and the store's RSS. Not pass/fail: it prints.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openHistoryFile } from '../../main/requests/history/store.js';
import { HistoryQueries } from '../../main/requests/history/query.js';
import { INSERT_HEADERS_SQL, INSERT_SQL } from '../../main/requests/history/row.js';
import { measureHistoryWriteCost, measureRecordCost } from './lib/record-cost.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, keep: { type: 'string' } } });
const ROWS = Number(values.rows);
const dir = values.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-history-bench-'));
const file = path.join(dir, 'history.db');
const DAY = 86_400_000;
const now = Date.now();
const MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-5', 'claude-sonnet-4-6', 'claude-opus-4-1', 'gpt-4o'];
const CLIENTS = ['claude-code', 'codex', 'anthropic-sdk-js', 'anthropic-sdk-python', 'curl'];

function build(): void {
  const opened = openHistoryFile(file);
  if (!opened.ok) throw new Error(opened.reason);
  const db = opened.db;
  const have = (db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
  if (have >= ROWS) return void db.close();
  const insert = db.prepare(INSERT_SQL);
  const insertHeaders = db.prepare(INSERT_HEADERS_SQL);
  const headers = JSON.stringify([['user-agent', 'claude-cli/2.0.14 (external, cli)'], ['x-api-key', 'sk-ant…(masked)'], ['content-type', 'application/json']]);
  const t0 = performance.now();
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const started = now - 90 * DAY + Math.floor((i / ROWS) * 90 * DAY);
      const error = i % 33 === 0;
      const info = insert.run([
        `bench-${i}`, started, 'POST', '/v1/messages', 'anthropic', 'claude-cli/2.0.14 (external, cli)', CLIENTS[i % 5], '2.0.14', `s-${i % 200}`, MODELS[i % 6], null,
        i % 2, error ? 529 : 200, error ? 'overloaded_error' : null, error ? 'Overloaded' : null, 812.4, 301.2, 0.1, 1.2, 'abc123',
        1, `req_${i}`, 'end_turn', 1200, 300, 2000, 0, 30000, error ? null : 0.0123,
      ]);
      insertHeaders.run(info.lastInsertRowid, headers, headers);
    }
  });
  for (let i = have; i < ROWS; i += 10_000) batch(i, Math.min(ROWS, i + 10_000));
  console.log(`fixture: ${ROWS.toLocaleString()} records written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  db.close();
}

function time(label: string, fn: () => unknown, runs = 7): void {
  fn(); // warm (page cache, statement)
  const ms: number[] = [];
  let out: unknown;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const size = Array.isArray(out) ? `${out.length} rows` : '';
  console.log(`${label.padEnd(58)} median ${ms[Math.floor(runs / 2)]!.toFixed(2).padStart(7)} ms   max ${ms[runs - 1]!.toFixed(2).padStart(7)} ms   ${size}`);
}

build();
const opened = openHistoryFile(file);
if (!opened.ok) throw new Error(opened.reason);
const q = new HistoryQueries(opened.db);
const rss0 = process.memoryUsage().rss;
const day = (d: number) => ({ since: new Date(now - d * DAY).toISOString(), until: new Date(now - (d - 1) * DAY).toISOString() });
console.log(`file: ${(fs.statSync(file).size / 1024 / 1024).toFixed(0)} MiB, ${q.count().toLocaleString()} records`);
time("usage of one day by model (target ≤ 50 ms)", () => q.usage('model', day(3)));
time('usage of one day by hour', () => q.usage('hour', day(3)));
time('usage of one day by session', () => q.usage('session', day(3)));
time('usage of 7 days by day', () => q.usage('day', { since: new Date(now - 7 * DAY).toISOString() }));
time('usage of 90 days by day (the whole file)', () => q.usage('day', {}), 3);
time('/requests?limit=100 (no filter)', () => q.list({}, 100));
time('/requests?limit=100&model=… (target ≤ 20 ms)', () => q.list({ model: 'claude-opus-4-5' }, 100));
time('/requests?limit=100&status=5xx', () => q.list({ status: '5xx' }, 100));
time('/requests?limit=100&client=codex', () => q.list({ client: 'codex' }, 100));
time('/requests?limit=100&model=…&before=<50,000th row>', () => q.list({ model: 'claude-opus-4-5', before: `bench-${ROWS - 50_000}` }, 100));
time('/requests?limit=100&q=req_12345 (a search scans)', () => q.list({ q: 'req_12345' }, 100), 3);
console.log(`RSS after the queries: +${((process.memoryUsage().rss - rss0) / 1024 / 1024).toFixed(1)} MiB over ${(rss0 / 1024 / 1024).toFixed(0)} MiB (page cache capped at 8 MiB)`);
opened.db.close();
const cost = measureRecordCost(20_000);
const write = await measureHistoryWriteCost(50_000);
console.log(`record cost ${cost.jsonUs.toFixed(1)} µs CPU (JSON answer); history write ${write.writeUs.toFixed(1)} µs CPU per record on top (target ≤ 15 µs), ${write.fileBytesPerRecord.toFixed(0)} bytes of file per record`);
if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
