// The certificates the upstream's TLS certificate may chain to. With [upstream] system_ca (default on) that is the
// operating system's store as well as Node's bundled roots, so a TLS-inspecting corporate proxy whose CA IT
// installed in the system just works, as it does for curl and browsers. Node 20 cannot use the system store by
// itself (--use-system-ca came later), so the maintained system-ca package reads it: the native store on macOS and
// Windows, on Linux the usual bundle files and directories, or SSL_CERT_FILE / SSL_CERT_DIR when set.
// [upstream] ca_file adds to either. One secure context is built per upstream setting and shared by every
// connection, so the few hundred certificates are parsed once, not on every TLS handshake.
import fs from 'node:fs';
import tls from 'node:tls';
import { systemCertsSync } from 'system-ca';
import type { UpstreamSettings } from '../config/schema.js';

export interface Trust {
  /** Passed to every TLS connection, or undefined for Node's defaults (system_ca off, no ca_file). */
  secureContext: tls.SecureContext | undefined;
  /** What is trusted, for the start-up log. */
  description: string;
}

export function buildTrust(upstream: Pick<UpstreamSettings, 'ca_file' | 'system_ca' | 'base_url'>, env: NodeJS.ProcessEnv): Trust {
  if (!upstream.base_url.startsWith('https:')) return { secureContext: undefined, description: 'plain HTTP upstream' };
  const extra = upstream.ca_file ? [fs.readFileSync(upstream.ca_file, 'utf8')] : [];
  if (!upstream.system_ca && extra.length === 0) return { secureContext: undefined, description: "Node's bundled CAs" };
  let system: string[] = [];
  let systemNote = '';
  if (upstream.system_ca) {
    try {
      // includeNodeCertificates: the system store is added to Node's roots, never instead of them.
      system = systemCertsSync({ env, includeNodeCertificates: true });
      systemNote = `the system store and Node's bundled CAs (${system.length} certificates)`;
    } catch (err) {
      system = [...tls.rootCertificates];
      systemNote = `Node's bundled CAs (the system store could not be read: ${(err as Error).message})`;
    }
  } else {
    system = [...tls.rootCertificates];
    systemNote = "Node's bundled CAs";
  }
  const ca = [...system, ...extra];
  const description = upstream.ca_file ? `${systemNote} and ${upstream.ca_file}` : systemNote;
  return { secureContext: tls.createSecureContext({ ca }), description };
}
