// The desktop app's life on a real desktop, with fake Electron and a real runtime: quitting (bounded, during
// warm-up), a window that cannot load, a crashing renderer, uncaught errors, the window's events while hidden.
import path from 'node:path';
import log from 'electron-log/node';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../main/common/contract.js';
import { runDesktop, type DesktopOptions } from '../../main/desktop/bootstrap.js';
import { EVENT_CHANNEL } from '../../main/desktop/channels.js';
import { trayIcons } from '../../main/desktop/icons.js';
import type { ErrorHandlerLike } from '../../main/desktop/problems.js';
import { MAX_RENDERER_RELOADS } from '../../main/desktop/window.js';
import type { Runtime } from '../../main/runtime/runtime.js';
import { createFakeElectron, type FakeElectron } from '../fixtures/fake-electron.js';
import { desktopTestEnv, until, type DesktopTestEnv } from './desktop-runtime.js';

const ICONS = trayIcons('/icons', 'linux');

function options(fake: FakeElectron, env: DesktopTestEnv, extra: Partial<DesktopOptions> = {}): DesktopOptions {
  return {
    electron: fake.electron,
    platform: 'linux',
    paths: { preload: path.resolve('/app/dist/main/desktop/preload.cjs'), rendererIndex: path.resolve('/app/dist/renderer/index.html') },
    trayIcons: ICONS,
    loadConfig: () => env.load(),
    createRuntime: (loaded) => env.create(loaded),
    logDir: () => path.join(env.dir, 'logs'),
    ...extra,
  };
}

const messages = (runtime: Runtime) => runtime.logs().map((e) => e.message);

describe('quitting', () => {
  let env: DesktopTestEnv | undefined;
  afterEach(async () => {
    await env?.cleanup();
    env = undefined;
  });

  it('exits after shutdown_grace + the margin when the runtime never stops', async () => {
    env = await desktopTestEnv({ shutdownGrace: 0 });
    const fake = createFakeElectron();
    let realStop: (() => Promise<void>) | null = null;
    const handle = (await runDesktop(
      options(fake, env, {
        quitMarginMs: 50,
        createRuntime: (loaded) => {
          const runtime = env!.create(loaded);
          const stop = runtime.stop.bind(runtime);
          realStop = () => ((runtime.stop = stop), stop());
          runtime.stop = () => new Promise<void>(() => {}); // a stream that never ends, a stuck socket…
          return runtime;
        },
      }),
    ))!;
    fake.trays[0]!.menu!.click('quit');
    expect(fake.trays[0]!.menu!.item('status').label).toContain('Stopping…');
    await until(() => fake.app.exitCode !== null);
    expect(fake.app.exitCode).toBe(1);
    expect(fake.app.sequence).toEqual(['before-quit', 'exit(1)']);
    expect(messages(handle.runtime).at(-1)).toMatch(/^\[SHUTDOWN\] Not stopped after 0 s \(shutdown_grace 0 s \+ margin\); exiting without waiting further$/);
    expect(fake.trays[0]!.destroyed).toBe(true);
    await realStop!(); // only so the test leaves no listener behind
  });

  it('"Quit now" while stopping exits at once', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    let realStop: (() => Promise<void>) | null = null;
    await runDesktop(
      options(fake, env, {
        createRuntime: (loaded) => {
          const runtime = env!.create(loaded);
          const stop = runtime.stop.bind(runtime);
          realStop = () => ((runtime.stop = stop), stop());
          runtime.stop = () => new Promise<void>(() => {});
          return runtime;
        },
      }),
    );
    fake.trays[0]!.menu!.click('quit');
    fake.app.quit(); // a second Quit (Cmd+Q, the OS) is not lost either: still stopping
    expect(fake.app.exitCode).toBeNull();
    fake.trays[0]!.menu!.click('quit'); // now "Quit now (drop open requests)"
    expect(fake.app.exitCode).toBe(1);
    await realStop!();
  });

  it('a quit during warm-up waits for start() and then stops: nothing is left listening', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let runtime!: Runtime;
    const started = runDesktop(
      options(fake, env, {
        createRuntime: (loaded) => {
          runtime = env!.create(loaded);
          const realStart = runtime.start.bind(runtime);
          runtime.start = async () => {
            await gate; // still warming up when Quit is clicked
            return realStart();
          };
          return runtime;
        },
      }),
    );
    await until(() => fake.trays.length > 0);
    fake.trays[0]!.menu!.click('quit');
    release();
    await started;
    await until(() => fake.app.quitted);
    expect(runtime.status().state).toBe('stopped');
    expect(runtime.app()?.server.listening ?? false).toBe(false);
    const lines = messages(runtime);
    expect(lines.findIndex((m) => m.startsWith('[SHUTDOWN] ccproxy stopped'))).toBeGreaterThan(lines.findIndex((m) => m.startsWith('[STARTUP] ccproxy listening')));
    expect(fake.notifications).toEqual([]); // no "could not start" for a quit
  });
});

describe('window problems', () => {
  let env: DesktopTestEnv | undefined;
  afterEach(async () => {
    await env?.cleanup();
    env = undefined;
  });

  it('reports a window that cannot load with an asynchronous box, never a blocking one, and shows it anyway', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron({ loadError: new Error("ERR_FILE_NOT_FOUND (-6) loading 'file:///app/dist/renderer/index.html'") });
    const handle = (await runDesktop(options(fake, env)))!;
    await until(() => fake.dialog.messages.length > 0);
    expect(fake.dialog.messages[0]).toMatchObject({ type: 'error', title: 'ccproxy: the window could not be loaded', detail: expect.stringContaining(`${handle.runtime.status().endpoint}/ui`) });
    expect(fake.dialog.errors).toEqual([]);
    expect(fake.windows[0]!.visible).toBe(true);
    expect(messages(handle.runtime).some((m) => m.includes('[DESKTOP] Cannot load the window (ERR_FILE_NOT_FOUND'))).toBe(true);
    expect(handle.runtime.status().state).toBe('running');
  });

  it('reloads a crashed renderer with a log line, and stops after repeated crashes without a load', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    const handle = (await runDesktop(options(fake, env)))!;
    await until(() => fake.windows[0]!.visible);
    const contents = fake.windows[0]!.webContents;
    contents.crash('crashed', 139);
    expect(contents.reloadCount).toBe(1);
    expect(messages(handle.runtime)).toContain("[DESKTOP] The window's page process is gone (crashed, exit code 139); reloading it");
    contents.emit('did-finish-load'); // the reload worked
    contents.crash('clean-exit', 0); // a normal close: nothing to do
    expect(contents.reloadCount).toBe(1);

    for (let i = 0; i < MAX_RENDERER_RELOADS + 1; i++) contents.crash('oom', -1);
    expect(contents.reloadCount).toBe(1 + MAX_RENDERER_RELOADS);
    expect(fake.trays[0]!.menu!.item('problem').label).toContain('the window keeps crashing');
    expect(fake.dialog.errors).toEqual([]);
  });

  it('pauses the window\'s events while it is hidden and catches up when shown', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    const handle = (await runDesktop(options(fake, env)))!;
    await until(() => fake.windows[0]!.visible);
    const win = fake.windows[0]!;
    const logs = () => win.webContents.sent.filter(([ch, name]) => ch === EVENT_CHANNEL && name === 'log').map(([, , p]) => (p as LogEntry).message);
    await until(() => win.webContents.sent.some(([, name]) => name === 'stats'));

    win.close(); // hides
    win.webContents.sent.length = 0;
    handle.runtime.logBus.logger.info('while hidden');
    await new Promise((r) => setTimeout(r, 1_100)); // longer than the 1 s stats period
    expect(win.webContents.sent).toEqual([]);

    fake.trays[0]!.menu!.click('open');
    await until(() => logs().includes('while hidden'));
    expect(win.webContents.sent.some(([, name]) => name === 'status')).toBe(true);
    expect(win.webContents.sent.some(([, name]) => name === 'stats')).toBe(true);

    win.minimize();
    win.webContents.sent.length = 0;
    handle.runtime.logBus.logger.info('while minimized');
    expect(logs()).toEqual([]);
    win.restore();
    await until(() => logs().includes('while minimized'));
  });
});

describe('uncaught errors', () => {
  let env: DesktopTestEnv | undefined;
  afterEach(async () => {
    await env?.cleanup();
    env = undefined;
  });

  it('go to the log, the tray and a notification through electron-log\'s handler, never a modal box', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    let caught: Parameters<ErrorHandlerLike['startCatching']>[0] | null = null;
    const handle = (await runDesktop(options(fake, env, { errorHandler: { startCatching: (o) => void (caught = o) } })))!;
    expect(caught!.showDialog).toBe(false);

    const handled = caught!.onError({ error: new TypeError("Cannot read properties of undefined (reading 'port')"), errorName: 'Unhandled rejection', processType: 'browser' });
    expect(handled).toBe(false); // ours: electron-log adds no second line
    expect(messages(handle.runtime).some((m) => m.startsWith("[DESKTOP] unhandled rejection: TypeError: Cannot read properties of undefined (reading 'port')"))).toBe(true);
    expect(fake.trays[0]!.menu!.item('problem').label).toContain('unhandled rejection');
    expect(fake.notifications.map((n) => n.options.title)).toEqual(['ccproxy: unhandled rejection']);
    caught!.onError({ error: new TypeError("Cannot read properties of undefined (reading 'port')"), errorName: 'Unhandled rejection', processType: 'browser' });
    expect(fake.notifications).toHaveLength(1); // the same error again: logged, not notified again
    expect(fake.dialog.errors).toEqual([]);
    expect(handle.runtime.status().state).toBe('running');
  });

  it('work with electron-log\'s real errorHandler (no dialog, our onError called)', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    const base = log.create({ logId: 'desktop-lifecycle-errors' });
    (base.transports.console as { level: string | false }).level = false;
    (base.transports.file as { level: string | false }).level = false;
    const handle = (await runDesktop(options(fake, env, { errorHandler: base.errorHandler })))!;
    try {
      base.errorHandler.handle(new Error('thrown from a timer'), { errorName: 'Unhandled' } as never);
      expect(messages(handle.runtime).some((m) => m.startsWith('[DESKTOP] unexpected error: Error: thrown from a timer'))).toBe(true);
      expect(fake.notifications).toHaveLength(1);
    } finally {
      base.errorHandler.stopCatching();
    }
  });
});
