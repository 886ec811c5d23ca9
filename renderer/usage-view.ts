// The Usage view: what the history says was spent, for today or the last 7, 30 or 90 days (UTC days): daily bars
// of tokens by kind and of cost, a table by model, client or session, and the cache hit ratio (cache reads ÷ all
// input). Requests without a price are counted apart and marked "no price", never added as 0.
import uPlot from 'uplot';
import type { CcproxyApi, UsageGroupBy, UsageReport, UsageRow } from '../main/common/contract.js';
import { fmt, h } from './dom.js';

const RANGES = [
  ['today', 'Today', 1],
  ['7', '7 days', 7],
  ['30', '30 days', 30],
  ['90', '90 days', 90],
] as const;
const GROUPS: Array<[UsageGroupBy, string]> = [
  ['model', 'Model'],
  ['client', 'Client'],
  ['session', 'Session'],
];
const KINDS = [
  ['input_tokens', 'Input', '--info'],
  ['output_tokens', 'Output', '--accent'],
  ['cache_creation_input_tokens', 'Cache write', '--warn'],
  ['cache_read_input_tokens', 'Cache read', '--ok'],
] as const;
const HEIGHT = 200;
const DAY_MS = 86_400_000;
const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const usd = (n: number) => (n === 0 ? '$0' : n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);

/** Cache reads over all input (fresh input, cache writes and cache reads); null without input. */
export function cacheHitRatio(r: Pick<UsageRow, 'input_tokens' | 'cache_creation_input_tokens' | 'cache_read_input_tokens'>): number | null {
  const all = r.input_tokens + r.cache_creation_input_tokens + r.cache_read_input_tokens;
  return all > 0 ? r.cache_read_input_tokens / all : null;
}

function sinceFor(days: number): string {
  const midnight = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  return new Date(midnight - (days - 1) * DAY_MS).toISOString();
}

export function createUsageView(api: CcproxyApi): { root: HTMLElement; show(): void; hide(): void } {
  let days = 7;
  let group: UsageGroupBy = 'model';
  const rangeButtons = RANGES.map(([id, label, n]) => h('button', { type: 'button', class: 'seg', 'data-range': id, 'aria-pressed': String(n === days), onclick: () => ((days = n), refresh()) }, label));
  const groupSelect = h('select', { id: 'usage-group', 'aria-label': 'Group the table by' }, ...GROUPS.map(([id, label]) => h('option', { value: id }, label)));
  groupSelect.addEventListener('change', () => ((group = groupSelect.value as UsageGroupBy), refresh()));
  const summary = h('p', { class: 'usage-summary', id: 'usage-summary', 'aria-live': 'polite' });
  const historyNote = h('p', { class: 'empty', id: 'usage-history-off', hidden: true });
  const tokensBox = h('div', { class: 'chart-box', id: 'usage-tokens-chart' });
  const costBox = h('div', { class: 'chart-box', id: 'usage-cost-chart' });
  const tbody = h('tbody', { id: 'usage-groups-body' });
  const keyHead = h('th', { scope: 'col' }, 'Model');
  const root = h(
    'section',
    { class: 'view usage-view' },
    h('div', { class: 'toolbar' }, h('div', { class: 'segmented', role: 'group', 'aria-label': 'Range' }, ...rangeButtons), h('label', { class: 'inline-label' }, 'Table by ', groupSelect)),
    historyNote,
    summary,
    h('div', { class: 'chart-grid' }, h('div', { class: 'card chart-card' }, h('h3', { class: 'card-title' }, 'Tokens per day', h('span', { class: 'card-sub' }, 'by kind, UTC days')), tokensBox), h('div', { class: 'card chart-card' }, h('h3', { class: 'card-title' }, 'Cost per day', h('span', { class: 'card-sub' }, 'USD, priced requests')), costBox)),
    h(
      'div',
      { class: 'card' },
      h('div', { class: 'table-scroll' }, h('table', { class: 'data-table', id: 'usage-groups' }, h('thead', {}, h('tr', {}, keyHead, ...['Requests', 'Errors', 'Input', 'Output', 'Cache write', 'Cache read', 'Cache hits', 'Cost'].map((c) => h('th', { scope: 'col', class: 'num' }, c)))), tbody)),
    ),
  );
  let plots: uPlot[] = [];
  let loading = 0;

  function bars(box: HTMLElement, data: uPlot.AlignedData, series: uPlot.Series[], format: (v: number) => string): void {
    const width = box.clientWidth;
    if (width <= 0) return;
    const axis: uPlot.Axis = { stroke: css('--text-muted'), grid: { stroke: css('--grid'), width: 1 }, ticks: { stroke: css('--grid'), width: 1, size: 4 } };
    const plot = new uPlot(
      {
        width,
        height: HEIGHT,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1e-9, (max ?? 0) * 1.15)] } },
        axes: [{ ...axis, space: 60 }, { ...axis, size: 64, values: (_u, splits) => splits.map(format) }],
        series: [{}, ...series],
      },
      data,
      box,
    );
    plots.push(plot);
  }

  function drawCharts(byDay: UsageReport): void {
    for (const p of plots) p.destroy();
    plots = [];
    tokensBox.replaceChildren();
    costBox.replaceChildren();
    // Every day of the range, zero when nothing was used, so the bars keep their place.
    const first = Date.parse(sinceFor(days));
    const xs = Array.from({ length: days }, (_, i) => (first + i * DAY_MS) / 1000);
    const row = (t: number) => byDay.rows.find((r) => r.key === new Date(t * 1000).toISOString().slice(0, 10));
    // Stacked by drawing running totals, biggest first; the legend shows each kind's own value.
    const own = KINDS.map(([k]) => xs.map((t) => row(t)?.[k] ?? 0));
    const stacked = KINDS.map((_, i) => xs.map((_t, d) => own.slice(0, KINDS.length - i).reduce((s, kind) => s + kind[d]!, 0)));
    const bar = uPlot.paths.bars!({ size: [0.7, 60] });
    bars(
      tokensBox,
      [xs, ...stacked],
      KINDS.map((_, i) => {
        const [, label, color] = KINDS[KINDS.length - 1 - i]!;
        const kindIndex = KINDS.length - 1 - i;
        return { label, fill: css(color), stroke: css(color), paths: bar, points: { show: false }, value: (_u: uPlot, _v: number | null, _s: number, idx: number | null) => (idx === null ? '–' : fmt.int(own[kindIndex]![idx])) };
      }),
      (v) => (v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(0)}k` : String(v)),
    );
    bars(costBox, [xs, xs.map((t) => row(t)?.cost_usd ?? 0)], [{ label: 'Cost', fill: css('--accent'), stroke: css('--accent'), paths: bar, points: { show: false }, value: (_u, v) => (v === null ? '–' : usd(v)) }], usd);
  }

  function drawTable(report: UsageReport): void {
    keyHead.textContent = GROUPS.find(([id]) => id === group)![1];
    const rows = [...report.rows].sort((a, b) => b.cost_usd - a.cost_usd || b.requests - a.requests);
    tbody.replaceChildren(
      ...rows.map((r) => {
        const ratio = cacheHitRatio(r);
        const cost = h('td', { class: 'num' }, r.cost_usd > 0 || r.unpriced_requests === 0 ? usd(r.cost_usd) : '');
        if (r.unpriced_requests > 0) cost.append(h('span', { class: 'no-price', title: `${r.unpriced_requests} request(s) of a model without a price: not in the cost. Add it under [pricing] in .ccproxy.toml.` }, r.cost_usd > 0 ? ` + ${r.unpriced_requests} no price` : 'no price'));
        return h(
          'tr',
          { 'data-key': r.key },
          h('td', {}, r.key),
          ...[r.requests, r.errors, r.input_tokens, r.output_tokens, r.cache_creation_input_tokens, r.cache_read_input_tokens].map((n) => h('td', { class: 'num' }, fmt.int(n))),
          h('td', { class: 'num' }, ratio === null ? '–' : `${(ratio * 100).toFixed(1)}%`),
          cost,
        );
      }),
      ...(rows.length ? [] : [h('tr', {}, h('td', { colspan: '9', class: 'empty' }, 'No requests in this range.'))]),
    );
  }

  function drawSummary(byDay: UsageReport): void {
    const total = byDay.rows.reduce(
      (t, r) => ({ requests: t.requests + r.requests, input_tokens: t.input_tokens + r.input_tokens, output_tokens: t.output_tokens + r.output_tokens, cache_creation_input_tokens: t.cache_creation_input_tokens + r.cache_creation_input_tokens, cache_read_input_tokens: t.cache_read_input_tokens + r.cache_read_input_tokens, cost: t.cost + r.cost_usd, unpriced: t.unpriced + r.unpriced_requests }),
      { requests: 0, input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cost: 0, unpriced: 0 },
    );
    const ratio = cacheHitRatio(total);
    summary.textContent = `${fmt.int(total.requests)} requests · ${usd(total.cost)}${total.unpriced ? ` (+ ${total.unpriced} with no price)` : ''} · cache hit ratio ${ratio === null ? '–' : `${(ratio * 100).toFixed(1)}%`}`;
    historyNote.hidden = byDay.history === 'on';
    historyNote.textContent = byDay.history === 'on' ? '' : `History is ${byDay.history}. Showing this run only.`;
  }

  async function refresh(): Promise<void> {
    for (const b of rangeButtons) b.setAttribute('aria-pressed', String(RANGES.find(([id]) => id === b.dataset.range)![2] === days));
    const mine = ++loading;
    const since = sinceFor(days);
    try {
      const [byDay, byGroup] = await Promise.all([api.getUsageReport({ group_by: 'day', since }), api.getUsageReport({ group_by: group, since })]);
      if (mine !== loading) return; // a newer choice is on its way
      drawSummary(byDay);
      drawCharts(byDay);
      drawTable(byGroup);
      root.dataset.loaded = String(mine);
    } catch (err) {
      summary.textContent = `Usage could not be read: ${(err as Error).message}`;
    }
  }

  return {
    root,
    show: () => void refresh(),
    hide: () => {},
  };
}
