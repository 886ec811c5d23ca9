// Slow and write-first clients cost nobody a request: a small body is read before a pooled connection is taken
// (so 20 clients dripping their bodies hold none), and an over-limit body gets a 413 the client can read, before
// "100 Continue" when it asks, or after its whole 40 MiB when it writes first.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, MESSAGE, postMessage, startHarness, type Harness } from '../fixtures/proxy-harness.js';

let h: Harness | null = null;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await h?.close();
  h = null;
});

function connect(url: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), hostname, () => resolve(s));
    s.once('error', reject);
    sockets.push(s);
  });
}

function head(url: string, length: number, extra = ''): string {
  return `POST /v1/messages HTTP/1.1\r\nhost: ${new URL(url).host}\r\nx-api-key: k-123456\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n${extra}\r\n`;
}

/** Everything the socket receives, as text. */
function collect(s: net.Socket): { text: () => string; error: () => Error | null; closed: () => boolean } {
  let text = '';
  let error: Error | null = null;
  let closed = false;
  s.on('data', (c: Buffer) => (text += c.toString('latin1')));
  s.on('error', (e) => (error = e));
  s.on('close', () => (closed = true));
  return { text: () => text, error: () => error, closed: () => closed };
}

describe('bodies first, then a connection', () => {
  it('20 clients dripping their bodies hold no pooled connection: 6 probes all get 200 meanwhile', async () => {
    h = await startHarness({ config: { pool_settings: { min_size: 2, max_size: 10 } } });
    const body = JSON.stringify({ ...MESSAGE, messages: [{ role: 'user', content: 'x'.repeat(900) }] });
    const drippers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const s = await connect(h!.url);
        s.on('error', () => {});
        s.write(head(h!.url, Buffer.byteLength(body)));
        const state = { sent: 0, done: false };
        // 10 bytes every 100 ms: the whole body would take 10 s.
        const timer = setInterval(() => {
          if (s.destroyed) return clearInterval(timer);
          s.write(body.slice(state.sent, state.sent + 10));
          state.sent += 10;
          if (state.sent >= body.length) {
            state.done = true;
            clearInterval(timer);
          }
        }, 100);
        s.once('close', () => clearInterval(timer));
        return state;
      }),
    );
    // Every dripper is mid-body before the probes start.
    await eventually(() => expect(drippers.every((d) => d.sent >= 20)).toBe(true), 10_000);
    const probes = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const started = performance.now();
        const res = await postMessage(h!.url);
        await res.arrayBuffer();
        return { status: res.status, ms: performance.now() - started };
      }),
    );
    expect(probes.map((p) => p.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // The probes finished while the slow clients were still sending (none of them holds a connection).
    expect(drippers.filter((d) => d.done)).toHaveLength(0);
    const records = h.runtime.requests(100);
    const served = records.filter((r) => r.status === 200);
    expect(served).toHaveLength(6);
    for (const r of served) {
      expect(r.receive_ms).not.toBeNull();
      expect(r.acquire_wait_ms).not.toBeNull();
    }
  }, 60_000);
});

describe('a large body streams, but only once it has started', () => {
  it('12 clients that declare 5 MiB bodies and send nothing hold no pooled connection: 6 probes all get 200', async () => {
    h = await startHarness({ config: { pool_settings: { min_size: 2, max_size: 10 } } });
    const stalled = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const s = await connect(h!.url);
        s.on('error', () => {});
        s.write(head(h!.url, 5 * 1024 * 1024));
        return collect(s);
      }),
    );
    // Every stalled request has reached the proxy's handler (its record exists) before the probes.
    await eventually(() => expect(h!.runtime.requests(100).filter((r) => r.status === 0)).toHaveLength(12), 10_000);
    const statuses = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const res = await postMessage(h!.url);
        await res.arrayBuffer();
        return res.status;
      }),
    );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(stalled.every((s) => s.text() === '')).toBe(true);
  }, 60_000);
});

describe('the 413 is readable by every client', () => {
  it('an over-limit declared length with Expect: 100-continue is refused before 100 Continue', async () => {
    h = await startHarness();
    const s = await connect(h.url);
    const got = collect(s);
    s.write(head(h.url, 40 * 1024 * 1024, 'expect: 100-continue\r\n'));
    await eventually(() => expect(got.text()).toContain('"request_too_large"'), 10_000);
    expect(got.text()).toMatch(/^HTTP\/1\.1 413 /);
    expect(got.text()).not.toContain('100 Continue');
    expect(h.upstream.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  }, 30_000);

  it('a body within the limit with Expect: 100-continue still gets its 100 Continue and its answer', async () => {
    h = await startHarness();
    const s = await connect(h.url);
    const got = collect(s);
    const body = JSON.stringify(MESSAGE);
    s.write(head(h.url, Buffer.byteLength(body), 'expect: 100-continue\r\n'));
    await eventually(() => expect(got.text()).toMatch(/^HTTP\/1\.1 100 Continue/), 10_000);
    s.write(body);
    await eventually(() => expect(got.text()).toMatch(/HTTP\/1\.1 200 OK[\s\S]*Hello from the fake upstream/), 10_000);
  }, 30_000);

  it('a client that writes all 40 MiB before reading reads the 413, not a reset', async () => {
    h = await startHarness();
    const s = await connect(h.url);
    // A write-first client: nothing is read until the whole body is written.
    s.pause();
    let writeError: Error | null = null;
    s.on('error', (e) => (writeError = e));
    const total = 40 * 1024 * 1024;
    s.write(head(h.url, total));
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    for (let sent = 0; sent < total && !writeError; sent += chunk.length) {
      await new Promise<void>((resolve) => s.write(chunk, () => resolve()));
    }
    expect(writeError).toBeNull();
    const got = collect(s);
    s.resume();
    await eventually(() => expect(got.text()).toContain('"request_too_large"'), 20_000);
    expect(got.text()).toMatch(/^HTTP\/1\.1 413 /);
    expect(writeError).toBeNull();
  }, 60_000);

  it('a refused body that stops arriving is given up on after a pause, not held open', async () => {
    h = await startHarness();
    const s = await connect(h.url);
    const got = collect(s);
    s.write(head(h.url, 40 * 1024 * 1024));
    s.write(Buffer.alloc(64 * 1024, 0x61));
    await eventually(() => expect(got.text()).toMatch(/^HTTP\/1\.1 413 /), 10_000);
    // The proxy closes the connection after the pause (5 s), well before request_timeout (30 s).
    await eventually(() => expect(got.closed()).toBe(true), 20_000);
  }, 40_000);
});
