import { describe, expect, it } from 'vitest';
import type { ApiBackend } from '../../main/api/server-api.js';
import { createServerApi } from '../../main/api/server-api.js';
import type { LogEntry, RuntimeStatus, SettingsPatch } from '../../main/common/contract.js';
import { OPERATION_NAMES } from '../../main/common/contract.js';
import { EVENT_CHANNEL } from '../../main/desktop/channels.js';
import { registerIpc } from '../../main/desktop/ipc.js';
import { createPreloadApi, type IpcRendererLike } from '../../main/desktop/preload-api.js';
import { FakeSession, FakeWebContents, createFakeElectron, ipcEventFrom } from '../fixtures/fake-electron.js';

const APP_URL = 'file:///opt/ccproxy/resources/app.asar/dist/renderer/index.html';
const tick = () => new Promise((r) => setTimeout(r, 0));

/** A backend that records saves and lets the test push logs and status changes. */
function stubBackend() {
  const status: RuntimeStatus = { run: 'r1', state: 'running', upstream: 'ok', endpoint: 'http://127.0.0.1:8000', pool_enabled: true, error: null };
  const logListeners = new Set<(e: LogEntry) => void>();
  const statusListeners = new Set<(s: RuntimeStatus) => void>();
  const saves: SettingsPatch[] = [];
  const entries: LogEntry[] = [];
  let statsCalls = 0;
  const backend: ApiBackend = {
    status: () => status,
    stats: () => (statsCalls++, { pool_enabled: true }) as never,
    logs: () => [...entries],
    settingsView: () => ({}) as never,
    validateSettings: () => [],
    async saveSettings(patch) {
      saves.push(patch);
      return { ok: true, view: {} as never, restarted: false };
    },
    onLog(l) {
      logListeners.add(l);
      return () => logListeners.delete(l);
    },
    onStatus(l) {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
    requests: () => [],
    usage: () => ({ since: new Date(0).toISOString(), models: {} }),
    onRequest: () => () => {},
  };
  return {
    backend,
    saves,
    log(message: string) {
      const entry: LogEntry = { run: 'r1', seq: entries.length + 1, time: new Date(0).toISOString(), level: 'info', message };
      entries.push(entry);
      logListeners.forEach((l) => l(entry));
    },
    setStatus(next: Partial<RuntimeStatus>) {
      Object.assign(status, next);
      statusListeners.forEach((l) => l({ ...status }));
    },
    statsCalls: () => statsCalls,
    listenerCount: () => logListeners.size + statusListeners.size,
  };
}

function setup(opts: { withWindow?: boolean } = {}) {
  const fake = createFakeElectron();
  const stub = stubBackend();
  const contents = new FakeWebContents(new FakeSession());
  const refused: string[] = [];
  let target: FakeWebContents | null = opts.withWindow === false ? null : contents;
  const handle = registerIpc({
    ipcMain: fake.ipcMain,
    api: createServerApi(stub.backend, 20),
    isTrustedSender: (event) => event.sender.id === contents.id && event.senderFrame?.url === APP_URL,
    target: () => target,
    onRefused: (channel, reason) => refused.push(`${channel}: ${reason}`),
  });
  if (opts.withWindow !== false) handle.setPaused(false); // the window is on screen
  const trusted = ipcEventFrom(contents, APP_URL);
  return { fake, stub, contents, handle, refused, trusted, setTarget: (t: FakeWebContents | null) => void (target = t) };
}

describe('IPC handlers', () => {
  it('registers exactly one ccproxy:<operation> channel per operation', () => {
    const { fake, handle } = setup();
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(OPERATION_NAMES.map((op) => `ccproxy:${op}`).sort());
    handle.dispose();
    expect(fake.ipcMain.handlers.size).toBe(0);
  });

  it('answers the app window', async () => {
    const { fake, stub, trusted, handle } = setup();
    await expect(fake.ipcMain.invoke('ccproxy:getStatus', trusted)).resolves.toMatchObject({ state: 'running', endpoint: 'http://127.0.0.1:8000' });
    await expect(fake.ipcMain.invoke('ccproxy:setPoolingEnabled', trusted, { enabled: false })).resolves.toMatchObject({ ok: true });
    expect(stub.saves).toEqual([{ pool_settings: { enabled: false } }]);
    handle.dispose();
  });

  it('refuses callers other than the app page in the app window', async () => {
    const { fake, stub, contents, refused, handle } = setup();
    const other = new FakeWebContents(new FakeSession());
    const cases = [
      ipcEventFrom(other, APP_URL), // another webContents showing a copy of our page
      ipcEventFrom(contents, 'https://evil.example/'), // our window, navigated away
      ipcEventFrom(contents, 'file:///tmp/other.html'),
      ipcEventFrom(contents, null), // frame already gone
    ];
    for (const event of cases) {
      await expect(fake.ipcMain.invoke('ccproxy:saveSettings', event, { pool_settings: { enabled: false } })).rejects.toThrow(/refused: the caller is not the ccproxy window/);
    }
    expect(stub.saves).toEqual([]);
    expect(refused).toHaveLength(4);
    expect(refused[1]).toContain('untrusted sender https://evil.example/');
    handle.dispose();
  });

  it('refuses invalid payloads with the validation message', async () => {
    const { fake, stub, trusted, refused, handle } = setup();
    await expect(fake.ipcMain.invoke('ccproxy:setPoolingEnabled', trusted, { enabled: 'yes' })).rejects.toThrow(/Invalid payload for setPoolingEnabled/);
    await expect(fake.ipcMain.invoke('ccproxy:setPoolingEnabled', trusted, { enabled: true, extra: 1 })).rejects.toThrow(/Invalid payload/);
    await expect(fake.ipcMain.invoke('ccproxy:saveSettings', trusted, 'pool_settings.enabled=false')).rejects.toThrow(/Invalid payload for saveSettings/);
    await expect(fake.ipcMain.invoke('ccproxy:getStatus', trusted, { sneaky: true })).rejects.toThrow(/Invalid payload for getStatus/);
    await expect(fake.ipcMain.invoke('ccproxy:getStatus', trusted, undefined, 'second')).rejects.toThrow(/expected at most one argument/);
    await expect(fake.ipcMain.invoke('ccproxy:shutdown', trusted)).rejects.toThrow(/No handler registered/);
    expect(stub.saves).toEqual([]);
    expect(refused).toHaveLength(5);
    handle.dispose();
  });

  it('pushes events to the window on ccproxy:event, and nowhere without one', async () => {
    const { contents, stub, setTarget, handle } = setup();
    await tick();
    stub.log('[POOL] Created new connection abc123 (total: 1/10)');
    await new Promise((r) => setTimeout(r, 60)); // stats every 20 ms in this test
    expect(contents.sent.some(([ch, name, p]) => ch === EVENT_CHANNEL && name === 'log' && (p as LogEntry).message.includes('abc123'))).toBe(true);
    expect(contents.sent.some(([ch, name]) => ch === EVENT_CHANNEL && name === 'stats')).toBe(true);

    setTarget(null);
    contents.sent.length = 0;
    stub.log('not delivered');
    expect(contents.sent).toEqual([]);

    handle.dispose();
    expect(stub.listenerCount()).toBe(0);
  });
});

describe('IPC events while the window is hidden', () => {
  const logMessages = (contents: FakeWebContents) => contents.sent.filter(([, name]) => name === 'log').map(([, , p]) => (p as LogEntry).message);
  const names = (contents: FakeWebContents) => contents.sent.map(([, name]) => name);

  it('sends nothing and runs no stats timer until the window is shown', async () => {
    const { contents, stub, handle } = setup({ withWindow: false });
    stub.log('before the window');
    await new Promise((r) => setTimeout(r, 60)); // three stats periods
    expect(stub.statsCalls()).toBe(0);
    expect(stub.listenerCount()).toBe(0);
    expect(contents.sent).toEqual([]);
    handle.dispose();
  });

  it('pauses while hidden, then catches up on show: missed log lines in order, status and stats, then live again', async () => {
    const { contents, stub, handle } = setup();
    await tick();
    stub.log('seen live');
    expect(logMessages(contents)).toEqual(['seen live']);

    handle.setPaused(true);
    expect(stub.listenerCount()).toBe(0); // no subscription at all while hidden
    const statsBefore = stub.statsCalls();
    stub.log('missed 1');
    stub.setStatus({ pool_enabled: false });
    stub.log('missed 2');
    await new Promise((r) => setTimeout(r, 60));
    expect(stub.statsCalls()).toBe(statsBefore); // the 20 ms stats timer is stopped
    expect(logMessages(contents)).toEqual(['seen live']);

    contents.sent.length = 0;
    handle.setPaused(false);
    stub.log('live during the catch-up'); // held until the missed lines are out, so the order stays right
    await tick();
    expect(logMessages(contents)).toEqual(['missed 1', 'missed 2', 'live during the catch-up']);
    const status = contents.sent.find(([, name]) => name === 'status')!;
    expect(status[2]).toMatchObject({ pool_enabled: false });
    expect(names(contents)).toContain('stats');
    stub.log('live after');
    expect(logMessages(contents).at(-1)).toBe('live after');
    handle.dispose();
  });
});

describe('preload bridge (window.ccproxy) over the handlers', () => {
  /** A fake ipcRenderer joined to the fake ipcMain, sending as the app window. */
  function bridge() {
    const s = setup();
    const rendererListeners = new Map<string, Array<(event: unknown, ...args: unknown[]) => void>>();
    const ipcRenderer: IpcRendererLike = {
      invoke: (channel, ...args) => s.fake.ipcMain.invoke(channel, s.trusted, ...args),
      on(channel, listener) {
        rendererListeners.set(channel, [...(rendererListeners.get(channel) ?? []), listener]);
      },
    };
    const deliver = () => {
      for (const [channel, ...args] of s.contents.sent.splice(0)) {
        for (const l of rendererListeners.get(channel) ?? []) l({ sender: 'raw IpcRendererEvent' }, ...args);
      }
    };
    return { ...s, api: createPreloadApi(ipcRenderer), deliver };
  }

  it('exposes one function per operation plus on(), and nothing else', () => {
    const { api, handle } = bridge();
    expect(Object.keys(api).sort()).toEqual([...OPERATION_NAMES, 'on'].sort());
    expect(Object.isFrozen(api)).toBe(true);
    handle.dispose();
  });

  it('calls operations and strips Electron\'s error prefix', async () => {
    const { api, stub, handle } = bridge();
    await expect(api.getStatus()).resolves.toMatchObject({ state: 'running' });
    await expect(api.setPoolingEnabled({ enabled: false })).resolves.toMatchObject({ ok: true });
    expect(stub.saves).toEqual([{ pool_settings: { enabled: false } }]);
    const err = await api.setPoolingEnabled({ enabled: 'no' as never }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^Invalid payload for setPoolingEnabled/);
    handle.dispose();
  });

  it('delivers events by name, without the raw IPC event, until unsubscribed', async () => {
    const { api, stub, deliver, handle } = bridge();
    await tick();
    deliver(); // the catch-up sent when the window showed, before anyone listens
    const logs: unknown[] = [];
    const statuses: unknown[] = [];
    const off = api.on('log', (entry) => logs.push(entry));
    api.on('status', (s) => statuses.push(s));
    stub.log('first');
    deliver();
    expect(logs).toEqual([expect.objectContaining({ message: 'first' })]);
    expect(statuses).toEqual([]);
    off();
    stub.log('second');
    deliver();
    expect(logs).toHaveLength(1);
    expect(() => api.on('nope' as never, () => {})).toThrow(/Unknown ccproxy event "nope"/);
    handle.dispose();
  });
});
