// The renderer's entry: pick the transport, build the header and the five views, switch with tabs.
// The same bundle runs in the Electron window (IPC bridge) and at /ui in a browser (HTTP + SSE bridge).
import { shareReads } from './api-share.js';
import { pickBridge } from './bridge.js';
import { h } from './dom.js';
import { createHeader } from './header.js';
import { createLogsView } from './logs-view.js';
import { createMovedBanner } from './moved-banner.js';
import { createRequestsView } from './requests-view.js';
import { createSettingsView } from './settings-view.js';
import { createStatsView } from './stats-view.js';
import { createUsageView } from './usage-view.js';

type TabId = 'stats' | 'usage' | 'requests' | 'logs' | 'settings';

function start(): void {
  const mount = document.getElementById('app')!;
  let bridge: ReturnType<typeof pickBridge>;
  try {
    bridge = pickBridge();
  } catch (err) {
    mount.replaceChildren(h('p', { class: 'fatal' }, (err as Error).message));
    return;
  }
  const { transport } = bridge;
  const api = shareReads(bridge.api);
  document.documentElement.dataset.transport = transport;

  const settings = createSettingsView(api);
  const header = createHeader(api, (view) => settings.externalChange(view));
  const views: Record<TabId, { label: string; root: HTMLElement; show(): void; hide?(): void }> = {
    stats: { label: 'Stats', ...createStatsView(api) },
    usage: { label: 'Usage', ...createUsageView(api) },
    requests: { label: 'Requests', ...createRequestsView(api) },
    logs: { label: 'Logs', ...createLogsView(api) },
    settings: { label: 'Settings', ...settings },
  };
  const ids = Object.keys(views) as TabId[];

  const tabs = new Map<TabId, HTMLButtonElement>();
  // The tablist sits inside a nav landmark (a role on the nav itself would replace the landmark).
  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' });
  const main = h('main', { class: 'content' });
  for (const id of ids) {
    const tab = h('button', { type: 'button', role: 'tab', class: 'tab', id: `tab-${id}`, 'aria-controls': `panel-${id}`, 'aria-selected': 'false', tabindex: '-1' }, views[id].label);
    tab.addEventListener('click', () => select(id, true));
    tab.addEventListener('keydown', (e) => {
      // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
      const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (!step) return;
      const next = ids[(ids.indexOf(id) + step + ids.length) % ids.length]!;
      select(next, true);
      tabs.get(next)!.focus();
    });
    tabs.set(id, tab);
    tablist.appendChild(tab);
    const panel = views[id].root;
    panel.id = `panel-${id}`;
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', `tab-${id}`);
    panel.hidden = true;
    main.appendChild(panel);
  }

  function select(id: TabId, remember: boolean): void {
    for (const other of ids) {
      const on = other === id;
      tabs.get(other)!.setAttribute('aria-selected', String(on));
      tabs.get(other)!.tabIndex = on ? 0 : -1;
      views[other].root.hidden = !on;
      if (!on) views[other].hide?.();
    }
    if (remember) history.replaceState(history.state, '', `#${id}`);
    views[id].show();
  }

  // In a browser only: the desktop window is told by the main process where the runtime is.
  const moved = transport === 'http' ? createMovedBanner(api) : null;
  // Shown by status.css while the admin API cannot be reached (html[data-connection="lost"]).
  const notLive = h('div', { class: 'not-live', id: 'not-live', role: 'status' }, h('b', {}, 'Not live. '), 'ccproxy cannot be reached; everything below is the last thing received. Reconnecting…');
  mount.replaceChildren(header.root, notLive, ...(moved ? [moved] : []), h('nav', { class: 'tabbar', 'aria-label': 'Views' }, tablist), main);
  // The page's fragment names a view, and for Settings optionally a field: '#settings/server.port' is where the
  // desktop app sends the user when the port is taken. Followed at load and when the app changes it later.
  const follow = (first: boolean) => {
    const [id, field] = window.location.hash.slice(1).split('/', 2) as [TabId, string | undefined];
    if (!ids.includes(id)) return first ? select('stats', false) : undefined;
    select(id, false);
    if (id === 'settings' && field) settings.focusField(field);
  };
  follow(true);
  window.addEventListener('hashchange', () => follow(false));
}

start();
