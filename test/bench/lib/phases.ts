// Runs the same load against every target. Rounds are interleaved (round 1 of each target, then round 2 …) so a
// burst of load from elsewhere on the machine lands on all targets alike instead of on whichever ran then.
import type { ChildProcess } from 'node:child_process';
import type { Pool } from 'undici';
import type { UpstreamReply, UpstreamRequest } from './ipc-types.js';
import { clientPool, concurrent, largeBody, sequential, sse, uploads, type Outcome } from './load.js';
import { cpuMs, peakRssBytes, watchPeakRss } from './proc.js';
import { percentile } from './stats.js';

export interface Target {
  key: 'direct' | 'ccproxy' | 'desktop' | 'passthrough';
  url: string;
  /** The process billed for CPU and memory: the proxy, or the upstream itself for "direct". */
  pid: number;
}

export interface PhaseOptions {
  rounds: number;
  sequential: number;
  warmup: number;
  concurrency: number;
  durationMs: number;
  sse: number;
  uploadCount: number;
  uploadBytes: number;
}

export interface TargetResult {
  seqP50: number[];
  seqP99: number[];
  seqCpu: CpuTally;
  concRps: number[];
  concP99: number[];
  concCpu: CpuTally;
  /** TCP connections the upstream accepted from the concurrent phase's warm-up to its last round. */
  connsOpened: number;
  sseTtfbP50: number[];
  sseTotalP50: number[];
  peakRss: number | null;
  upload?: { peakRss: number | null; wallMs: number };
  errors: number;
  firstError?: string;
}

export interface CpuTally {
  ms: number | null;
  requests: number;
}

let nextId = 0;
/** Connections the fake upstream has accepted so far (asked over IPC; it lives in its own process). */
export function upstreamConnections(upstream: ChildProcess): Promise<number> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const onMessage = (m: UpstreamReply) => {
      if (m.type !== 'stats' || m.id !== id) return;
      upstream.off('message', onMessage);
      resolve(m.connectionsAccepted);
    };
    upstream.on('message', onMessage);
    upstream.send({ type: 'stats', id } satisfies UpstreamRequest, (err) => err && reject(err));
  });
}

const emptyResult = (): TargetResult => ({
  seqP50: [], seqP99: [], seqCpu: { ms: 0, requests: 0 }, concRps: [], concP99: [], concCpu: { ms: 0, requests: 0 },
  connsOpened: 0, sseTtfbP50: [], sseTotalP50: [], peakRss: null, errors: 0,
});

function countErrors(r: TargetResult, o: { errors: number; firstError?: string }): void {
  r.errors += o.errors;
  r.firstError ??= o.firstError;
}

/** Runs fn while billing the target process's CPU to tally, together with the number of requests fn reports. */
async function billed<T extends { times?: number[] }>(pid: number, tally: CpuTally, fn: () => Promise<T>, requests: (r: T) => number): Promise<T> {
  const before = cpuMs(pid);
  const result = await fn();
  const after = cpuMs(pid);
  tally.ms = before === null || after === null || tally.ms === null ? null : tally.ms + (after - before);
  tally.requests += requests(result);
  return result;
}

export async function runPhases(targets: Target[], upstream: ChildProcess, o: PhaseOptions, progress: (s: string) => void): Promise<Map<Target['key'], TargetResult>> {
  const results = new Map(targets.map((t) => [t.key, emptyResult()]));
  const res = (t: Target) => results.get(t.key)!;
  const pools = new Map<Target['key'], Pool>();
  const closePools = async () => {
    await Promise.all([...pools.values()].map((p) => p.close()));
    pools.clear();
  };

  try {
    progress(`sequential: ${o.warmup} warm-up + ${o.rounds} × ${o.sequential} requests`);
    for (const t of targets) {
      pools.set(t.key, clientPool(t.url, 1));
      countErrors(res(t), await sequential(pools.get(t.key)!, o.warmup));
    }
    for (let round = 0; round < o.rounds; round++) {
      for (const t of targets) {
        const r = res(t);
        const out = await billed(t.pid, r.seqCpu, () => sequential(pools.get(t.key)!, o.sequential), (x) => x.times.length);
        countErrors(r, out);
        r.seqP50.push(percentile(out.times, 50));
        r.seqP99.push(percentile(out.times, 99));
      }
    }

    progress(`sse: ${o.rounds} × ${o.sse} streamed requests`);
    for (let round = 0; round < o.rounds; round++) {
      for (const t of targets) {
        const out = await sse(pools.get(t.key)!, o.sse);
        countErrors(res(t), out);
        res(t).sseTtfbP50.push(percentile(out.ttfb, 50));
        res(t).sseTotalP50.push(percentile(out.total, 50));
      }
    }
    await closePools();

    progress(`concurrent: ${o.concurrency} clients, 1 warm-up + ${o.rounds} × ${o.durationMs / 1000} s`);
    for (const t of targets) {
      pools.set(t.key, clientPool(t.url, o.concurrency));
      const before = await upstreamConnections(upstream);
      countErrors(res(t), await concurrent(pools.get(t.key)!, o.concurrency, Math.min(1000, o.durationMs)));
      res(t).connsOpened += (await upstreamConnections(upstream)) - before;
    }
    for (let round = 0; round < o.rounds; round++) {
      for (const t of targets) {
        const r = res(t);
        const before = await upstreamConnections(upstream);
        const out = await billed(t.pid, r.concCpu, () => concurrent(pools.get(t.key)!, o.concurrency, o.durationMs), (x) => x.times.length);
        r.connsOpened += (await upstreamConnections(upstream)) - before;
        countErrors(r, out);
        r.concRps.push(out.perSecond);
        r.concP99.push(percentile(out.times, 99));
      }
    }
    await closePools();
    for (const t of targets) res(t).peakRss = peakRssBytes(t.pid);

    if (o.uploadCount > 0) {
      progress(`upload: ${o.uploadCount} concurrent ${(o.uploadBytes / 1024 / 1024).toFixed(0)} MiB bodies`);
      const body = largeBody(o.uploadBytes);
      // The direct upstream keeps whole bodies by design; its memory says nothing about a proxy.
      for (const t of targets.filter((x) => x.key !== 'direct')) {
        pools.set(t.key, clientPool(t.url, o.uploadCount));
        const peak = watchPeakRss(t.pid);
        const out: Outcome & { wallMs: number } = await uploads(pools.get(t.key)!, body, o.uploadCount);
        res(t).upload = { peakRss: peak.stop(), wallMs: out.wallMs };
        countErrors(res(t), out);
        await upstreamConnections(upstream); // also lets the upstream drop the bodies it recorded
      }
    }
  } finally {
    await closePools();
  }
  return results;
}
