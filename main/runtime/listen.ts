// Opening the listening socket, with the one error users hit most (port in use) turned into one clear line that
// names a port that is free right now (checked by binding it), never one above 65535.
import net from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * What to do about a taken port, in the shell's words: the CLI's by default (the desktop app says Settings).
 * `free` is a port that was free on the same host a moment ago, or null when none could be found.
 */
export type PortAdvice = (port: number, free: number | null) => string;
export const cliPortAdvice: PortAdvice = (_port, free) =>
  free === null ? 'pick another port: --port N, PORT=N, or [server] port in .ccproxy.toml.' : `pick another port: --port ${free}, PORT=${free}, or [server] port in .ccproxy.toml.`;

/** How many ports after the taken one are tried before asking the system for any free port. */
const NEXT_PORTS_TRIED = 10;

function bindable(host: string, port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(null));
    srv.listen({ host, port, exclusive: true }, () => {
      const address = srv.address();
      const bound = typeof address === 'object' && address ? address.port : null;
      srv.close(() => resolve(bound));
    });
  });
}

/** A port free on `host` now: the next ones after `port` first (easy to remember), else one the system picks. */
export async function suggestFreePort(host: string, port: number): Promise<number | null> {
  for (let p = port + 1; p <= Math.min(port + NEXT_PORTS_TRIED, 65535); p++) {
    if ((await bindable(host, p)) !== null) return p;
  }
  return bindable(host, 0);
}

export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    advice: PortAdvice = cliPortAdvice,
    /** A port found free when the error was made (null: none found). */
    readonly freePort: number | null = null,
  ) {
    super(`Port ${port} on ${host} is already in use (another ccproxy, or another program). Stop it, or ${advice(port, freePort)}`);
    this.name = 'PortInUseError';
  }
}

export async function listen(app: FastifyInstance, host: string, port: number, advice?: PortAdvice): Promise<{ url: string; port: number }> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(host, port, advice, await suggestFreePort(host, port).catch(() => null));
    throw err;
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  // A wildcard bind is reached locally through the loopback address.
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${actualPort}`, port: actualPort };
}
