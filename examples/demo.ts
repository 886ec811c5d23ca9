// `npm run demo`: one command, no API key. Starts the mock upstream over TLS behind a simulated network delay,
// the proxy in front of it, and compares pooled with unpooled requests by switching the server's setting.
//   npm run demo [-- --rtt 50] [--requests 20] [--logs] [--help]
import { parseArgs } from 'node:util';
import { comparisonTable, firstRequestLine, measure, report } from './lib/compare.js';
import { startDemoStack } from './lib/demo-stack.js';
import { setServerPooling } from './lib/perf.js';

const USAGE = `Usage: npm run demo -- [--rtt MS] [--requests N] [--logs] [--help]
  --rtt MS        simulated network round trip to the mock API, in ms (default 50)
  --requests N    measured requests per mode, after one SDK warm-up (default 20)
  --logs          print the proxy's log lines
  --help          this text`;

function options(argv: string[]): { rttMs: number; requests: number; logs: boolean } | null {
  const { values } = parseArgs({
    args: argv,
    options: { rtt: { type: 'string', default: '50' }, requests: { type: 'string', default: '20' }, logs: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) return null;
  const rttMs = Number(values.rtt);
  const requests = Number(values.requests);
  if (!Number.isFinite(rttMs) || rttMs < 0 || rttMs > 5000) throw new Error(`--rtt ${values.rtt}: allowed is a number of milliseconds from 0 to 5000`);
  if (!Number.isInteger(requests) || requests < 2 || requests > 1000) throw new Error(`--requests ${values.requests}: allowed is a whole number from 2 to 1000`);
  return { rttMs, requests, logs: values.logs };
}

let opts: ReturnType<typeof options>;
try {
  opts = options(process.argv.slice(2));
} catch (err) {
  console.error(`demo: ${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (!opts) {
  console.log(USAGE);
  process.exit(0);
}
const { rttMs, requests, logs } = opts;

const stack = await startDemoStack({ rttMs, showLogs: logs });
try {
  console.log(`Mock Anthropic API over TLS at ${stack.upstreamUrl} (simulated round trip: ${rttMs} ms)`);
  console.log(`ccproxy at ${stack.proxyUrl}\n`);
  const pooled = await measure(stack.proxyUrl, requests, 'pooled', false);
  report(pooled);
  await setServerPooling(stack.proxyUrl, false);
  const direct = await measure(stack.proxyUrl, requests, 'unpooled', false);
  report(direct);
  console.log(`\n${firstRequestLine(pooled, direct)}`);
  console.log(`\n${comparisonTable(pooled, direct)}`);
  console.log(`\nA new connection costs a TCP round trip plus a TLS 1.3 round trip before the request's own round trip;`);
  console.log(`a pooled connection pays only the last. With ${rttMs} ms RTT that is about ${3 * rttMs} ms against ${rttMs} ms (plus upstream time).`);
} finally {
  await stack.close();
}
