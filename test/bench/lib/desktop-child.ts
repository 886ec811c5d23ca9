// The runtime as the desktop app runs it (packaged): no console, electron-log's file transport on (main.log), here
// written to the file given as the second argument. Usage: desktop-child.ts UPSTREAM_URL LOG_FILE
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import log from 'electron-log/node';
import { stringify } from 'smol-toml';
import { loadConfig } from '../../../main/config/load.js';
import { createRuntime } from '../../../main/runtime/runtime.js';
import { defaultPlugins } from '../../../main/proxy/plugins.js';
import type { ElectronLogLike } from '../../../main/logging/log-bus.js';

const [upstreamUrl, logFile] = process.argv.slice(2) as [string, string];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-bench-desktop-'));
const configPath = path.join(dir, '.ccproxy.toml');
fs.writeFileSync(configPath, stringify({ server: { host: '127.0.0.1', port: 0 }, upstream: { base_url: upstreamUrl } }));
// The log bus makes its own electron-log instance with create(); each one writes where this says.
const base = {
  ...(log as unknown as ElectronLogLike),
  create(options: { logId: string }) {
    const instance = (log as unknown as ElectronLogLike).create(options);
    (instance.transports.file as { resolvePathFn: () => string }).resolvePathFn = () => logFile;
    return instance;
  },
} as ElectronLogLike;
const runtime = createRuntime({ loaded: loadConfig({ configPath, env: {}, home: dir, cwd: dir }), logBase: base, console: false, fileLog: true, plugins: defaultPlugins() });
const { url } = await runtime.start();
process.send?.({ type: 'ready', url });
process.on('disconnect', () =>
  void runtime.stop().finally(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }),
);
