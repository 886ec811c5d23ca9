// `npm run demo`: one command, no API key. Starts the mock upstream over TLS behind a simulated network delay,
// the proxy in front of it, and compares pooled with unpooled requests by switching the server's setting.
import { parseArgs } from 'node:util';
import { startDemoStack } from './lib/demo-stack.js';
import { comparisonTable, measure, report } from './pool-performance-test.js';
import { setServerPooling } from './lib/perf.js';

const { values } = parseArgs({ options: { rtt: { type: 'string', default: '50' }, requests: { type: 'string', default: '20' }, logs: { type: 'boolean', default: false } } });
const rttMs = Number(values.rtt);
const requests = Number(values.requests);

const stack = await startDemoStack({ rttMs, showLogs: values.logs });
try {
  console.log(`Mock Anthropic API over TLS at ${stack.upstreamUrl} (simulated round trip: ${rttMs} ms)`);
  console.log(`ccproxy at ${stack.proxyUrl}\n`);
  const pooled = await measure(stack.proxyUrl, requests, 'pooled', false);
  report(pooled);
  await setServerPooling(stack.proxyUrl, false);
  const direct = await measure(stack.proxyUrl, requests, 'unpooled', false);
  report(direct);
  console.log(`\n${comparisonTable(pooled, direct)}`);
  console.log(`\nA new connection costs a TCP round trip plus a TLS 1.3 round trip before the request's own round trip;`);
  console.log(`a pooled connection pays only the last. With ${rttMs} ms RTT that is about ${3 * rttMs} ms against ${rttMs} ms (plus upstream time).`);
} finally {
  await stack.close();
}
