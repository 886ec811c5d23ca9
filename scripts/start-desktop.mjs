// `npm start`: runs the desktop app from this checkout with the Electron binary of node_modules/electron.
// Where that binary was never downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD=1, offline CI), it says so and how to
// get it, instead of letting `require('electron')` start a download.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The binary's path, or null. Checked by hand: electron's index.js downloads the binary when it is missing. */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? path.join(override, relative || 'electron') : relative ? path.join(pkgDir, 'dist', relative) : null;
  if (!candidate || !fs.existsSync(candidate)) return null;
  return require('electron'); // safe now: the binary exists, so this only returns its path
}

const binary = electronBinary();
if (!binary) {
  console.error(
    [
      'ccproxy: the Electron binary is not installed here, so the desktop app cannot start.',
      process.env.ELECTRON_OVERRIDE_DIST_PATH ? `  (ELECTRON_OVERRIDE_DIST_PATH=${process.env.ELECTRON_OVERRIDE_DIST_PATH} holds no Electron binary)` : null,
      '  To install it (needs internet): node node_modules/electron/install.js',
      '  or fetch it once with: npx electron@45 --version',
      '  The same proxy runs headless with the dashboard at http://127.0.0.1:8000/ui:  npm run serve',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  process.exit(1);
}

if (!fs.existsSync(path.join(root, 'dist', 'main', 'desktop', 'main.js'))) {
  console.error('ccproxy: dist/main/desktop/main.js is missing; build first: npm run build');
  process.exit(1);
}

const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE; // set, it would run main.js as plain Node and fail on the electron import
const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit', env, windowsHide: false });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
