// The header: what state the proxy is in, where to point tools at, and the one switch people flip most.
import type { CcproxyApi, RuntimeStatus, SettingsView } from '../main/common/contract.js';
import { copyText, h, isSwitchOn, setSwitch, switchButton, toast } from './dom.js';

export interface Header {
  root: HTMLElement;
}

function pillText(s: RuntimeStatus): { text: string; kind: string } {
  switch (s.state) {
    case 'running':
      return s.pool_enabled ? { text: 'Running · pooling on', kind: 'ok' } : { text: 'Running · pooling off', kind: 'warn' };
    case 'starting':
      return { text: 'Starting…', kind: 'idle' };
    case 'stopped':
      return { text: 'Stopped', kind: 'idle' };
    default:
      return { text: 'Error', kind: 'error' };
  }
}

export function createHeader(api: CcproxyApi, onSettingsChanged: (view: SettingsView) => void): Header {
  const pillLabel = h('span', { class: 'pill-label' }, 'Connecting…');
  const pill = h('span', { class: 'pill pill-idle', id: 'status-pill', role: 'status', 'aria-live': 'polite' }, h('span', { class: 'pill-dot', 'aria-hidden': 'true' }), pillLabel);
  const errorText = h('span', { class: 'status-error', id: 'status-error', hidden: true });
  const endpoint = h('code', { class: 'endpoint-url', id: 'endpoint-url' }, '…');
  const copyBtn = h('button', { type: 'button', class: 'btn btn-ghost btn-small', id: 'copy-endpoint', 'aria-label': 'Copy endpoint URL' }, 'Copy');
  const poolSwitch = switchButton('Connection pooling', 'pooling-switch');
  const poolLabel = h('label', { class: 'switch-label', for: 'pooling-switch' }, 'Pooling');

  let busy = false;
  let pooling: boolean | null = null;

  function showPooling(enabled: boolean): void {
    pooling = enabled;
    if (!busy) setSwitch(poolSwitch, enabled);
  }

  function showStatus(s: RuntimeStatus): void {
    const { text, kind } = pillText(s);
    pill.className = `pill pill-${kind}`;
    pillLabel.textContent = text;
    errorText.hidden = !s.error;
    errorText.textContent = s.error ?? '';
    errorText.title = s.error ?? '';
    endpoint.textContent = s.endpoint;
    if (s.state !== 'error') showPooling(s.pool_enabled);
  }

  copyBtn.addEventListener('click', async () => {
    await copyText(endpoint.textContent ?? '');
    copyBtn.textContent = 'Copied';
    setTimeout(() => (copyBtn.textContent = 'Copy'), 1500);
  });

  poolSwitch.addEventListener('click', async () => {
    if (busy) return;
    const next = !isSwitchOn(poolSwitch);
    busy = true;
    setSwitch(poolSwitch, next); // answer the click at once; the status event confirms it
    poolSwitch.disabled = true;
    try {
      const result = await api.setPoolingEnabled({ enabled: next });
      if (result.ok) {
        pooling = next;
        onSettingsChanged(result.view);
        toast(next ? 'Pooling on: warm connections are reused.' : 'Pooling off: every request opens a fresh connection.');
      } else {
        toast(`Could not switch pooling: ${result.errors.map((e) => e.message).join(' ')}`, 'error');
      }
    } catch (err) {
      toast(`Could not switch pooling: ${(err as Error).message}`, 'error');
    } finally {
      busy = false;
      poolSwitch.disabled = false;
      if (pooling !== null) setSwitch(poolSwitch, pooling);
    }
  });

  api.on('status', showStatus);
  api.on('stats', (s) => showPooling(s.pool_enabled));
  api.getStatus().then(showStatus, (err: Error) =>
    showStatus({ run: '', upstream: 'unknown', state: 'error', endpoint: window.location.origin, pool_enabled: false, error: `Cannot reach the ccproxy admin API: ${err.message}` }),
  );

  const root = h(
    'header',
    { class: 'app-header' },
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('h1', { class: 'brand-name' }, 'ccproxy')),
    h('div', { class: 'status' }, pill, errorText),
    h('div', { class: 'header-actions' }, h('div', { class: 'endpoint' }, h('span', { class: 'endpoint-label' }, 'Endpoint'), endpoint, copyBtn), h('div', { class: 'pool-toggle' }, poolLabel, poolSwitch)),
  );
  return { root };
}
