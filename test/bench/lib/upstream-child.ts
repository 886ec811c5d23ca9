// The fake Anthropic upstream in a process of its own, so its CPU never mixes with the proxy's or the load
// generator's. The bench asks it over IPC how many TCP connections it has accepted so far.
import { startFakeUpstream } from '../../fixtures/fake-upstream/index.js';
import type { UpstreamReply, UpstreamRequest } from './ipc-types.js';

// Idle sockets must outlive the whole run, so a closed keep-alive socket never counts as pool churn.
const upstream = await startFakeUpstream({ keepAliveTimeoutMs: 600_000 });

process.on('message', (msg: UpstreamRequest) => {
  if (msg?.type !== 'stats') return;
  // The fixture keeps every request (bodies included) for tests to inspect; a bench only needs the counters,
  // so drop them here to keep this process small through hundreds of thousands of requests.
  upstream.requests.length = 0;
  const reply: UpstreamReply = { type: 'stats', id: msg.id, connectionsAccepted: upstream.connectionsAccepted, openConnections: upstream.openConnections };
  process.send?.(reply);
});

process.send?.({ type: 'ready', url: upstream.url } satisfies UpstreamReply);
// When the bench goes away (even killed), so do we.
process.on('disconnect', () => void upstream.close().finally(() => process.exit(0)));
