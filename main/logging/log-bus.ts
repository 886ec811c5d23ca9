// The log bus: every log line goes through one electron-log instance; a transport of ours keeps the last
// lines in a ring buffer for the log view and pushes each new line to subscribers (IPC, SSE).
import { format } from 'node:util';
import type { LogEntry, LogLevel } from '../common/contract.js';
import { redact } from './redact.js';

export interface Logger {
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  info(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

/** The parts of an electron-log instance (electron-log/node or electron-log/main) that the bus uses. */
export interface ElectronLogLike extends Logger {
  hooks: Array<(message: { data: unknown[]; level: string; date: Date }, transport?: unknown) => unknown>;
  transports: Record<string, unknown>;
  create(options: { logId: string }): ElectronLogLike;
}

export interface LogBus {
  logger: Logger;
  entries(): LogEntry[];
  subscribe(listener: (entry: LogEntry) => void): () => void;
  setLevel(level: LogLevel): void;
  /** Values (API keys, tokens) to mask exactly, in addition to the patterns. */
  setSecrets(secrets: string[]): void;
}

const LEVELS: LogLevel[] = ['error', 'warn', 'info', 'debug'];
let instanceCount = 0;

export interface LogBusOptions {
  base: ElectronLogLike;
  level?: LogLevel;
  bufferSize?: number;
  /** Print to the console (headless). Off in tests and in the packaged desktop app. */
  console?: boolean;
  /** Keep electron-log's file transport (the desktop app's rotating log file). Off headless unless asked. */
  file?: boolean;
}

export function createLogBus(opts: LogBusOptions): LogBus {
  const log = opts.base.create({ logId: `ccproxy-${process.pid}-${++instanceCount}` });
  const bufferSize = opts.bufferSize ?? 1000;
  const ring: LogEntry[] = [];
  const listeners = new Set<(entry: LogEntry) => void>();
  let level: LogLevel = opts.level ?? 'info';
  let secrets: string[] = [];
  let seq = 0;

  // Redact before any transport (console, file, ours) sees the message.
  log.hooks.push((message) => {
    message.data = [redact(format(...message.data), secrets)];
    return message;
  });

  const busTransport = Object.assign(
    (message: { data: unknown[]; level: string; date: Date }) => {
      const lvl = (LEVELS.includes(message.level as LogLevel) ? message.level : 'debug') as LogLevel;
      const entry: LogEntry = { seq: ++seq, time: message.date.toISOString(), level: lvl, message: String(message.data[0]) };
      ring.push(entry);
      if (ring.length > bufferSize) ring.splice(0, ring.length - bufferSize);
      for (const listener of listeners) listener(entry);
    },
    { level: 'debug' },
  );
  log.transports.bus = busTransport;
  const consoleTransport = log.transports.console as { level: string | false } | undefined;
  if (consoleTransport) consoleTransport.level = opts.console === false ? false : level;
  const fileTransport = log.transports.file as { level: string | false; maxSize: number } | undefined;
  if (fileTransport && !opts.file) fileTransport.level = false;
  // electron-log rotates to main.old.log at maxSize; 5 MiB keeps a useful history of pool activity.
  if (fileTransport && opts.file) fileTransport.maxSize = 5 * 1024 * 1024;

  const enabled = (l: LogLevel) => LEVELS.indexOf(l) <= LEVELS.indexOf(level);
  const logger: Logger = {
    error: (...a) => enabled('error') && log.error(...a),
    warn: (...a) => enabled('warn') && log.warn(...a),
    info: (...a) => enabled('info') && log.info(...a),
    debug: (...a) => enabled('debug') && log.debug(...a),
  };

  return {
    logger,
    entries: () => ring.slice(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setLevel(next) {
      level = next;
      if (consoleTransport && consoleTransport.level !== false) consoleTransport.level = next;
    },
    setSecrets(next) {
      secrets = next.filter(Boolean);
    },
  };
}
