// Opening the listening socket, with the one error users hit most (port in use) turned into one clear line.
import type { FastifyInstance } from 'fastify';

export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(
      `Port ${port} on ${host} is already in use (another ccproxy, or another program). Stop it, or pick another port: --port ${port + 1}, PORT=${port + 1}, or [server] port in .ccproxy.toml.`,
    );
    this.name = 'PortInUseError';
  }
}

export async function listen(app: FastifyInstance, host: string, port: number): Promise<{ url: string; port: number }> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(host, port);
    throw err;
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  // A wildcard bind is reached locally through the loopback address.
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${actualPort}`, port: actualPort };
}
