// Measures request times through a running proxy, and with --compare pooled against unpooled in one run.
//   npm run example:performance [-- --url http://localhost:8000] [--requests 20] [--compare]
// --compare switches the *server's* pooling through its admin API for its current run only (nothing is saved)
// and switches it back afterwards, also on Ctrl-C, kill and a closed pipe (`| head`). Setting
// POOL_SETTINGS__ENABLED for this script would change nothing on the server.
import { parseArgs } from 'node:util';
import { EndingError, guardServerPooling } from './lib/pooling-guard.js';
import { ms, poolStats, proxyClient, sequential, summarise, table, type Summary } from './lib/perf.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.ANTHROPIC_BASE_URL ?? 'http://localhost:8000' },
    requests: { type: 'string', default: '20' },
    compare: { type: 'boolean', default: false },
  },
});
const url = values.url.replace(/\/$/, '');
const n = Number(values.requests);

export interface RunResult {
  label: string;
  summary: Summary;
  created: number;
  reused: number;
}

export async function measure(baseURL: string, requests: number, label: string, verbose = true): Promise<RunResult> {
  const client = proxyClient(baseURL);
  const before = (await poolStats(baseURL)).stats;
  // The first request of a run is kept separately: it may pay for a new connection.
  const times = await sequential(client, 2 + requests, (i, t) => {
    if (verbose) console.log(`  ${i < 2 ? 'warm-up' : `request ${String(i - 1).padStart(2)}`}: ${ms(t)}`);
  });
  const after = (await poolStats(baseURL)).stats;
  const created = after.connections_created! - before.connections_created!;
  const reused = after.connections_reused! - before.connections_reused!;
  const measured = times.slice(2);
  return { label, summary: { ...summarise(measured), first: times[0]! }, created, reused };
}

export function report(r: RunResult): void {
  const s = r.summary;
  const improvement = ((s.first - s.median) / s.first) * 100;
  console.log(`\n${r.label}: ${s.count} requests after 2 warm-ups`);
  console.log(`  first request ${ms(s.first)}; the rest: min ${ms(s.min)}, median ${ms(s.median)}, max ${ms(s.max)}, stdev ${ms(s.stdev)}`);
  console.log(`  first vs median of the rest: ${improvement.toFixed(0)}% faster`);
  console.log(`  connections created: ${r.created}, reused: ${r.reused}, reuse rate: ${((r.reused / (r.reused + r.created || 1)) * 100).toFixed(0)}%`);
}

export function comparisonTable(pooled: RunResult, direct: RunResult): string {
  const faster = (1 - pooled.summary.median / direct.summary.median) * 100;
  const row = (r: RunResult) => [r.label, ms(r.summary.median), ms(r.summary.p95), ms(r.summary.mean), String(r.created), String(r.reused)];
  const verdict =
    faster >= 0
      ? `Pooled median is ${faster.toFixed(0)}% faster than unpooled.`
      : `Pooled median is ${(-faster).toFixed(0)}% slower than unpooled: with no network distance to the upstream (loopback) there is no handshake for a pool to save. Try npm run demo, or the real API.`;
  return `${table([['mode', 'median', 'p95', 'mean', 'created', 'reused'], row(pooled), row(direct)])}\n\n${verdict}`;
}

async function main(): Promise<void> {
  const health = await fetch(`${url}/health`).catch((err: Error) => {
    throw new Error(`No ccproxy at ${url} (${err.message}). Start it with: npm run serve`);
  });
  console.log(`ccproxy at ${url}: ${JSON.stringify(await health.json())}`);
  const initial = await poolStats(url);
  console.log(`pool_enabled: ${initial.pool_enabled}; stats: ${JSON.stringify(initial.stats)}`);
  if (!values.compare) {
    report(await measure(url, n, initial.pool_enabled ? 'pooled' : 'unpooled'));
    return;
  }
  const pooling = guardServerPooling(url, initial.pool_enabled);
  try {
    await pooling.set(true);
    const pooled = await measure(url, n, 'pooled');
    report(pooled);
    await pooling.set(false);
    const direct = await measure(url, n, 'unpooled');
    report(direct);
    console.log(`\n${comparisonTable(pooled, direct)}`);
  } finally {
    await pooling.restore();
    pooling.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: Error) => {
    if (err instanceof EndingError) return; // interrupted: the guard restores the server and exits
    console.error(`pool-performance-test: ${err.message}`);
    process.exit(1);
  });
}
