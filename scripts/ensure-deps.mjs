// Runs `npm ci` when node_modules is missing or older than package-lock.json, so that every npm script
// works on a fresh clone without a separate install step. Only Node built-ins here: nothing is installed yet.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const stale = !fs.existsSync(marker) || fs.statSync('package-lock.json').mtimeMs > fs.statSync(marker).mtimeMs;
if (stale) {
  console.error('ccproxy: installing dependencies (npm ci)…');
  // The Electron binary cannot be downloaded everywhere; the desktop launcher explains how to get it.
  const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit', env, shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error('ccproxy: npm ci failed; see the messages above.');
    process.exit(result.status ?? 1);
  }
}
