// `npm run bench`: pooled against unpooled through a TLS upstream behind a simulated network delay, and memory
// per idle pooled connection. Not pass/fail: it prints the table the README quotes, and the targets beside it.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import { Agent, fetch as undiciFetch } from 'undici';
import { startDemoStack } from '../../examples/lib/demo-stack.js';
import { concurrent, ms, sequential, setServerPooling, summarise, table, DEMO_MESSAGE } from '../../examples/lib/perf.js';
import { PoolManager } from '../../main/pool/manager.js';
import { createConnectionFactory } from '../../main/pool/upstream-connection.js';
import { poolSchema, upstreamSchema } from '../../main/config/schema.js';
import { startFakeUpstream } from '../fixtures/fake-upstream/index.js';
import { TLS_CERT_PATH } from '../fixtures/tls/paths.js';

const { values } = parseArgs({ options: { rtt: { type: 'string', default: '50' }, sequential: { type: 'string', default: '50' }, concurrency: { type: 'string', default: '8' }, idle: { type: 'string', default: '100' } } });
const rttMs = Number(values.rtt);
const nSeq = Number(values.sequential);
const conc = Number(values.concurrency);
const nIdle = Number(values.idle);
const gc = (globalThis as { gc?: () => void }).gc;

/** The floor: one warm keep-alive connection straight to the delayed upstream, no proxy. */
async function floor(upstreamUrl: string): Promise<number[]> {
  const dispatcher = new Agent({ connections: 1, connect: { ca: fs.readFileSync(TLS_CERT_PATH, 'utf8') } });
  const client = new Anthropic({ baseURL: upstreamUrl, apiKey: 'sk-ant-bench', maxRetries: 0, fetch: undiciFetch as unknown as typeof fetch, fetchOptions: { dispatcher } as never });
  await client.messages.create(DEMO_MESSAGE);
  const times = await sequential(client, nSeq);
  await dispatcher.close();
  return times;
}

async function latency() {
  const stack = await startDemoStack({ rttMs });
  try {
    const base = summarise(await floor(stack.upstreamUrl));
    const client = new Anthropic({ baseURL: stack.proxyUrl, apiKey: 'sk-ant-bench', maxRetries: 0 });
    await sequential(client, 3);
    const pooledSeq = summarise(await sequential(client, nSeq));
    const pooledConc = summarise(await concurrent(client, nSeq, conc));
    await setServerPooling(stack.proxyUrl, false);
    await sequential(client, 2);
    const directSeq = summarise(await sequential(client, nSeq));
    const directConc = summarise(await concurrent(client, nSeq, conc));
    return { base, pooledSeq, pooledConc, directSeq, directConc };
  } finally {
    await stack.close();
  }
}

/** Concurrency `conc` through the proxy with [upstream] http2 off and on, against an upstream that speaks both. */
async function protocols() {
  const out: Record<'h1' | 'h2', ReturnType<typeof summarise> & { sessions: number }> = {} as never;
  for (const [key, http2] of [['h1', false], ['h2', true]] as const) {
    const stack = await startDemoStack({ rttMs, upstreamHttp2: true, upstream: { http2 } });
    try {
      const client = new Anthropic({ baseURL: stack.proxyUrl, apiKey: 'sk-ant-bench', maxRetries: 0 });
      await concurrent(client, conc, conc);
      const times = await concurrent(client, nSeq, conc);
      out[key] = { ...summarise(times), sessions: stack.runtime.pool.counterSnapshot().http2_sessions ?? 0 };
    } finally {
      await stack.close();
    }
  }
  return out;
}

function memorySnapshot() {
  for (let i = 0; i < 3; i++) gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss, external: m.external };
}

/** Heap and RSS added by `nIdle` warm, idle pooled connections (TLS sockets included), per connection. */
async function memory() {
  const upstream = await startFakeUpstream({ tls: true, keepAliveTimeoutMs: 600_000 });
  const settings = poolSchema.parse({ min_size: nIdle, max_size: nIdle, leak_warning_threshold: 0 });
  const upstreamSettings = upstreamSchema.parse({ base_url: upstream.url, ca_file: TLS_CERT_PATH });
  const quiet = { error() {}, warn() {}, info() {}, debug() {} };
  // One connection first, so code loading and TLS context setup are not billed to the idle connections.
  const warmup = new PoolManager({ pool: { ...settings, min_size: 1, max_size: 1 }, upstream: upstreamSettings, factoryFor: createConnectionFactory, log: quiet, housekeepingMs: 0 });
  await warmup.start();
  const before = memorySnapshot();
  const manager = new PoolManager({ pool: settings, upstream: upstreamSettings, factoryFor: createConnectionFactory, log: quiet, housekeepingMs: 0 });
  await manager.start();
  const open = manager.counterSnapshot().available_connections;
  const after = memorySnapshot();
  await manager.stop(0);
  await warmup.stop(0);
  await upstream.close();
  return { open, heapPer: (after.heap - before.heap) / open, rssPer: (after.rss - before.rss) / open, externalPer: (after.external - before.external) / open };
}

const lat = await latency();
const mem = await memory();
const proto = await protocols();
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
const row = (label: string, s: ReturnType<typeof summarise>) => [label, ms(s.median), ms(s.p95), ms(s.mean)];
const target = lat.base.median;
const fasterSeq = (1 - lat.pooledSeq.median / lat.directSeq.median) * 100;
const fasterConc = (1 - lat.pooledConc.median / lat.directConc.median) * 100;
const out = [
  `ccproxy benchmark: TLS upstream behind a ${rttMs} ms round trip, ${nSeq} requests per row, concurrency ${conc}`,
  `(machine: ${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} cores, Node ${process.version}; loopback with simulated delay, not the real API)`,
  '',
  table([
    ['mode', 'p50', 'p95', 'mean'],
    row('floor: direct, warm keep-alive, no proxy', lat.base),
    row('pooled, sequential', lat.pooledSeq),
    row(`pooled, concurrency ${conc}`, lat.pooledConc),
    row('pooling disabled, sequential', lat.directSeq),
    row(`pooling disabled, concurrency ${conc}`, lat.directConc),
  ]),
  '',
  `pooled p50 vs floor (one RTT + upstream time): +${(((lat.pooledSeq.median - target) / target) * 100).toFixed(1)}% (target: within 10%)`,
  `pooled vs disabled, p50: ${fasterSeq.toFixed(0)}% faster sequential, ${fasterConc.toFixed(0)}% at concurrency ${conc} (target: at least 60%)`,
  '',
  table([
    [`[upstream] http2, concurrency ${conc}`, 'p50', 'p95', 'mean', 'HTTP/2 sessions'],
    [...row('HTTP/1.1 (http2 = false)', proto.h1), String(proto.h1.sessions)],
    [...row('HTTP/2 (http2 = true)', proto.h2), String(proto.h2.sessions)],
  ]),
  `c${conc} p95: HTTP/1.1 ${ms(proto.h1.p95)}, HTTP/2 ${ms(proto.h2.p95)} (undici runs one POST at a time per session, so HTTP/2 opens as many sessions as HTTP/1.1 opens connections; the default, off, follows these figures)`,
  `memory per idle pooled connection (${mem.open} open): heap ${kb(mem.heapPer)}, RSS ${kb(mem.rssPer)}, external ${kb(mem.externalPer)} (target: at most 100 KB)${gc ? '' : ' [run with --expose-gc for stable figures]'}`,
].join('\n');
console.log(out);
fs.mkdirSync('test-output', { recursive: true });
fs.writeFileSync('test-output/bench.txt', `${out}\n`);
process.exit(0);
