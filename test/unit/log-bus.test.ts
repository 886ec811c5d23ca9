// The log bus keeps the last lines in order, formats nothing a hidden level would show, masks secrets, and
// prints to the console in one write per event-loop turn (errors and warnings at once, on stderr).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import log from 'electron-log/node';
import { createLogBus, type ElectronLogLike } from '../../main/logging/log-bus.js';

const base = log as unknown as ElectronLogLike;

afterEach(() => vi.restoreAllMocks());

describe('the log bus', () => {
  it('keeps the last buffer_size lines, oldest first', () => {
    const bus = createLogBus({ base, bufferSize: 3 });
    for (let i = 1; i <= 7; i++) bus.logger.info(`line ${i}`);
    expect(bus.entries().map((e) => e.message)).toEqual(['line 5', 'line 6', 'line 7']);
    expect(bus.entries().map((e) => e.seq)).toEqual([5, 6, 7]);
  });

  it('does not even build a message whose level is hidden', () => {
    const bus = createLogBus({ base, level: 'warn' });
    const build = vi.fn(() => 'expensive');
    bus.logger.info(build);
    bus.logger.warn(build);
    expect(build).toHaveBeenCalledTimes(1);
    expect(bus.entries().map((e) => `${e.level} ${e.message}`)).toEqual(['warn expensive']);
  });

  it('masks known secrets and key-like values', () => {
    const bus = createLogBus({ base });
    bus.setSecrets(['my-very-secret-value']);
    bus.logger.info('token my-very-secret-value and x-api-key: sk-ant-api03-abcdefghijkl');
    expect(bus.entries()[0]!.message).toBe('token *** and x-api-key: ***');
  });

  it('prints info lines in batches (one write per 25 ms), warnings at once on stderr', async () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const bus = createLogBus({ base, console: true });
    bus.logger.info('[POOL] one');
    bus.logger.info('[POOL] two');
    expect(stdout).not.toHaveBeenCalled();
    bus.logger.warn('[POOL] careful');
    // The warning flushes what came before it, so the order on a shared terminal stays true.
    expect(stdout).toHaveBeenCalledTimes(1);
    expect(String(stdout.mock.calls[0]![0])).toMatch(/^\d\d:\d\d:\d\d\.\d{3} › \[POOL\] one\n\d\d:\d\d:\d\d\.\d{3} › \[POOL\] two\n$/);
    expect(String(stderr.mock.calls[0]![0])).toMatch(/› \[POOL\] careful\n$/);
    bus.logger.info('[POOL] three');
    bus.logger.info('[POOL] four');
    await new Promise((r) => setImmediate(r));
    expect(stdout).toHaveBeenCalledTimes(1);
    await new Promise((r) => setTimeout(r, 40));
    expect(stdout).toHaveBeenCalledTimes(2);
    expect(String(stdout.mock.calls[1]![0])).toMatch(/› \[POOL\] three\n.*› \[POOL\] four\n$/s);
  });

  it('writes the desktop log file in batches: info lines after 25 ms in one write, a warning at once after them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-log-'));
    const logFile = path.join(dir, 'main.log');
    const writes: string[] = [];
    // electron-log/node for real (its file transport, rotation and file handle), writing to a temporary file.
    const fileBase = {
      ...base,
      create(options: { logId: string }) {
        const instance = base.create(options);
        const transport = instance.transports.file as { resolvePathFn: () => string };
        transport.resolvePathFn = () => logFile;
        const info = instance.info.bind(instance);
        instance.info = (...args: unknown[]) => {
          writes.push(String(args[0]));
          info(...args);
        };
        return instance;
      },
    } as ElectronLogLike;
    try {
      const bus = createLogBus({ base: fileBase, file: true });
      for (let i = 0; i < 100; i++) bus.logger.info(`[API] request ${i}`);
      // Nothing on the request path: the file is written from a timer.
      expect(writes).toHaveLength(0);
      await vi.waitFor(() => expect(writes).toHaveLength(1), { timeout: 5000, interval: 5 });
      const lines = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(100);
      expect(lines[0]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[info\] \[API\] request 0$/);
      expect(lines[99]).toMatch(/\[info\] \[API\] request 99$/);
      bus.logger.info('[POOL] before the warning');
      bus.logger.warn('[POOL] careful');
      expect(writes).toHaveLength(2);
      expect(fs.readFileSync(logFile, 'utf8')).toMatch(/\[info\] \[POOL\] before the warning\n\[[^\]]+\] \[warn\] \[POOL\] careful\n$/);
      // 64 KiB pending is written at once.
      for (let i = 0; i < 400; i++) bus.logger.info(`[API] ${'x'.repeat(200)} ${i}`);
      expect(writes.length).toBeGreaterThanOrEqual(3);
      bus.flush();
      expect(fs.readFileSync(logFile, 'utf8').trimEnd().split('\n')).toHaveLength(502);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
