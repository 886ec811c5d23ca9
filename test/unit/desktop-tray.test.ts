import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuntimeStatus, SaveResult, SettingsPatch } from '../../main/common/contract.js';
import { trayIcons } from '../../main/desktop/icons.js';
import { createTrayController, type TrayActions, type TrayRuntime } from '../../main/desktop/tray.js';
import { createFakeElectron, type FakeElectron } from '../fixtures/fake-electron.js';
import { desktopTestEnv, until, type DesktopTestEnv } from './desktop-runtime.js';

const ICONS = trayIcons('/icons', 'linux');

/** A stand-in runtime whose status the test sets by hand. */
function stubRuntime(initial: Partial<RuntimeStatus> = {}) {
  let status: RuntimeStatus = { run: 'r1', state: 'running', upstream: 'ok', endpoint: 'http://127.0.0.1:8123', pool_enabled: true, error: null, ...initial };
  const listeners = new Set<(s: RuntimeStatus) => void>();
  const saves: SettingsPatch[] = [];
  let nextSave: SaveResult | Error | null = null;
  let sources: Record<string, 'default' | 'file' | 'env' | 'cli'> = {};
  let envOverrides: Record<string, string> = {};
  const runtime: TrayRuntime = {
    status: () => status,
    onStatus(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async saveSettings(patch) {
      saves.push(patch);
      if (nextSave instanceof Error) throw nextSave;
      return nextSave ?? { ok: true, view: {} as never, restarted: false };
    },
    settingsView: () => ({ sources, env_overrides: envOverrides }),
  };
  return {
    runtime,
    saves,
    set(next: Partial<RuntimeStatus>) {
      status = { ...status, ...next };
      for (const l of listeners) l(status);
    },
    failNextSave(result: SaveResult | Error) {
      nextSave = result;
    },
    lockByEnv(name: string) {
      sources = { 'pool_settings.enabled': 'env' };
      envOverrides = { 'pool_settings.enabled': name };
    },
  };
}

function makeTray(fake: FakeElectron, runtime: TrayRuntime, platform: NodeJS.Platform = 'linux', extra: Partial<TrayActions> = {}) {
  const calls: string[] = [];
  const actions: TrayActions = {
    openWindow: () => calls.push('open'),
    copyText: (text) => fake.electron.clipboard.writeText(text),
    openLogFolder: () => calls.push('log-folder'),
    showError: (title, message) => fake.electron.dialog.showErrorBox(title, message),
    quit: () => calls.push('quit'),
    forceQuit: () => calls.push('force-quit'),
    ...extra,
  };
  const controller = createTrayController({ ...fake.electron, runtime, actions, icons: ICONS, platform });
  const tray = fake.trays[0]!;
  return { controller, tray, calls, menu: () => tray.menu! };
}

describe('tray menu', () => {
  it('has the status line, the pooling checkbox and the actions, in order', () => {
    const fake = createFakeElectron();
    const { menu } = makeTray(fake, stubRuntime().runtime);
    const labels = menu().template.map((i) => (i.type === 'separator' ? '---' : i.label));
    expect(labels).toEqual(['Running at http://127.0.0.1:8123', 'Pooling enabled', '---', 'Open ccproxy…', 'Copy endpoint URL', 'Open log folder', '---', 'Quit']);
    expect(menu().item('status').enabled).toBe(false);
    expect(menu().item('pooling')).toMatchObject({ type: 'checkbox', checked: true });
  });

  it('runs each action', () => {
    const fake = createFakeElectron();
    const { menu, calls, tray } = makeTray(fake, stubRuntime().runtime);
    menu().click('open');
    menu().click('log-folder');
    menu().click('copy-endpoint');
    menu().click('quit');
    tray.events.emit('click'); // left click on Windows/Linux opens the window too
    expect(calls).toEqual(['open', 'log-folder', 'quit', 'open']);
    expect(fake.clipboard.text).toBe('http://127.0.0.1:8123');
  });

  it('shows the state in the icon and tooltip, and rebuilds the menu on every status change', () => {
    const fake = createFakeElectron();
    const stub = stubRuntime();
    const { tray, controller, menu } = makeTray(fake, stub.runtime);
    expect(tray.image.path).toBe(ICONS.pooling.path);
    expect(tray.tooltip).toContain('http://127.0.0.1:8123');
    expect(tray.tooltip).toContain('pooling');

    stub.set({ pool_enabled: false });
    expect(controller.state()).toBe('direct');
    expect(tray.image.path).toBe(ICONS.direct.path);
    expect(menu().item('pooling').checked).toBe(false);

    stub.set({ state: 'error', error: 'Port 8123 on 127.0.0.1 is already in use (another ccproxy, or another program). Stop it.' });
    expect(tray.image.path).toBe(ICONS.error.path);
    expect(menu().item('status').label).toBe('Not running: http://127.0.0.1:8123');
    expect(menu().item('error').label).toBe('Port 8123 on 127.0.0.1 is already in use (another ccproxy, or another program).');
    expect(tray.tooltip).toContain('not running');
  });

  it('shows an unreachable upstream in the icon and the status line while the proxy itself runs', () => {
    const fake = createFakeElectron();
    const stub = stubRuntime();
    const { tray, controller, menu } = makeTray(fake, stub.runtime);
    stub.set({ upstream: 'unreachable' });
    expect(controller.state()).toBe('error');
    expect(tray.image.path).toBe(ICONS.error.path);
    expect(menu().item('status').label).toBe('Running at http://127.0.0.1:8123 · upstream unreachable');
    stub.set({ upstream: 'ok' });
    expect(controller.state()).toBe('pooling');
  });

  it('says when the history is off, and its Reset history item moves a damaged file aside on the click only', () => {
    const fake = createFakeElectron();
    const stub = stubRuntime({ history: 'on' });
    const resets: string[] = [];
    stub.runtime.history = {
      reset() {
        resets.push('reset');
        stub.set({ history: 'on' });
        return { moved_to: '/data/history.db.damaged-1', history: 'on' };
      },
    };
    const { menu } = makeTray(fake, stub.runtime);
    expect(menu().template.some((i) => i.id === 'reset-history')).toBe(false);
    stub.set({ history: 'off: the file is damaged (file is not a database)' });
    expect(menu().item('history-off').label).toBe('History off: the file is damaged (file is not a database)');
    expect(menu().item('history-off').enabled).toBe(false);
    expect(resets).toEqual([]); // nothing moves by itself
    menu().click('reset-history');
    expect(resets).toEqual(['reset']);
    expect(menu().template.some((i) => i.id === 'history-off')).toBe(false);
    expect(fake.dialog.errors).toEqual([]);
  });

  it('uses template images on macOS and leaves the window to the menu on click', () => {
    const fake = createFakeElectron();
    const stub = stubRuntime();
    const calls: string[] = [];
    createTrayController({ ...fake.electron, runtime: stub.runtime, icons: trayIcons('/icons', 'darwin'), platform: 'darwin', actions: { openWindow: () => calls.push('open'), copyText() {}, openLogFolder() {}, showError() {}, quit() {}, forceQuit() {} } });
    const tray = fake.trays[0]!;
    expect(tray.image.path).toBe(path.join('/icons', 'trayTemplate.png'));
    expect(tray.image.template).toBe(true);
    tray.events.emit('click');
    expect(calls).toEqual([]);
    stub.set({ state: 'error', error: 'boom' });
    expect(tray.image.template).toBe(false); // the error icon stays red
  });

  it('toggles "Start at login" where supported, and leaves it out otherwise', () => {
    const fake = createFakeElectron();
    const login = { openAtLogin: false };
    const loginItem = { state: () => ({ checked: login.openAtLogin, available: true, note: null, needsApproval: false }), set: (v: boolean) => void (login.openAtLogin = v) };
    const { menu } = makeTray(fake, stubRuntime().runtime, 'win32', { loginItem });
    expect(menu().item('login')).toMatchObject({ label: 'Start at login', checked: false, enabled: true });
    menu().click('login');
    expect(login.openAtLogin).toBe(true);
    expect(menu().item('login').checked).toBe(true);
    expect(fake.dialog.errors).toEqual([]);

    const linux = createFakeElectron();
    const { menu: linuxMenu } = makeTray(linux, stubRuntime().runtime, 'linux');
    expect(() => linuxMenu().item('login')).toThrow(/no menu item/);
  });

  it('says so when the system does not take "Start at login" (macOS approval), instead of flipping back silently', () => {
    const fake = createFakeElectron();
    let approval = false;
    const loginItem = {
      state: () => (approval ? { checked: false, available: true, note: 'allow it in System Settings › Login Items', needsApproval: true } : { checked: false, available: true, note: null, needsApproval: false }),
      set: () => void (approval = true),
    };
    const { menu } = makeTray(fake, stubRuntime().runtime, 'darwin', { loginItem });
    menu().click('login');
    expect(fake.dialog.errors).toEqual([{ title: 'ccproxy: start at login not changed', content: expect.stringContaining('System Settings › General › Login Items') }]);
    expect(menu().item('login')).toMatchObject({ label: 'Start at login (allow it in System Settings › Login Items)', checked: false });
  });

  it('shows "Stopping…" while quitting, with a Quit now that does not wait', () => {
    const fake = createFakeElectron();
    const { menu, controller, calls, tray } = makeTray(fake, stubRuntime().runtime);
    controller.setStopping();
    expect(menu().template.map((i) => i.label ?? '---')).toEqual(['Stopping… (finishing open requests)', '---', 'Quit now (drop open requests)']);
    expect(tray.tooltip).toBe('ccproxy: stopping…');
    menu().click('quit');
    expect(calls).toEqual(['force-quit']);
  });

  it('shows a background problem in the menu and the tooltip; the line opens the log folder', () => {
    const fake = createFakeElectron();
    const { menu, controller, calls, tray } = makeTray(fake, stubRuntime().runtime);
    controller.showProblem('unexpected error: Cannot read properties of undefined (reading \'x\')');
    expect(menu().item('problem').label).toContain("unexpected error: Cannot read properties of undefined (reading 'x')");
    expect(tray.tooltip).toContain('problem: unexpected error');
    menu().click('problem');
    expect(calls).toEqual(['log-folder']);
  });

  it('shows a failed save and puts the checkbox back', async () => {
    const fake = createFakeElectron();
    const stub = stubRuntime();
    const { menu } = makeTray(fake, stub.runtime);
    stub.failNextSave({ ok: false, errors: [{ path: '', message: 'Cannot write /nope/.ccproxy.toml: EACCES' }] });
    menu().click('pooling');
    expect(stub.saves).toEqual([{ pool_settings: { enabled: false } }]);
    await until(() => fake.dialog.errors.length > 0);
    expect(fake.dialog.errors[0]).toMatchObject({ title: 'ccproxy: pooling not changed', content: 'Cannot write /nope/.ccproxy.toml: EACCES' });
    expect(menu().item('pooling').checked).toBe(true);

    stub.failNextSave(new Error('disk full'));
    menu().click('pooling');
    await until(() => fake.dialog.errors.length > 1);
    expect(fake.dialog.errors[1]!.content).toBe('disk full');
  });

  it('disables the pooling checkbox when the environment decides it', () => {
    const fake = createFakeElectron();
    const stub = stubRuntime();
    stub.lockByEnv('POOL_SETTINGS__ENABLED');
    const { menu } = makeTray(fake, stub.runtime);
    expect(menu().item('pooling')).toMatchObject({ label: 'Pooling enabled (set by POOL_SETTINGS__ENABLED)', enabled: false });
  });

  it('stops listening when destroyed', () => {
    const fake = createFakeElectron();
    const stub = stubRuntime();
    const { controller, tray } = makeTray(fake, stub.runtime);
    const menusBefore = fake.menus.length;
    controller.destroy();
    stub.set({ pool_enabled: false });
    expect(tray.destroyed).toBe(true);
    expect(fake.menus.length).toBe(menusBefore);
  });
});

describe('tray pooling toggle with a real runtime', () => {
  let env: DesktopTestEnv | undefined;
  afterEach(async () => {
    await env?.cleanup();
    env = undefined;
  });

  it('saves .ccproxy.toml and applies the change live', async () => {
    env = await desktopTestEnv();
    const runtime = env.create();
    await runtime.start();
    const fake = createFakeElectron();
    const { menu, tray } = makeTray(fake, runtime);
    expect(runtime.stats().pool_enabled).toBe(true);
    expect(tray.image.path).toBe(ICONS.pooling.path);
    expect(menu().item('status').label).toBe(`Running at ${runtime.status().endpoint}`);

    menu().click('pooling');
    expect(menu().item('pooling').enabled).toBe(false); // no second click while the save runs
    await until(() => runtime.stats().pool_enabled === false && menu().item('pooling').enabled !== false);
    const saved = fs.readFileSync(env.cfgPath, 'utf8');
    expect(saved).toMatch(/^\s*enabled\s*=\s*false\s*$/m);
    expect(saved).toMatch(/min_size\s*=\s*1/); // the rest of the file is kept
    expect(tray.image.path).toBe(ICONS.direct.path);
    expect(menu().item('pooling').checked).toBe(false);
    expect(fake.dialog.errors).toEqual([]);

    menu().click('pooling');
    await until(() => runtime.stats().pool_enabled === true && menu().item('pooling').enabled !== false);
    expect(fs.readFileSync(env.cfgPath, 'utf8')).toMatch(/^\s*enabled\s*=\s*true\s*$/m);
    expect(tray.image.path).toBe(ICONS.pooling.path);
  });
});
