// Smoke test of the packaged desktop app (CI, after `npm run dist`): start it as a login launch (--hidden) with a
// temp config on a free port, wait for /health (≤ 30 s), send one request through it to a mock upstream, quit it
// as the OS would ask (SIGTERM; `taskkill` on Windows) and check that it exits within 10 s and wrote its
// [SHUTDOWN] lines to its log file.
//
//   node scripts/smoke-packaged.mjs                 the app electron-builder put in out/ for this OS
//   node scripts/smoke-packaged.mjs --app PATH      that executable
//   node scripts/smoke-packaged.mjs --stand-in DIR  no Electron binary (this repository's own tests): DIR is an
//       unpacked build (out/linux-unpacked); its app.asar is extracted and its main process run in Node with the
//       Electron stand-in (test/fixtures/electron-stand-in), which quits on SIGTERM as Electron does. That checks
//       the packed files are enough to run the app, not Electron itself.
// Linux without a display: it runs the app under `xvfb-run -a` when that exists. Loopback only. Exit code 0 = ok.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HEALTH_LIMIT_MS = 30_000;
const EXIT_LIMIT_MS = 10_000;
const { values: flags } = parseArgs({ options: { app: { type: 'string' }, 'stand-in': { type: 'string' } } });
const say = (line) => console.log(`smoke: ${line}`);
let failed = false;
const fail = (line) => {
  console.error(`smoke: FAILED: ${line}`);
  failed = true;
};

/** The executable electron-builder's `--dir` output (or an installer's unpacked folder) holds for this OS. */
function packagedApp() {
  const out = path.join(ROOT, 'out');
  const candidates = {
    linux: ['linux-unpacked/ccproxy', 'linux-arm64-unpacked/ccproxy'],
    darwin: ['mac-arm64/ccproxy.app/Contents/MacOS/ccproxy', 'mac/ccproxy.app/Contents/MacOS/ccproxy', 'mac-universal/ccproxy.app/Contents/MacOS/ccproxy'],
    win32: ['win-unpacked/ccproxy.exe', 'win-arm64-unpacked/ccproxy.exe'],
  }[process.platform] ?? [];
  const found = candidates.map((c) => path.join(out, c)).find((p) => fs.existsSync(p));
  if (!found) throw new Error(`no packaged app in out/ (looked for ${candidates.join(', ')}); run npm run dist first`);
  return found;
}

/** Where the app writes main.log (docs/desktop.md): `userData` is <appData>/ccproxy, set by main.ts. */
function logFileFor(home) {
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Logs', 'ccproxy', 'main.log');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'ccproxy', 'logs', 'main.log');
  return path.join(home, 'ccproxy', 'logs', 'main.log'); // XDG_CONFIG_HOME is set to `home` below
}

async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** A mock Anthropic API: one JSON answer to POST /v1/messages, and a count of what it was asked. */
async function mockUpstream() {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_smoke' });
      res.end(JSON.stringify({ id: 'msg_smoke', type: 'message', role: 'assistant', model: 'claude-smoke', content: [{ type: 'text', text: 'pong' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

async function get(url, init) {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
    return { status: res.status, text: await res.text() };
  } catch {
    return null;
  }
}

/** For --stand-in: the packed app.asar (and its unpacked native files) as a plain folder Node can run. */
function extractStandIn(unpackedDir, into) {
  const require = createRequire(import.meta.url);
  const asar = require('@electron/asar');
  const resources = path.join(unpackedDir, 'resources');
  asar.extractAll(path.join(resources, 'app.asar'), into);
  const extra = path.join(resources, 'app.asar.unpacked');
  if (fs.existsSync(extra)) fs.cpSync(extra, into, { recursive: true });
  return into;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-smoke-'));
const upstream = await mockUpstream();
let child = null;
try {
  const port = await freePort();
  const config = path.join(work, 'smoke.toml');
  fs.writeFileSync(config, `[server]\nport = ${port}\nshutdown_grace = 2\n\n[upstream]\nbase_url = "${upstream.url}"\n\n[pool_settings]\nmin_size = 1\n`);
  const env = { ...process.env, XDG_CONFIG_HOME: work, CCPROXY_CONFIG: '' };
  delete env.ELECTRON_RUN_AS_NODE;
  for (const k of Object.keys(env)) if (/^(PORT|HOST|(SERVER|POOL_SETTINGS|UPSTREAM|SECURITY|LOGGING)__.*)$/i.test(k)) delete env[k];
  let command;
  let args;
  let logFile;
  if (flags['stand-in']) {
    const appDir = extractStandIn(path.resolve(flags['stand-in']), path.join(work, 'app'));
    const main = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')).main;
    Object.assign(env, { FAKE_APP_PATH: appDir, FAKE_APP_DATA: work, STAND_IN_PACKAGED: '1', HOME: work, USERPROFILE: work, APPDATA: work });
    command = process.execPath;
    args = ['--import', pathToFileURL(path.join(ROOT, 'test', 'fixtures', 'electron-stand-in', 'register.mjs')).href, path.join(appDir, main), '--hidden', '--config', config];
    // electron-log/node's folders (main.ts), under the temp HOME, XDG_CONFIG_HOME and APPDATA given above.
    logFile = process.platform === 'darwin' ? path.join(work, 'Library', 'Logs', 'ccproxy', 'main.log') : path.join(work, 'ccproxy', 'logs', 'main.log');
    say(`stand-in run of the packed app (${path.relative(ROOT, path.resolve(flags['stand-in'])) || flags['stand-in']}), Node ${process.version}`);
  } else {
    const app = flags.app ? path.resolve(flags.app) : packagedApp();
    command = app;
    args = ['--hidden', '--config', config];
    logFile = logFileFor(work);
    if (process.platform === 'linux' && !process.env.DISPLAY && spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0) {
      command = 'xvfb-run';
      args = ['-a', app, ...args];
    }
    say(`starting ${app}`);
  }
  const logBefore = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const t0 = Date.now();
  // On POSIX the app leads a process group of its own, so xvfb-run's children can be signalled together.
  child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));

  let health = null;
  while (Date.now() - t0 < HEALTH_LIMIT_MS && child.exitCode === null) {
    health = await get(`http://127.0.0.1:${port}/health`);
    if (health?.status === 200) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  if (health?.status !== 200) throw new Error(`/health did not answer 200 within ${HEALTH_LIMIT_MS / 1000} s\n--- app output ---\n${output.slice(-3000)}`);
  say(`/health ok after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${health.text}`);

  const answer = await get(`http://127.0.0.1:${port}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'smoke', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'claude-smoke', max_tokens: 8, messages: [{ role: 'user', content: 'ping' }] }),
  });
  if (answer?.status !== 200 || !answer.text.includes('pong')) fail(`POST /v1/messages through the app: ${answer ? `${answer.status} ${answer.text.slice(0, 300)}` : 'no answer'}`);
  else if (!upstream.seen.includes('POST /v1/messages')) fail('the mock upstream never saw the request');
  else say('POST /v1/messages went through the app to the mock upstream');

  const asked = Date.now();
  if (process.platform === 'win32') spawnSync('taskkill', ['/PID', String(child.pid)], { stdio: 'inherit' });
  else process.kill(command === 'xvfb-run' ? -child.pid : child.pid, 'SIGTERM');
  const end = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), EXIT_LIMIT_MS))]);
  if (!end) fail(`still running ${EXIT_LIMIT_MS / 1000} s after it was asked to quit`);
  else say(`exited ${((end.at - asked) / 1000).toFixed(1)} s after it was asked to quit (${end.signal ?? `code ${end.code}`})`);

  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(logBefore) : '';
  const shutdown = log.split('\n').filter((l) => l.includes('[SHUTDOWN]'));
  if (!shutdown.some((l) => l.includes('ccproxy stopped'))) fail(`no "[SHUTDOWN] ccproxy stopped" line in ${logFile}\n--- its new lines ---\n${log.slice(-3000)}\n--- app output ---\n${output.slice(-2000)}`);
  else say(`log ${logFile}:\n  ${shutdown.join('\n  ')}`);
} catch (err) {
  fail(err.message);
} finally {
  if (child && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL'); // its whole group (xvfb-run)
    } catch {
      child.kill('SIGKILL');
    }
  }
  await upstream.close();
  fs.rmSync(work, { recursive: true, force: true });
}
say(failed ? 'FAILED' : 'ok');
process.exit(failed ? 1 : 0);
