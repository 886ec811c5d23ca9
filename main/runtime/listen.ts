// Opening the listening socket, with the one error users hit most (port in use) turned into one clear line.
import type { FastifyInstance } from 'fastify';

/** What to do about a taken port, in the shell's words: the CLI's by default (the desktop app says Settings). */
export type PortAdvice = (port: number) => string;
export const cliPortAdvice: PortAdvice = (port) => `pick another port: --port ${port + 1}, PORT=${port + 1}, or [server] port in .ccproxy.toml.`;

export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    advice: PortAdvice = cliPortAdvice,
  ) {
    super(`Port ${port} on ${host} is already in use (another ccproxy, or another program). Stop it, or ${advice(port)}`);
    this.name = 'PortInUseError';
  }
}

export async function listen(app: FastifyInstance, host: string, port: number, advice?: PortAdvice): Promise<{ url: string; port: number }> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(host, port, advice);
    throw err;
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  // A wildcard bind is reached locally through the loopback address.
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${actualPort}`, port: actualPort };
}
