// Timing helpers shared by the performance example, the demo and the benchmark: run requests, summarise times.
import Anthropic from '@anthropic-ai/sdk';

export interface Summary {
  count: number;
  first: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p95: number;
  stdev: number;
}

export function summarise(times: number[]): Summary {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const stdev = Math.sqrt(times.reduce((a, b) => a + (b - mean) ** 2, 0) / times.length);
  return { count: times.length, first: times[0]!, min: sorted[0]!, max: sorted.at(-1)!, mean, median: median(sorted), p95: at(0.95), stdev };
}

/** The true median of sorted values: the middle one, or the mean of the middle two (`--requests 3` times 2 of them). */
export function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;

/** An SDK client for the proxy: the user's key when set, else a placeholder that the mock upstream accepts. */
export function proxyClient(baseURL: string): Anthropic {
  return new Anthropic({
    baseURL,
    apiKey: process.env.ANTHROPIC_API_KEY ?? 'sk-ant-demo-placeholder',
    // One attempt per request: retries would hide what the pool does.
    maxRetries: 0,
  });
}

export const DEMO_MESSAGE = {
  model: process.env.CCPROXY_EXAMPLE_MODEL ?? 'claude-haiku-4-5',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'Reply with one word: pong' }],
};

/** Wall time of one request through the proxy, from call to the last byte of the answer. */
export async function timeOne(client: Anthropic): Promise<number> {
  const t0 = performance.now();
  await client.messages.create(DEMO_MESSAGE);
  return performance.now() - t0;
}

export async function sequential(client: Anthropic, n: number, each?: (i: number, t: number) => void): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = await timeOne(client);
    times.push(t);
    each?.(i, t);
  }
  return times;
}

/** `total` requests with at most `concurrency` in flight; returns each request's time. */
export async function concurrent(client: Anthropic, total: number, concurrency: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        times.push(await timeOne(client));
      }
    }),
  );
  return times;
}

export async function poolStats(baseURL: string): Promise<{ pool_enabled: boolean; stats: Record<string, number> }> {
  const res = await fetch(`${baseURL}/pool/stats`);
  if (!res.ok) throw new Error(`GET /pool/stats answered ${res.status}`);
  return res.json() as Promise<{ pool_enabled: boolean; stats: Record<string, number> }>;
}

/**
 * Switches pooling on the *server* through its admin API (the setting lives there, not in this script), for
 * the server's current run only: persist: false writes no config file, so a measurement never changes what
 * the server does after a restart.
 */
export async function setServerPooling(baseURL: string, enabled: boolean): Promise<void> {
  const res = await fetch(`${baseURL}/admin/api/setPoolingEnabled`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enabled, persist: false }),
  });
  const body = (await res.json().catch(() => ({}))) as { ok?: boolean; saved?: boolean; errors?: Array<{ message: string }>; error?: string };
  if (!res.ok || !body.ok) throw new Error(`could not switch pooling ${enabled ? 'on' : 'off'}: ${body.error ?? JSON.stringify(body.errors ?? body)}`);
  if (body.saved !== false) throw new Error('the server saved the pooling switch instead of applying it for this run only; it is too old for --compare');
}

export function table(rows: Array<Array<string>>): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}
