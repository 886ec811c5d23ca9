// Live pool stats: the seed's eight counters and the added latency/wait figures as big numbers, the charts,
// and the open connections. Everything is driven by the one-second `stats` event.
import type { CcproxyApi, ConnectionView, PoolStatsResponse } from '../main/common/contract.js';
import { fmt, h } from './dom.js';
import { createStatsCharts } from './stats-charts.js';
import { createHeadroom } from './stats-headroom.js';
import { createUsageTable } from './stats-usage.js';

interface Card {
  key: string;
  label: string;
  value: (s: PoolStatsResponse) => string;
  hint?: (s: PoolStatsResponse) => string;
  /** Shown in the warning colour when this returns true. */
  alarm?: (s: PoolStatsResponse) => boolean;
}

const BUMP_EVERY_MS = 10_000;
const pct = (share: number | null) => (share === null ? '–' : `${(share * 100).toFixed(share > 0 && share < 0.1 ? 1 : 0)}%`);

const GROUPS: Array<{ title: string; cards: Card[] }> = [
  {
    title: 'Overview',
    cards: [
      { key: 'reuse_rate', label: 'Reuse rate', value: (s) => pct(s.reuse_rate), hint: (s) => (s.reuse_rate === null ? 'no pooled requests yet' : 'served by a warm connection') },
      { key: 'error_rate', label: 'Error rate', value: (s) => pct(s.error_rate), hint: (s) => (s.error_rate === null ? 'no finished requests yet' : 'finished requests that failed'), alarm: (s) => (s.error_rate ?? 0) > 0 },
      { key: 'requests_total', label: 'Requests since start', value: (s) => fmt.int(s.requests_total), hint: (s) => `up ${fmt.duration(s.uptime_s)}; the history is in Usage` },
      { key: 'latency_p50', label: 'Request p50', value: (s) => fmt.ms(s.request_latency_ms.p50), hint: () => 'successful requests, last 1,000' },
      { key: 'error_latency_p50', label: 'Failed request p50', value: (s) => fmt.ms(s.error_latency_ms.p50), hint: (s) => (s.error_latency_ms.count ? 'failures, timed apart' : 'no failures') },
    ],
  },
  {
    title: 'Right now',
    cards: [
      { key: 'in_use_connections', label: 'In use', value: (s) => fmt.int(s.stats.in_use_connections), hint: () => 'serving a request' },
      { key: 'available_connections', label: 'Available', value: (s) => fmt.int(s.stats.available_connections), hint: () => 'idle, ready to reuse' },
      { key: 'total_connections', label: 'Open connections', value: (s) => fmt.int(s.stats.total_connections), hint: (s) => `max ${s.settings.max_size}, min ${s.settings.min_size}` },
      { key: 'waiting_requests', label: 'Waiting', value: (s) => fmt.int(s.waiting_requests), hint: () => 'queued for a connection', alarm: (s) => s.waiting_requests > 0 },
      { key: 'requests_in_flight', label: 'In flight', value: (s) => fmt.int(s.requests_in_flight), hint: () => 'requests being answered' },
    ],
  },
  {
    title: 'Since start',
    cards: [
      { key: 'connections_created', label: 'Created', value: (s) => fmt.int(s.stats.connections_created), hint: () => 'new upstream connections' },
      { key: 'connections_reused', label: 'Reused', value: (s) => fmt.int(s.stats.connections_reused), hint: () => 'warm connections handed out' },
      { key: 'connections_destroyed', label: 'Destroyed', value: (s) => fmt.int(s.stats.connections_destroyed), hint: () => 'idle, retired or failed' },
      { key: 'acquire_timeouts', label: 'Acquire timeouts', value: (s) => fmt.int(s.stats.acquire_timeouts), hint: (s) => `503 after ${s.settings.acquire_timeout} s`, alarm: (s) => s.stats.acquire_timeouts > 0 },
      { key: 'health_check_failures', label: 'Health-check failures', value: (s) => fmt.int(s.stats.health_check_failures), hint: () => 'connections found broken', alarm: (s) => s.stats.health_check_failures > 0 },
    ],
  },
  {
    title: 'Latency',
    cards: [
      { key: 'latency_p95', label: 'Request p95', value: (s) => fmt.ms(s.request_latency_ms.p95), hint: () => 'successful requests, last 1,000' },
      { key: 'latency_p99', label: 'Request p99', value: (s) => fmt.ms(s.request_latency_ms.p99), hint: () => 'successful requests, last 1,000' },
      { key: 'error_latency_p95', label: 'Failed request p95', value: (s) => fmt.ms(s.error_latency_ms.p95), hint: () => 'failures are fast: kept apart' },
      { key: 'acquire_p50', label: 'Acquire wait p50', value: (s) => fmt.ms(s.acquire_wait_ms.p50), hint: () => 'time to get a connection' },
      { key: 'acquire_p95', label: 'Acquire wait p95', value: (s) => fmt.ms(s.acquire_wait_ms.p95), hint: () => 'includes opening new ones' },
    ],
  },
];

function connectionRow(c: ConnectionView, now: number): HTMLTableRowElement {
  const age = (now - Date.parse(c.created_at)) / 1000;
  const idle = (now - Date.parse(c.last_used_at)) / 1000;
  return h(
    'tr',
    {},
    h('td', {}, h('code', {}, c.id)),
    h('td', {}, h('span', { class: `badge ${c.state === 'in_use' ? 'badge-busy' : 'badge-idle'}` }, c.state === 'in_use' ? 'In use' : 'Idle')),
    h('td', {}, c.healthy ? 'Healthy' : h('span', { class: 'text-error' }, 'Unhealthy')),
    h('td', { class: 'num' }, fmt.int(c.use_count)),
    h('td', { class: 'num' }, fmt.duration(age)),
    h('td', { class: 'num' }, c.state === 'in_use' ? '–' : `${fmt.duration(idle)} ago`),
  );
}

export interface StatsPanel {
  root: HTMLElement;
  show(): void;
}

export function createStatsView(api: CcproxyApi): StatsPanel {
  const values = new Map<string, { value: HTMLElement; hint: HTMLElement; card: HTMLElement; spec: Card }>();
  const groups = GROUPS.map((group) =>
    h(
      'div',
      { class: 'stat-group' },
      h('h2', { class: 'group-title' }, group.title),
      h(
        'div',
        { class: 'stat-grid' },
        ...group.cards.map((spec) => {
          const value = h('div', { class: 'stat-value', id: `stat-${spec.key}` }, '–');
          const hint = h('div', { class: 'stat-hint' });
          const card = h('div', { class: 'card stat', 'data-stat': spec.key }, h('div', { class: 'stat-label' }, spec.label), value, hint);
          values.set(spec.key, { value, hint, card, spec });
          return card;
        }),
      ),
    ),
  );
  const charts = createStatsCharts();
  const tbody = h('tbody', { id: 'connections-body' });
  const empty = h('p', { class: 'empty', id: 'connections-empty' }, 'No open upstream connections.');
  const table = h(
    'div',
    { class: 'card' },
    h('h3', { class: 'card-title' }, 'Open connections'),
    h(
      'div',
      { class: 'table-scroll' },
      h('table', { class: 'data-table', id: 'connections-table' }, h('thead', {}, h('tr', {}, ...['ID', 'State', 'Health', 'Uses', 'Age', 'Last used'].map((t, i) => h('th', { class: i >= 3 ? 'num' : undefined, scope: 'col' }, t)))), tbody),
    ),
    empty,
  );
  const headroom = createHeadroom();
  const usage = createUsageTable(api);
  const [overview, ...rest] = groups;
  // Shown by status.css while the admin API is out of reach (html[data-connection="lost"]).
  const stale = h('p', { class: 'stale-note', id: 'stats-stale' }, 'Not live: ccproxy cannot be reached; the numbers below are the last ones received.');
  const root = h('section', { class: 'view view-stats', 'aria-label': 'Stats' }, stale, overview, headroom.root, ...rest, h('h2', { class: 'group-title' }, 'History'), charts.root, usage.root, table);

  let first = true;
  const bumpedAt = new WeakMap<HTMLElement, number>();
  const still = window.matchMedia('(prefers-reduced-motion: reduce)');
  function bump(card: HTMLElement): void {
    // A short highlight so a changing number catches the eye; under steady load every number changes every
    // second, so a card glows at most every BUMP_EVERY_MS (a constant glow tells nothing and repaints forever).
    // The Web Animations API restarts it without a forced layout.
    const now = performance.now();
    if (still.matches || now - (bumpedAt.get(card) ?? -Infinity) < BUMP_EVERY_MS) return;
    bumpedAt.set(card, now);
    card.animate([{ backgroundColor: 'var(--accent-soft)' }, { backgroundColor: 'var(--surface)' }], { duration: 900, easing: 'ease-out' });
  }

  function render(s: PoolStatsResponse): void {
    for (const { value, hint, card, spec } of values.values()) {
      const text = spec.value(s);
      if (value.textContent !== text) {
        value.textContent = text;
        if (!first) bump(card);
      }
      hint.textContent = spec.hint?.(s) ?? '';
      card.classList.toggle('alarm', spec.alarm?.(s) ?? false);
    }
    first = false;
    headroom.render(s);
    usage.update(s, !root.hidden);
    const now = Date.now();
    tbody.replaceChildren(...s.connections.map((c) => connectionRow(c, now)));
    empty.hidden = s.connections.length > 0;
    empty.textContent = s.pool_enabled ? 'No open upstream connections.' : 'Pooling is off: each request opens and closes its own connection.';
  }

  let last: PoolStatsResponse | null = null;
  const onStats = (s: PoolStatsResponse) => {
    last = s;
    charts.add(s, !root.hidden); // the history keeps every second; drawn only while on screen
    if (!root.hidden) render(s); // off screen: no DOM work; show() draws the latest
  };
  api.on('stats', onStats);
  api.getStats().then(onStats, () => {});

  return {
    root,
    show: () => {
      charts.resize();
      if (last) render(last);
    },
  };
}
