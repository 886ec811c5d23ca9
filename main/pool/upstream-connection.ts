// A real pooled connection: an undici Client, which holds exactly one keep-alive socket to the upstream.
// Requests are dispatched on it as they are (see proxy/forward.ts); the OpenAI route hands its dispatcher
// to an SDK instance per request.
import { Client, buildConnector } from 'undici';
import type { UpstreamSettings } from '../config/schema.js';
import type { ConnectionFactory, UpstreamConnection } from './types.js';
import { proxyConnector } from './proxy-tunnel.js';
import { chooseProxy, describeProxy, type ProxyChoice } from './upstream-proxy.js';
import { buildTrust, type Trust } from './trust.js';
import { explainTlsFailure } from './tls-diagnosis.js';

/** TCP keep-alive probes on every upstream socket, so a path that died silently (NAT, Wi-Fi) is noticed. */
const TCP_KEEPALIVE_DELAY_MS = 30_000;
/** undici closes an idle socket this long before the upstream's Keep-Alive: timeout hint (its default threshold). */
const UNDICI_KEEPALIVE_THRESHOLD_MS = 2_000;

/** How every pooled connection reaches the upstream: which proxy, which trusted CAs. Worked out once per setting. */
export interface UpstreamRoute {
  proxy: ProxyChoice;
  trust: Trust;
}

export function routeFor(upstream: UpstreamSettings, env: NodeJS.ProcessEnv = process.env): UpstreamRoute {
  return { proxy: chooseProxy(upstream, env), trust: buildTrust(upstream, env) };
}

/** Told the protocol of each socket the Client opens (ALPN: "h2" or "http/1.1"). */
export type OnSocket = (protocol: 'h2' | 'http/1.1') => void;

export function createDispatcher(upstream: UpstreamSettings, route: UpstreamRoute = routeFor(upstream), onSocket?: OnSocket): Client {
  const origin = new URL(upstream.base_url).origin;
  const secureContext = route.trust.secureContext;
  const connectOptions = {
    timeout: upstream.connect_timeout * 1000,
    keepAlive: true,
    keepAliveInitialDelay: TCP_KEEPALIVE_DELAY_MS,
    // Offers h2 in ALPN; undici then runs an HTTP/2 session on the socket if the upstream picks it.
    allowH2: upstream.http2,
    ...(secureContext ? { secureContext } : {}),
  };
  const proxyUrl = route.proxy.url;
  const connector = proxyUrl ? proxyConnector(proxyUrl, connectOptions) : buildConnector(connectOptions);
  // Never hand out a socket the upstream may have closed: undici closes an idle socket after keepalive_timeout
  // (set well inside the upstream's own idle limit) or sooner when the upstream's Keep-Alive: timeout hint says so.
  const idleMs = upstream.keepalive_timeout * 1000;
  return new Client(origin, {
    pipelining: 1,
    keepAliveTimeout: idleMs,
    keepAliveMaxTimeout: idleMs,
    headersTimeout: upstream.timeout * 1000,
    bodyTimeout: upstream.timeout * 1000,
    allowH2: upstream.http2,
    connect: watchProtocol(explainTlsFailure(connector, proxyUrl, connectOptions), onSocket),
  });
}

function watchProtocol(connector: buildConnector.connector, onSocket: OnSocket | undefined): buildConnector.connector {
  if (!onSocket) return connector;
  return (opts, callback) =>
    connector(opts, (err, socket) => {
      if (socket) onSocket((socket as unknown as { alpnProtocol?: string | false }).alpnProtocol === 'h2' ? 'h2' : 'http/1.1');
      callback(err, socket as never);
    });
}

class PooledUpstreamConnection implements UpstreamConnection {
  protocol: 'h2' | 'http/1.1' | null = null;
  closed = false;
  private shutDown = false;
  private readonly opened: Array<() => void> = [];
  private readonly closedListeners: Array<() => void> = [];
  private readonly probePath: string;
  private readonly probeTimeoutMs: number;
  private readonly keepaliveMs: number;
  /** The upstream's Keep-Alive: timeout hint, as undici applies it (2 s early), once a probe has seen it. */
  private hintMs: number | null = null;

  constructor(
    readonly dispatcher: Client,
    upstream: UpstreamSettings,
  ) {
    this.probePath = new URL(upstream.base_url).pathname.replace(/\/$/, '') + '/';
    this.probeTimeoutMs = Math.max(5_000, upstream.connect_timeout * 2000);
    this.keepaliveMs = upstream.keepalive_timeout * 1000;
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
    const hint = /timeout=(\d+)/i.exec(String(res.headers['keep-alive'] ?? ''));
    this.hintMs = hint ? Number(hint[1]) * 1000 - UNDICI_KEEPALIVE_THRESHOLD_MS : null;
    return true;
  }

  get idleLimitMs(): number {
    return this.hintMs !== null && this.hintMs > 0 ? Math.min(this.keepaliveMs, this.hintMs) : this.keepaliveMs;
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

export function createConnectionFactory(upstream: UpstreamSettings, env: NodeJS.ProcessEnv = process.env): ConnectionFactory {
  const route = routeFor(upstream, env);
  return {
    create: () => {
      let connection: PooledUpstreamConnection | null = null;
      connection = new PooledUpstreamConnection(
        createDispatcher(upstream, route, (protocol) => {
          if (connection) connection.protocol = protocol;
        }),
        upstream,
      );
      return connection;
    },
    describe: () => ({ proxy: route.proxy, summary: `${describeProxy(route.proxy)}; TLS trusts ${route.trust.description}` }),
  };
}
