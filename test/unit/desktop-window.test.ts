import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_PAGE_URL } from '../../main/desktop/app-scheme.js';
import { isAppPageUrl, isSafeExternalUrl, USER_GESTURE_MS } from '../../main/desktop/web-security.js';
import { createWindowController } from '../../main/desktop/window.js';
import { FakeEvent, createFakeElectron, ipcEventFrom } from '../fixtures/fake-electron.js';

const PRELOAD = path.resolve('/opt/ccproxy app/dist/main/desktop/preload.cjs');

function setup() {
  const fake = createFakeElectron();
  const blocked: string[] = [];
  const clock = { now: 1_000_000 };
  const controller = createWindowController({
    BrowserWindow: fake.electron.BrowserWindow,
    preloadPath: PRELOAD,
    shell: fake.shell,
    onBlocked: (what) => blocked.push(what),
    now: () => clock.now,
  });
  return { fake, controller, blocked, clock };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('window controller', () => {
  it('creates the window lazily, hardened, on the app:// page (never file://)', async () => {
    const { fake, controller } = setup();
    expect(fake.windows).toHaveLength(0);
    expect(controller.webContents()).toBeNull();
    controller.show();
    expect(fake.windows).toHaveLength(1);
    const win = fake.windows[0]!;
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, devTools: false, preload: PRELOAD });
    expect(win.loadedUrl).toBe('app://ccproxy/index.html');
    expect(controller.appUrl).toBe(APP_PAGE_URL);
    // Chromium's popup blocker stays on (no option turns it off) and nothing loosens web security.
    expect(Object.keys(win.options.webPreferences ?? {}).filter((k) => /popup|insecure|allowRunning|experimental/i.test(k))).toEqual([]);
    await tick();
    expect(win.visible).toBe(true); // shown on ready-to-show
    controller.show();
    expect(fake.windows).toHaveLength(1); // reused, not recreated
  });

  it('hides on close instead of destroying, until the app quits', async () => {
    const { fake, controller } = setup();
    controller.show();
    await tick();
    const win = fake.windows[0]!;
    const event = win.close();
    expect(event.defaultPrevented).toBe(true);
    expect(win.visible).toBe(false);
    expect(win.isDestroyed()).toBe(false);
    expect(controller.webContents()).toBe(win.webContents); // events keep flowing to the hidden window

    win.minimized = true;
    controller.show();
    expect(win.visible).toBe(true);
    expect(win.minimized).toBe(false);
    expect(win.focusCount).toBeGreaterThan(0);

    controller.markQuitting();
    expect(win.close().defaultPrevented).toBe(false);
    expect(controller.window()).toBeNull();
    expect(controller.webContents()).toBeNull();
  });

  it('trusts IPC only from its own webContents showing its own page', () => {
    const { fake, controller } = setup();
    const url = APP_PAGE_URL;
    expect(controller.isTrustedSender(ipcEventFrom({ id: 1 }, url))).toBe(false); // no window yet
    controller.show();
    const contents = fake.windows[0]!.webContents;
    expect(controller.isTrustedSender(ipcEventFrom(contents, url))).toBe(true);
    expect(controller.isTrustedSender(ipcEventFrom(contents, `${url}#/logs`))).toBe(true);
    expect(controller.isTrustedSender(ipcEventFrom({ id: contents.id + 1000 }, url))).toBe(false);
    expect(controller.isTrustedSender(ipcEventFrom(contents, 'https://example.com/'))).toBe(false);
    expect(controller.isTrustedSender(ipcEventFrom(contents, 'file:///opt/ccproxy/dist/renderer/index.html'))).toBe(false);
    expect(controller.isTrustedSender(ipcEventFrom(contents, 'app://other/index.html'))).toBe(false);
    expect(controller.isTrustedSender(ipcEventFrom(contents, null))).toBe(false);
  });

  it('denies new windows and opens only http(s) links outside, only right after a click in the window', async () => {
    const { fake, controller, blocked, clock } = setup();
    controller.show();
    const contents = fake.windows[0]!.webContents;
    const open = contents.windowOpenHandler!;
    // No click yet: a script opening a link gets nothing.
    expect(open({ url: 'https://docs.anthropic.com/script' })).toEqual({ action: 'deny' });
    contents.emit('input-event', {}, { type: 'mouseMove' }); // moving the mouse is not asking
    expect(open({ url: 'https://docs.anthropic.com/moved' })).toEqual({ action: 'deny' });
    contents.emit('input-event', {}, { type: 'mouseUp' }); // the user clicks a link
    expect(open({ url: 'https://docs.anthropic.com/' })).toEqual({ action: 'deny' });
    expect(open({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(open({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    clock.now += USER_GESTURE_MS + 1; // long after the click
    expect(open({ url: 'https://docs.anthropic.com/late' })).toEqual({ action: 'deny' });
    contents.emit('input-event', {}, { type: 'keyDown', key: 'Enter' }); // Enter on a focused link
    expect(open({ url: 'https://docs.anthropic.com/keyboard' })).toEqual({ action: 'deny' });
    await tick();
    expect(fake.shell.external).toEqual(['https://docs.anthropic.com/', 'https://docs.anthropic.com/keyboard']);
    expect(blocked.filter((b) => b.includes('without a click'))).toHaveLength(3);
    expect(blocked.filter((b) => /^opening (file|javascript):/.test(b))).toHaveLength(2);
  });

  it('opens a view of the page by its fragment: the Settings view on a field', async () => {
    const { fake, controller } = setup();
    controller.show('settings/server.port');
    const win = fake.windows[0]!;
    expect(win.loadedUrl).toBe(`${APP_PAGE_URL}#settings/server.port`);
    await tick();
    controller.show(); // plain show: the page stays where it is
    expect(win.loadedUrl).toBe(`${APP_PAGE_URL}#settings/server.port`);
    controller.show('settings/server.host'); // an open window moves within its page
    expect(fake.windows).toHaveLength(1);
    expect(win.loadedUrl).toBe(`${APP_PAGE_URL}#settings/server.host`);
  });

  it('prevents navigation away from the app page', async () => {
    const { fake, controller } = setup();
    controller.show();
    const contents = fake.windows[0]!.webContents;
    const away = new FakeEvent('https://evil.example/');
    contents.emit('will-navigate', away);
    const file = new FakeEvent('file:///etc/hosts');
    contents.emit('will-navigate', file);
    const reload = new FakeEvent(`${controller.appUrl}?x=1`);
    contents.emit('will-navigate', reload);
    const webview = new FakeEvent();
    contents.emit('will-attach-webview', webview);
    expect([away.defaultPrevented, file.defaultPrevented, reload.defaultPrevented, webview.defaultPrevented]).toEqual([true, true, false, true]);
    await tick();
    // A navigation never opens the browser, click or not: only the window-open handler does.
    contents.emit('input-event', {}, { type: 'mouseUp' });
    contents.emit('will-navigate', new FakeEvent('https://evil.example/after-click'));
    await tick();
    expect(fake.shell.external).toEqual([]);
  });

  it('denies every permission but clipboard writes', () => {
    const { fake, controller } = setup();
    controller.show();
    const session = fake.session;
    const answers: boolean[] = [];
    session.permissionRequest!(null, 'media', (granted) => answers.push(granted));
    session.permissionRequest!(null, 'notifications', (granted) => answers.push(granted));
    session.permissionRequest!(null, 'clipboard-sanitized-write', (granted) => answers.push(granted)); // copy buttons
    expect(answers).toEqual([false, false, true]);
    expect(session.permissionCheck!(null, 'clipboard-read')).toBe(false);
    expect(session.permissionCheck!(null, 'geolocation')).toBe(false);
    expect(session.permissionCheck!(null, 'clipboard-sanitized-write')).toBe(true);
  });
});

describe('URL checks', () => {
  it('matches the app page by scheme, host and path, ignoring query and hash', () => {
    expect(isAppPageUrl('app://ccproxy/index.html#settings/server.port', APP_PAGE_URL)).toBe(true);
    expect(isAppPageUrl('app://ccproxy/index.html?x=1', APP_PAGE_URL)).toBe(true);
    expect(isAppPageUrl('app://ccproxy/other.html', APP_PAGE_URL)).toBe(false);
    expect(isAppPageUrl('app://evil/index.html', APP_PAGE_URL)).toBe(false);
    expect(isAppPageUrl('file:///index.html', APP_PAGE_URL)).toBe(false);
    expect(isAppPageUrl('https://ccproxy/index.html', APP_PAGE_URL)).toBe(false);
    expect(isAppPageUrl('not a url', APP_PAGE_URL)).toBe(false);
  });

  it('lets only plain http(s) links out', () => {
    expect(isSafeExternalUrl('https://github.com/')).toBe(true);
    expect(isSafeExternalUrl('http://127.0.0.1:8000/ui')).toBe(true);
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com/', 'ms-settings:', '']) {
      expect(isSafeExternalUrl(bad), bad).toBe(false);
    }
  });
});
