// Corporate networks: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case) as undici's EnvHttpProxyAgent reads them,
// [upstream] proxy_url winning over them, /health and the log naming the proxy with its password masked; and the
// system's trust store (here a CA we make, in a temporary SSL_CERT_FILE / SSL_CERT_DIR layout, which is where the
// system-ca package reads the Linux store from) trusted besides Node's, with a TLS failure that names the issuer.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE, postMessage, startHarness, type Harness, type HarnessOptions } from '../fixtures/proxy-harness.js';
import { startConnectProxy, type ConnectProxy } from '../fixtures/connect-proxy.js';
import { TLS_CERT_PATH } from '../fixtures/tls/paths.js';
import { createConnectionFactory } from '../../main/pool/upstream-connection.js';

const CA_NAME = 'ccproxy test inspection CA';
let dir: string;
let server: https.Server;
let serverUrl: string;
let h: Harness | null = null;
const proxies: ConnectProxy[] = [];

/** A CA, and a certificate for 127.0.0.1 it signed (what a TLS-inspecting proxy presents). */
function makeCa(into: string): void {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: into, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', `/CN=${CA_NAME}/O=ccproxy tests`);
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(path.join(into, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccproxy-ca-'));
  makeCa(dir);
  // A system store layout: a bundle file, and a directory of certificates.
  fs.writeFileSync(path.join(dir, 'bundle.pem'), fs.readFileSync(path.join(dir, 'ca.pem')));
  fs.mkdirSync(path.join(dir, 'certs'));
  fs.copyFileSync(path.join(dir, 'ca.pem'), path.join(dir, 'certs', 'inspection-ca.pem'));
  fs.writeFileSync(path.join(dir, 'other-bundle.pem'), fs.readFileSync(TLS_CERT_PATH));
  server = https.createServer({ key: fs.readFileSync(path.join(dir, 'server.key')), cert: fs.readFileSync(path.join(dir, 'server.pem')) }, (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"type":"message","content":[]}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  serverUrl = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await h?.close();
  h = null;
  for (const p of proxies.splice(0)) await p.close();
});

/** A harness whose connections see `env` as the process environment (proxy variables, SSL_CERT_*). */
function withEnv(env: NodeJS.ProcessEnv, opts: HarnessOptions = {}): Promise<Harness> {
  return startHarness({ ...opts, runtime: { factoryFor: (upstream) => createConnectionFactory(upstream, env) } });
}

async function proxy(): Promise<ConnectProxy> {
  const p = await startConnectProxy();
  proxies.push(p);
  return p;
}

const health = async () => (await fetch(`${h!.url}/health`)).json();

describe('the system trust store ([upstream] system_ca)', () => {
  it('trusts a CA found in SSL_CERT_FILE', async () => {
    h = await withEnv({ SSL_CERT_FILE: path.join(dir, 'bundle.pem'), SSL_CERT_DIR: path.join(dir, 'empty') }, { upstreamUrl: serverUrl });
    expect((await postMessage(h.url)).status).toBe(200);
    expect(h.logs().some((l) => l.includes('TLS trusts the system store'))).toBe(true);
  });

  it('trusts a CA found in SSL_CERT_DIR', async () => {
    h = await withEnv({ SSL_CERT_FILE: path.join(dir, 'missing.pem'), SSL_CERT_DIR: path.join(dir, 'certs') }, { upstreamUrl: serverUrl });
    expect((await postMessage(h.url)).status).toBe(200);
  });

  it('with system_ca = false the same CA is not trusted, and the 502 names the issuer and the settings', async () => {
    h = await withEnv({ SSL_CERT_FILE: path.join(dir, 'bundle.pem') }, { upstreamUrl: serverUrl, config: { upstream: { system_ca: false } } });
    const res = await postMessage(h.url);
    expect(res.status).toBe(502);
    const message = (await res.json()).error.message as string;
    expect(message).toContain(`issued by "CN=${CA_NAME}, O=ccproxy tests"`);
    expect(message).toContain('[upstream] system_ca');
    expect(message).toContain('[upstream] ca_file');
  });

  it('a CA in neither the store nor ca_file is refused with the issuer named; ca_file adds it', async () => {
    h = await withEnv({ SSL_CERT_FILE: path.join(dir, 'other-bundle.pem') }, { upstreamUrl: serverUrl });
    const res = await postMessage(h.url);
    expect(res.status).toBe(502);
    expect((await res.json()).error.message).toContain(`issued by "CN=${CA_NAME}`);
    await h.close();
    h = await withEnv({ SSL_CERT_FILE: path.join(dir, 'other-bundle.pem') }, { upstreamUrl: serverUrl, config: { upstream: { ca_file: path.join(dir, 'ca.pem') } } });
    expect((await postMessage(h.url)).status).toBe(200);
  });
});

describe('proxy environment variables', () => {
  const tlsUpstream = { upstream: { tls: true }, config: { upstream: { ca_file: TLS_CERT_PATH } } } as const;

  it('HTTPS_PROXY tunnels every pooled connection; /health and the log name it', async () => {
    const p = await proxy();
    h = await withEnv({ HTTPS_PROXY: p.url }, tlsUpstream);
    for (let i = 0; i < 3; i++) await h.client().messages.create(MESSAGE);
    expect(p.tunnels).toBe(2);
    expect(p.targets.every((t) => t === `127.0.0.1:${h!.upstream.port}`)).toBe(true);
    expect(await health()).toMatchObject({ upstream_proxy: p.url, upstream_proxy_source: 'HTTPS_PROXY' });
    expect(h.logs().some((l) => l.includes(`through the HTTP proxy ${p.url} (from HTTPS_PROXY)`))).toBe(true);
  });

  it('lower-case https_proxy with credentials: used, and the password never shown', async () => {
    const p = await proxy();
    const withCredentials = p.url.replace('http://', 'http://alice:s3cret-pw@');
    h = await withEnv({ https_proxy: withCredentials }, tlsUpstream);
    await h.client().messages.create(MESSAGE);
    expect(p.tunnels).toBe(2);
    const shown = p.url.replace('http://', 'http://alice:***@');
    expect(await health()).toMatchObject({ upstream_proxy: shown, upstream_proxy_source: 'https_proxy' });
    expect(h.logs().some((l) => l.includes(shown))).toBe(true);
    expect(h.logs().some((l) => l.includes('s3cret-pw'))).toBe(false);
  });

  it('HTTP_PROXY serves a plain-http upstream', async () => {
    const p = await proxy();
    h = await withEnv({ HTTP_PROXY: p.url });
    await h.client().messages.create(MESSAGE);
    expect(p.tunnels).toBe(2);
  });

  it('NO_PROXY naming the upstream host goes direct; one naming other hosts does not', async () => {
    const p = await proxy();
    h = await withEnv({ HTTPS_PROXY: p.url, NO_PROXY: 'localhost,127.0.0.1' }, tlsUpstream);
    await h.client().messages.create(MESSAGE);
    expect(p.tunnels).toBe(0);
    expect(await health()).toMatchObject({ upstream_proxy: null, upstream_proxy_source: 'NO_PROXY' });
    await h.close();
    h = await withEnv({ HTTPS_PROXY: p.url, no_proxy: '.example.com,other.test:443' }, tlsUpstream);
    await h.client().messages.create(MESSAGE);
    expect(p.tunnels).toBe(2);
  });

  it('[upstream] proxy_url wins over the environment', async () => {
    const wanted = await proxy();
    const other = await proxy();
    h = await withEnv({ HTTPS_PROXY: other.url }, { ...tlsUpstream, config: { upstream: { ca_file: TLS_CERT_PATH, proxy_url: wanted.url } } });
    await h.client().messages.create(MESSAGE);
    expect(wanted.tunnels).toBe(2);
    expect(other.targets).toHaveLength(0);
    expect(await health()).toMatchObject({ upstream_proxy: wanted.url, upstream_proxy_source: '[upstream] proxy_url' });
  });
});
