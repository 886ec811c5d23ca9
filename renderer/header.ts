// The header: what state the proxy is in (and whether its upstream answers), where to point tools at, and the
// one switch people flip most, locked when the environment decides it.
import type { CcproxyApi, RuntimeStatus, SettingsView } from '../main/common/contract.js';
import { copyText, h, isSwitchOn, setSwitch, switchButton, toast } from './dom.js';
import { createSetupSnippets } from './setup-snippets.js';
import { createHistoryStatus } from './header-history.js';

export interface Header {
  root: HTMLElement;
  /** Settings loaded or saved elsewhere: the pooling switch is locked while the environment sets it. */
  settingsChanged(view: SettingsView): void;
}

const POOL_ENABLED = 'pool_settings.enabled';

function pillText(s: RuntimeStatus): { text: string; kind: string } {
  switch (s.state) {
    case 'running':
      // A proxy whose every request fails is not "running" in any sense that matters to the user.
      if (s.upstream === 'unreachable') return { text: 'Running · upstream unreachable', kind: 'error' };
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
  const snippets = createSetupSnippets(api);
  const historyStatus = createHistoryStatus(api);
  const poolSwitch = switchButton('Connection pooling', 'pooling-switch');
  const poolLabel = h('label', { class: 'switch-label', for: 'pooling-switch' }, 'Pooling');
  const lockNote = h('span', { class: 'lock-note', id: 'pooling-lock', hidden: true });

  let busy = false;
  let pooling: boolean | null = null;
  let lockedBy: string | null = null;

  function showPooling(enabled: boolean): void {
    pooling = enabled;
    if (!busy) setSwitch(poolSwitch, enabled);
  }

  let statusProblem: string | null = null;
  /** Why the upstream is unreachable (the stats carry the reason /health gives). */
  let upstreamProblem: string | null = null;
  function showProblem(): void {
    const problem = statusProblem ?? upstreamProblem;
    if (errorText.textContent === (problem ?? '') && errorText.hidden === !problem) return;
    errorText.hidden = !problem;
    errorText.textContent = problem ?? '';
    errorText.title = problem ?? '';
  }

  function showStatus(s: RuntimeStatus): void {
    const { text, kind } = pillText(s);
    pill.className = `pill pill-${kind}`;
    pillLabel.textContent = text;
    statusProblem = s.error ?? null;
    if (s.upstream !== 'unreachable') upstreamProblem = null;
    showProblem();
    endpoint.textContent = s.endpoint;
    historyStatus.update(s);
    snippets.setEndpoint(s.endpoint);
    if (s.state !== 'error') showPooling(s.pool_enabled);
  }

  /** The tray menu's rule: a value from the environment (or a flag) wins over the file, so the switch could change nothing. */
  function settingsChanged(view: SettingsView): void {
    const source = view.sources[POOL_ENABLED];
    lockedBy = source === 'env' ? (view.env_overrides[POOL_ENABLED] ?? 'an environment variable') : source === 'cli' ? 'a command-line flag' : null;
    poolSwitch.disabled = lockedBy !== null || busy;
    lockNote.hidden = lockedBy === null;
    lockNote.textContent = lockedBy ? `Set by ${lockedBy}` : '';
    poolSwitch.title = lockedBy ? `Pooling is set by ${lockedBy}; unset it to switch here.` : '';
    if (lockedBy) poolSwitch.setAttribute('aria-describedby', 'pooling-lock');
    else poolSwitch.removeAttribute('aria-describedby');
  }

  copyBtn.addEventListener('click', async () => {
    await copyText(endpoint.textContent ?? '');
    copyBtn.textContent = 'Copied';
    setTimeout(() => (copyBtn.textContent = 'Copy'), 1500);
  });

  poolSwitch.addEventListener('click', async () => {
    if (busy || lockedBy) return;
    const next = !isSwitchOn(poolSwitch);
    busy = true;
    setSwitch(poolSwitch, next); // answer the click at once; the status event confirms it
    poolSwitch.disabled = true;
    try {
      const result = await api.setPoolingEnabled({ enabled: next });
      if (result.ok) {
        pooling = next;
        onSettingsChanged(result.view);
        settingsChanged(result.view);
        toast(next ? 'Pooling on: warm connections are reused.' : 'Pooling off: every request opens a fresh connection.');
      } else {
        toast(`Could not switch pooling: ${result.errors.map((e) => e.message).join(' ')}`, 'error');
      }
    } catch (err) {
      toast(`Could not switch pooling: ${(err as Error).message}`, 'error');
    } finally {
      busy = false;
      poolSwitch.disabled = lockedBy !== null;
      if (pooling !== null) setSwitch(poolSwitch, pooling);
    }
  });

  api.on('status', showStatus);
  api.on('stats', (s) => {
    showPooling(s.pool_enabled);
    // The dot pulses only while requests are in flight: an endless animation costs a core's tenth for nothing.
    pill.classList.toggle('pill-busy', s.requests_in_flight > 0);
    upstreamProblem = s.upstream.state === 'unreachable' ? `Upstream unreachable: ${s.upstream.last_error ?? 'no reason given'}` : null;
    showProblem();
  });
  api.getStatus().then(showStatus, (err: Error) =>
    showStatus({ run: '', upstream: 'unknown', state: 'error', endpoint: window.location.origin, pool_enabled: false, error: `Cannot reach the ccproxy admin API: ${err.message}` }),
  );
  api.getSettings().then(settingsChanged, () => {});

  const root = h(
    'header',
    { class: 'app-header' },
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('h1', { class: 'brand-name' }, 'ccproxy')),
    h('div', { class: 'status' }, pill, errorText, historyStatus.root),
    h(
      'div',
      { class: 'header-actions' },
      h('div', { class: 'endpoint' }, h('span', { class: 'endpoint-label' }, 'Endpoint'), endpoint, copyBtn),
      snippets.root,
      h('div', { class: 'pool-toggle' }, poolLabel, poolSwitch, lockNote),
    ),
  );
  return { root, settingsChanged };
}
