// A real pooled connection: an undici Client, which holds exactly one keep-alive socket to the upstream.
// Requests are dispatched on it as they are (see proxy/forward.ts); the OpenAI route hands its dispatcher
// to an SDK instance per request.
import fs from 'node:fs';
import tls from 'node:tls';
import { Client } from 'undici';
import type { UpstreamSettings } from '../config/schema.js';
import type { ConnectionFactory, UpstreamConnection } from './types.js';
import { proxyConnector } from './proxy-tunnel.js';

/** TCP keep-alive probes on every upstream socket, so a path that died silently (NAT, Wi-Fi) is noticed. */
const TCP_KEEPALIVE_DELAY_MS = 30_000;

function readCa(upstream: UpstreamSettings): string[] | undefined {
  if (!upstream.ca_file) return undefined;
  // Added to Node's roots, not instead of them: a corporate CA should not break the public ones.
  return [...tls.rootCertificates, fs.readFileSync(upstream.ca_file, 'utf8')];
}

export function createDispatcher(upstream: UpstreamSettings, ca = readCa(upstream)): Client {
  const origin = new URL(upstream.base_url).origin;
  const connectOptions = { timeout: upstream.connect_timeout * 1000, keepAlive: true, keepAliveInitialDelay: TCP_KEEPALIVE_DELAY_MS, ...(ca ? { ca } : {}) };
  // Never hand out a socket the upstream may have closed: undici closes an idle socket after keepalive_timeout
  // (set well inside the upstream's own idle limit) or sooner when the upstream's Keep-Alive: timeout hint says so.
  const idleMs = upstream.keepalive_timeout * 1000;
  return new Client(origin, {
    pipelining: 1,
    keepAliveTimeout: idleMs,
    keepAliveMaxTimeout: idleMs,
    headersTimeout: upstream.timeout * 1000,
    bodyTimeout: upstream.timeout * 1000,
    connect: upstream.proxy_url ? proxyConnector(upstream.proxy_url, connectOptions) : connectOptions,
  });
}

class PooledUpstreamConnection implements UpstreamConnection {
  closed = false;
  private shutDown = false;
  private readonly opened: Array<() => void> = [];
  private readonly closedListeners: Array<() => void> = [];
  private readonly probePath: string;
  private readonly probeTimeoutMs: number;

  constructor(
    readonly dispatcher: Client,
    upstream: UpstreamSettings,
  ) {
    this.probePath = new URL(upstream.base_url).pathname.replace(/\/$/, '') + '/';
    this.probeTimeoutMs = Math.max(5_000, upstream.connect_timeout * 2000);
    dispatcher.on('connect', () => {
      // undici opens a new socket by itself when a request is queued on a closed one: alive again.
      if (!this.shutDown) this.closed = false;
      for (const l of this.opened) l();
    });
    dispatcher.on('disconnect', () => {
      this.closed = true;
      for (const l of this.closedListeners) l();
    });
  }

  /** A HEAD request opens the socket (TCP, TLS) without calling the API; any HTTP answer means it is alive. */
  private async probe(): Promise<boolean> {
    // reset: false, or undici closes the socket after a HEAD (its guard against servers that send a body).
    const res = await this.dispatcher.request({ method: 'HEAD', path: this.probePath, reset: false, headersTimeout: this.probeTimeoutMs });
    await res.body.dump();
    return true;
  }

  warm(): Promise<void> {
    return this.probe().then(() => undefined);
  }

  check(): Promise<boolean> {
    return this.probe();
  }

  onOpened(listener: () => void): void {
    this.opened.push(listener);
  }

  onClosed(listener: () => void): void {
    this.closedListeners.push(listener);
  }

  async close(): Promise<void> {
    this.shutDown = this.closed = true;
    await this.dispatcher.close();
  }

  async destroy(): Promise<void> {
    this.shutDown = this.closed = true;
    await this.dispatcher.destroy();
  }
}

export function createConnectionFactory(upstream: UpstreamSettings): ConnectionFactory {
  const ca = readCa(upstream);
  return {
    create: () => new PooledUpstreamConnection(createDispatcher(upstream, ca), upstream),
  };
}
