// After a port (or host) change the runtime listens elsewhere and the old address goes quiet: in a browser the
// page would say "reconnecting…" forever. The status event that says so arrives (from the new listener's
// activation, before the old one closes) with the new endpoint; this banner links there. The page's CSP
// (connect-src 'self') does not let it probe another origin, so it does not move by itself; the link is one click.
import type { CcproxyApi, RuntimeStatus } from '../main/common/contract.js';
import { h } from './dom.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const ANY = new Set(['0.0.0.0', '[::]', '::']);

/** The dashboard's address on `endpoint`, keeping the host name the user typed when both are this machine. */
export function dashboardUrlFor(endpoint: string, here: Location): string | null {
  let target: URL;
  try {
    target = new URL(endpoint);
  } catch {
    return null;
  }
  const sameMachine = (LOOPBACK.has(target.hostname) || ANY.has(target.hostname)) && LOOPBACK.has(here.hostname);
  const host = sameMachine || ANY.has(target.hostname) ? here.hostname : target.hostname;
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const herePort = here.port || (here.protocol === 'https:' ? '443' : '80');
  if (host === here.hostname && port === herePort && target.protocol === here.protocol) return null;
  const url = new URL(`${target.protocol}//${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}/ui/`);
  // The token lives in this origin's sessionStorage: the new origin needs it in the address (it removes it from there).
  try {
    const token = sessionStorage.getItem('ccproxy.token');
    if (token) url.searchParams.set('token', token);
  } catch {
    // storage disabled
  }
  url.hash = here.hash;
  return url.toString();
}

export function createMovedBanner(api: CcproxyApi): HTMLElement {
  const link = h('a', { id: 'moved-link', class: 'moved-link' });
  const root = h('div', { class: 'moved-banner', id: 'moved-banner', role: 'alert', hidden: true }, h('span', {}, 'ccproxy now listens at another address. '), link);
  api.on('status', (s: RuntimeStatus) => {
    if (s.state !== 'running' || !s.endpoint) return;
    const url = dashboardUrlFor(s.endpoint, window.location);
    root.hidden = url === null;
    if (!url) return;
    link.href = url;
    link.textContent = `Open the dashboard at ${new URL(url).origin}/ui/ →`;
  });
  return root;
}
