// The log bus: every line is redacted once, kept in a ring buffer for the log view, pushed to subscribers (IPC,
// SSE), printed on the console (headless) and handed to electron-log for its rotating file (desktop).
//
// A proxied request writes seven seed lines at the default level, so the path is lean: a line whose level is
// hidden costs a comparison (hot call sites pass a function, so nothing is formatted either), the console gets
// one write per batch, and so does the desktop's log file: lines are formatted here and handed to electron-log's
// file transport (which keeps the path, the file handle and the rotation) one batch at a time, with electron-log's
// own per-line transforms, which cost more than the request itself, bypassed.
import { format } from 'node:util';
import type { LogEntry, LogLevel } from '../common/contract.js';
import { redact } from './redact.js';

/** A message, or a function that makes it: called only when the level is shown. */
export type LogMessage = string | (() => string);

export interface Logger {
  error(message: LogMessage, ...rest: unknown[]): void;
  warn(message: LogMessage, ...rest: unknown[]): void;
  info(message: LogMessage, ...rest: unknown[]): void;
  debug(message: LogMessage, ...rest: unknown[]): void;
}

/** The parts of an electron-log instance (electron-log/node or electron-log/main) that the bus uses. */
export interface ElectronLogLike {
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  info(...args: unknown[]): void;
  debug(...args: unknown[]): void;
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
  /** Writes what the console and file buffers still hold (before the process exits). */
  flush(): void;
}

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
let instanceCount = 0;

export interface LogBusOptions {
  base: ElectronLogLike;
  /** The runtime's run id, carried by every entry. */
  run?: string;
  level?: LogLevel;
  bufferSize?: number;
  /** Warnings and errors kept apart from the buffer above, so a flood of info lines never pushes them out (default: bufferSize). */
  warnBufferSize?: number;
  /** Print to the console (headless). Off in tests and in the packaged desktop app. */
  console?: boolean;
  /** Keep electron-log's file transport (the desktop app's rotating log file). Off headless unless asked. */
  file?: boolean;
}

/** "18:19:44.516 › ", the console look electron-log had; made once per millisecond, not once per line. */
let stampMs = -1;
let stamp = '';
function consolePrefix(ms: number): string {
  if (ms !== stampMs) {
    const d = new Date(ms);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    stampMs = ms;
    stamp = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)} › `;
  }
  return stamp;
}

/** A line as kept: the time stays a number until someone reads it. */
interface Kept {
  seq: number;
  ms: number;
  level: LogLevel;
  message: string;
}

/** Info lines wait at most this long (or until 64 KiB pile up) before they are written. */
const CONSOLE_FLUSH_MS = 25;
const CONSOLE_FLUSH_BYTES = 64 * 1024;

/**
 * Console output in batches: under load one write per CONSOLE_FLUSH_MS instead of one per line (a write to a
 * terminal, pipe or file is a system call each, and Linux makes them synchronous). Warnings and errors go at
 * once, after what was pending, so the order on a shared terminal stays true.
 */
/** Writers with lines pending; written out when the process exits, however it exits. */
const unflushed = new Set<() => void>();
let exitHooked = false;

function consoleWriter() {
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', () => {
      for (const flush of unflushed) flush();
    });
  }
  let pending = '';
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending) process.stdout.write(pending);
    pending = '';
    unflushed.delete(flush);
  };
  return {
    write(level: LogLevel, line: string) {
      if (RANK[level] <= RANK.warn) {
        flush();
        process.stderr.write(line);
        return;
      }
      pending += line;
      unflushed.add(flush);
      if (pending.length >= CONSOLE_FLUSH_BYTES) flush();
      else if (!timer) {
        timer = setTimeout(flush, CONSOLE_FLUSH_MS);
        timer.unref();
      }
    },
    flush,
  };
}

/** "[2026-12-05 18:19:44.516] [info] ", the line prefix electron-log's file transport writes by default. */
function filePrefix(ms: number, level: LogLevel): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `[${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}] [${level}] `;
}

/**
 * The desktop's log file in batches, by the console's rule: info and debug lines wait up to CONSOLE_FLUSH_MS (or
 * until CONSOLE_FLUSH_BYTES pile up) and go to electron-log as one message, written off the request path in a
 * timer; a warning or an error goes at once, after what was pending.
 */
function fileWriter(file: ElectronLogLike) {
  const transport = file.transports.file as { transforms?: unknown[] } | undefined;
  // The batch is already formatted: electron-log's transforms would only re-format it line by line.
  if (transport) transport.transforms = [({ data }: { data: unknown[] }) => String(data[0])];
  let pending = '';
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    unflushed.delete(flush);
    if (!pending) return;
    // electron-log adds the last newline itself.
    const batch = pending.slice(0, -1);
    pending = '';
    file.info(batch);
  };
  return {
    write(level: LogLevel, ms: number, message: string) {
      pending += filePrefix(ms, level) + message + '\n';
      unflushed.add(flush);
      if (RANK[level] <= RANK.warn || pending.length >= CONSOLE_FLUSH_BYTES) flush();
      else if (!timer) {
        timer = setTimeout(flush, CONSOLE_FLUSH_MS);
        timer.unref();
      }
    },
    flush,
  };
}

export function createLogBus(opts: LogBusOptions): LogBus {
  const bufferSize = opts.bufferSize ?? 1000;
  // A circular buffer: `next` is where the next line goes, so keeping the last N costs nothing per line.
  const ring: Kept[] = [];
  let next = 0;
  // Warnings and errors again, in a ring of their own: entries() adds those the main ring has let go.
  const warnSize = opts.warnBufferSize ?? bufferSize;
  const warnRing: Kept[] = [];
  let warnNext = 0;
  const listeners = new Set<(entry: LogEntry) => void>();
  let threshold = RANK[opts.level ?? 'info'];
  let secrets: string[] = [];
  let seq = 0;
  const run = opts.run ?? '';
  const view = (k: Kept): LogEntry => ({ run, seq: k.seq, time: new Date(k.ms).toISOString(), level: k.level, message: k.message });
  const out = opts.console === false || opts.console === undefined ? null : consoleWriter();
  // electron-log only for its rotating file (desktop); its own console stays off so nothing prints twice.
  let file: ReturnType<typeof fileWriter> | null = null;
  if (opts.file) {
    const fileLog = opts.base.create({ logId: `ccproxy-${process.pid}-${++instanceCount}` });
    file = fileWriter(fileLog);
    const fileTransport = fileLog.transports.file as { level: string | false; maxSize: number } | undefined;
    // electron-log rotates to main.old.log at maxSize; 5 MiB keeps a useful history of pool activity.
    if (fileTransport) fileTransport.maxSize = 5 * 1024 * 1024;
    const consoleTransport = fileLog.transports.console as { level: string | false } | undefined;
    if (consoleTransport) consoleTransport.level = false;
  }

  const write = (level: LogLevel, message: LogMessage, rest: unknown[]) => {
    if (RANK[level] > threshold) return;
    const text = typeof message === 'function' ? message() : rest.length ? format(message, ...rest) : message;
    const clean = redact(text, secrets);
    const kept: Kept = { seq: ++seq, ms: Date.now(), level, message: clean };
    if (ring.length < bufferSize) ring.push(kept);
    else ring[next] = kept;
    next = (next + 1) % bufferSize;
    if (RANK[level] <= RANK.warn && warnSize > 0) {
      if (warnRing.length < warnSize) warnRing.push(kept);
      else warnRing[warnNext] = kept;
      warnNext = (warnNext + 1) % warnSize;
    }
    if (listeners.size > 0) {
      const entry = view(kept);
      for (const listener of listeners) listener(entry);
    }
    out?.write(level, consolePrefix(kept.ms) + clean + '\n');
    file?.write(level, kept.ms, clean);
  };

  const logger: Logger = {
    error: (m, ...r) => write('error', m, r),
    warn: (m, ...r) => write('warn', m, r),
    info: (m, ...r) => write('info', m, r),
    debug: (m, ...r) => write('debug', m, r),
  };

  return {
    logger,
    entries: () => {
      const lines = ring.length < bufferSize ? ring : [...ring.slice(next), ...ring.slice(0, next)];
      const oldest = lines[0]?.seq ?? Infinity;
      const warnings = warnRing.length < warnSize ? warnRing : [...warnRing.slice(warnNext), ...warnRing.slice(0, warnNext)];
      return [...warnings.filter((k) => k.seq < oldest), ...lines].map(view);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setLevel(next) {
      threshold = RANK[next];
    },
    setSecrets(next) {
      secrets = next.filter(Boolean);
    },
    flush: () => {
      out?.flush();
      file?.flush();
    },
  };
}
