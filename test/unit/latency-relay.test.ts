import { randomBytes } from 'node:crypto';
import net from 'node:net';
import Anthropic, { type ClientOptions } from '@anthropic-ai/sdk';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLatencyRelay } from '../../examples/lib/latency-relay.js';
import { startFakeUpstream } from '../fixtures/fake-upstream/index.js';

// Timing assertions are lower bounds only: a loaded machine can make things slower, never faster.

const RTT = 60;

let echo: net.Server;
let echoPort: number;

beforeAll(async () => {
  echo = net.createServer((s) => s.pipe(s)); // pipe() also ends the reply when the client ends
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => echo.close(() => r()));
});

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Reads until the socket ends; resolves with everything received. */
function readAll(s: net.Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    s.once('end', () => resolve(Buffer.concat(chunks)));
    s.once('error', reject);
  });
}

describe('latency relay', () => {
  it('delivers bytes intact and in order, and propagates end', async () => {
    const relay = await startLatencyRelay({ targetHost: '127.0.0.1', targetPort: echoPort, rttMs: 20 });
    try {
      const s = await connect(relay.port);
      const received = readAll(s);
      const parts: Buffer[] = [];
      for (let i = 0; i < 50; i++) {
        const part = Buffer.from(`chunk-${i};`);
        parts.push(part);
        s.write(part);
        if (i % 10 === 0) await new Promise((r) => setTimeout(r, 3)); // spread arrivals over several timers
      }
      const big = randomBytes(2 * 1024 * 1024); // large enough to hit backpressure
      parts.push(big);
      s.end(big);
      expect((await received).equals(Buffer.concat(parts))).toBe(true);
      expect(relay.connections).toBe(1);
    } finally {
      await relay.close();
    }
  });

  it('makes a round trip cost at least rttMs', async () => {
    const relay = await startLatencyRelay({ targetHost: '127.0.0.1', targetPort: echoPort, rttMs: RTT });
    try {
      const s = await connect(relay.port);
      const t0 = performance.now();
      const back = new Promise<void>((r) => s.once('data', () => r()));
      s.write('ping');
      await back;
      expect(performance.now() - t0).toBeGreaterThanOrEqual(RTT);
      s.destroy();
    } finally {
      await relay.close();
    }
  });

  it('charges one extra RTT on a fresh connection with simulateTcpHandshake', async () => {
    const relay = await startLatencyRelay({
      targetHost: '127.0.0.1',
      targetPort: echoPort,
      rttMs: RTT,
      simulateTcpHandshake: true,
    });
    try {
      const t0 = performance.now();
      const s = await connect(relay.port);
      const back = new Promise<void>((r) => s.once('data', () => r()));
      s.write('ping');
      await back;
      expect(performance.now() - t0).toBeGreaterThanOrEqual(2 * RTT);
      s.destroy();
    } finally {
      await relay.close();
    }
  });

  it('closes the client side when the target is unreachable', async () => {
    const dead = net.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadPort = (dead.address() as net.AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const relay = await startLatencyRelay({ targetHost: '127.0.0.1', targetPort: deadPort, rttMs: 10 });
    try {
      const s = await connect(relay.port);
      s.on('error', () => {});
      await new Promise<void>((r) => s.once('close', () => r()));
    } finally {
      await relay.close();
    }
  });

  it('carries SDK traffic to the fake upstream over one kept-alive connection', async () => {
    const fake = await startFakeUpstream();
    const relay = await startLatencyRelay({ targetHost: '127.0.0.1', targetPort: fake.port, rttMs: 30 });
    const agent = new Agent({ keepAliveTimeout: 10_000 });
    try {
      const client = new Anthropic({
        baseURL: relay.url('http'),
        apiKey: 'test-key',
        maxRetries: 0,
        fetch: undiciFetch as unknown as ClientOptions['fetch'],
        fetchOptions: { dispatcher: agent } as unknown as ClientOptions['fetchOptions'],
      });
      const params = { model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user' as const, content: 'far away' }] };
      const t0 = performance.now();
      const msg = await client.messages.create(params);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(30);
      expect(msg.content[0]).toMatchObject({ text: 'Hello from the fake upstream. You said: far away' });
      await new Promise((r) => setImmediate(r)); // let undici mark the connection free (see fake-upstream test)
      expect(await client.messages.stream(params).finalText()).toContain('far away');
      expect(relay.connections).toBe(1);
      expect(fake.connectionsAccepted).toBe(1);
    } finally {
      await agent.close();
      await relay.close();
      await fake.close();
    }
  });
});
