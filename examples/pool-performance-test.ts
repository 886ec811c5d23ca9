// Measures request times through a running proxy, and with --compare pooled against unpooled in one run.
//   npm run example:performance [-- --url http://localhost:8000] [--requests 20] [--compare]
// --compare switches the *server's* pooling through its admin API for its current run only (nothing is saved)
// and switches it back afterwards, also on Ctrl-C, kill and a closed pipe (`| head`). Setting
// POOL_SETTINGS__ENABLED for this script would change nothing on the server.
import { parseArgs } from 'node:util';
import { EndingError, guardServerPooling } from './lib/pooling-guard.js';
import { comparisonTable, measure, report } from './lib/compare.js';
import { poolStats } from './lib/perf.js';

export { comparisonTable, measure, report, type RunResult } from './lib/compare.js';

async function main(): Promise<void> {
  // Parsed here, not at load: a script that imports this module keeps its own arguments.
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.ANTHROPIC_BASE_URL ?? 'http://localhost:8000' },
      requests: { type: 'string', default: '20' },
      compare: { type: 'boolean', default: false },
    },
  });
  const url = values.url.replace(/\/$/, '');
  const n = Number(values.requests);
  const health = await fetch(`${url}/health`).catch((err: Error) => {
    throw new Error(`No ccproxy at ${url} (${err.message}). Start it with: npm run serve`);
  });
  console.log(`ccproxy at ${url}: ${JSON.stringify(await health.json())}`);
  const initial = await poolStats(url);
  console.log(`pool_enabled: ${initial.pool_enabled}; stats: ${JSON.stringify(initial.stats)}`);
  if (!values.compare) {
    report(await measure(url, n, initial.pool_enabled ? 'pooled' : 'unpooled'));
    return;
  }
  const pooling = guardServerPooling(url, initial.pool_enabled);
  try {
    await pooling.set(true);
    const pooled = await measure(url, n, 'pooled');
    report(pooled);
    await pooling.set(false);
    const direct = await measure(url, n, 'unpooled');
    report(direct);
    console.log(`\n${comparisonTable(pooled, direct)}`);
  } finally {
    await pooling.restore();
    pooling.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: Error) => {
    if (err instanceof EndingError) return; // interrupted: the guard restores the server and exits
    console.error(`pool-performance-test: ${err.message}`);
    process.exit(1);
  });
}
