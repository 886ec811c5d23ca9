import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: real sockets and a browser do not like being oversubscribed.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
