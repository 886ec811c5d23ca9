// `npm run demo` as a user runs it: a child process, each option, bounded in time (small --rtt and --requests).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const children: Array<ReturnType<typeof spawn>> = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function demo(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const env = { ...process.env };
  delete env.ANTHROPIC_API_KEY;
  delete env.ANTHROPIC_BASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

// A run takes ~3 s alone; a busy 2-core machine has been seen to need several times that.
const RUN_TIMEOUT = 60_000;

describe('npm run demo', () => {
  it('--help prints the usage and exits 0 without starting anything', async () => {
    const r = await demo(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: npm run demo -- \[--rtt MS\] \[--requests N\] \[--logs\] \[--help\]/);
    expect(r.out).not.toContain('ccproxy at');
  }, RUN_TIMEOUT);

  it('--rtt sets the simulated round trip; the first-request line compares pooled with unpooled after the warm-up', async () => {
    const r = await demo(['--rtt', '10', '--requests', '3']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('(simulated round trip: 10 ms)');
    expect(r.out).toMatch(/First request after the SDK's warm-up: pooled \d+\.\d ms, unpooled \d+\.\d ms \(pooled \d+% (faster|slower)\)\./);
    expect(r.out).toContain("The SDK's one-time\nfirst-call cost is in neither");
    expect(r.out).not.toMatch(/-\d+% faster/);
    expect(r.out).toMatch(/\| pooled +\|.*\| 0 +\| 3 +\|/);
    expect(r.out).toMatch(/\| unpooled +\|.*\| 3 +\| 0 +\|/);
    expect(r.out).toContain('With 10 ms RTT');
  }, RUN_TIMEOUT);

  it('--logs prints the proxy\'s own log lines', async () => {
    const r = await demo(['--logs', '--rtt', '0', '--requests', '2']);
    expect(r.code).toBe(0);
    expect(r.out + r.err).toMatch(/\[POOL\]/);
  }, RUN_TIMEOUT);

  it('an unknown option or a bad value is a clear message and exit 2', async () => {
    const unknown = await demo(['--rt', '5']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("demo: Unknown option '--rt'");
    const bad = await demo(['--rtt', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('demo: --rtt fast: allowed is a number of milliseconds from 0 to 5000');
  }, RUN_TIMEOUT);
});
