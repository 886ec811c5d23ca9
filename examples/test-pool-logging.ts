// Makes requests so the server log shows the pool at work: 3 sequential, 6 concurrent, one more after 2 s.
//   npm run example:pool-logging [-- --url http://localhost:8000]
// Watch the proxy's log (or the app's Logs view) for "Reusing existing connection".
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DEMO_MESSAGE, poolStats, proxyClient } from './lib/perf.js';

const { values } = parseArgs({ options: { url: { type: 'string', default: process.env.ANTHROPIC_BASE_URL ?? 'http://localhost:8000' } } });
const url = values.url.replace(/\/$/, '');
const client = proxyClient(url);

async function ask(label: string): Promise<void> {
  const t0 = performance.now();
  const { data, response } = await client.messages.create(DEMO_MESSAGE).withResponse();
  const text = data.content.map((b) => (b.type === 'text' ? b.text : `[${b.type}]`)).join('');
  console.log(`${label.padEnd(14)} ${(performance.now() - t0).toFixed(0).padStart(5)} ms  connection ${response.headers.get('x-ccproxy-connection') ?? '?'}  ${JSON.stringify(text)}`);
}

try {
  console.log('3 sequential requests:');
  for (let i = 1; i <= 3; i++) await ask(`sequential ${i}`);
  console.log('6 concurrent requests:');
  await Promise.all([1, 2, 3, 4, 5, 6].map((i) => ask(`concurrent ${i}`)));
  console.log('one more after 2 s:');
  await sleep(2000);
  await ask('after pause');
  console.log(`\n/pool/stats: ${JSON.stringify(await poolStats(url), null, 2)}`);
} catch (err) {
  console.error(`test-pool-logging: ${(err as Error).message}. Is the proxy running at ${url}? (npm run serve)`);
  process.exit(1);
}
