// Reaching the upstream through an HTTP proxy (corporate networks): a CONNECT tunnel per pooled connection,
// then TLS over it with undici's own connector. Kept as an undici `connect` function so each pooled connection
// stays one Client with one socket, whose connect/disconnect events the pool watches.
import http from 'node:http';
import https from 'node:https';
import { buildConnector } from 'undici';

export function proxyConnector(proxyUrl: string, tlsOptions: buildConnector.BuildOptions): buildConnector.connector {
  const proxy = new URL(proxyUrl);
  const tlsUpgrade = buildConnector(tlsOptions);
  const auth = proxy.username ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}` : undefined;
  return (opts, callback) => {
    const port = opts.port || (opts.protocol === 'https:' ? '443' : '80');
    const target = `${opts.hostname}:${port}`;
    // An https:// proxy is spoken to over TLS (the tunnel inside is TLS again for an https upstream).
    const req = (proxy.protocol === 'https:' ? https : http).request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...(auth ? { 'proxy-authorization': auth } : {}) },
      timeout: tlsOptions.timeout ?? 10_000,
    });
    req.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        callback(new Error(`the HTTP proxy ${proxy.host} refused the tunnel to ${target}: ${res.statusCode} ${res.statusMessage ?? ''}`.trim()), null);
      } else if (opts.protocol === 'https:') {
        tlsUpgrade({ ...opts, httpSocket: socket }, callback);
      } else {
        callback(null, socket);
      }
    });
    req.once('timeout', () => req.destroy(new Error(`the HTTP proxy ${proxy.host} did not answer in time`)));
    req.once('error', (err) => callback(err, null));
    req.end();
  };
}
