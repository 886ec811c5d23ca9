// A save is either fully in effect or not at all: the environment cannot hide an invalid saved value, a port
// that is taken leaves file and proxy as they were, proxy credentials are never shown, and the runtime-only
// pooling switch writes nothing.
import fs from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SaveResult } from '../../main/common/contract.js';
import { BASE_TOML, NO_UPSTREAM, bytesOf, startSettingsRuntime, type SettingsRuntime } from '../fixtures/settings-runtime.js';

const open: SettingsRuntime[] = [];
const servers: net.Server[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of open.splice(0)) await s.close();
  for (const srv of servers.splice(0)) await new Promise((r) => srv.close(r));
});
const start = async (...args: Parameters<typeof startSettingsRuntime>) => {
  const s = await startSettingsRuntime(...args);
  open.push(s);
  return s;
};
const messages = (r: SaveResult) => (r.ok ? [] : r.errors.map((e) => e.message)).join('\n');

/** A port another program holds for the test's duration. */
async function takenPort(): Promise<number> {
  const srv = net.createServer();
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return (srv.address() as net.AddressInfo).port;
}

describe('values the environment overrides', () => {
  it('an invalid value hidden by an env variable is refused, naming the variable; the file stays byte-identical', async () => {
    const s = await start({ toml: BASE_TOML, env: { UPSTREAM__BASE_URL: NO_UPSTREAM } });
    const before = bytesOf(s.configPath);
    const result = await s.runtime.saveSettings({ upstream: { base_url: 'file:///etc/passwd' } });
    expect(result.ok).toBe(false);
    expect(messages(result)).toBe(
      `Invalid setting in ${s.configPath}: upstream.base_url = "file:///etc/passwd"; allowed: an http:// or https:// URL. It is hidden right now by environment variable UPSTREAM__BASE_URL, but ccproxy would refuse to start without it.`,
    );
    expect(bytesOf(s.configPath)).toEqual(before);
    // The form's live check says the same before any save.
    expect(s.runtime.validateSettings({ upstream: { base_url: 'file:///etc/passwd' } }).map((e) => e.path)).toEqual(['upstream.base_url']);
  });

  it('a valid saved value the environment overrides is saved, and the answer says it is not in effect', async () => {
    const s = await start({ toml: BASE_TOML, env: { POOL_SETTINGS__MAX_SIZE: '20' } });
    const result = await s.runtime.saveSettings({ pool_settings: { max_size: 12 } });
    expect(result).toMatchObject({ ok: true, saved: true });
    const note = `pool_settings.max_size = 12 is saved in ${s.configPath}, but environment variable POOL_SETTINGS__MAX_SIZE = 20 is in effect; the saved value applies when the variable is not set.`;
    expect(result.ok && result.shadowed).toEqual([{ path: 'pool_settings.max_size', by: 'environment variable POOL_SETTINGS__MAX_SIZE', active_value: 20, file_value: 12, message: note }]);
    expect(s.runtime.settingsView().shadowed.map((x) => x.message)).toEqual([note]);
    expect(s.runtime.stats().settings.max_size).toBe(20);
    expect(s.logs()).toContain(`[SETTINGS] ${note}`);
  });
});

describe('a save that cannot be applied', () => {
  it('a port that is taken: not saved, file byte-identical, still serving on the old port with the old settings', async () => {
    const s = await start({ toml: BASE_TOML });
    const before = bytesOf(s.configPath);
    const port = await takenPort();
    const result = await s.runtime.saveSettings({ server: { port }, pool_settings: { max_size: 4 } });
    expect(result).toMatchObject({ ok: false, errors: [{ path: 'server.port', message: expect.stringMatching(new RegExp(`^Not saved: Port ${port} on 127.0.0.1 is already in use.*The file and the running settings are unchanged\\.$`)) }] });
    expect(bytesOf(s.configPath)).toEqual(before);
    expect(s.runtime.settingsView().values.server!.port).toBe(0);
    expect(s.runtime.stats().settings.max_size).toBe(10);
    expect(s.runtime.status()).toMatchObject({ state: 'running', endpoint: s.url });
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });

  it('applying fails after the write: the old text is put back byte for byte and the answer says so', async () => {
    const s = await start({ toml: BASE_TOML });
    const before = bytesOf(s.configPath);
    const real = s.runtime.pool.reconfigure.bind(s.runtime.pool);
    vi.spyOn(s.runtime.pool, 'reconfigure').mockImplementationOnce(async () => {
      throw new Error('simulated pool failure');
    }).mockImplementation(real);
    const result = await s.runtime.saveSettings({ pool_settings: { max_size: 4 } });
    expect(messages(result)).toBe('Not saved: applying the settings failed (simulated pool failure); the file is as it was.');
    expect(bytesOf(s.configPath)).toEqual(before);
    expect(s.runtime.settingsView().values.pool_settings!.max_size).toBe(10);
  });
});

describe('after a start that failed (port taken)', () => {
  it('other settings still save; a free port then starts serving', async () => {
    const port = await takenPort();
    const s = await start({ toml: BASE_TOML.replace('port = 0', `port = ${port}`), allowFailedStart: true });
    expect(s.runtime.status().state).toBe('error');
    const kept = await s.runtime.saveSettings({ pool_settings: { max_size: 4 } });
    expect(kept).toMatchObject({ ok: true, restarted: false });
    expect(fs.readFileSync(s.configPath, 'utf8')).toContain('max_size = 4');
    expect(s.runtime.status().state).toBe('error');
    expect(s.logs().some((l) => l.startsWith(`[SETTINGS] Still not listening: Port ${port}`))).toBe(true);
    const moved = await s.runtime.saveSettings({ server: { port: 0 } });
    expect(moved).toMatchObject({ ok: true, restarted: true });
    expect(s.runtime.status().state).toBe('running');
    expect((await fetch(`${s.runtime.status().endpoint}/health`)).status).toBe(200);
  });
});

describe('proxy credentials', () => {
  const withProxy = BASE_TOML.replace('[upstream]\n', '[upstream]\nproxy_url = "http://alice:pw-s3cr3t-9@127.0.0.1:3128"\n');

  it('are masked in the settings view and in error messages; saving the masked view keeps them', async () => {
    const s = await start({ toml: withProxy });
    const view = s.runtime.settingsView();
    expect(view.values.upstream!.proxy_url).toBe('http://********:********@127.0.0.1:3128');
    expect(JSON.stringify(view)).not.toContain('pw-s3cr3t-9');
    // The form sends back what it shows: unchanged credentials, even with another host.
    expect((await s.runtime.saveSettings({ upstream: { proxy_url: view.values.upstream!.proxy_url }, pool_settings: { max_size: 4 } })).ok).toBe(true);
    expect(fs.readFileSync(s.configPath, 'utf8')).toContain('proxy_url = "http://alice:pw-s3cr3t-9@127.0.0.1:3128"');
    expect((await s.runtime.saveSettings({ upstream: { proxy_url: 'http://********:********@10.0.0.1:3128' } })).ok).toBe(true);
    expect(fs.readFileSync(s.configPath, 'utf8')).toContain('proxy_url = "http://alice:pw-s3cr3t-9@10.0.0.1:3128"');

    const bad = await s.runtime.saveSettings({ upstream: { proxy_url: 'socks5://bob:other-s3cr3t@10.0.0.1:1080' } });
    expect(messages(bad)).toContain('upstream.proxy_url = "socks5://********:********@10.0.0.1:1080"');
    expect(messages(bad)).not.toContain('other-s3cr3t');
  });

  it('never reach a log line', async () => {
    const s = await start({ toml: withProxy });
    s.runtime.logBus.logger.error('[TEST] tunnel to http://alice:pw-s3cr3t-9@127.0.0.1:3128 failed');
    expect(s.logs().join('\n')).not.toContain('pw-s3cr3t-9');
  });
});

describe('the runtime-only pooling switch (setPoolingEnabled with persist: false)', () => {
  const post = (s: SettingsRuntime, body: unknown) =>
    fetch(`${s.url}/admin/api/setPoolingEnabled`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<SaveResult>);

  it('switches the running proxy and writes nothing; the saving switch still saves', async () => {
    const s = await start({ toml: BASE_TOML });
    const before = bytesOf(s.configPath);
    expect(await post(s, { enabled: false, persist: false })).toMatchObject({ ok: true, saved: false });
    expect(s.runtime.status().pool_enabled).toBe(false);
    expect(bytesOf(s.configPath)).toEqual(before);
    // Another save keeps the run's switch (it did not touch pooling) ...
    expect((await s.runtime.saveSettings({ pool_settings: { max_size: 4 } })).ok).toBe(true);
    expect(s.runtime.status().pool_enabled).toBe(false);
    expect(await post(s, { enabled: true, persist: false })).toMatchObject({ ok: true, saved: false });
    expect(s.runtime.status().pool_enabled).toBe(true);
    // ... and the header switch, without persist, saves as users expect.
    expect(await post(s, { enabled: false })).toMatchObject({ ok: true });
    expect(fs.readFileSync(s.configPath, 'utf8')).toMatch(/\[pool_settings\][^[]*enabled = false/);
  });

  it('never creates a config file when the proxy started without one', async () => {
    const s = await start({});
    expect(await post(s, { enabled: false, persist: false })).toMatchObject({ ok: true, saved: false });
    expect(s.runtime.status().pool_enabled).toBe(false);
    expect(fs.existsSync(s.configPath)).toBe(false);
  });
});
