// The bench's child processes (fake upstream, ccproxy, reference passthrough): started from the outside, one role
// per process so each one's CPU and memory can be read on its own, and all stopped on success, error or Ctrl-C.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A failure with a message that says it all (no stack needed): a child that did not start, a missing build. */
export class BenchError extends Error {}

export interface Child {
  name: string;
  pid: number;
  url: string;
  proc: ChildProcess;
  /** From spawn to ready: startup work a profile of the request path should leave out. */
  readyMs: number;
}

const live = new Set<ChildProcess>();

/** A JavaScript entry point run by this same node binary, from the repository root. */
function spawnJs(name: string, nodeFlags: string[], script: string, args: string[], options: SpawnOptions): ChildProcess {
  const proc = spawn(process.execPath, [...nodeFlags, script, ...args], { cwd: REPO_ROOT, ...options });
  if (proc.pid === undefined) throw new BenchError(`${name}: could not start ${path.relative(REPO_ROOT, script)}`);
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  return proc;
}

function exitedEarly(name: string, proc: ChildProcess, detail: () => string): Promise<never> {
  return new Promise((_, reject) => {
    proc.once('exit', (code, signal) => reject(new BenchError(`${name} exited before it was ready (${signal ?? `code ${code}`})${detail()}`)));
    proc.once('error', (err) => reject(new BenchError(`${name}: ${err.message}`)));
  });
}

function timeout(name: string, ms: number): Promise<never> {
  return sleep(ms, undefined, { ref: false }).then(() => {
    throw new BenchError(`${name} was not ready within ${ms / 1000} s`);
  });
}

/** A child that reports `{ type: 'ready', url }` over IPC once it listens (the upstream and the passthrough). */
export async function startIpcChild(name: string, script: string, args: string[] = []): Promise<Child> {
  const t0 = Date.now();
  const proc = spawnJs(name, [], script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = new Promise<string>((resolve) => {
    const onMessage = (m: { type?: string; url?: string }) => {
      if (m?.type !== 'ready' || !m.url) return;
      proc.off('message', onMessage);
      resolve(m.url);
    };
    proc.on('message', onMessage);
  });
  const url = await Promise.race([ready, exitedEarly(name, proc, () => ''), timeout(name, 30_000)]);
  return { name, pid: proc.pid!, url, proc, readyMs: Date.now() - t0 };
}

export interface ProxyChildOptions {
  /** main/cli.ts transpiled, or dist/main/cli.js (what `npm run serve` runs). */
  cliPath: string;
  configPath: string;
  /** Console output goes to this file, not a pipe: draining a pipe would bill the proxy's logging to the bench. */
  logPath: string;
  cpuProfDir?: string;
}

// Settings the proxy reads from the environment would silently override the bench's config file.
const CONFIG_ENV = /^(PORT|HOST|CCPROXY_CONFIG|(SERVER|POOL_SETTINGS|UPSTREAM|SECURITY|LOGGING|HISTORY)__.*)$/i;

/** The real headless CLI, configured only through --config; ready when it logs "ccproxy listening on URL". */
export async function startProxyChild(opts: ProxyChildOptions): Promise<Child> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !CONFIG_ENV.test(k)));
  const watchdog = ['--import', pathToFileURL(path.join(REPO_ROOT, 'test/bench/lib/exit-with-bench.mjs')).href];
  const nodeFlags = [...watchdog, ...(opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [])];
  const args = ['--port', '0', '--config', opts.configPath];
  const out = fs.openSync(opts.logPath, 'a');
  const t0 = Date.now();
  let proc: ChildProcess;
  try {
    // The IPC channel is only there so the proxy notices when the bench is gone (see exit-with-bench.mjs).
    proc = spawnJs('ccproxy', nodeFlags, opts.cliPath, args, { stdio: ['ignore', out, out, 'ipc'], env });
  } finally {
    fs.closeSync(out); // the child holds its own copy of the descriptor
  }
  const tail = () => `\n--- ccproxy output ---\n${fs.readFileSync(opts.logPath, 'utf8').split('\n').slice(-15).join('\n')}`;
  let settled = false;
  const listening = (async () => {
    while (!settled) {
      const m = /ccproxy listening on (http:\/\/\S+)/.exec(fs.readFileSync(opts.logPath, 'utf8'));
      if (m) return m[1]!;
      await sleep(50, undefined, { ref: false });
    }
    return '';
  })();
  const url = await Promise.race([listening, exitedEarly('ccproxy', proc, tail), timeout('ccproxy', 30_000)]).finally(() => {
    settled = true;
  });
  return { name: 'ccproxy', pid: proc.pid!, url, proc, readyMs: Date.now() - t0 };
}

/** SIGTERM (the CLI's graceful path, which also writes --cpu-prof output), then SIGKILL if it lingers. */
export async function stopChild(proc: ChildProcess, graceMs = 8_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  // Every child exits when its IPC channel closes (the proxy as if sent SIGTERM, see exit-with-bench.mjs).
  if (proc.connected) proc.disconnect();
  else proc.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(graceMs, false, { ref: false })]);
  if (!done) {
    proc.kill('SIGKILL');
    await exited;
  }
}

export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((p) => stopChild(p)));
}

/**
 * Ctrl-C reaches the whole process group, so children may already be on their way out; either way, stop what is
 * left, run the caller's cleanup (temp files) and exit 130. A second Ctrl-C kills the children at once.
 */
export function stopChildrenOnSignals(cleanup: () => void): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      for (const p of live) p.kill('SIGKILL');
      process.exit(130);
    }
    stopping = true;
    console.error(`\nproxy-bench: ${signal}, stopping the processes it started…`);
    void stopAllChildren().finally(() => {
      cleanup();
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
