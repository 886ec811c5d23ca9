// What can be checked of packaging without the Electron binary: the electron-builder config against
// electron-builder's own schema, the icon files, and `npm start`'s message where Electron is missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const ICONS = path.join(ROOT, 'build', 'icons');

function readPng(file: string): { width: number; height: number; rgba: Buffer } {
  const buf = fs.readFileSync(file);
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < buf.length) {
    const len = buf.readUInt32BE(offset);
    const type = buf.toString('ascii', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 6]); // 8-bit RGBA
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0); // scripts/make-icons.mjs writes filter 0 only
    raw.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, rgba };
}

describe('icons (scripts/make-icons.mjs)', () => {
  it('has every size the app and the tray use', () => {
    const sizes: Record<string, number> = { 'icon.png': 512 };
    for (const name of ['tray-pooling', 'tray-direct', 'tray-error', 'trayTemplate', 'trayDirectTemplate']) {
      sizes[`${name}.png`] = 16;
      sizes[`${name}@2x.png`] = 32;
    }
    for (const [name, size] of Object.entries(sizes)) {
      const png = readPng(path.join(ICONS, name));
      expect([png.width, png.height], name).toEqual([size, size]);
    }
  });

  it('makes the macOS template images black + alpha only', () => {
    for (const name of ['trayTemplate.png', 'trayTemplate@2x.png', 'trayDirectTemplate.png', 'trayDirectTemplate@2x.png']) {
      const { rgba } = readPng(path.join(ICONS, name));
      let opaque = 0;
      for (let i = 0; i < rgba.length; i += 4) {
        if (rgba[i + 3]! > 0) {
          expect([rgba[i], rgba[i + 1], rgba[i + 2]], name).toEqual([0, 0, 0]);
          opaque++;
        }
      }
      expect(opaque, name).toBeGreaterThan(20);
    }
  });

  it('puts a 256 px PNG into icon.ico (electron-builder needs one for Windows)', () => {
    const ico = fs.readFileSync(path.join(ICONS, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const widths = Array.from({ length: count }, (_, i) => ico[6 + i * 16] || 256);
    expect(widths).toContain(256);
    expect(widths).toContain(16);
  });
});

describe('electron-builder.yml', () => {
  const yaml = require('js-yaml') as { load(text: string): Record<string, any> };
  const config = yaml.load(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8'));

  it("passes electron-builder's own schema", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>;
    };
    await expect(validateConfiguration(config, { add() {}, isEnabled: false })).resolves.toBeUndefined();
  });

  it('sets every fuse Electron has, each to its pinned value (re-signing unsigned macOS builds ad hoc)', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      // The window is served on app:// (main/desktop/app-scheme.ts): file:// gets no extra privileges.
      grantFileProtocolExtraPrivileges: false,
      // Without it an unsigned fused build keeps a broken ad-hoc signature and Apple Silicon refuses to open it.
      resetAdHocDarwinSignature: true,
    });
    // Every fuse @electron/fuses knows is set explicitly: a fuse added by a later Electron fails here until decided.
    const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number | string> };
    const known = Object.keys(FuseV1Options).filter((k) => Number.isNaN(Number(k)));
    const camel = (name: string) => name[0]!.toLowerCase() + name.slice(1);
    expect(known.length).toBeGreaterThanOrEqual(8);
    for (const fuse of known) expect(typeof config.electronFuses[camel(fuse)], fuse).toBe('boolean');
  });

  it('never publishes, builds both Mac architectures, and names the Linux binary and desktop entry ccproxy', () => {
    expect(config.publish).toBeNull();
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    for (const [name, script] of Object.entries(pkg.scripts as Record<string, string>)) {
      if (script.includes('electron-builder')) expect(script, name).toMatch(/--publish never\b/);
    }
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
    expect(config.linux.executableName).toBe('ccproxy');
    expect(config.linux.syncDesktopName).toBe(true);
    expect(pkg.desktopName).toBe('ccproxy.desktop');
  });

  it('hides the Dock icon, no obsolete deb dependency', () => {
    expect(config.mac.extendInfo).toEqual({ LSUIElement: true });
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.deb.depends).not.toContain('libayatana-appindicator3-1'); // Electron 45's tray does not load it
    expect(config.win.target).toBe('nsis');
  });

  it('has the package.json fields the deb target requires (homepage, author email)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.author.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
  });

  it('ships what main.ts loads at runtime, and the icons it names exist', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/main/**/*.js', 'dist/main/**/*.cjs', 'dist/renderer/**', 'package.json', 'build/icons/**']));
    for (const icon of [config.linux.icon, config.mac.icon, config.win.icon]) expect(fs.existsSync(path.join(ROOT, icon)), icon).toBe(true);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/main/desktop/main.js');
  });
});

describe('npm start without the Electron binary', () => {
  const start = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'start-desktop.mjs')], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

  it('tries the electron package\'s own installer once, with a progress line; offline it says so and offers npm run serve', async () => {
    // "Offline": the download mirror is a loopback port nobody listens on, and an empty download cache.
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'electron-cache-'));
    try {
      const r = start({ ELECTRON_SKIP_BINARY_DOWNLOAD: '', ELECTRON_OVERRIDE_DIST_PATH: '', ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, electron_config_cache: cache });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/downloading Electron 45\.\d+\.\d+ for \w+-\w+ \(about 100 MB, once\)/);
      expect(r.stderr).toContain('could not download the Electron binary');
      expect(r.stderr).toContain('npm run serve');
      expect(r.stderr).toContain('http://127.0.0.1:8000/ui');
      expect(r.stderr).not.toContain('npx electron'); // fills npx's cache, not node_modules: no help here
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  it('does not download when ELECTRON_SKIP_BINARY_DOWNLOAD is set, and says how to get it', () => {
    const r = start({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ELECTRON_OVERRIDE_DIST_PATH: '' });
    expect(r.status).toBe(1);
    expect(r.stderr).not.toContain('downloading');
    expect(r.stderr).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD is set');
    expect(r.stderr).toContain('npm run serve');
  });

  it('names an ELECTRON_OVERRIDE_DIST_PATH that holds no binary', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-electron-'));
    try {
      const r = start({ ELECTRON_OVERRIDE_DIST_PATH: empty });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`ELECTRON_OVERRIDE_DIST_PATH=${empty} holds no Electron binary`);
      expect(r.stderr).toContain('npm run serve');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
