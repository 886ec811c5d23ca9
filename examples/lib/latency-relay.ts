import net from 'node:net';
import { performance } from 'node:perf_hooks';

// A TCP relay that adds network distance: every chunk is delivered rttMs/2 after it arrived, in each direction,
// so one request/response round trip costs rttMs. It relays raw bytes, so TLS stays end to end and each
// handshake round trip is paid through the relay too, which is what makes connection reuse visible in demos.

export interface LatencyRelayOptions {
  targetHost: string;
  targetPort: number;
  rttMs: number;
  /** Port to listen on (127.0.0.1); default 0 = any free port. */
  port?: number;
  /**
   * Also charge a new connection's TCP handshake (one RTT before the client's first bytes could leave).
   * The client's connect to the relay is local and instant, so without this only TLS handshakes cost RTTs.
   * Default false.
   */
  simulateTcpHandshake?: boolean;
}

export interface LatencyRelay {
  port: number;
  url(prefix: 'http' | 'https'): string;
  /** Client connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

type Payload = { kind: 'data'; chunk: Buffer } | { kind: 'end' } | { kind: 'destroy' };
type Item = Payload & { due: number };

/** One direction: a FIFO of chunks, each released at arrival + delay by a single timer (order is preserved). */
class DelayLine {
  private items: Item[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private waitingForDrain = false;

  constructor(
    private readonly src: net.Socket,
    private readonly dst: net.Socket,
    private readonly delayMs: number,
    private readonly notBefore: number,
  ) {}

  push(payload: Payload): void {
    if (this.stopped) return;
    // Arrival times only grow and the delay is constant, so due times stay sorted.
    const due = Math.max(performance.now(), this.notBefore) + this.delayMs;
    this.items.push({ ...payload, due });
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.items = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.items.length === 0) return;
    const wait = Math.max(0, this.items[0].due - performance.now());
    this.timer = setTimeout(this.flush, Math.ceil(wait));
  }

  private readonly flush = (): void => {
    this.timer = undefined;
    const now = performance.now();
    while (this.items.length > 0 && this.items[0].due <= now) this.apply(this.items.shift()!);
    this.schedule();
  };

  private apply(item: Item): void {
    const dst = this.dst;
    if (dst.destroyed) return;
    if (item.kind === 'data') {
      // Backpressure: stop reading the source until the slow side drains, instead of queueing unbounded data.
      if (!dst.write(item.chunk) && !this.waitingForDrain) {
        this.waitingForDrain = true;
        this.src.pause();
        dst.once('drain', () => {
          this.waitingForDrain = false;
          this.src.resume();
        });
      }
    } else if (item.kind === 'end') {
      dst.end();
    } else {
      dst.destroy();
    }
  }
}

/** Wires one direction: data and FIN are delayed; a reset/error is delayed too, then destroys the other side. */
function pipeDelayed(src: net.Socket, line: DelayLine): void {
  src.on('data', (chunk: Buffer) => line.push({ kind: 'data', chunk }));
  src.on('end', () => line.push({ kind: 'end' }));
  src.on('error', () => {}); // surfaced to the peer through 'close' below
  src.on('close', (hadError: boolean) => {
    if (hadError) line.push({ kind: 'destroy' });
  });
}

export async function startLatencyRelay(opts: LatencyRelayOptions): Promise<LatencyRelay> {
  const half = Math.max(0, opts.rttMs) / 2;
  const sockets = new Set<net.Socket>();
  const lines = new Set<DelayLine>();
  let connections = 0;

  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };

  // allowHalfOpen: a FIN from one side must travel (delayed) to the other, not close the pair at once.
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    connections++;
    const started = performance.now();
    const upstream = net.connect({ host: opts.targetHost, port: opts.targetPort, allowHalfOpen: true, noDelay: true });
    track(client);
    track(upstream);
    const up = new DelayLine(client, upstream, half, opts.simulateTcpHandshake ? started + 2 * half : 0);
    const down = new DelayLine(upstream, client, half, 0);
    lines.add(up);
    lines.add(down);
    pipeDelayed(client, up);
    pipeDelayed(upstream, down);
    let closed = 0;
    const onClose = (): void => {
      if (++closed < 2) return;
      up.stop();
      down.stop();
      lines.delete(up);
      lines.delete(down);
    };
    client.once('close', onClose);
    upstream.once('close', onClose);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    url: (prefix) => `${prefix}://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const line of lines) line.stop();
        for (const s of sockets) s.destroy();
      }),
  };
}
