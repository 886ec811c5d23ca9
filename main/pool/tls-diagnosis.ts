// A TLS failure that says what to do. When the upstream's certificate does not verify, the error alone ("unable to
// get local issuer certificate") does not say who issued it, and that is what tells a user whether a corporate
// TLS-inspecting proxy is in the way. So on such a failure one more handshake is made, over the same route,
// without verification, only to read the certificate's issuer; it is closed at once and nothing is sent on it.
import type { buildConnector } from 'undici';
import { buildConnector as build } from 'undici';
import type tls from 'node:tls';
import { proxyConnector } from './proxy-tunnel.js';

/** Verification failures (not handshake or protocol errors), where knowing the issuer helps. */
const VERIFY_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME/;

function issuerText(cert: tls.PeerCertificate | null | undefined): string | null {
  const issuer = cert?.issuer as unknown as Record<string, string | string[]> | undefined;
  if (!issuer || Object.keys(issuer).length === 0) return null;
  const parts = ['CN', 'O', 'OU'].filter((k) => issuer[k]).map((k) => `${k}=${([] as string[]).concat(issuer[k]!).join('+')}`);
  return parts.length ? parts.join(', ') : null;
}

export function explainTlsFailure(connector: buildConnector.connector, proxyUrl: string | null, options: buildConnector.BuildOptions): buildConnector.connector {
  const unverified = { ...options, rejectUnauthorized: false };
  const diagnose = proxyUrl ? proxyConnector(proxyUrl, unverified) : build(unverified);
  return (opts, callback) => {
    connector(opts, (err, socket) => {
      const code = (err as { code?: unknown } | null)?.code;
      if (!err || opts.protocol !== 'https:' || typeof code !== 'string' || !VERIFY_CODES.test(code)) return callback(err, socket as never);
      let answered = false;
      const finish = (issuer: string | null) => {
        if (answered) return;
        answered = true;
        if (issuer) Object.assign(err, { certificateIssuer: issuer });
        callback(err, null);
      };
      const timer = setTimeout(() => finish(null), 5_000);
      diagnose(opts, (probeErr, probe) => {
        clearTimeout(timer);
        const issuer = probeErr || !probe ? null : issuerText((probe as tls.TLSSocket).getPeerCertificate?.());
        probe?.destroy();
        finish(issuer);
      });
    });
  };
}
