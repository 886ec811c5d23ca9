// Packaging smoke test: electron-builder --dir for Linux against a stand-in Electron distribution (the real
// binary cannot be downloaded here), with the fuses left out for this run (they patch the real binary), then the
// packed app.asar is opened and must hold what the app loads at runtime, and nothing it should not ship.
// About 10 s here (plus a build when dist/ is missing).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopPaths } from '../../main/desktop/app-paths.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function ensureBuilt(): void {
  const outputs = ['dist/main/desktop/main.js', 'dist/main/desktop/preload.cjs', 'dist/renderer/index.html'];
  if (outputs.every((f) => fs.existsSync(path.join(ROOT, f)))) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

describe('electron-builder --dir with a stand-in Electron', () => {
  let dir: string;
  let files: Set<string>;
  let appOut: string;

  beforeAll(async () => {
    ensureBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-pack-'));
    // The stand-in: what electron-builder copies and renames (the `electron` executable), nothing more.
    const dist = path.join(dir, 'electron-dist');
    fs.mkdirSync(path.join(dist, 'resources'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'electron'), '#!/bin/sh\necho "stand-in for the Electron binary"\n', { mode: 0o755 });

    const yaml = require('js-yaml') as { load(text: string): Record<string, unknown> };
    const config = yaml.load(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8'));
    delete config.electronFuses; // they patch the real binary; the stand-in has none
    config.electronDist = dist;
    config.directories = { ...(config.directories as object), output: path.join(dir, 'out') };
    const configFile = path.join(dir, 'electron-builder.json'); // a file, so electron-builder.yml is not merged back in
    fs.writeFileSync(configFile, JSON.stringify(config));

    const builder = require('electron-builder') as typeof import('electron-builder');
    await builder.build({ projectDir: ROOT, config: configFile, targets: builder.Platform.LINUX.createTarget('dir', builder.Arch.x64) });
    appOut = path.join(dir, 'out', 'linux-unpacked');
    const asar = require('@electron/asar') as { listPackage(archive: string, options: { isPack: boolean }): string[] };
    files = new Set(asar.listPackage(path.join(appOut, 'resources', 'app.asar'), { isPack: false }).map((p) => p.replace(/\\/g, '/')));
  }, 180_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const has = (p: string) => files.has(p.startsWith('/') ? p : `/${p}`);
  const ours = () => [...files].filter((p) => !p.startsWith('/node_modules/'));

  it('packs the built main process, the preload and the renderer, and package.json points at them', () => {
    for (const f of ['dist/main/desktop/main.js', 'dist/main/desktop/preload.cjs', 'dist/renderer/index.html', 'dist/renderer/app.js', 'dist/renderer/styles.css', 'dist/renderer/uPlot.min.css', 'package.json']) {
      expect(has(f), f).toBe(true);
    }
    expect(has(pkg.main)).toBe(true);
    expect(fs.existsSync(path.join(appOut, pkg.name))).toBe(true); // the stand-in, renamed to the app's executable
  });

  it('packs every file main.ts loads by path: preload, page, window and tray icons, on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const p = desktopPaths('/', platform);
      const wanted = [p.preload, p.rendererIndex, ...(p.appIcon ? [p.appIcon] : []), ...Object.values(p.trayIcons).map((i) => i.path)];
      for (const f of wanted) expect(has(f.replace(/\\/g, '/')), `${platform}: ${f}`).toBe(true);
      // Electron picks name@2x.png beside a tray icon by itself on HiDPI screens.
      for (const icon of Object.values(p.trayIcons)) expect(has(icon.path.replace(/\.png$/, '@2x.png')), icon.path).toBe(true);
    }
  });

  it('packs the production dependencies', () => {
    for (const name of Object.keys(pkg.dependencies)) expect(has(`node_modules/${name}/package.json`), name).toBe(true);
  });

  it('packs no dev dependency, no source map and no source of ours', () => {
    for (const name of Object.keys(pkg.devDependencies)) expect(has(`node_modules/${name}`), name).toBe(false);
    expect(ours().filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(ours().filter((p) => /\.(ts|mts|tsx)$/.test(p) || /^\/(main|renderer|test|examples|scripts)\//.test(p))).toEqual([]);
  });
});
