import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAppPageUrl, isSafeExternalUrl } from '../../main/desktop/web-security.js';
import { createWindowController } from '../../main/desktop/window.js';
import { FakeEvent, createFakeElectron, ipcEventFrom } from '../fixtures/fake-electron.js';

const RENDERER = path.resolve('/opt/ccproxy app/dist/renderer/index.html'); // a space, as in "Program Files"
const PRELOAD = path.resolve('/opt/ccproxy app/dist/main/desktop/preload.cjs');

function setup() {
  const fake = createFakeElectron();
  const blocked: string[] = [];
  const controller = createWindowController({
    BrowserWindow: fake.electron.BrowserWindow,
    preloadPath: PRELOAD,
    rendererIndex: RENDERER,
    shell: fake.shell,
    onBlocked: (what) => blocked.push(what),
  });
  return { fake, controller, blocked };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('window controller', () => {
  it('creates the window lazily, hardened, on the renderer file', async () => {
    const { fake, controller } = setup();
    expect(fake.windows).toHaveLength(0);
    expect(controller.webContents()).toBeNull();
    controller.show();
    expect(fake.windows).toHaveLength(1);
    const win = fake.windows[0]!;
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, devTools: false, preload: PRELOAD });
    expect(win.loadedUrl).toBe(pathToFileURL(RENDERER).href);
    expect(controller.appUrl).toBe(pathToFileURL(RENDERER).href);
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
    const url = pathToFileURL(RENDERER).href;
    expect(controller.isTrustedSender(ipcEventFrom({ id: 1 }, url))).toBe(false); // no window yet
    controller.show();
    const contents = fake.windows[0]!.webContents;
    expect(controller.isTrustedSender(ipcEventFrom(contents, url))).toBe(true);
    expect(controller.isTrustedSender(ipcEventFrom(contents, `${url}#/logs`))).toBe(true);
    expect(controller.isTrustedSender(ipcEventFrom({ id: contents.id + 1000 }, url))).toBe(false);
    expect(controller.isTrustedSender(ipcEventFrom(contents, 'https://example.com/'))).toBe(false);
    expect(controller.isTrustedSender(ipcEventFrom(contents, null))).toBe(false);
  });

  it('denies new windows and opens only http(s) links outside', async () => {
    const { fake, controller, blocked } = setup();
    controller.show();
    const open = fake.windows[0]!.webContents.windowOpenHandler!;
    expect(open({ url: 'https://docs.anthropic.com/' })).toEqual({ action: 'deny' });
    expect(open({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(open({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    await tick();
    expect(fake.shell.external).toEqual(['https://docs.anthropic.com/']);
    expect(blocked.filter((b) => b.startsWith('opening'))).toHaveLength(2);
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
    expect(fake.shell.external).toEqual(['https://evil.example/']); // a web link goes to the browser, not the app
  });

  it('denies every permission but clipboard writes, and sets the CSP on the app documents', () => {
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

    let doc: { responseHeaders?: Record<string, string[]> } = {};
    session.headersListener!({ url: controller.appUrl, resourceType: 'mainFrame', responseHeaders: { 'content-security-policy': ['default-src *'] } }, (r) => (doc = r));
    expect(doc.responseHeaders).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    let script: { responseHeaders?: Record<string, string[]> } = { responseHeaders: {} };
    session.headersListener!({ url: 'file:///x/app.js', resourceType: 'script' }, (r) => (script = r));
    expect(script).toEqual({});
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });
});

describe('URL checks', () => {
  it('matches the app page by file path, ignoring query and hash', () => {
    const app = 'file:///C:/Program%20Files/ccproxy/resources/app.asar/dist/renderer/index.html';
    expect(isAppPageUrl('file:///c:/Program Files/ccproxy/resources/app.asar/dist/renderer/index.html#/stats', app)).toBe(true);
    expect(isAppPageUrl('file:///C:/Program%20Files/ccproxy/resources/app.asar/dist/renderer/other.html', app)).toBe(false);
    expect(isAppPageUrl('https://localhost/dist/renderer/index.html', app)).toBe(false);
    expect(isAppPageUrl('not a url', app)).toBe(false);
  });

  it('lets only plain http(s) links out', () => {
    expect(isSafeExternalUrl('https://github.com/')).toBe(true);
    expect(isSafeExternalUrl('http://127.0.0.1:8000/ui')).toBe(true);
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com/', 'ms-settings:', '']) {
      expect(isSafeExternalUrl(bad), bad).toBe(false);
    }
  });
});
