// The admin HTTP transport (POST /admin/api/:op, GET /admin/api/events) and the /ui file route, on a real
// headless runtime: inject() for the request/response cases, a real socket for the event stream.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import log from 'electron-log/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FieldError, RuntimeStatus, SaveResult } from '../../main/common/contract.js';
import { loadConfig } from '../../main/config/load.js';
import { defaultPlugins } from '../../main/proxy/plugins.js';
import { adminRoutes } from '../../main/proxy/routes/admin.js';
import { DASHBOARD_CSP, uiRoutes } from '../../main/proxy/routes/ui.js';
import { createRuntime, type Runtime } from '../../main/runtime/runtime.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream/index.js';

let upstream: FakeUpstream;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await upstream.close();
});

async function start(opts: { toml?: string; plugins?: Parameters<typeof createRuntime>[0]['plugins'] } = {}): Promise<{ runtime: Runtime; url: string; cfgPath: string; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-admin-'));
  const cfgPath = path.join(dir, '.ccproxy.toml');
  fs.writeFileSync(cfgPath, `[server]\nport = 0\n[upstream]\nbase_url = "${upstream.url}"\n[pool_settings]\nmin_size = 0\n${opts.toml ?? ''}`);
  const loaded = loadConfig({ configPath: cfgPath, env: {}, home: dir, cwd: dir });
  const runtime = createRuntime({ loaded, logBase: log as never, console: false, plugins: opts.plugins ?? defaultPlugins() });
  const { url } = await runtime.start();
  cleanups.push(async () => {
    await runtime.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { runtime, url, cfgPath, dir };
}

function post(runtime: Runtime, op: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return runtime.app()!.inject({ method: 'POST', url: `/admin/api/${op}`, headers: { host: '127.0.0.1', ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** A real event-stream client: collects the text and resolves waits when a pattern shows up. */
function openEvents(url: string, headers: Record<string, string> = {}) {
  let text = '';
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  let endResolve: () => void;
  const ended = new Promise<void>((r) => (endResolve = r));
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      resolve(res);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        for (const w of waiters.filter((w) => w.re.test(text))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      });
      res.on('close', () => endResolve());
    });
    req.on('error', reject);
    cleanups.push(() => {
      req.destroy();
    });
  });
  return {
    response,
    text: () => text,
    ended,
    waitFor(re: RegExp, ms = 5_000): Promise<void> {
      if (re.test(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${re} in event stream within ${ms} ms; got:\n${text}`)), ms);
        waiters.push({ re, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
  };
}

/** GET with the path sent exactly as written (fetch and http.get(url) would resolve dot segments first). */
function rawGet(base: string, rawPath: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    http
      .get({ hostname, port, path: rawPath }, (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
      })
      .on('error', reject);
  });
}

describe('POST /admin/api/:op', () => {
  it('runs operations and answers JSON', async () => {
    const { runtime, cfgPath } = await start();
    const status = await post(runtime, 'getStatus', null);
    expect(status.statusCode).toBe(200);
    expect(status.headers['content-type']).toContain('application/json');
    expect((status.json() as RuntimeStatus).state).toBe('running');

    const empty = await post(runtime, 'getLogs', '', { 'content-type': 'application/json' });
    expect(empty.statusCode).toBe(200);
    expect(Array.isArray(empty.json())).toBe(true);

    const settings = await post(runtime, 'getSettings', null);
    expect(settings.json().fields['pool_settings.max_size']).toMatchObject({ type: 'integer', min: 1, max: 100 });

    const invalid = await post(runtime, 'validateSettings', { pool_settings: { max_size: 500 } });
    expect(invalid.statusCode).toBe(200);
    expect((invalid.json() as FieldError[]).map((e) => e.path)).toEqual(['pool_settings.max_size']);

    const saved = await post(runtime, 'saveSettings', { pool_settings: { max_size: 6 } });
    expect((saved.json() as SaveResult).ok).toBe(true);
    expect(fs.readFileSync(cfgPath, 'utf8')).toMatch(/max_size = 6\b/);

    const off = await post(runtime, 'setPoolingEnabled', { enabled: false });
    expect((off.json() as SaveResult).ok).toBe(true);
    expect(runtime.stats().pool_enabled).toBe(false);
  });

  it('refuses a bad payload (400), an unknown operation (404) and non-JSON bodies (415)', async () => {
    const { runtime } = await start();
    const bad = await post(runtime, 'setPoolingEnabled', { enabled: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/Invalid payload for setPoolingEnabled/);
    const badPersist = await post(runtime, 'setPoolingEnabled', { enabled: false, persist: 'no' });
    expect(badPersist.statusCode).toBe(400);
    expect(badPersist.json().error).toMatch(/Invalid payload for setPoolingEnabled[\s\S]*persist/);

    const unknown = await post(runtime, 'dropDatabase', null);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatch(/Unknown operation "dropDatabase"/);

    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await post(runtime, 'setPoolingEnabled', '{"enabled":false}', { 'content-type': type });
      expect(res.statusCode, type).toBe(415);
      expect(res.json().error).toMatch(/application\/json/);
    }
    const none = await runtime.app()!.inject({ method: 'POST', url: '/admin/api/getStatus', headers: { host: '127.0.0.1' } });
    expect(none.statusCode).toBe(415);
    expect(runtime.stats().pool_enabled).toBe(true); // none of the refused writes got through
  });

  it('refuses cross-origin pages and accepts same-origin ones', async () => {
    const { runtime } = await start();
    const evil = await post(runtime, 'setPoolingEnabled', { enabled: false }, { 'content-type': 'application/json', origin: 'http://evil.example' });
    expect(evil.statusCode).toBe(403);
    expect(runtime.stats().pool_enabled).toBe(true);
    const same = await post(runtime, 'getStatus', null, { 'content-type': 'application/json', origin: 'http://127.0.0.1' });
    expect(same.statusCode).toBe(200);
  });
});

describe('GET /admin/api/events', () => {
  it('streams status first, then log lines as they are written', async () => {
    const { runtime, url } = await start();
    const events = openEvents(`${url}/admin/api/events`);
    const res = await events.response;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    await events.waitFor(/event: status\ndata: \{[^\n]*"state":"running"/);

    runtime.logBus.logger.info('[TEST] hello from the event stream');
    await events.waitFor(/event: log\ndata: \{[^\n]*hello from the event stream/);
    const line = /event: log\ndata: (.*hello from the event stream.*)\n\n/.exec(events.text())![1]!;
    expect(JSON.parse(line)).toMatchObject({ level: 'info', message: '[TEST] hello from the event stream' });
    await events.waitFor(/event: stats\ndata: \{"pool_enabled"/, 3_000);
  });

  it('does not hold up shutdown: open streams are ended on close', async () => {
    const { runtime, url } = await start();
    const events = openEvents(`${url}/admin/api/events`);
    await events.waitFor(/event: status/);
    const t0 = Date.now();
    await runtime.stop();
    expect(Date.now() - t0).toBeLessThan(3_000);
    await events.ended; // the client saw its stream end
  });

  it('accepts the client token as ?token= (EventSource cannot send headers), and only there', async () => {
    const { runtime, url } = await start({ toml: '[security]\nauth_token = "s3cret-token"\n' });
    const refused = openEvents(`${url}/admin/api/events`);
    expect((await refused.response).statusCode).toBe(401);
    const wrong = openEvents(`${url}/admin/api/events?token=nope`);
    expect((await wrong.response).statusCode).toBe(401);

    const ok = openEvents(`${url}/admin/api/events?token=s3cret-token`);
    expect((await ok.response).statusCode).toBe(200);
    await ok.waitFor(/event: status/);

    // Operations still need the header.
    const noHeader = await fetch(`${url}/admin/api/getStatus?token=s3cret-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'null' });
    expect(noHeader.status).toBe(401);
    const withHeader = await fetch(`${url}/admin/api/getStatus`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-ccproxy-token': 's3cret-token' }, body: 'null' });
    expect(withHeader.status).toBe(200);
    // The token never shows up in the log.
    expect(runtime.logs().some((e) => e.message.includes('s3cret-token'))).toBe(false);
  });
});

describe('/ui', () => {
  function rendererDir(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-ui-'));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  }
  const withUi = (dir: string) => [adminRoutes, uiRoutes(dir)];

  it('answers 503 with the build command when the renderer was not built', async () => {
    const { url } = await start({ plugins: withUi(rendererDir({})) });
    const res = await fetch(`${url}/ui/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('run npm run build');
  });

  it('serves the built files with a strict CSP, and nothing outside the folder', async () => {
    const dir = rendererDir({ 'index.html': '<!doctype html><title>x</title>', 'app.js': 'export {}', 'styles.css': 'body{}' });
    fs.writeFileSync(path.join(path.dirname(dir), `${path.basename(dir)}-secret.txt`), 'secret');
    cleanups.push(() => fs.rmSync(path.join(path.dirname(dir), `${path.basename(dir)}-secret.txt`), { force: true }));
    fs.symlinkSync('/etc/hostname', path.join(dir, 'link.txt'));
    const { url } = await start({ plugins: withUi(dir) });

    const index = await fetch(`${url}/ui/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(index.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${url}/ui/app.js`)).headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${url}/ui/styles.css`)).headers.get('content-type')).toContain('text/css');

    const redirect = await fetch(`${url}/ui?token=abc`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/ui/?token=abc');

    const secret = `${path.basename(dir)}-secret.txt`;
    for (const p of [`/ui/../${secret}`, `/ui/..%2f${secret}`, `/ui/%2e%2e/${secret}`, '/ui/..%2f..%2f..%2f..%2fetc%2fpasswd', '/ui/link.txt', '/ui/missing.js']) {
      expect(await rawGet(url, p), p).toBe(404);
    }
  });

  it('needs no token for the page itself (it holds no data), but the admin API still does', async () => {
    const dir = rendererDir({ 'index.html': '<!doctype html>', 'app.js': 'export {}' });
    const { url } = await start({ toml: '[security]\nauth_token = "tok-123456"\n', plugins: withUi(dir) });
    expect((await fetch(`${url}/ui/`)).status).toBe(200);
    expect((await fetch(`${url}/ui/app.js`)).status).toBe(200);
    // Dot segments do not reach another route: the router matches /ui/*, whose handler never serves outside
    // its folder (404), and the admin stream itself still needs the token.
    expect(await rawGet(url, '/ui/../admin/api/events')).toBe(404);
    expect(await rawGet(url, '/ui/%2e%2e/admin/api/events')).toBe(404);
    expect(await rawGet(url, '/admin/api/events')).toBe(401);
    expect(await rawGet(url, '/admin/api/events?token=wrong-token')).toBe(401);
    const api = await fetch(`${url}/admin/api/getStatus`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'null' });
    expect(api.status).toBe(401);
  });
});
