// `npm run bench:proxy`: the fake upstream called directly, ccproxy in front of it (the real headless CLI, default
// pool settings and log level), and a bare Fastify + undici passthrough, under the same load, side by side.
// Three roles, three kinds of process: this one only generates load; the upstream, ccproxy and the passthrough
// each run in a child, so the CPU and memory billed to a proxy are its own. Not pass/fail: it prints figures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'smol-toml';
import { BenchError, REPO_ROOT, startIpcChild, startProxyChild, stopAllChildren, stopChild, stopChildrenOnSignals, type Child } from './lib/children.js';
import { mainThreadProfile, summariseProfile } from './lib/cpu-profile.js';
import { runPhases, type PhaseOptions, type Target } from './lib/phases.js';
import { measureHistoryWriteCost, measureRecordCost } from './lib/record-cost.js';
import { CODEX_MODEL, openAIRows } from './lib/openai-rows.js';
import { renderTable } from './lib/report.js';
import { BUILD_DIR, transpileForBench } from './lib/transpile.js';
import { fmt, table } from './lib/stats.js';

const HELP = `npm run bench:proxy -- [options]

  --quick            a short run (1 round, fewer requests, 2 s concurrent rounds)
  --rounds N         rounds per phase; figures are medians across rounds (default 3)
  --sequential N     sequential requests per round, after a warm-up (default 500)
  --concurrency N    concurrent clients (default 32)
  --duration S       seconds per concurrent round (default 4)
  --sse N            streamed requests per round (default 200)
  --uploads N        concurrent large uploads, 0 to skip (default 8)
  --upload-mib N     size of each upload in MiB (default 31)
  --openai N         requests per OpenAI-format row per round (Codex-sized; default 300, 0 to skip)
  --built            run dist/main/cli.js (after \`npm run build\`) instead of main/cli.ts transpiled file by file
  --cpu-prof         profile the ccproxy process and print its top self-time functions (all phases;
                     add --uploads 0 to see only the small-request path)
  --top N            functions to list with --cpu-prof (default 25)
  --history on|off   ccproxy's request history (SQLite, in the bench's temp folder; default on, as users get it)`;

function parseFlags() {
  return parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      sequential: { type: 'string' },
      concurrency: { type: 'string', default: '32' },
      duration: { type: 'string' },
      sse: { type: 'string' },
      uploads: { type: 'string', default: '8' },
      'upload-mib': { type: 'string', default: '31' },
      openai: { type: 'string' },
      built: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      top: { type: 'string', default: '25' },
      history: { type: 'string', default: 'on' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
}
let flags: ReturnType<typeof parseFlags>;
try {
  flags = parseFlags();
} catch (err) {
  console.error(`proxy-bench: ${(err as Error).message}\n\n${HELP}`);
  process.exit(2);
}
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}

function count(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) {
    console.error(`proxy-bench: --${name} ${raw}: expected a number ≥ ${min}\n\n${HELP}`);
    process.exit(2);
  }
  return n;
}
const quick = flags.quick;
const options: PhaseOptions = {
  rounds: count('rounds', flags.rounds, quick ? 1 : 3, 1),
  sequential: count('sequential', flags.sequential, quick ? 200 : 500, 1),
  warmup: quick ? 30 : 50,
  concurrency: count('concurrency', flags.concurrency, 32, 1),
  durationMs: count('duration', flags.duration, quick ? 2 : 4, 0.1) * 1000,
  sse: count('sse', flags.sse, quick ? 50 : 200, 1),
  uploadCount: count('uploads', flags.uploads, 8, 0),
  uploadBytes: Math.round(count('upload-mib', flags['upload-mib'], 31, 0.001) * 1024 * 1024),
};
const top = count('top', flags.top, 25, 1);
const openaiN = count('openai', flags.openai, quick ? 100 : 300, 0);
// The model Codex asks for, mapped so the OpenAI rows reach the fake upstream.
const MAPPING = { [CODEX_MODEL]: 'claude-haiku-4-5' };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-bench-'));
const removeTmp = () => fs.rmSync(tmp, { recursive: true, force: true });
stopChildrenOnSignals(removeTmp);
const progress = (s: string) => console.error(`proxy-bench: ${s}`);

async function main(): Promise<string> {
  const loadBefore = os.loadavg();
  progress('transpiling, then starting the fake upstream, ccproxy and the passthrough');
  const js = await transpileForBench(REPO_ROOT);
  const upstream = await startIpcChild('fake upstream', js('test/bench/lib/upstream-child.ts'));
  // Only what the bench must set: everything else (pool, logging) stays at the defaults users get.
  const configPath = path.join(tmp, '.ccproxy.toml');
  if (flags.history !== 'on' && flags.history !== 'off') throw new BenchError(`--history ${flags.history}: expected on or off`);
  const history = { enabled: flags.history === 'on', path: path.join(tmp, 'history.db') };
  fs.writeFileSync(configPath, stringify({ server: { host: '127.0.0.1', port: 0 }, upstream: { base_url: upstream.url }, model_mapping: MAPPING, history }));
  const logPath = path.join(tmp, 'ccproxy.log');
  const profDir = path.join(tmp, 'cpu-prof');
  const cliPath = flags.built ? path.join(REPO_ROOT, 'dist/main/cli.js') : js('main/cli.ts');
  if (!fs.existsSync(cliPath)) throw new BenchError('--built: dist/main/cli.js is missing; run `npm run build` first');
  const proxy = await startProxyChild({ cliPath, configPath, logPath, cpuProfDir: flags['cpu-prof'] ? profDir : undefined });
  const passthrough = await startIpcChild('passthrough', js('test/bench/passthrough.ts'), [upstream.url]);
  // The desktop app's runtime: no console, electron-log's file transport on.
  const desktopLogPath = path.join(tmp, 'desktop-main.log');
  const desktop = await startIpcChild('desktop runtime', js('test/bench/lib/desktop-child.ts'), [upstream.url, desktopLogPath]);

  const targets: Target[] = [
    { key: 'direct', url: upstream.url, pid: upstream.pid },
    { key: 'ccproxy', url: proxy.url, pid: proxy.pid },
    { key: 'desktop', url: desktop.url, pid: desktop.pid },
    { key: 'passthrough', url: passthrough.url, pid: passthrough.pid },
  ];
  const started = Date.now();
  const results = await runPhases(targets, upstream.proc, options, progress);
  const seconds = (Date.now() - started) / 1000;
  const openai =
    openaiN > 0
      ? await openAIRows({ proxyUrl: proxy.url, proxyPid: proxy.pid, passthroughUrl: passthrough.url, passthroughPid: passthrough.pid, n: openaiN, rounds: options.rounds, repoRoot: REPO_ROOT, mapping: MAPPING, progress })
      : [];

  const out: string[] = [
    `ccproxy proxy benchmark (${flags.built ? 'dist/main/cli.js' : 'main/cli.ts, transpiled'}${flags['cpu-prof'] ? ', under --cpu-prof: slower than usual' : ''}; history ${flags.history})`,
    `machine: ${os.platform()} ${os.arch()}, ${os.cpus().length} cores, Node ${process.version}; load average ${fmt(loadBefore[0])} before, ${fmt(os.loadavg()[0])} after — other work on the machine shows in every figure`,
    `load: POST /v1/messages (small JSON), ${options.rounds} round(s) interleaved across targets, figures are medians of rounds; ` +
      `sequential ${options.sequential}/round, ${options.concurrency} concurrent × ${options.durationMs / 1000} s/round, SSE ${options.sse}/round; ${fmt(seconds, 0)} s of load`,
    '',
    renderTable(results),
    '',
    'direct: CPU and RSS are the fake upstream\'s own process; its "conns opened" are the load generator\'s own pool.',
    'CPU: user + system time of the whole process (all threads) from /proc, divided by the requests completed.',
    `ccproxy logs at its default level to a file (Linux writes stdout to files, pipes and terminals synchronously alike): ${logLines(logPath).toLocaleString('en-US')} lines in this run.`,
    `desktop: the same runtime as the packaged desktop app runs it: no console, electron-log's file transport (batched, 25 ms / 64 KiB; rotated at 5 MiB): ${(logLines(desktopLogPath) + (fs.existsSync(desktopLogPath.replace(/\.log$/, '.old.log')) ? logLines(desktopLogPath.replace(/\.log$/, '.old.log')) : 0)).toLocaleString('en-US')} lines in this run (the last 5 MiB or so kept).`,
  ];
  if (openai.length > 0) out.push('', ...openai);
  const cost = measureRecordCost();
  out.push(`request records (in this process, 50,000 each): ${fmt(cost.jsonUs, 1)} µs CPU per JSON request, ${fmt(cost.sseUs, 1)} µs per SSE request (12 events); included in ccproxy's CPU above.`);
  const write = await measureHistoryWriteCost();
  out.push(`history (in this process, 50,000 records to a fresh SQLite file, batches of 500): ${fmt(write.writeUs, 1)} µs CPU per record on top of the record's own cost (target ≤ 15 µs), ${fmt(write.fileBytesPerRecord, 0)} bytes of file per record.`);
  for (const t of targets) {
    const r = results.get(t.key)!;
    if (r.errors > 0) out.push(`${t.key}: ${r.errors} failed request(s), first: ${r.firstError}`);
  }
  if ([...results.values()].some((r) => r.errors > 0)) out.push('', 'last lines of the ccproxy log:', ...fs.readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-10));

  await stopChild(proxy.proc); // --cpu-prof output is written as the proxy exits
  if (flags['cpu-prof']) out.push('', ...profileReport(profDir, proxy));
  await stopAll([passthrough, desktop, upstream]);
  return out.join('\n');
}

function logLines(file: string): number {
  const text = fs.readFileSync(file);
  let n = 0;
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) n++;
  return n;
}

function profileReport(dir: string, proxy: Child): string[] {
  const file = mainThreadProfile(dir, proxy.pid);
  if (!file) return ['--cpu-prof: no profile was written (did the proxy exit cleanly?)'];
  // Kept where the lead can open it in Chrome DevTools (Performance → Load profile).
  fs.mkdirSync(path.join(REPO_ROOT, 'test-output'), { recursive: true });
  const kept = path.join('test-output', 'proxy-bench.cpuprofile');
  fs.copyFileSync(file, path.join(REPO_ROOT, kept));
  const p = summariseProfile(file, REPO_ROOT, top, proxy.readyMs);
  const pct = (s: number) => `${(s * 100).toFixed(1)}%`;
  return [
    `ccproxy CPU profile: ${fmt(p.busyMs, 0)} ms of main-thread CPU after startup (${fmt(proxy.readyMs / 1000)} s left out); saved as ${kept}`,
    // With the profiler attached every console call is also handed to the inspector, which a normal run skips.
    'note: under --cpu-prof, console output also passes through the inspector (consoleCall), so logging costs more than it does without.',
    `note: the line of an anonymous function is its line in the transpiled file under ${BUILD_DIR}/ (with --built: in the bundle).`,
    '',
    table([['self time by area', 'ms', 'share'], ...p.areas.slice(0, 12).map((a) => [a.name, fmt(a.ms, 0), pct(a.share)])]),
    '',
    table([['top functions by self time', 'where', 'ms', 'share'], ...p.functions.map((f) => [f.name, f.where, fmt(f.ms, 0), pct(f.share)])]),
  ];
}

async function stopAll(children: Child[]): Promise<void> {
  await Promise.all(children.map((c) => stopChild(c.proc)));
}

try {
  const report = await main();
  console.log(report);
  fs.mkdirSync(path.join(REPO_ROOT, 'test-output'), { recursive: true });
  fs.writeFileSync(path.join(REPO_ROOT, 'test-output', 'proxy-bench.txt'), `${report}\n`);
  process.exitCode = 0;
} catch (err) {
  // Expected failures (a child that would not start) read best as one message; anything else needs its stack.
  console.error(`proxy-bench: ${err instanceof BenchError ? err.message : ((err as Error).stack ?? String(err))}`);
  process.exitCode = 1;
} finally {
  await stopAllChildren();
  removeTmp();
}
// Undici keep-alive timers and the like must not keep a finished bench alive.
process.exit();
