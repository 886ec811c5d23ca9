// `npm run serve` and `npm start` build with `--if-stale`: nothing is rebuilt, and one line says so, when no
// input (our sources, the build scripts, package.json, the installed dependencies) is newer than the last build.
// Run on a copy of the script in a temp folder, so the real dist/ (other tests read it) is never rebuilt here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUpToDate, newestInput } from '../../scripts/build.mjs';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('build --if-stale', () => {
  let root: string;
  const at = (file: string, secondsAgo: number) => {
    const p = path.join(root, file);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (!fs.existsSync(p)) fs.writeFileSync(p, '');
    const t = new Date(Date.now() - secondsAgo * 1000);
    fs.utimesSync(p, t, t);
  };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-build-'));
    fs.mkdirSync(path.join(root, 'scripts'));
    fs.copyFileSync(path.join(ROOT, 'scripts', 'build.mjs'), path.join(root, 'scripts', 'build.mjs'));
    for (const f of ['main/cli.ts', 'main/desktop/main.ts', 'renderer/main.ts', 'package.json', 'package-lock.json', 'node_modules/.package-lock.json', 'scripts/build.mjs']) at(f, 60);
    at('dist/.build-stamp', 30);
    at('dist/main/cli.js', 30);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('says in one line that the build is up to date, and writes nothing', () => {
    expect(isUpToDate(root)).toBe(true);
    const before = fs.statSync(path.join(root, 'dist', 'main', 'cli.js')).mtimeMs;
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--if-stale'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual(['ccproxy: build is up to date (no source newer than dist/), not rebuilding']);
    expect(fs.statSync(path.join(root, 'dist', 'main', 'cli.js')).mtimeMs).toBe(before);
  });

  it('is stale when any input is newer than the last build: a source, a renderer file, package.json, the installed dependencies', () => {
    for (const f of ['main/desktop/main.ts', 'renderer/main.ts', 'package.json', 'node_modules/.package-lock.json', 'scripts/build.mjs']) {
      at(f, 0);
      expect(isUpToDate(root), f).toBe(false);
      expect(newestInput(root).file).toBe(path.join(root, f));
      at(f, 60);
    }
    expect(isUpToDate(root)).toBe(true);
  });

  it('is stale with no record of a complete build (a build that failed half-way leaves none)', () => {
    fs.rmSync(path.join(root, 'dist', '.build-stamp'));
    expect(isUpToDate(root)).toBe(false);
  });

  it('is what serve and start run', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const name of ['start', 'bench:start']) expect(pkg.scripts[name], name).toContain('node scripts/build.mjs --if-stale &&');
    // serve is one launcher (see serve-signal.test.ts) that runs the same check in-process.
    expect(pkg.scripts.serve).toBe('node scripts/serve.mjs');
    expect(fs.readFileSync(path.join(ROOT, 'scripts', 'serve.mjs'), 'utf8')).toMatch(/isUpToDate\(\)\) console\.error\(UP_TO_DATE\)/);
  });
});
