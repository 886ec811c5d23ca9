// Runs the fake Anthropic upstream for manual testing and demos, optionally behind a latency relay:
//   npm run mock-upstream -- --port 9000 [--tls] [--rtt 50] [--host 127.0.0.1]
// Point the proxy at the printed URL ([upstream] base_url or UPSTREAM__BASE_URL). Ctrl-C stops it.
// Tool use can be tried by hand (JSON and streaming alike): a request with `tools` is answered with a tool_use of
// the first tool, its input built from the schema's required properties; once the last message carries a
// tool_result, the answer is text quoting it ("The tool returned: …").
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeUpstream } from '../test/fixtures/fake-upstream/index.js';
import { TLS_CERT_PATH } from '../test/fixtures/tls/paths.js';
import { startLatencyRelay, type LatencyRelay } from './lib/latency-relay.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9000' },
    host: { type: 'string', default: '127.0.0.1' },
    tls: { type: 'boolean', default: false },
    rtt: { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: npm run mock-upstream -- [--port 9000] [--host 127.0.0.1] [--tls] [--rtt <ms>]');
  console.log('  with `tools` in a request it answers with a tool_use of the first tool (input from its required properties);');
  console.log('  after a tool_result it answers with text quoting the result.');
  process.exit(0);
}

const port = Number(values.port);
const rttMs = Number(values.rtt);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port: ${values.port}`);
if (!Number.isFinite(rttMs) || rttMs < 0) throw new Error(`--rtt: not a number of ms: ${values.rtt}`);

// With a relay in front, the relay owns the public port and the fake hides on a random one behind it.
const fake = await startFakeUpstream({ tls: values.tls, host: values.host, port: rttMs > 0 ? 0 : port, autoToolUse: true });
let relay: LatencyRelay | undefined;
if (rttMs > 0) {
  if (values.host !== '127.0.0.1') console.warn('note: with --rtt the relay listens on 127.0.0.1 only');
  relay = await startLatencyRelay({
    targetHost: values.host,
    targetPort: fake.port,
    rttMs,
    port,
    simulateTcpHandshake: true, // a new connection costs a TCP round trip, as it does to the real API
  });
}
const baseUrl = relay ? relay.url(values.tls ? 'https' : 'http') : fake.url;

console.log(`fake Anthropic upstream listening on ${fake.url}${relay ? ` (behind ${rttMs} ms RTT relay)` : ''}`);
console.log(`  set [upstream] base_url = "${baseUrl}"   or   UPSTREAM__BASE_URL=${baseUrl}`);
if (values.tls) {
  console.log(`  self-signed cert: trust it with NODE_EXTRA_CA_CERTS=${path.relative(process.cwd(), TLS_CERT_PATH)}`);
}

const seenSockets = new Set<number>();
const started = Date.now();
const stamp = (): string => `+${((Date.now() - started) / 1000).toFixed(3)}s`;
fake.on('request', (r) => {
  if (!seenSockets.has(r.socketId)) {
    seenSockets.add(r.socketId);
    console.log(`${stamp()} new connection #${r.socketId} (accepted so far: ${fake.connectionsAccepted})`);
  }
  const stream = (r.json as { stream?: unknown } | undefined)?.stream === true ? ' stream' : '';
  console.log(`${stamp()} ${r.method} ${r.url} socket #${r.socketId}${stream}`);
});
fake.on('abort', (r) => console.log(`${stamp()} client aborted ${r.method} ${r.url} on socket #${r.socketId}`));

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) process.exit(1); // second Ctrl-C: do not wait
  stopping = true;
  console.log('\nclosing…');
  await relay?.close();
  await fake.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
