// The OpenAI-format rows of `npm run bench:proxy`: the same Codex-sized request (Codex's own captured tool list,
// padded to 20 function tools, and its ~17 KB of instructions) sent to ccproxy as an Anthropic request
// (/v1/messages, the passthrough route), as a Responses request and as a Chat Completions request, and to the
// bare passthrough, against the same fake upstream. Per row: latency, the proxy process's CPU per request (from
// /proc), and for streams the time to the first text delta. Translation cost = the OpenAI row minus the
// Anthropic row on the same proxy. The translators alone are also timed in this process.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { translateChatRequest } from '../../../main/proxy/openai/request.js';
import { translateResponsesRequest } from '../../../main/proxy/openai/responses-request.js';
import { translateResponse } from '../../../main/proxy/openai/responses-response.js';
import { cpuMs } from './proc.js';
import { fmt, median, percentile, table } from './stats.js';

export const CODEX_MODEL = 'gpt-5.1-codex';
const HEADERS = { 'content-type': 'application/json', authorization: 'Bearer sk-ant-bench-client-key-0001', 'anthropic-version': '2023-06-01' };

/** Codex's captured request, its function tools padded to 20 with renamed copies of its own. */
export function codexRequest(repoRoot: string): Record<string, any> {
  const body = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/fixtures/codex-request.json'), 'utf8'));
  const flat = (body.tools as any[]).flatMap((t) => (t.type === 'namespace' ? t.tools : t.type === 'function' ? [t] : []));
  const extra: any[] = [];
  for (let i = 0; flat.length + extra.length < 20; i++) extra.push({ ...flat[i % flat.length], name: `${flat[i % flat.length].name}_copy${i}` });
  return { ...body, tools: [...body.tools, ...extra], stream: false };
}

/** The same conversation and tools as a Chat Completions request. */
function chatRequest(codex: Record<string, any>): Record<string, any> {
  const text = (m: any) => (typeof m.content === 'string' ? m.content : m.content.map((p: any) => p.text).join('\n'));
  const messages = (codex.input as any[]).map((m) => ({ role: m.role, content: text(m) }));
  const fn = (t: any, ns?: string) => ({ type: 'function', function: { name: ns ? `${ns}__${t.name}` : t.name, description: t.description, parameters: t.parameters } });
  const tools = (codex.tools as any[]).flatMap((t) => (t.type === 'namespace' ? t.tools.map((x: any) => fn(x, t.name)) : t.type === 'function' ? [fn(t)] : []));
  return { model: CODEX_MODEL, messages, tools, stream: false };
}

interface Row {
  name: string;
  pool: Pool;
  pid: number;
  path: string;
  body: string;
  streamBody: string;
  /** Marks the first text delta in the stream's bytes. */
  delta: string;
}

async function once(row: Row, stream: boolean): Promise<{ total: number; firstDelta: number }> {
  const t0 = performance.now();
  const res = await row.pool.request({ path: row.path, method: 'POST', headers: HEADERS, body: stream ? row.streamBody : row.body });
  let firstDelta = -1;
  let seen = '';
  for await (const chunk of res.body) {
    if (firstDelta < 0) {
      seen += chunk.toString();
      if (seen.includes(row.delta)) firstDelta = performance.now() - t0;
    }
  }
  const total = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`${row.name}: HTTP ${res.statusCode}: ${seen.slice(0, 300)}`);
  return { total, firstDelta };
}

/** The translators alone, in this process: µs per Codex-sized request (request in, answer out). */
function translatorCost(codex: Record<string, any>, chat: Record<string, any>, mapping: Record<string, string>): { responsesUs: number; chatUs: number } {
  const settings = { mapping, defaultMaxTokens: 4096, webSearch: false };
  const answer = { id: 'msg_01bench', content: [{ type: 'text', text: 'Hello from the fake upstream.' }], stop_reason: 'end_turn', usage: { input_tokens: 10, output_tokens: 5 } };
  // Warm (the JIT settles after a few thousand calls), then the best of 10 runs: the machine's noise only adds.
  const time = (fn: () => void) => {
    for (let i = 0; i < 3000; i++) fn();
    const runs: number[] = [];
    for (let r = 0; r < 10; r++) {
      const t0 = performance.now();
      for (let i = 0; i < 500; i++) fn();
      runs.push(((performance.now() - t0) / 500) * 1000);
    }
    return Math.min(...runs);
  };
  // Each request body is parsed from JSON as the route gets it; parsing is the server's, not the translator's.
  const responsesUs = time(() => {
    const t = translateResponsesRequest(codex, settings);
    if (t.ok) JSON.stringify(translateResponse(answer, t.ctx)) && JSON.stringify(t.anthropic);
  });
  const chatUs = time(() => {
    const t = translateChatRequest(chat, mapping, { maxTokens: 4096 });
    if (t.ok) JSON.stringify(t.anthropic);
  });
  return { responsesUs, chatUs };
}

export async function openAIRows(o: { proxyUrl: string; proxyPid: number; passthroughUrl: string; passthroughPid: number; n: number; rounds: number; repoRoot: string; mapping: Record<string, string>; progress: (s: string) => void }): Promise<string[]> {
  const codex = codexRequest(o.repoRoot);
  const chat = chatRequest(codex);
  const translated = translateResponsesRequest(codex, { mapping: o.mapping, defaultMaxTokens: 4096, webSearch: false });
  if (!translated.ok) throw new Error(`the Codex request does not translate: ${translated.error.error.message}`);
  const anthropic: Record<string, unknown> = { ...translated.anthropic, stream: false };
  const proxyPool = new Pool(o.proxyUrl, { connections: 1, keepAliveTimeout: 60_000 });
  const passPool = new Pool(o.passthroughUrl, { connections: 1, keepAliveTimeout: 60_000 });
  const json = (b: unknown, stream: boolean) => JSON.stringify({ ...(b as object), stream });
  const rows: Row[] = [
    { name: 'ccproxy /v1/messages (Anthropic, passthrough route)', pool: proxyPool, pid: o.proxyPid, path: '/v1/messages', body: json(anthropic, false), streamBody: json(anthropic, true), delta: 'content_block_delta' },
    { name: 'ccproxy /v1/responses (Codex request)', pool: proxyPool, pid: o.proxyPid, path: '/v1/responses', body: json(codex, false), streamBody: json(codex, true), delta: 'response.output_text.delta' },
    { name: 'ccproxy /v1/chat/completions (same tools)', pool: proxyPool, pid: o.proxyPid, path: '/v1/chat/completions', body: json(chat, false), streamBody: json(chat, true), delta: '"content":"Hello' },
    { name: 'bare passthrough /v1/messages', pool: passPool, pid: o.passthroughPid, path: '/v1/messages', body: json(anthropic, false), streamBody: json(anthropic, true), delta: 'content_block_delta' },
  ];
  const per = new Map(rows.map((r) => [r.name, { cpu: [] as number[], p50: [] as number[], ttfd: [] as number[] }]));
  for (let round = 0; round < o.rounds; round++) {
    o.progress(`OpenAI rows: round ${round + 1}/${o.rounds}`);
    for (const row of rows) {
      for (let i = 0; i < 30; i++) await once(row, i % 2 === 0); // warm-up
      const c0 = cpuMs(row.pid);
      const times: number[] = [];
      for (let i = 0; i < o.n; i++) times.push((await once(row, false)).total);
      const c1 = cpuMs(row.pid);
      const ttfd: number[] = [];
      for (let i = 0; i < Math.max(20, o.n / 4); i++) ttfd.push((await once(row, true)).firstDelta);
      const slot = per.get(row.name)!;
      if (c0 !== null && c1 !== null) slot.cpu.push((c1 - c0) / o.n);
      slot.p50.push(median(times));
      slot.ttfd.push(median(ttfd));
    }
  }
  await proxyPool.close();
  await passPool.close();
  const base = per.get(rows[0]!.name)!;
  const baseCpu = median(base.cpu);
  const baseTtfd = median(base.ttfd);
  const passTtfd = median(per.get(rows[3]!.name)!.ttfd);
  const lines = rows.map((r) => {
    const s = per.get(r.name)!;
    const cpu = median(s.cpu);
    const ttfd = median(s.ttfd);
    const onProxy = r.pid === o.proxyPid;
    return [r.name, `${fmt(median(s.p50), 3)} ms`, `${fmt(cpu, 3)} ms`, onProxy && r !== rows[0] ? `+${fmt(cpu - baseCpu, 3)} ms` : '–', `${fmt(ttfd, 3)} ms`, onProxy && r !== rows[0] ? `${fmt(ttfd - baseTtfd, 3)} / ${fmt(ttfd - passTtfd, 3)} ms` : '–'];
  });
  const cost = translatorCost(codex, chat, o.mapping);
  const tools = (anthropic.tools as unknown[]).length;
  return [
    `OpenAI formats: one Codex-sized request (Codex's captured tools flattened and padded to ${tools} function tools, ${fmt(JSON.stringify(codex).length / 1024, 0)} KiB), sequential on one connection, ${o.n} per row per round, medians of ${o.rounds} round(s); time to first delta over ${Math.max(20, o.n / 4)} streams per round.`,
    table([
      ['row', 'p50', 'proxy CPU/req', 'over Anthropic row', 'first delta p50', 'over ccproxy / bare passthrough'],
      ...lines,
    ]),
    `translators alone (this process, warm, best of 10 × 500): Responses request + answer ${fmt(cost.responsesUs, 1)} µs, Chat request ${fmt(cost.chatUs, 1)} µs per Codex-sized request (target for the whole route: ≤ 0.15 ms CPU over the passthrough).`,
    `note: "over Anthropic row" also includes the SDK client and fetch the OpenAI routes use instead of the dispatcher API; CPU is read from /proc in 10 ms ticks.`,
    `p95 of first delta, Responses: ${fmt(percentile(per.get(rows[1]!.name)!.ttfd, 95), 3)} ms.`,
  ];
}
