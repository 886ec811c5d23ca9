// .github/workflows/desktop.yml, checked here since it only runs on GitHub: valid for GitHub Actions
// (@action-validator/cli, its JSON schema), and it does what the release needs on each desktop OS.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const WORKFLOW = path.join(ROOT, '.github', 'workflows', 'desktop.yml');
const require = createRequire(import.meta.url);
const validator = path.join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'action-validator.cmd' : 'action-validator');
const validate = (file: string) => spawnSync(validator, [file], { encoding: 'utf8', timeout: 60_000, shell: process.platform === 'win32' });

describe('the desktop CI workflow', () => {
  const yaml = require('js-yaml') as { load(text: string): any };
  const workflow = yaml.load(fs.readFileSync(WORKFLOW, 'utf8'));
  const job = workflow.jobs.package;
  const runs = (job.steps as Array<{ run?: string; uses?: string; if?: string }>).map((s) => s.run ?? s.uses ?? '');

  it('passes action-validator', () => {
    const r = validate(WORKFLOW);
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('control: action-validator refuses a broken copy (so the check above can fail)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-workflow-'));
    try {
      const broken = path.join(dir, 'broken.yml');
      fs.writeFileSync(broken, fs.readFileSync(WORKFLOW, 'utf8').replace('runs-on:', 'runs-onn:'));
      expect(validate(broken).status).not.toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs on Linux, macOS and Windows: install, test, package without publishing, smoke-test, keep the installers', () => {
    expect(job.strategy.matrix.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest']);
    expect(job.strategy['fail-fast']).toBe(false);
    const order = ['npm ci', 'npm test', 'npm run dist', 'node scripts/smoke-packaged.mjs', 'actions/upload-artifact@v4'].map((cmd) => runs.findIndex((r) => r === cmd || r.startsWith(`${cmd} `)));
    expect(order.every((i) => i >= 0), JSON.stringify(runs)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.dist).toMatch(/--publish never/); // what `npm run dist` runs there
    expect(fs.existsSync(path.join(ROOT, 'scripts', 'smoke-packaged.mjs'))).toBe(true);
    const upload = job.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/upload-artifact'));
    expect(upload.with.path.split('\n').filter(Boolean).sort()).toEqual(['out/*.AppImage', 'out/*.deb', 'out/*.dmg', 'out/*.exe']);
    expect(workflow.permissions).toEqual({ contents: 'read' }); // nothing it could publish with
  });
});
