// `npm start`: runs the desktop app from this checkout with the Electron binary of node_modules/electron.
// The npm scripts install dependencies with the Electron download switched off (it cannot happen everywhere), so
// on a fresh clone the binary is missing: this fetches it once with the electron package's own installer, then
// launches. Offline, it says so and offers the headless mode, which needs no Electron at all.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { watchParent } from './lib/watch-parent.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const HEADLESS = '  The same proxy runs headless, with the dashboard at http://127.0.0.1:8000/ui:  npm run serve';

function electronPackageDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** The binary's path, or null. Checked by hand: electron's index.js throws or downloads when it is missing. */
function electronBinary(pkgDir) {
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? path.join(override, relative || 'electron') : relative ? path.join(pkgDir, 'dist', relative) : null;
  return candidate && fs.existsSync(candidate) ? candidate : null;
}

function fail(lines) {
  console.error(lines.filter(Boolean).join('\n'));
  process.exit(1);
}

/** Runs node_modules/electron/install.js once; true when it put the binary in place. */
function installElectron(pkgDir) {
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  console.error(`ccproxy: the Electron binary is not installed yet; downloading Electron ${version} for ${process.platform}-${process.arch} (about 100 MB, once)…`);
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const result = spawnSync(process.execPath, [path.join(pkgDir, 'install.js')], { stdio: ['ignore', 'inherit', 'pipe'], env, encoding: 'utf8' });
  if (result.status === 0 && electronBinary(pkgDir)) {
    console.error('ccproxy: Electron installed.');
    return true;
  }
  const reason = (result.stderr || '').split('\n').find((l) => l.trim()) ?? `exit code ${result.status}`;
  fail([
    `ccproxy: could not download the Electron binary (no internet, or a proxy or firewall in the way): ${reason.trim()}`,
    '  The desktop app cannot start without it. Run `npm start` again once online (it retries the download).',
    HEADLESS,
  ]);
  return false;
}

const pkgDir = electronPackageDir();
if (!pkgDir) fail(['ccproxy: the electron package is missing from node_modules; run: npm ci', HEADLESS]);

let binary = electronBinary(pkgDir);
if (!binary) {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    fail([`ccproxy: ELECTRON_OVERRIDE_DIST_PATH=${process.env.ELECTRON_OVERRIDE_DIST_PATH} holds no Electron binary, so the desktop app cannot start.`, HEADLESS]);
  }
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    fail([
      'ccproxy: the Electron binary is not installed, and ELECTRON_SKIP_BINARY_DOWNLOAD is set in your environment, so it is not downloaded.',
      '  Unset it and run `npm start` again (it downloads the binary once), or: node node_modules/electron/install.js',
      HEADLESS,
    ]);
  }
  installElectron(pkgDir);
  binary = electronBinary(pkgDir);
}

if (!fs.existsSync(path.join(root, 'dist', 'main', 'desktop', 'main.js'))) {
  fail(['ccproxy: dist/main/desktop/main.js is missing; build first: npm run build']);
}

const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE; // set, it would run main.js as plain Node and fail on the electron import
const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit', env, windowsHide: false });
// Ctrl-C in the terminal sends SIGINT to the whole foreground process group: Electron, which is in this process's
// group, gets it too and quits cleanly (the runtime drains, `[SHUTDOWN] ccproxy stopped`). Forwarding it would be a
// second SIGINT, and Electron, like Chromium, answers a second one by dying at once. So SIGINT is not forwarded; this
// process waits for Electron's clean quit and exits with its code. SIGTERM comes from `kill` or a service manager,
// aimed at this process only: it is passed on, once.
process.on('SIGINT', () => {});
process.once('SIGTERM', () => child.kill('SIGTERM'));
// npm's shell gone (a supervisor stopped `npm start`): the same clean quit as SIGTERM, never an orphaned Electron.
watchParent(() => process.emit('SIGTERM', 'SIGTERM'));
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
