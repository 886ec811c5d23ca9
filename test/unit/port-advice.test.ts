// The port-in-use line names a port that is actually free (checked by binding it), never one above 65535.
import net from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPortAdvice, listen, PortInUseError, suggestFreePort } from '../../main/runtime/listen.js';
import { desktopPortAdvice } from '../../main/desktop/bootstrap.js';

const HOST = '127.0.0.1';
const held: net.Server[] = [];

function hold(port: number): Promise<net.Server | null> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(null));
    srv.listen(port, HOST, () => {
      held.push(srv);
      resolve(srv);
    });
  });
}
const portOf = (srv: net.Server) => (srv.address() as net.AddressInfo).port;

/** Two consecutive ports P, P+1 both held by this test. */
async function holdTwoInARow(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await hold(0);
    const p = portOf(first!);
    if (p < 65535 && (await hold(p + 1))) return p;
  }
  throw new Error('could not hold two consecutive ports');
}

async function canBind(port: number): Promise<boolean> {
  const srv = await hold(port);
  if (!srv) return false;
  await new Promise((r) => srv.close(r));
  return true;
}

afterEach(async () => {
  await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('port-in-use advice', () => {
  it('suggests a port that is free, skipping a taken P+1', async () => {
    const p = await holdTwoInARow();
    const app = Fastify();
    const err = await listen(app, HOST, p).then(
      () => null,
      (e: unknown) => e,
    );
    await app.close();
    expect(err).toBeInstanceOf(PortInUseError);
    const suggested = Number(/--port (\d+), PORT=(\d+)/.exec((err as Error).message)?.[1]);
    expect(suggested).toBe((err as PortInUseError).freePort);
    expect(suggested).not.toBe(p);
    expect(suggested).not.toBe(p + 1);
    expect(suggested).toBeLessThanOrEqual(65535);
    expect(await canBind(suggested)).toBe(true);
  });

  it('never suggests a port above 65535', async () => {
    const free = await suggestFreePort(HOST, 65535);
    expect(free).not.toBeNull();
    expect(free!).toBeGreaterThan(0);
    expect(free!).toBeLessThan(65535);
    expect(cliPortAdvice(65535, free)).not.toContain('65536');
  });

  it('words it for each shell, and without a free port says N', () => {
    expect(cliPortAdvice(8000, 8003)).toBe('pick another port: --port 8003, PORT=8003, or [server] port in .ccproxy.toml.');
    expect(cliPortAdvice(8000, null)).toBe('pick another port: --port N, PORT=N, or [server] port in .ccproxy.toml.');
    expect(desktopPortAdvice(8000, 8003)).toBe('change the port in Settings (8003 is free).');
  });
});
