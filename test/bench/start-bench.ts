// `npm run bench:start`: how soon ccproxy answers after it is started. Not pass/fail: it prints figures.
//  - headless (the built dist/main/cli.js, what `npm run serve` runs): start → "listening" log line → first 200 on
//    /health → first proxied POST /v1/messages (to the fake upstream), each from the moment of spawn;
//  - desktop (the built dist/main/desktop/main.js in Node with the Electron stand-in, test/fixtures/electron-stand-in):
//    start → tray ready (its tooltip says "Running at") → the window's page asked for; and, in Chromium, the page's
//    first contentful paint after its navigation started (added to the time the page was asked for).
// Cold: the page cache of every file a start reads (the bundles and the production dependencies) is evicted first
// (posix_fadvise DONTNEED through python3, no root needed), as after a reboot; warm: the same start again.
// Medians of 5 runs each (--runs N). Loopback only; every process it starts is stopped by pid.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { startFakeUpstream } from '../fixtures/fake-upstream/index.js';
import { REPO_ROOT } from './lib/children.js';
import { fmt, table } from './lib/stats.js';

// --compare DIR: another checkout's build (e.g. an older commit, built there) started in turns with this one, headless
// only, so both face the same load on a busy machine.
const { values: flags } = parseArgs({ options: { runs: { type: 'string', default: '5' }, 'no-desktop': { type: 'boolean', default: false }, 'no-paint': { type: 'boolean', default: false }, compare: { type: 'string' } } });
const RUNS = Number(flags.runs);
const CLI = path.join(REPO_ROOT, 'dist/main/cli.js');
const MAIN = path.join(REPO_ROOT, 'dist/main/desktop/main.js');
const STAND_IN = pathToFileURL(path.join(REPO_ROOT, 'test/fixtures/electron-stand-in/register.mjs')).href;
for (const f of [CLI, MAIN]) if (!fs.existsSync(f)) throw new Error(`${path.relative(REPO_ROOT, f)} is missing: run node scripts/build.mjs first`);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Files a start reads: our build output and every production dependency (package-lock's non-dev packages). */
function startFiles(): string[] {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const dirs = [path.join(REPO_ROOT, 'dist')];
  for (const [key, meta] of Object.entries(lock.packages)) if (key && !meta.dev) dirs.push(path.join(REPO_ROOT, key));
  return dirs.flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d, { recursive: true, encoding: 'utf8' }).map((f) => path.join(d, f)) : []));
}
const FILES_LIST = path.join(os.tmpdir(), `ccproxy-start-bench-${process.pid}.txt`);
fs.writeFileSync(FILES_LIST, startFiles().join('\n'));
function evictPageCache(): boolean {
  const py = `import os\nfor p in open(${JSON.stringify(FILES_LIST)}).read().split("\\n"):\n  try:\n    fd=os.open(p,os.O_RDONLY); os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED); os.close(fd)\n  except OSError: pass\n`;
  return spawnSync('python3', ['-c', py], { stdio: 'ignore' }).status === 0;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

const upstream = await startFakeUpstream();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-start-bench-'));

function configFile(port: number): string {
  const file = path.join(work, `cfg-${port}.toml`);
  fs.writeFileSync(file, `[server]\nport = ${port}\n\n[upstream]\nbase_url = "${upstream.url}"\n`);
  return file;
}

/** Polls until a 200 arrives (connection refused until the listener is up); returns ms since t0. */
async function until200(t0: number, url: string, init: Parameters<typeof request>[1] = {}): Promise<number> {
  for (;;) {
    try {
      const res = await request(url, init);
      await res.body.dump();
      if (res.statusCode === 200) return performance.now() - t0;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 2));
    if (performance.now() - t0 > 30_000) throw new Error(`no 200 from ${url} within 30 s`);
  }
}
const MESSAGE = {
  method: 'POST' as const,
  headers: { 'content-type': 'application/json', 'x-api-key': 'bench', 'anthropic-version': '2023-06-01' },
  body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
};

function childEnv(home: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PORT|HOST|CCPROXY_CONFIG|(SERVER|POOL_SETTINGS|UPSTREAM|SECURITY|LOGGING)__.*)$/i.test(k)));
  return { ...env, HOME: home, USERPROFILE: home, FAKE_APP_PATH: REPO_ROOT, FAKE_APP_DATA: home };
}

async function stop(proc: ReturnType<typeof spawn>): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

interface Milestones { [name: string]: number }

async function headlessRun(cli = CLI): Promise<Milestones> {
  const port = await freePort();
  const home = fs.mkdtempSync(path.join(work, 'home-'));
  const t0 = performance.now();
  const proc = spawn(process.execPath, [cli, '--config', configFile(port)], { cwd: home, env: childEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
  const m: Milestones = {};
  const listening = new Promise<void>((resolve) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (m.listening === undefined && buf.includes('ccproxy listening on')) {
        m.listening = performance.now() - t0;
        resolve();
      }
    });
  });
  proc.stderr!.resume();
  try {
    m.health = await until200(t0, `http://127.0.0.1:${port}/health`);
    m.proxied = await until200(t0, `http://127.0.0.1:${port}/v1/messages`, MESSAGE);
    await listening;
  } finally {
    await stop(proc);
  }
  return m;
}

async function desktopRun(): Promise<Milestones & { pageUrl?: string }> {
  const port = await freePort();
  const home = fs.mkdtempSync(path.join(work, 'home-'));
  const t0 = performance.now();
  const proc = spawn(process.execPath, ['--import', STAND_IN, MAIN, '--config', configFile(port)], { cwd: home, env: childEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
  const m: Milestones & { pageUrl?: string } = {};
  const done = new Promise<void>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const match = /^ELECTRON_STAND_IN (\S+) \S+ ?(.*)$/.exec(line);
        if (!match) continue;
        const at = performance.now() - t0; // seen by the bench: includes the pipe, as a user would see it
        if (match[1] === 'tray-ready' && m.trayReady === undefined) m.trayReady = at;
        if (match[1] === 'page' && m.page === undefined) {
          m.page = at;
          m.pageUrl = match[2]!.split(' ')[1];
        }
        if (m.trayReady !== undefined && m.page !== undefined) resolve();
      }
    });
    proc.once('exit', (code) => reject(new Error(`the desktop stand-in exited (${code}) before the tray was ready`)));
  });
  proc.stderr!.resume();
  try {
    await done;
    m.health = await until200(t0, `http://127.0.0.1:${port}/health`);
  } finally {
    await stop(proc);
  }
  return m;
}

/** First contentful paint of the dashboard page (the window's renderer) in Chromium, from its navigation start. */
async function paintMs(): Promise<number[]> {
  const { chromium } = await import('playwright-core');
  if (!fs.existsSync('/usr/bin/chromium')) return [];
  const { createRuntime } = await import('../../main/runtime/runtime.js');
  const { defaultPlugins } = await import('../../main/proxy/plugins.js');
  const { loadConfig } = await import('../../main/config/load.js');
  const log = (await import('electron-log/node')).default;
  const port = await freePort();
  const runtime = createRuntime({ loaded: loadConfig({ configPath: configFile(port) }), logBase: log as never, console: false, plugins: defaultPlugins() });
  await runtime.start();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run'] });
  const out: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/ui`);
      out.push(await page.evaluate(() => new Promise<number>((resolve) => {
        new PerformanceObserver((list) => {
          const fcp = list.getEntriesByName('first-contentful-paint')[0];
          if (fcp) resolve(fcp.startTime);
        }).observe({ type: 'paint', buffered: true });
      })));
      await page.close();
    }
  } finally {
    await browser.close();
    await runtime.stop();
  }
  return out;
}

async function series<T extends Milestones>(label: string, run: () => Promise<T>, cold: boolean): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (cold) evictPageCache();
    else if (i === 0) await run(); // one unmeasured start, so every measured one finds its files cached
    out.push(await run());
    process.stderr.write(`${label} ${i + 1}/${RUNS}\r`);
  }
  return out;
}

/** This build and the --compare one, started in turns (warm), medians of RUNS each. */
async function compare(other: string): Promise<void> {
  const otherCli = path.join(path.resolve(other), 'dist/main/cli.js');
  await headlessRun();
  await headlessRun(otherCli);
  const mine: Milestones[] = [];
  const theirs: Milestones[] = [];
  for (let i = 0; i < RUNS; i++) {
    theirs.push(await headlessRun(otherCli));
    mine.push(await headlessRun());
  }
  console.log(`\nbench:start --compare: headless, warm, started in turns, ms from spawn, medians of ${RUNS}`);
  const rows = ['listening', 'health', 'proxied'].map((k) => [k, fmt(median(theirs.map((r) => r[k]!)), 0), fmt(median(mine.map((r) => r[k]!)), 0)]);
  console.log(table([['milestone', other, 'this build'], ...rows]));
}

async function full(): Promise<void> {
  const canEvict = evictPageCache();
  const rows: string[][] = [];
  const row = (what: string, runs: Milestones[], key: string) => rows.push([what, key, fmt(median(runs.map((r) => r[key]!)), 0), fmt(Math.min(...runs.map((r) => r[key]!)), 0), fmt(Math.max(...runs.map((r) => r[key]!)), 0)]);
  for (const cold of canEvict ? [true, false] : [false]) {
    const tag = cold ? 'cold' : 'warm';
    const h = await series(`headless ${tag}`, headlessRun, cold);
    for (const k of ['listening', 'health', 'proxied']) row(`headless, ${tag}`, h, k);
    if (!flags['no-desktop']) {
      const d = await series(`desktop ${tag}`, desktopRun, cold);
      for (const k of ['trayReady', 'page', 'health']) row(`desktop (stand-in), ${tag}`, d, k);
    }
  }
  const paints = flags['no-paint'] ? [] : await paintMs();
  console.log(`\nbench:start: ms from spawn, medians of ${RUNS} runs (min, max); Node ${process.version}, ${os.cpus().length} CPUs${canEvict ? '' : ' (cold runs skipped: python3 could not evict the page cache)'}`);
  console.log(table([['run', 'milestone', 'median ms', 'min', 'max'], ...rows]));
  if (paints.length) console.log(`window first contentful paint in Chromium after its navigation starts: median ${fmt(median(paints))} ms (add it to the desktop "page" milestone)`);
  console.log('milestones: listening = the "[STARTUP] ccproxy listening" line; health = first 200 on /health; proxied = first 200 on POST /v1/messages;\n  trayReady = the tray tooltip says "Running at"; page = the window asked for its page.');
}

try {
  if (flags.compare) await compare(flags.compare);
  else await full();
} finally {
  await upstream.close();
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(FILES_LIST, { force: true });
}
