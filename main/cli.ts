// Headless entry (`npm run serve -- --port N --host H --config F`): no Electron, logs to the console through
// electron-log/node, graceful shutdown on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import log from 'electron-log/node';
import { ConfigError, loadConfig } from './config/load.js';
import { createRuntime, PortInUseError } from './runtime/runtime.js';
import { defaultPlugins } from './proxy/plugins.js';
import type { ElectronLogLike } from './logging/log-bus.js';
import { defaultHistoryPath } from './requests/history/history.js';

const HELP = `ccproxy: a local Claude API proxy with a real upstream connection pool

Usage: npm run serve -- [--port N] [--host H] [--config FILE] [--reset-history]

  --port N       listen on port N (default 8000; also PORT or SERVER__PORT)
  --host H       listen on address H (default 127.0.0.1; also HOST or SERVER__HOST)
  --config FILE  read settings from FILE (default: ./.ccproxy.toml, then ~/.ccproxy.toml)
  --reset-history  if the history file is damaged, move it aside (never deleted) and begin a new one
  --help         show this help

Then point your tools at it: ANTHROPIC_BASE_URL=http://localhost:8000`;

function parseFlags(argv: string[]): { port?: number; host?: string; config?: string; help?: boolean; resetHistory?: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
      'reset-history': { type: 'boolean' },
    },
    strict: true,
  });
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError([`Invalid --port ${values.port}: allowed: a whole number from 0 to 65535.`]);
  }
  return { port, host: values.host, config: values.config, help: values.help, resetHistory: values['reset-history'] };
}

async function main(): Promise<number> {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (err) {
    console.error(`ccproxy: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  let loaded;
  try {
    loaded = loadConfig({ configPath: flags.config, cli: { port: flags.port, host: flags.host } });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`ccproxy: cannot start, the configuration is not valid:\n  ${err.problems.map((p) => p.message).join('\n  ')}`);
      return 2;
    }
    throw err;
  }
  const runtime = createRuntime({ loaded, logBase: log as unknown as ElectronLogLike, console: true, plugins: defaultPlugins(), historyPath: defaultHistoryPath(), resetHistory: flags.resetHistory });
  try {
    await runtime.start();
  } catch (err) {
    await runtime.stop().catch(() => {});
    // The runtime has already logged the reason as one [STARTUP] line on stderr; anything else is unexpected.
    if (!(err instanceof PortInUseError)) console.error(`ccproxy: cannot start: ${(err as Error).message}`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        console.error(`ccproxy: ${signal} again, exiting now`);
        resolve(130);
        return;
      }
      stopping = true;
      // In-flight requests may hold the exit for up to shutdown_grace seconds: say how not to wait.
      runtime.logBus.logger.info(`[SHUTDOWN] ${signal} received${signal === 'SIGINT' ? ' (Ctrl-C again to exit at once)' : ''}`);
      runtime.stop().then(
        () => resolve(0),
        (err) => {
          console.error(`ccproxy: error while stopping: ${(err as Error).message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('ccproxy: unexpected error:', err);
    process.exit(1);
  },
);
