import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    // Measured in four shuffled runs on a 2-core VM busy with other work: the slowest single test took 11 s
    // (freshness, the demo and example children set their own), hooks under 20 s (the packaging smoke test
    // sets its own 180 s). The defaults leave about 2x over those.
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // expect.poll's own default (1 s) is what a busy machine misses: a page that is merely slow then fails.
    expect: { poll: { timeout: 10_000 } },
    // Two cores: real sockets and a browser do not like being oversubscribed.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
