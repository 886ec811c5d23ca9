// Hand edits of the config file apply live, also behind a link; an edit that cannot be applied (port taken)
// leaves the running settings as they were and says so.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../fixtures/proxy-harness.js';
import { BASE_TOML, startSettingsRuntime, tempDir, type SettingsRuntime } from '../fixtures/settings-runtime.js';

const open: SettingsRuntime[] = [];
const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const srv of servers.splice(0)) await new Promise((r) => srv.close(r));
});

describe('editing the file by hand', () => {
  it('an edit of the real file behind a link applies live', async () => {
    const dir = tempDir();
    const real = path.join(dir, 'dotfiles', 'ccproxy.toml');
    fs.mkdirSync(path.dirname(real));
    fs.writeFileSync(real, BASE_TOML);
    const link = path.join(dir, '.ccproxy.toml');
    fs.symlinkSync(real, link);
    const s = await startSettingsRuntime({ dir, configPath: link });
    open.push(s);
    fs.writeFileSync(real, `${BASE_TOML}max_size = 7\n`);
    await eventually(() => expect(s.runtime.stats().settings.max_size).toBe(7), 5_000);
  });

  it('an edit to a port that is taken is not applied: old port, old settings, and the log says why', async () => {
    const s = await startSettingsRuntime({ toml: BASE_TOML });
    open.push(s);
    const srv = net.createServer();
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    fs.writeFileSync(s.configPath, BASE_TOML.replace('port = 0', `port = ${port}`).replace('min_size = 0', 'min_size = 0\nmax_size = 5'));
    await eventually(() => expect(s.logs().some((l) => l.startsWith(`[SETTINGS] The edit of ${s.configPath} is not in effect, the running settings stay: Port ${port}`))).toBe(true), 5_000);
    expect(s.runtime.settingsView().values.server!.port).toBe(0);
    expect(s.runtime.stats().settings.max_size).toBe(10);
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });
});
