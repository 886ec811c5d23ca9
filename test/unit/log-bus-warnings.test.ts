// Warnings and errors have a ring of their own in the log bus: a flood of info lines pushes them out of the
// main buffer, never out of entries() (what the Logs view and getLogs read).
import log from 'electron-log/node';
import { describe, expect, it } from 'vitest';
import { createLogBus, type ElectronLogLike } from '../../main/logging/log-bus.js';

const base = log as unknown as ElectronLogLike;

describe('the log bus keeps warnings apart', () => {
  it('keeps warnings and errors through 5,000 info lines, oldest first, before the main buffer', () => {
    const bus = createLogBus({ base, bufferSize: 100 });
    bus.logger.warn('[POOL] first warning');
    bus.logger.info('an info line that goes');
    bus.logger.error('[API] an error');
    for (let i = 0; i < 5000; i++) bus.logger.info(`flood ${i}`);
    const entries = bus.entries();
    expect(entries.slice(0, 2).map((e) => `${e.level} ${e.message}`)).toEqual(['warn [POOL] first warning', 'error [API] an error']);
    expect(entries.length).toBe(102);
    expect(entries.at(-1)!.message).toBe('flood 4999');
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => a - b));
  });

  it('lists a warning still in the main buffer once', () => {
    const bus = createLogBus({ base, bufferSize: 10 });
    bus.logger.warn('recent warning');
    bus.logger.info('after');
    expect(bus.entries().map((e) => e.message)).toEqual(['recent warning', 'after']);
  });

  it('keeps at most warnBufferSize warnings', () => {
    const bus = createLogBus({ base, bufferSize: 5, warnBufferSize: 3 });
    for (let i = 0; i < 10; i++) bus.logger.warn(`warning ${i}`);
    for (let i = 0; i < 10; i++) bus.logger.info(`info ${i}`);
    expect(bus.entries().map((e) => e.message)).toEqual(['warning 7', 'warning 8', 'warning 9', 'info 5', 'info 6', 'info 7', 'info 8', 'info 9']);
  });
});
