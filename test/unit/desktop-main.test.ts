// The built Electron entry points, run as they are: dist/main/desktop/main.js in Node with `electron` resolved to a
// small recording stand-in (the real binary is absent here), and the preload bundle in a CommonJS sandbox.
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_NAMES } from '../../main/common/contract.js';
import { operationChannel } from '../../main/desktop/channels.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'main', 'desktop', 'main.js');
const PRELOAD = path.join(ROOT, 'dist', 'main', 'desktop', 'preload.cjs');

function ensureBuilt(): void {
  if ([MAIN, PRELOAD, path.join(ROOT, 'dist', 'renderer', 'index.html')].every((f) => fs.existsSync(f))) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

/** A recording stand-in for the `electron` module: enough for main.ts to start the app, then it reports. */
const FAKE_ELECTRON = String.raw`
const report = { setPath: {}, windows: [], trays: [], errorBoxes: [], ipc: [] };
function finish(code) {
  process.stdout.write('\nFAKE_ELECTRON_REPORT ' + JSON.stringify(report) + '\n');
  process.exit(code);
}
const on = function () { return this; };
// Reports once the tray is running and the window's page (if any) has been asked for through the handler.
function waitForPage() {
  if (report.windows.length === 0 || report.windows.every((w) => w.page !== undefined)) setTimeout(() => finish(0), 0);
  else setTimeout(waitForPage, 5);
}
export const app = {
  isPackaged: false, dock: undefined,
  setName(n) { report.name = n; }, setPath(k, v) { report.setPath[k] = v; }, getPath() { return process.env.FAKE_APP_DATA; },
  setAppUserModelId() {}, getAppPath() { return process.env.FAKE_APP_PATH; },
  requestSingleInstanceLock() { return true; }, whenReady() { return Promise.resolve(); }, on,
  quit() { finish(0); }, exit(code) { finish(code ?? 0); },
  getLoginItemSettings() { return { openAtLogin: false }; }, setLoginItemSettings() {},
};
export const Menu = { buildFromTemplate: (t) => ({ template: t }), setApplicationMenu(m) { report.appMenu = m; } };
export class BrowserWindow {
  constructor(options) {
    this.record = { preload: options.webPreferences.preload, icon: options.icon, sandbox: options.webPreferences.sandbox };
    report.windows.push(this.record);
    const session = { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, webRequest: { onHeadersReceived() {} } };
    this.webContents = { id: 1, session, isDestroyed: () => false, send() {}, setWindowOpenHandler() {}, on, reload() {} };
  }
  async loadURL(url) {
    this.record.url = url;
    // Asked through the scheme's handler, as Chromium would ask for the page.
    const res = await handlers.get(url.split(':')[0])?.(new Request(url));
    this.record.page = res ? { status: res.status, csp: res.headers.get('content-security-policy'), html: (await res.text()).slice(0, 100) } : null;
    report.pages = (report.pages ?? 0) + 1;
  }
  show() {} hide() {} focus() {} restore() {} isMinimized() { return false; } isVisible() { return true; } isDestroyed() { return false; }
  on() { return this; } once() { return this; }
}
export class Tray {
  constructor(image) { this.record = { image: image.path }; report.trays.push(this.record); }
  setImage(image) { this.record.image = image.path; }
  setToolTip(t) { this.record.tooltip = t; if (t.includes('Running at')) waitForPage(); }
  setContextMenu() {} on() { return this; } destroy() {}
}
export const nativeImage = { createFromPath: (p) => ({ path: p, setTemplateImage() {} }) };
const handlers = new Map();
export const protocol = {
  registerSchemesAsPrivileged(schemes) { report.privileged = schemes; },
  handle(scheme, handler) { handlers.set(scheme, handler); },
};
export const powerMonitor = { on(event) { (report.powerMonitor ??= []).push(event); return this; } };
// Every way a channel can be registered in the main process is recorded (a library registering its own, too).
export const ipcMain = {
  handle(channel) { report.ipc.push('handle ' + channel); },
  handleOnce(channel) { report.ipc.push('handleOnce ' + channel); },
  on(channel) { report.ipc.push('on ' + channel); return this; },
  once(channel) { report.ipc.push('once ' + channel); return this; },
  addListener(channel) { report.ipc.push('on ' + channel); return this; },
  removeHandler() {},
};
export const shell = { openExternal: async () => {}, openPath: async () => '' };
export const clipboard = { writeText() {} };
export const dialog = {
  showErrorBox(title, content) { report.errorBoxes.push({ title, content }); },
  showMessageBox: async () => ({ response: 0 }),
};
export class Notification { static isSupported() { return false; } show() {} on() { return this; } }
export default { app, Menu, BrowserWindow, Tray, nativeImage, ipcMain, shell, clipboard, dialog, Notification, protocol, powerMonitor };
`;

interface Report {
  name: string;
  windows: Array<{ preload: string; icon?: string; url?: string; sandbox: boolean; page?: { status: number; csp: string; html: string } }>;
  privileged?: Array<{ scheme: string; privileges: Record<string, boolean> }>;
  ipc: string[];
  powerMonitor?: string[];
  trays: Array<{ image: string; tooltip?: string }>;
  errorBoxes: Array<{ title: string; content: string }>;
}

describe('dist/main/desktop/main.js, run with a stand-in electron', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-main-'));
    fs.writeFileSync(path.join(dir, 'electron.mjs'), FAKE_ELECTRON);
    // electron-log/main needs Electron itself; electron-log/node is the same logger for Node.
    fs.writeFileSync(
      path.join(dir, 'hooks.mjs'),
      `export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(pathToFileURL(path.join(dir, 'electron.mjs')).href)}, shortCircuit: true };
  if (specifier === 'electron-log/main') return next('electron-log/node', context);
  return next(specifier, context);
}\n`,
    );
    fs.writeFileSync(path.join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(args: string[]): { report: Report; stdout: string; status: number | null } {
    const home = fs.mkdtempSync(path.join(dir, 'home-'));
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(dir, 'register.mjs')).href, MAIN, ...args], {
      cwd: home, // no ./.ccproxy.toml here, and HOME has none either: only --config decides
      env: { ...process.env, HOME: home, USERPROFILE: home, CCPROXY_CONFIG: '', FAKE_APP_PATH: ROOT, FAKE_APP_DATA: home },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('FAKE_ELECTRON_REPORT '));
    if (!line) throw new Error(`main.js did not report (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    return { report: JSON.parse(line.slice('FAKE_ELECTRON_REPORT '.length)) as Report, stdout: r.stdout, status: r.status };
  }

  function config(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  it('finds the preload, the page and the icons in the build output, and starts with the --config file', () => {
    const cfg = config('given.toml', '[server]\nport = 0\n\n[pool_settings]\nwarmup_on_startup = false\n\n[upstream]\nbase_url = "http://127.0.0.1:9"\n');
    const { report, stdout, status } = run(['--config', cfg]);
    expect(status).toBe(0);
    expect(report.errorBoxes).toEqual([]);
    expect(report.name).toBe('ccproxy');
    const win = report.windows[0]!; // a manual launch: the window opens
    expect(win.preload).toBe(PRELOAD);
    expect(fs.existsSync(win.preload)).toBe(true);
    // The page comes from the app:// scheme's handler, which serves the built dist/renderer/index.html.
    expect(win.url).toBe('app://ccproxy/index.html');
    expect(report.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(win.page!.status).toBe(200);
    expect(win.page!.csp).toMatch(/^default-src 'self'/);
    expect(win.page!.html).toBe(fs.readFileSync(path.join(ROOT, 'dist', 'renderer', 'index.html'), 'utf8').slice(0, 100));
    expect(report.powerMonitor).toEqual(['shutdown']);
    expect(fs.existsSync(win.icon!)).toBe(true);
    expect(win.sandbox).toBe(true);
    expect(fs.existsSync(report.trays[0]!.image)).toBe(true);
    expect(report.trays[0]!.tooltip).toMatch(/Running at http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toContain(`[STARTUP] Starting ccproxy (config: ${cfg})`);
  });

  it('registers exactly the contract\'s IPC channels, all as invoke handlers: no other library adds any', () => {
    const cfg = config('ipc.toml', '[server]\nport = 0\n\n[pool_settings]\nwarmup_on_startup = false\n\n[upstream]\nbase_url = "http://127.0.0.1:9"\n');
    const { report } = run(['--config', cfg]);
    // electron-log/main would add `on __ELECTRON_LOG__` and `handle __ELECTRON_LOG__` here, with no sender check.
    expect([...report.ipc].sort()).toEqual(OPERATION_NAMES.map((op) => `handle ${operationChannel(op)}`).sort());
  });

  it('takes --config=FILE too; an invalid file gets the one blocking box (nothing is served yet), then exits', () => {
    const cfg = config('invalid.toml', '[pool_settings]\nmax_size = 0\n');
    const { report } = run([`--config=${cfg}`, '--hidden']);
    expect(report.windows).toEqual([]);
    expect(report.trays).toEqual([]);
    expect(report.errorBoxes).toHaveLength(1);
    expect(report.errorBoxes[0]!.content).toContain('max_size');
    expect(report.errorBoxes[0]!.content).toContain(cfg);
  });

  it('is one bundle: main.js and the chunks it loads import only Node built-ins, electron and native modules', async () => {
    const { NATIVE, PLATFORM_NATIVE } = await import('../../scripts/build.mjs');
    // esbuild's own record of the build (scripts/build.mjs writes it): every import of every output file.
    const meta = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', 'build-meta.json'), 'utf8')) as { outputs: Record<string, { imports: Array<{ path: string; kind: string; external?: boolean }> }> };
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const i of meta.outputs[file]!.imports) {
        if (i.external) external.add(i.path);
        else visit(i.path);
      }
    };
    visit('dist/main/desktop/main.js');
    const packageOf = (s: string) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
    const allowed = (s: string) => s.startsWith('node:') || builtinModules.includes(s) || s === 'electron' || [...NATIVE, ...PLATFORM_NATIVE].includes(packageOf(s));
    expect([...external].filter((s) => !allowed(s))).toEqual([]);
    expect(external).toContain('electron');
    expect(seen.size).toBeGreaterThan(2); // the entry, then the chunks it imports
  });
});

describe('dist/main/desktop/preload.cjs', () => {
  beforeAll(ensureBuilt);

  it('is CommonJS that requires only electron, and exposes window.ccproxy', () => {
    const code = fs.readFileSync(PRELOAD, 'utf8');
    const required: string[] = [];
    const exposed: Record<string, unknown> = {};
    const electron = {
      contextBridge: { exposeInMainWorld: (name: string, api: unknown) => void (exposed[name] = api) },
      ipcRenderer: { invoke: async () => undefined, on: () => {} },
    };
    const module = { exports: {} };
    // A sandboxed preload gets a CommonJS `require` limited to a few modules; ES module syntax is a SyntaxError here.
    const wrapper = vm.runInNewContext(`(function (require, module, exports) {\n${code}\n})`, { console }) as (r: (id: string) => unknown, m: object, e: object) => void;
    wrapper((id) => (required.push(id), id === 'electron' ? electron : undefined), module, module.exports);
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['ccproxy']);
    expect(Object.keys(exposed.ccproxy as object).sort()).toEqual([...OPERATION_NAMES, 'on'].sort());
  });
});
