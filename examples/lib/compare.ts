// Pooled against unpooled through a running proxy, shared by the demo and the performance example. No
// command-line parsing here: each script parses its own arguments.
import { ms, poolStats, proxyClient, sequential, summarise, table, type Summary } from './perf.js';

export interface RunResult {
  label: string;
  /** `first` is the first request after the SDK's warm-up; the other figures cover the requests after it. */
  summary: Summary;
  created: number;
  reused: number;
}

/**
 * One SDK warm-up request (the client's own first-call cost: module set-up, JIT, its first socket to the proxy),
 * then `requests` measured ones. The first measured one is kept apart: unpooled it opens a new upstream
 * connection like every other; pooled it finds one already open.
 */
export async function measure(baseURL: string, requests: number, label: string, verbose = true): Promise<RunResult> {
  const client = proxyClient(baseURL);
  await sequential(client, 1, (_, t) => verbose && console.log(`  SDK warm-up: ${ms(t)} (not counted)`));
  const before = (await poolStats(baseURL)).stats;
  const times = await sequential(client, requests, (i, t) => {
    if (verbose) console.log(`  request ${String(i + 1).padStart(2)}: ${ms(t)}`);
  });
  const after = (await poolStats(baseURL)).stats;
  const created = after.connections_created! - before.connections_created!;
  const reused = after.connections_reused! - before.connections_reused!;
  const rest = times.length > 1 ? times.slice(1) : times;
  return { label, summary: { ...summarise(rest), first: times[0]! }, created, reused };
}

/** "55% faster" or "12% slower": a negative "faster" is never printed. */
export function relative(a: number, b: number): string {
  const faster = (1 - a / b) * 100;
  return faster >= 0 ? `${faster.toFixed(0)}% faster` : `${(-faster).toFixed(0)}% slower`;
}

export function report(r: RunResult): void {
  const s = r.summary;
  console.log(`\n${r.label}: 1 SDK warm-up, then ${s.count + 1} requests`);
  console.log(`  first request ${ms(s.first)}; the rest: min ${ms(s.min)}, median ${ms(s.median)}, max ${ms(s.max)}, stdev ${ms(s.stdev)}`);
  console.log(`  connections created: ${r.created}, reused: ${r.reused}, reuse rate: ${((r.reused / (r.reused + r.created || 1)) * 100).toFixed(0)}%`);
}

/** The like-with-like line: the first request of each mode, both after the SDK's warm-up. */
export function firstRequestLine(pooled: RunResult, direct: RunResult): string {
  return [
    `First request after the SDK's warm-up: pooled ${ms(pooled.summary.first)}, unpooled ${ms(direct.summary.first)} (pooled ${relative(pooled.summary.first, direct.summary.first)}).`,
    `Each figure is one messages.create call end to end: the SDK's own work, the proxy, the mock API's answer and the`,
    `simulated round trips (one for a pooled connection; TCP, TLS and the request for a new one). The SDK's one-time`,
    `first-call cost is in neither: it was paid by the warm-up request.`,
  ].join('\n');
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
