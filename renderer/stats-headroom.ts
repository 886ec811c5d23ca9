// Rate-limit headroom and errors: the latest anthropic-ratelimit-* values as gauges (remaining of limit, when
// it resets) with the last retry-after, and failed requests by status class and error type. Both come from
// the one-second `stats` event (stats.rate_limits, stats.errors).
import type { PoolStatsResponse, RateLimitWindow } from '../main/common/contract.js';
import { fmt, h } from './dom.js';

const WINDOWS: Array<{ key: 'requests' | 'tokens' | 'input_tokens' | 'output_tokens'; label: string }> = [
  { key: 'requests', label: 'Requests' },
  { key: 'tokens', label: 'Tokens' },
  { key: 'input_tokens', label: 'Input tokens' },
  { key: 'output_tokens', label: 'Output tokens' },
];
/**
 * Words for the failure classes the runtime counts (errors.by_status_class, the one failure definition). Any
 * class it sends is shown, these or new ones (under their own name); 2xx is the one success class.
 */
const CLASS_LABELS: Record<string, string> = {
  '3xx': '3xx (redirects)',
  '4xx': '4xx (client, rate limits)',
  '5xx': '5xx (upstream, proxy)',
  broken: 'Broke mid-answer (2xx)',
  aborted: 'Aborted by the client',
};
const NOT_FAILURES = new Set(['2xx']);

function resetText(reset: string | null): string {
  if (!reset) return '';
  const s = (Date.parse(reset) - Date.now()) / 1000;
  return Number.isFinite(s) ? (s <= 0 ? 'reset' : `resets in ${fmt.duration(s)}`) : '';
}

export function createHeadroom(): { root: HTMLElement; render(s: PoolStatsResponse): void } {
  const gauges = WINDOWS.map(({ key, label }) => {
    const fill = h('span', { class: 'gauge-fill' });
    const value = h('span', { class: 'gauge-value', id: `ratelimit-${key}` }, 'not reported');
    const reset = h('span', { class: 'gauge-reset muted' });
    const row = h('div', { class: 'gauge' }, h('span', { class: 'gauge-label' }, label), value, h('span', { class: 'gauge-track', 'aria-hidden': 'true' }, fill), reset);
    return { key, row, fill, value, reset };
  });
  const retry = h('p', { class: 'gauge-retry muted', id: 'ratelimit-retry' });
  const limits = h('div', { class: 'card headroom-card', id: 'rate-limits' }, h('h3', { class: 'card-title' }, 'Rate-limit headroom', h('span', { class: 'card-sub' }, 'latest upstream headers')), ...gauges.map((g) => g.row), retry);

  const classBody = h('tbody', { id: 'errors-classes' });
  const classCells = new Map<string, HTMLTableCellElement>();
  function classCell(key: string): HTMLTableCellElement {
    let value = classCells.get(key);
    if (!value) {
      value = h('td', { class: 'num', id: `errors-${key}` }, '0');
      classCells.set(key, value);
      classBody.appendChild(h('tr', { 'data-class': key }, h('th', { scope: 'row' }, CLASS_LABELS[key] ?? key), value));
    }
    return value;
  }
  for (const key of Object.keys(CLASS_LABELS)) classCell(key); // the known ones, in this order, before the first tick
  const types = h('p', { class: 'error-types muted', id: 'error-types' });
  const errors = h(
    'div',
    { class: 'card headroom-card', id: 'errors-card' },
    h('h3', { class: 'card-title' }, 'Failed requests', h('span', { class: 'card-sub' }, 'since start')),
    h('table', { class: 'data-table' }, classBody),
    types,
  );

  function renderWindow(g: (typeof gauges)[number], w: RateLimitWindow | null): void {
    const known = w && w.limit !== null && w.remaining !== null;
    const share = known ? Math.max(0, Math.min(1, w.remaining! / Math.max(1, w.limit!))) : 0;
    g.value.textContent = known ? `${fmt.int(w.remaining)} of ${fmt.int(w.limit)} left` : 'not reported';
    g.fill.style.width = `${Math.round(share * 100)}%`; // CSSOM, allowed by the CSP
    g.row.dataset.level = !known ? 'none' : share < 0.1 ? 'low' : share < 0.25 ? 'warn' : 'ok';
    g.reset.textContent = known ? resetText(w.reset) : '';
  }

  return {
    root: h('div', { class: 'headroom-grid' }, limits, errors),
    render(s) {
      const rl = s.rate_limits;
      for (const g of gauges) renderWindow(g, rl?.[g.key] ?? null);
      retry.textContent = rl?.retry_after ? `Last retry-after: ${rl.retry_after.seconds} s, at ${fmt.clock(rl.retry_after.at)}` : 'No retry-after received.';
      for (const [key, n] of Object.entries(s.errors?.by_status_class ?? {})) if (!NOT_FAILURES.has(key)) classCell(key).textContent = fmt.int(n);
      const byType = Object.entries(s.errors?.by_type ?? {}).sort((a, b) => b[1] - a[1]);
      types.textContent = byType.length ? `By type: ${byType.map(([t, n]) => `${t} ${fmt.int(n)}`).join(' · ')}` : 'No failed requests.';
    },
  };
}
