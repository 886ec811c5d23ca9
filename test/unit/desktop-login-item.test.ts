// "Start at login": registered only where it starts ccproxy (not the bare Electron binary), with the OS's answer.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDesktop } from '../../main/desktop/bootstrap.js';
import { trayIcons } from '../../main/desktop/icons.js';
import { createLoginItem } from '../../main/desktop/login-item.js';
import { createFakeElectron } from '../fixtures/fake-electron.js';
import { desktopTestEnv, type DesktopTestEnv } from './desktop-runtime.js';

const ELECTRON_BIN = 'C:\\src\\ccproxy\\node_modules\\electron\\dist\\electron.exe';
const CHECKOUT = 'C:\\src\\my projects\\ccproxy';

describe('start at login', () => {
  it('unpackaged on Windows: registers the Electron binary with the app folder (quoted) and --hidden', () => {
    const fake = createFakeElectron();
    const item = createLoginItem({ app: fake.app, platform: 'win32', execPath: ELECTRON_BIN, appPath: CHECKOUT })!;
    expect(item.state()).toMatchObject({ checked: false, available: true });
    item.set(true);
    // Without the app folder, Windows would open Electron's default app at login.
    expect(fake.app.loginRequests).toEqual([{ openAtLogin: true, path: ELECTRON_BIN, args: [`"${CHECKOUT}"`, '--hidden'] }]);
    expect(item.state().checked).toBe(true);
    item.set(false);
    expect(fake.app.loginRequests[1]).toEqual({ openAtLogin: false, path: ELECTRON_BIN, args: [`"${CHECKOUT}"`, '--hidden'] });
  });

  it('packaged on Windows: the app itself, with --hidden; a Task Manager "disabled" shows as unchecked with a note', () => {
    const fake = createFakeElectron();
    fake.app.isPackaged = true;
    const item = createLoginItem({ app: fake.app, platform: 'win32', execPath: 'C:\\Program Files\\ccproxy\\ccproxy.exe', appPath: 'C:\\Program Files\\ccproxy\\resources\\app.asar' })!;
    item.set(true);
    expect(fake.app.loginRequests).toEqual([{ openAtLogin: true, path: 'C:\\Program Files\\ccproxy\\ccproxy.exe', args: ['--hidden'] }]);
    fake.app.loginReport = { openAtLogin: true, executableWillLaunchAtLogin: false };
    expect(item.state()).toEqual({ checked: false, available: true, note: 'disabled in Task Manager › Startup apps', needsApproval: false });
  });

  it('unpackaged on macOS: not offered (it would register Electron.app), with the reason', () => {
    const fake = createFakeElectron();
    const item = createLoginItem({ app: fake.app, platform: 'darwin', execPath: '/x/Electron.app/Contents/MacOS/Electron', appPath: '/src/ccproxy' })!;
    expect(item.state()).toMatchObject({ checked: false, available: false, note: 'installed app only' });
    item.set(true);
    expect(fake.app.loginRequests).toEqual([]);
  });

  it('packaged on macOS: shows the real status, e.g. requires-approval', () => {
    const fake = createFakeElectron();
    fake.app.isPackaged = true;
    const item = createLoginItem({ app: fake.app, platform: 'darwin', execPath: '/Applications/ccproxy.app/Contents/MacOS/ccproxy', appPath: '/Applications/ccproxy.app/Contents/Resources/app.asar' })!;
    fake.app.loginOutcome = { status: 'requires-approval' };
    item.set(true);
    expect(fake.app.loginRequests).toEqual([{ openAtLogin: true }]); // macOS takes no path or args
    expect(item.state()).toMatchObject({ checked: false, needsApproval: true, note: 'allow it in System Settings › Login Items' });
    fake.app.loginReport = { openAtLogin: true, status: 'enabled' };
    expect(item.state()).toMatchObject({ checked: true, note: null });
  });

  it('packaged on macOS: not-found (nothing registered yet) is plainly off, with no advice to move the app', () => {
    const fake = createFakeElectron();
    fake.app.isPackaged = true;
    const item = createLoginItem({ app: fake.app, platform: 'darwin', execPath: '/Applications/ccproxy.app/Contents/MacOS/ccproxy', appPath: '/Applications/ccproxy.app/Contents/Resources/app.asar' })!;
    fake.app.loginReport = { openAtLogin: false, status: 'not-found' };
    expect(item.state()).toEqual({ checked: false, available: true, note: null, needsApproval: false });
  });

  it('Linux: no login-item API, no item', () => {
    expect(createLoginItem({ app: createFakeElectron().app, platform: 'linux', execPath: '/usr/bin/electron', appPath: '/src' })).toBeUndefined();
  });
});

describe('start at login in the running app', () => {
  let env: DesktopTestEnv | undefined;
  afterEach(async () => {
    await env?.cleanup();
    env = undefined;
  });

  it('from a checkout on Windows, the tray item registers a command that starts this app hidden', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    await runDesktop({
      electron: fake.electron,
      platform: 'win32',
      paths: { preload: path.resolve('/app/dist/main/desktop/preload.cjs'), rendererIndex: path.resolve('/app/dist/renderer/index.html') },
      trayIcons: trayIcons('/icons', 'win32'),
      argv: ['--hidden'],
      appPath: CHECKOUT,
      execPath: ELECTRON_BIN,
      loadConfig: () => env!.load(),
      createRuntime: (loaded) => env!.create(loaded),
      logDir: () => env!.dir,
    });
    fake.trays[0]!.menu!.click('login');
    expect(fake.app.loginRequests).toEqual([{ openAtLogin: true, path: ELECTRON_BIN, args: [`"${CHECKOUT}"`, '--hidden'] }]);
    expect(fake.trays[0]!.menu!.item('login')).toMatchObject({ checked: true, label: 'Start at login' });
  });

  it('from a checkout on macOS, the item is there but disabled, saying why', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    await runDesktop({
      electron: fake.electron,
      platform: 'darwin',
      paths: { preload: '/app/dist/main/desktop/preload.cjs', rendererIndex: '/app/dist/renderer/index.html' },
      trayIcons: trayIcons('/icons', 'darwin'),
      argv: ['--hidden'],
      appPath: '/src/ccproxy',
      execPath: '/x/Electron.app/Contents/MacOS/Electron',
      loadConfig: () => env!.load(),
      createRuntime: (loaded) => env!.create(loaded),
      logDir: () => env!.dir,
    });
    expect(fake.trays[0]!.menu!.item('login')).toMatchObject({ enabled: false, label: 'Start at login (installed app only)' });
  });
});
