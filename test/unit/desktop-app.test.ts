import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../main/config/load.js';
import { desktopPortAdvice, runDesktop, type DesktopOptions } from '../../main/desktop/bootstrap.js';
import { trayIcons } from '../../main/desktop/icons.js';
import { createFakeElectron, ipcEventFrom, type FakeElectron } from '../fixtures/fake-electron.js';
import { desktopTestEnv, until, type DesktopTestEnv } from './desktop-runtime.js';

const ICONS = trayIcons('/icons', 'linux');
const RENDERER = path.resolve('/app/dist/renderer/index.html');

function options(fake: FakeElectron, env: DesktopTestEnv, extra: Partial<DesktopOptions> = {}): DesktopOptions {
  return {
    electron: fake.electron,
    platform: 'linux',
    paths: { preload: path.resolve('/app/dist/main/desktop/preload.cjs'), rendererIndex: RENDERER },
    trayIcons: ICONS,
    loadConfig: () => env.load(),
    createRuntime: (loaded) => env.create(loaded),
    logDir: () => path.join(env.dir, 'logs'),
    ...extra,
  };
}

/** A plain TCP server holding a port on 127.0.0.1, as another program would. */
type Blocker = net.Server & { port: number };
async function occupyPort(): Promise<Blocker> {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, { port: (server.address() as net.AddressInfo).port });
}

describe('desktop app wiring', () => {
  let env: DesktopTestEnv | undefined;
  let blocker: Blocker | undefined;
  afterEach(async () => {
    await env?.cleanup();
    await new Promise((r) => (blocker ? blocker.close(r) : r(undefined)));
    env = undefined;
    blocker = undefined;
  });

  it('starts the runtime in-process with the tray, and a manual launch opens the window', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    const handle = (await runDesktop(options(fake, env)))!;
    expect(handle.runtime.status().state).toBe('running');
    expect(fake.trays).toHaveLength(1);
    expect(fake.trays[0]!.image.path).toBe(ICONS.pooling.path);
    expect(fake.notifications).toHaveLength(0);
    expect([...fake.ipcMain.handlers.keys()]).toContain('ccproxy:getStatus');
    expect(fake.app.dockHidden.value).toBe(true);
    // Stock GNOME shows no tray icon at all: without the window a manual launch would look like nothing happened.
    expect(fake.windows).toHaveLength(1);
    await until(() => fake.windows[0]!.visible);

    const contents = fake.windows[0]!.webContents;
    const status = await fake.ipcMain.invoke('ccproxy:getStatus', ipcEventFrom(contents, handle.windows.appUrl));
    expect(status).toMatchObject({ state: 'running', endpoint: handle.runtime.status().endpoint });
  });

  it('keeps a login launch (--hidden) in the tray until the window is asked for', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    const handle = (await runDesktop(options(fake, env, { argv: ['/usr/bin/electron', '/app', '--hidden'] })))!;
    expect(handle.runtime.status().state).toBe('running');
    expect(fake.windows).toHaveLength(0);
    fake.trays[0]!.menu!.click('open');
    expect(fake.windows).toHaveLength(1);
  });

  it('keeps a macOS login launch (wasOpenedAtLogin, no arguments possible) in the tray', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    fake.app.isPackaged = true;
    fake.app.loginReport = { openAtLogin: true, status: 'enabled', wasOpenedAtLogin: true };
    await runDesktop(options(fake, env, { platform: 'darwin', trayIcons: trayIcons('/icons', 'darwin') }));
    expect(fake.windows).toHaveLength(0);
  });

  it('shows the window when macOS reopens the running app (activate)', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    await runDesktop(options(fake, env, { platform: 'darwin', argv: ['--hidden'], trayIcons: trayIcons('/icons', 'darwin') }));
    expect(fake.windows).toHaveLength(0);
    fake.app.emit('activate');
    expect(fake.windows).toHaveLength(1);
    await until(() => fake.windows[0]!.visible);
    fake.windows[0]!.close(); // hidden, not destroyed
    fake.app.emit('activate');
    expect(fake.windows).toHaveLength(1);
    expect(fake.windows[0]!.visible).toBe(true);
  });

  it('lets a second launch focus the running window', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    await runDesktop(options(fake, env, { argv: ['--hidden'] }));
    expect(fake.windows).toHaveLength(0);
    fake.app.emit('second-instance');
    expect(fake.windows).toHaveLength(1);
    await until(() => fake.windows[0]!.visible);
    fake.windows[0]!.close(); // hidden
    fake.windows[0]!.minimized = true;
    fake.app.emit('second-instance');
    expect(fake.windows).toHaveLength(1);
    expect(fake.windows[0]).toMatchObject({ visible: true, minimized: false });
    expect(fake.windows[0]!.focusCount).toBeGreaterThan(1);
  });

  it('quits at once when another instance holds the lock', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron({ lock: false });
    let created = 0;
    const result = await runDesktop(options(fake, env, { createRuntime: (l) => (created++, env!.create(l)) }));
    expect(result).toBeNull();
    expect(fake.app.quitted).toBe(true);
    expect(created).toBe(0);
    expect(fake.trays).toHaveLength(0);
  });

  it('keeps running in the error state when the port is taken, then recovers on a new port', async () => {
    blocker = await occupyPort();
    const port = blocker.port;
    env = await desktopTestEnv({ port });
    const fake = createFakeElectron();
    // The runtime as main.ts makes it: the port-in-use advice in the desktop's words.
    const handle = (await runDesktop(options(fake, env, { createRuntime: (loaded) => env!.create(loaded, { portAdvice: desktopPortAdvice }) })))!;

    expect(handle.runtime.status()).toMatchObject({ state: 'error', error: expect.stringContaining(`Port ${port}`) });
    // What the window shows (the status) and the notification: Settings, never a flag the app does not read.
    expect(handle.runtime.status().error).toMatch(/change the port in Settings \((\d+) is free\)\.$/);
    expect(handle.runtime.status().error).not.toMatch(/--port|PORT=/);
    expect(fake.trays[0]!.image.path).toBe(ICONS.error.path);
    expect(fake.trays[0]!.menu!.item('error').label).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(fake.notifications).toHaveLength(1);
    expect(fake.notifications[0]).toMatchObject({ shown: true, options: { title: `ccproxy: port ${port} is in use` } });
    // In the desktop's words: the app reads no --port flag and no PORT variable; Settings is where to change it.
    const body = fake.notifications[0]!.options.body;
    expect(body).toContain('change the port in Settings');
    expect(body).not.toMatch(/--port|PORT=/);
    expect(fake.windows).toHaveLength(1); // opened so the user sees the message and can change the port
    expect(fake.windows[0]!.loadedUrl).toBe('app://ccproxy/index.html#settings/server.port'); // on the port field
    fake.windows[0]!.close();
    fake.windows[0]!.loadedUrl = null;
    fake.notifications[0]!.events.emit('click');
    expect(fake.windows[0]!.visible).toBe(true);
    expect(fake.windows[0]!.loadedUrl).toBe('app://ccproxy/index.html#settings/server.port');

    const saved = await handle.runtime.saveSettings({ server: { port: 0 } });
    expect(saved.ok).toBe(true);
    expect(handle.runtime.status().state).toBe('running');
    expect(handle.runtime.status().endpoint).not.toContain(`:${port}`);
    expect(fake.trays[0]!.image.path).toBe(ICONS.pooling.path);
    // The pool starts with the listener it waited for: warm connections and the usual start-up lines.
    expect(handle.runtime.stats().stats.total_connections).toBeGreaterThan(0);
    expect(handle.runtime.logs().map((e) => e.message)).toContain('[STARTUP] Claude connection pool initialized successfully');
  });

  it('shows an invalid config and quits', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    const loadConfig = () => {
      throw new ConfigError([{ path: 'pool_settings.max_size', message: 'Invalid setting in /x/.ccproxy.toml: pool_settings.max_size = 0; allowed: 1 to 100.' }]);
    };
    expect(await runDesktop(options(fake, env, { loadConfig }))).toBeNull();
    expect(fake.dialog.errors[0]!.content).toContain('pool_settings.max_size = 0');
    expect(fake.app.quitted).toBe(true);
  });

  it('stops the runtime before quitting, then quits in Electron\'s order (windows closed, will-quit)', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    const handle = (await runDesktop(options(fake, env)))!;
    await until(() => fake.windows[0]!.visible);
    fake.trays[0]!.menu!.click('quit');
    expect(fake.app.quitted).toBe(false); // held back until the runtime has stopped
    expect(fake.trays[0]!.menu!.item('status').label).toBe('Stopping… (finishing open requests)');
    await until(() => fake.app.quitted);
    expect(handle.runtime.status().state).toBe('stopped');
    expect(fake.trays[0]!.destroyed).toBe(true);
    expect(fake.ipcMain.handlers.size).toBe(0);
    // The first before-quit was held; the second went through: the hidden-on-close window really closed.
    expect(fake.app.sequence).toEqual(['before-quit', 'before-quit', 'window-closed', 'will-quit', 'quit']);
    expect(fake.windows[0]!.isDestroyed()).toBe(true);
    expect(fake.app.exitCode).toBeNull();
  });

  it('opens the log folder and reports when it cannot, without a blocking box', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    await runDesktop(options(fake, env));
    fake.trays[0]!.menu!.click('log-folder');
    expect(fake.shell.opened).toEqual([path.join(env.dir, 'logs')]);
    fake.shell.openPathResult = 'Failed to open path';
    fake.trays[0]!.menu!.click('log-folder');
    await until(() => fake.dialog.messages.length > 0);
    expect(fake.dialog.messages[0]).toMatchObject({ type: 'error', title: 'ccproxy: cannot open the log folder', detail: expect.stringContaining('Failed to open path') });
    expect(fake.dialog.errors).toEqual([]);
  });

  it('installs a minimal app menu: Close and Quit on Linux, Edit shortcuts on macOS', async () => {
    env = await desktopTestEnv();
    const linux = createFakeElectron();
    await runDesktop(options(linux, env, { argv: ['--hidden'] }));
    // Not Electron's default (Reload, DevTools, Electron's Help links); Quit stays reachable without a tray.
    const items = linux.appMenu.value!.template.flatMap((i) => i.submenu as Array<{ role?: string }>);
    expect(items.map((i) => i.role).filter(Boolean)).toEqual(['close', 'quit']);
    await env.cleanup();

    env = await desktopTestEnv();
    const mac = createFakeElectron();
    await runDesktop(options(mac, env, { platform: 'darwin', argv: ['--hidden'], trayIcons: trayIcons('/icons', 'darwin') }));
    const roles = mac.appMenu.value!.template.map((i) => i.role);
    expect(roles).toEqual(['appMenu', 'editMenu', 'windowMenu']);
    const edit = mac.appMenu.value!.template[1]!.submenu as Array<{ role?: string }>;
    expect(edit.map((i) => i.role).filter(Boolean)).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']);
  });
});
