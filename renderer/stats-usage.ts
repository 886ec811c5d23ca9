// Usage since start, per model (GET /usage through the contract's getUsage): requests, errors and the four
// token counts. There is no usage event, so it is fetched again when the request count moved, at most every
// few seconds and only while the Stats view is on screen.
import type { CcproxyApi, PoolStatsResponse, UsageTotals } from '../main/common/contract.js';
import { fmt, h } from './dom.js';

const REFRESH_MS = 3000;
const COLUMNS = ['Model', 'Requests', 'Errors', 'Input', 'Output', 'Cache write', 'Cache read'];

export function createUsageTable(api: CcproxyApi): { root: HTMLElement; update(s: PoolStatsResponse, visible: boolean): void } {
  const tbody = h('tbody', { id: 'usage-body' });
  const empty = h('p', { class: 'empty', id: 'usage-empty' }, 'No tokens used yet.');
  const since = h('span', { class: 'card-sub' }, 'since start');
  const root = h(
    'div',
    { class: 'card usage-card' },
    h('h3', { class: 'card-title' }, 'Usage by model', since),
    h('div', { class: 'table-scroll' }, h('table', { class: 'data-table', id: 'usage-table' }, h('thead', {}, h('tr', {}, ...COLUMNS.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : undefined }, c)))), tbody)),
    empty,
  );
  let seenTotal = -1;
  let lastFetch = 0;
  let inFlight = false;

  function render(u: UsageTotals): void {
    const models = Object.entries(u.models).sort((a, b) => b[1].requests - a[1].requests);
    since.textContent = `since ${fmt.clock(u.since)}`;
    tbody.replaceChildren(
      ...models.map(([model, m]) =>
        h(
          'tr',
          { 'data-model': model },
          h('td', {}, model),
          ...[m.requests, m.errors, m.input_tokens, m.output_tokens, m.cache_creation_input_tokens, m.cache_read_input_tokens].map((n) => h('td', { class: 'num' }, fmt.int(n))),
        ),
      ),
    );
    empty.hidden = models.length > 0;
  }

  return {
    root,
    update(s, visible) {
      const now = Date.now();
      if (!visible || inFlight || s.requests_total === seenTotal || now - lastFetch < REFRESH_MS) return;
      inFlight = true;
      lastFetch = now;
      const total = s.requests_total;
      api.getUsage().then(
        (u) => {
          seenTotal = total;
          render(u);
        },
        () => {}, // the header already says when ccproxy cannot be reached
      ).finally(() => (inFlight = false));
    },
  };
}
