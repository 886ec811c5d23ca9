// The OS ending the session (shutdown, restart, logout), with fake Electron objects emitting events in the order
// Electron does on each OS, and a real runtime: the runtime stops within a short cap and the app exits, and a
// `before-quit` that follows is never held (holding it is what interrupts a macOS logout). A user's Quit keeps its
// longer, bounded drain (test/unit/desktop-lifecycle.test.ts).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDesktop, type DesktopOptions } from '../../main/desktop/bootstrap.js';
import { trayIcons } from '../../main/desktop/icons.js';
import { OS_SHUTDOWN_CAP_MS } from '../../main/desktop/quit.js';
import type { Runtime } from '../../main/runtime/runtime.js';
import { createFakeElectron, type FakeElectron } from '../fixtures/fake-electron.js';
import { desktopTestEnv, until, type DesktopTestEnv } from './desktop-runtime.js';

function options(fake: FakeElectron, env: DesktopTestEnv, platform: NodeJS.Platform, extra: Partial<DesktopOptions> = {}): DesktopOptions {
  return {
    electron: fake.electron,
    platform,
    paths: { preload: path.resolve('/app/dist/main/desktop/preload.cjs'), rendererIndex: path.resolve('/app/dist/renderer/index.html') },
    trayIcons: trayIcons('/icons', platform),
    argv: ['--hidden'], // a login launch: no window of the app's own
    loadConfig: () => env.load(),
    createRuntime: (loaded) => env.create(loaded),
    logDir: () => path.join(env.dir, 'logs'),
    ...extra,
  };
}
const messages = (runtime: Runtime) => runtime.logs().map((e) => e.message);

/** A runtime whose stop() never finishes (a stream that never ends); `release` stops it for real. */
function stuck(env: DesktopTestEnv) {
  const box: { release: () => Promise<void> } = { release: async () => {} };
  const createRuntime = (loaded: ReturnType<DesktopTestEnv['load']>) => {
    const runtime = env.create(loaded);
    const stop = runtime.stop.bind(runtime);
    box.release = () => ((runtime.stop = stop), stop());
    runtime.stop = () => new Promise<void>(() => {});
    return runtime;
  };
  return { createRuntime, box };
}

describe('the OS ends the session', () => {
  let env: DesktopTestEnv | undefined;
  afterEach(async () => {
    await env?.cleanup();
    env = undefined;
  });

  it('caps the stop at 3 s by default, well under the time the OS gives', () => {
    expect(OS_SHUTDOWN_CAP_MS).toBeLessThanOrEqual(3_000);
  });

  it('Linux: powerMonitor `shutdown` (logind) is prevented, the runtime stops, the app exits; no long drain', async () => {
    env = await desktopTestEnv({ shutdownGrace: 600 }); // a user's Quit could wait 605 s
    const fake = createFakeElectron();
    const handle = (await runDesktop(options(fake, env, 'linux')))!;
    const event = fake.powerMonitor.shutdown();
    expect(event.defaultPrevented).toBe(true); // Electron asks logind for time (its delay lock, a few seconds)
    await until(() => fake.app.exitCode !== null);
    expect(fake.app.sequence).toEqual(['exit(0)']);
    expect(handle.runtime.status().state).toBe('stopped');
    expect(handle.runtime.app()?.server.listening ?? false).toBe(false);
    const lines = messages(handle.runtime);
    expect(lines).toContain('[SHUTDOWN] system shutdown or logout: stopping within 3 s');
    expect(lines).toContain('[SHUTDOWN] ccproxy stopped');
    expect(fake.trays[0]!.destroyed).toBe(true);
  });

  it('macOS: `shutdown`, then the terminate request (`before-quit`): before-quit is let through, never held', async () => {
    env = await desktopTestEnv({ shutdownGrace: 600 });
    const fake = createFakeElectron();
    const handle = (await runDesktop(options(fake, env, 'darwin')))!;
    fake.powerMonitor.shutdown();
    fake.app.quit(); // applicationShouldTerminate at logout: Electron emits before-quit
    expect(fake.app.quitted).toBe(true); // not prevented: the logout goes on
    expect(fake.app.sequence.slice(0, 3)).toEqual(['before-quit', 'will-quit', 'quit']);
    await until(() => handle.runtime.status().state === 'stopped');
    expect(messages(handle.runtime)).toContain('[SHUTDOWN] ccproxy stopped');
  });

  it('Windows: `session-end` on the hidden window (before-quit never comes): the runtime stops, the app exits', async () => {
    env = await desktopTestEnv({ shutdownGrace: 600 });
    const fake = createFakeElectron();
    const handle = (await runDesktop(options(fake, env, 'win32')))!;
    // A tray launch has no window of its own: a hidden one, which never loads a page, hears the session end.
    expect(fake.windows).toHaveLength(1);
    const listener = fake.windows[0]!;
    expect(listener.options).toMatchObject({ show: false, skipTaskbar: true });
    expect(listener.loadedUrl).toBeNull();
    listener.emit('session-end');
    await until(() => fake.app.exitCode !== null);
    expect(fake.app.sequence).toEqual(['exit(0)']);
    expect(handle.runtime.status().state).toBe('stopped');
    expect(messages(handle.runtime)).toContain('[SHUTDOWN] Windows session end (log off, shutdown or restart): stopping within 3 s');
    expect(listener.isDestroyed()).toBe(true);
  });

  it('Windows: `taskkill` without /F (a close request to the hidden window) is a Quit with the usual drain', async () => {
    env = await desktopTestEnv();
    const fake = createFakeElectron();
    const handle = (await runDesktop(options(fake, env, 'win32')))!;
    const listener = fake.windows[0]!;
    expect(listener.close().defaultPrevented).toBe(true); // WM_CLOSE: held while the runtime stops
    await until(() => fake.app.quitted);
    expect(fake.app.sequence).toEqual(['before-quit', 'before-quit', 'will-quit', 'quit']); // held, then let through once stopped
    expect(handle.runtime.status().state).toBe('stopped');
    expect(messages(handle.runtime)).toContain('[SHUTDOWN] ccproxy stopped');
    expect(listener.isDestroyed()).toBe(true);
  });

  it('a stop that hangs: exits after the cap, not after shutdown_grace', async () => {
    env = await desktopTestEnv({ shutdownGrace: 600 });
    const fake = createFakeElectron();
    const { createRuntime, box } = stuck(env);
    const handle = (await runDesktop(options(fake, env, 'linux', { createRuntime, osShutdownCapMs: 50 })))!;
    fake.powerMonitor.shutdown();
    await until(() => fake.app.exitCode !== null);
    expect(fake.app.sequence).toEqual(['exit(1)']);
    expect(messages(handle.runtime).at(-1)).toBe('[SHUTDOWN] Not stopped within 0.05 s of system shutdown or logout; exiting without waiting further');
    await box.release();
  });

  it("a user's Quit already draining: the OS's cap replaces its long bound", async () => {
    env = await desktopTestEnv({ shutdownGrace: 600 });
    const fake = createFakeElectron();
    const { createRuntime, box } = stuck(env);
    const handle = (await runDesktop(options(fake, env, 'linux', { createRuntime, osShutdownCapMs: 50 })))!;
    fake.app.quit(); // the user's Quit: held, up to 605 s
    expect(fake.app.quitted).toBe(false);
    fake.powerMonitor.shutdown();
    await until(() => fake.app.exitCode !== null);
    expect(fake.app.sequence).toEqual(['before-quit', 'exit(1)']);
    expect(messages(handle.runtime).at(-1)).toMatch(/^\[SHUTDOWN\] Not stopped within 0\.05 s of system shutdown or logout/);
    await box.release();
  });
});
