// A real pooled connection: one @anthropic-ai/sdk client on its own undici Client, which holds exactly one
// keep-alive socket to the upstream. undici's own fetch goes with it (Node's global fetch rejects a dispatcher
// from the npm package).
import fs from 'node:fs';
import tls from 'node:tls';
import Anthropic from '@anthropic-ai/sdk';
import { Client, fetch as undiciFetch } from 'undici';
import type { UpstreamSettings } from '../config/schema.js';
import type { ConnectionFactory, UpstreamConnection } from './types.js';
import { proxyConnector } from './proxy-tunnel.js';

/**
 * The SDK client the proxy uses. With no credential given, 1.x would look for local credential files and
 * profiles; the proxy forwards its clients' credentials instead, so that lookup is switched off.
 */
export class UpstreamClient extends Anthropic {
  protected override _shouldResolveDefaultCredentials(): boolean {
    return false;
  }
}

export interface UpstreamClientOptions {
  upstream: UpstreamSettings;
  dispatcher: Client;
}

export function createUpstreamClient({ upstream, dispatcher }: UpstreamClientOptions): Anthropic {
  // The SDK accepts one credential; api_key wins when both are configured (the config loader warns).
  const credential = upstream.api_key ? { apiKey: upstream.api_key, authToken: null } : { apiKey: null, authToken: upstream.auth_token ?? null };
  return new UpstreamClient({
    baseURL: upstream.base_url,
    ...credential,
    fetch: undiciFetch as unknown as typeof globalThis.fetch,
    fetchOptions: { dispatcher } as unknown as NonNullable<ConstructorParameters<typeof Anthropic>[0]>["fetchOptions"],
    // Clients (Claude Code, the SDKs) retry on their own; retrying here as well would multiply attempts.
    // A stale pooled socket gets one transparent retry in the forwarder instead.
    maxRetries: 0,
    timeout: upstream.timeout * 1000,
    logLevel: 'off',
  });
}

function readCa(upstream: UpstreamSettings): string[] | undefined {
  if (!upstream.ca_file) return undefined;
  // Added to Node's roots, not instead of them: a corporate CA should not break the public ones.
  return [...tls.rootCertificates, fs.readFileSync(upstream.ca_file, 'utf8')];
}

export function createDispatcher(upstream: UpstreamSettings, idleTimeoutS: number, ca = readCa(upstream)): Client {
  const origin = new URL(upstream.base_url).origin;
  const tlsOptions = { timeout: upstream.connect_timeout * 1000, ...(ca ? { ca } : {}) };
  return new Client(origin, {
    pipelining: 1,
    // Let the pool, not undici's 4 s default, decide when an idle socket goes; the upstream may still close first.
    keepAliveTimeout: idleTimeoutS * 1000,
    keepAliveMaxTimeout: idleTimeoutS * 1000,
    headersTimeout: upstream.timeout * 1000,
    bodyTimeout: upstream.timeout * 1000,
    connect: upstream.proxy_url ? proxyConnector(upstream.proxy_url, tlsOptions) : tlsOptions,
  });
}

class PooledUpstreamConnection implements UpstreamConnection {
  readonly client: Anthropic;
  closed = false;
  private connected = false;
  private shutDown = false;
  private readonly listeners: Array<() => void> = [];
  private readonly probePath: string;

  constructor(
    private readonly dispatcher: Client,
    upstream: UpstreamSettings,
  ) {
    this.client = createUpstreamClient({ upstream, dispatcher });
    this.probePath = new URL(upstream.base_url).pathname.replace(/\/$/, '') + '/';
    dispatcher.on('connect', () => {
      // undici reconnects by itself when a request is queued on a closed socket: the connection is alive again.
      this.connected = true;
      if (!this.shutDown) this.closed = false;
    });
    dispatcher.on('disconnect', () => {
      if (!this.connected || this.closed) return;
      this.closed = true;
      for (const l of this.listeners) l();
    });
  }

  /** A HEAD request opens the socket (TCP, TLS) without calling the API; any HTTP answer means it is alive. */
  private async probe(): Promise<boolean> {
    // reset: false, or undici closes the socket after a HEAD (its guard against servers that send a body).
    const res = await this.dispatcher.request({ method: 'HEAD', path: this.probePath, reset: false });
    await res.body.dump();
    return true;
  }

  warm(): Promise<void> {
    return this.probe().then(() => undefined);
  }

  check(): Promise<boolean> {
    return this.probe();
  }

  onClosed(listener: () => void): void {
    this.listeners.push(listener);
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

export function createConnectionFactory(upstream: UpstreamSettings, idleTimeoutS: number): ConnectionFactory {
  const ca = readCa(upstream);
  return {
    create: () => new PooledUpstreamConnection(createDispatcher(upstream, idleTimeoutS, ca), upstream),
  };
}
