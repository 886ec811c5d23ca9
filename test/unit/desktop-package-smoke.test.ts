// Packaging smoke test: electron-builder --dir for Linux against a stand-in Electron distribution (the real
// binary cannot be downloaded here), then the packed app.asar is opened and must hold what the app loads at
// runtime, and nothing it should not ship: the bundles, the renderer, the icons and the native modules only,
// at most 12 MB. Two settings differ from `npm run dist` for this run, both because they need the real Electron:
//  - electronFuses are left out: they patch the Electron binary, and the stand-in is a shell script;
//  - npmRebuild is off: rebuilding better-sqlite3 for Electron's ABI downloads Electron's headers (no internet
//    here). `npm run dist` and the CI workflow rebuild it (electron-builder.yml, npmRebuild: true).
// About 10 s here (plus a build when dist/ is missing).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopPaths } from '../../main/desktop/app-paths.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const ASAR_LIMIT_MB = 12;
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
  let asarBytes: number;

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
    config.npmRebuild = false; // needs Electron's headers from the internet
    config.electronDist = dist;
    config.directories = { ...(config.directories as object), output: path.join(dir, 'out') };
    const configFile = path.join(dir, 'electron-builder.json'); // a file, so electron-builder.yml is not merged back in
    fs.writeFileSync(configFile, JSON.stringify(config));

    const builder = require('electron-builder') as typeof import('electron-builder');
    await builder.build({ projectDir: ROOT, config: configFile, targets: builder.Platform.LINUX.createTarget('dir', builder.Arch.x64) });
    appOut = path.join(dir, 'out', 'linux-unpacked');
    const asar = require('@electron/asar') as { listPackage(archive: string, options: { isPack: boolean }): string[] };
    files = new Set(asar.listPackage(path.join(appOut, 'resources', 'app.asar'), { isPack: false }).map((p) => p.replace(/\\/g, '/')));
    asarBytes = fs.statSync(path.join(appOut, 'resources', 'app.asar')).size;
    console.log(`app.asar: ${(asarBytes / 1024 / 1024).toFixed(2)} MB, ${files.size} entries (target ≤ ${ASAR_LIMIT_MB} MB)`);
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
    // The stand-in, renamed to the app's executable: `ccproxy` (linux.executableName), as the docs name it.
    expect(fs.existsSync(path.join(appOut, 'ccproxy'))).toBe(true);
  });

  it(`keeps app.asar at most ${ASAR_LIMIT_MB} MB`, () => {
    expect(asarBytes / 1024 / 1024).toBeLessThanOrEqual(ASAR_LIMIT_MB);
  });

  it('holds only the bundles, the renderer, the icons and the native modules: no .ts, .map or .md', () => {
    const allowed = [/^\/package\.json$/, /^\/dist\/main\/.+\.(js|cjs)$/, /^\/dist\/renderer\//, /^\/build\/icons\//, /^\/node_modules\/(better-sqlite3|bindings|file-uri-to-path)\//];
    const fileEntries = [...files].filter((p) => path.posix.extname(p) !== '' || p.endsWith('LICENSE'));
    expect(fileEntries.filter((p) => !allowed.some((re) => re.test(p)) && !/^\/(dist|build|node_modules)(\/[^/.]+)*$/.test(p))).toEqual([]);
    expect([...files].filter((p) => /\.(ts|mts|cts|map|md|markdown)$/i.test(p))).toEqual([]);
  });

  it('puts every compiled .node file in app.asar.unpacked, none in the archive', () => {
    // The archive's index names unpacked files too, flagged `unpacked`: none may be inside the archive itself.
    const asar = require('@electron/asar') as { statFile(archive: string, file: string): { unpacked?: boolean } };
    const archive = path.join(appOut, 'resources', 'app.asar');
    expect([...files].filter((p) => p.endsWith('.node') && !asar.statFile(archive, p.slice(1)).unpacked)).toEqual([]);
    const built = fs.readdirSync(path.join(ROOT, 'node_modules'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.node') && /^(better-sqlite3)[\\/]build[\\/]Release[\\/][^\\/]+\.node$/.test(f));
    const unpacked = path.join(appOut, 'resources', 'app.asar.unpacked', 'node_modules');
    // In a checkout where better-sqlite3's native build did not run there is nothing to check; CI always has it.
    for (const f of built) expect(fs.existsSync(path.join(unpacked, f)), f).toBe(true);
    console.log(`native modules unpacked: ${built.length ? built.join(', ') : 'none built in this checkout'}`);
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

  it('packs the native modules and no other dependency (the rest is inside the bundles)', async () => {
    const { NATIVE } = await import('../../scripts/build.mjs');
    for (const name of NATIVE) expect(has(`node_modules/${name}/package.json`), name).toBe(true);
    for (const name of Object.keys(pkg.dependencies).filter((n) => !NATIVE.includes(n))) expect(has(`node_modules/${name}`), name).toBe(false);
  });

  it('runs: scripts/smoke-packaged.mjs starts the packed app (main process in Node, Electron stand-in), proxies one request, quits on SIGTERM with [SHUTDOWN] in its log', () => {
    const r = spawnSync(process.execPath, ['scripts/smoke-packaged.mjs', '--stand-in', appOut], { cwd: ROOT, encoding: 'utf8', timeout: 90_000 });
    console.log(r.stdout);
    expect(r.stderr).not.toContain('FAILED');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('smoke: POST /v1/messages went through the app to the mock upstream');
    expect(r.stdout).toMatch(/\[SHUTDOWN\] .*ccproxy stopped/);
  }, 100_000);

  it('packs no dev dependency, no source map and no source of ours', () => {
    for (const name of Object.keys(pkg.devDependencies)) expect(has(`node_modules/${name}`), name).toBe(false);
    expect(ours().filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(ours().filter((p) => /\.(ts|mts|tsx)$/.test(p) || /^\/(main|renderer|test|examples|scripts)\//.test(p))).toEqual([]);
  });
});
