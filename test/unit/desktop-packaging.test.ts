// What can be checked of packaging without the Electron binary: the electron-builder config against
// electron-builder's own schema, the icon files, and `npm start`'s message where Electron is missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
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

  it('flips the hardening fuses (re-signing unsigned macOS builds ad hoc), hides the Dock icon, no obsolete deb dependency', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      // Without it an unsigned fused build keeps a broken ad-hoc signature and Apple Silicon refuses to open it.
      resetAdHocDarwinSignature: true,
    });
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
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'package.json', 'build/icons/**']));
    for (const icon of [config.linux.icon, config.mac.icon, config.win.icon]) expect(fs.existsSync(path.join(ROOT, icon)), icon).toBe(true);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/main/desktop/main.js');
  });
});

describe('npm start without the Electron binary', () => {
  it('says what is missing, how to get it and how to run headless, and exits 1', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-electron-'));
    try {
      // An override folder without a binary: the same situation as ELECTRON_SKIP_BINARY_DOWNLOAD, on any machine.
      const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'start-desktop.mjs')], {
        env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('the Electron binary is not installed here');
      expect(r.stderr).toContain('node node_modules/electron/install.js');
      expect(r.stderr).toContain('npx electron@45 --version');
      expect(r.stderr).toContain('npm run serve');
      expect(r.stderr).toContain('http://127.0.0.1:8000/ui');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
