// The stats charts (uPlot): a rolling five-minute window fed from the one-second `stats` event.
// Colours come from CSS custom properties, so the charts follow the light/dark theme like the rest of the page.
import uPlot from 'uplot';
import type { PoolStatsResponse } from '../main/common/contract.js';
import { fmt, h } from './dom.js';

export const WINDOW_S = 300;
const MIN_SPAN_S = 60;
const HEIGHT = 170;

/** One sample per stats event; t in unix seconds (uPlot's time unit). */
class History {
  t: number[] = [];
  inUse: number[] = [];
  available: number[] = [];
  rps: Array<number | null> = [];
  p50: Array<number | null> = [];
  p95: Array<number | null> = [];
  private lastTotal: number | null = null;
  private lastT: number | null = null;

  add(s: PoolStatsResponse, now = Date.now() / 1000): void {
    const dt = this.lastT === null ? 0 : now - this.lastT;
    // Requests per second from the counter's delta; a counter that went back (restart) starts afresh.
    const rps = this.lastTotal !== null && dt > 0 && s.requests_total >= this.lastTotal ? (s.requests_total - this.lastTotal) / dt : null;
    this.lastTotal = s.requests_total;
    this.lastT = now;
    this.t.push(now);
    this.inUse.push(s.stats.in_use_connections);
    this.available.push(s.stats.available_connections);
    this.rps.push(rps);
    this.p50.push(s.request_latency_ms.p50);
    this.p95.push(s.request_latency_ms.p95);
    let drop = 0;
    while (drop < this.t.length && this.t[drop]! < now - WINDOW_S) drop++;
    if (drop) for (const a of [this.t, this.inUse, this.available, this.rps, this.p50, this.p95]) a.splice(0, drop);
  }
}

interface ChartSpec {
  id: string;
  title: string;
  series: Array<{ label: string; color: string; fill?: string }>;
  data: (h: History) => uPlot.AlignedData;
  format: (v: number) => string;
  /** Whole-number scales (connections) get an integer top. */
  integer?: boolean;
}

const SPECS: ChartSpec[] = [
  {
    id: 'chart-connections',
    title: 'Connections',
    series: [
      { label: 'In use', color: '--chart-1', fill: '--chart-1-fill' },
      { label: 'Available', color: '--chart-2' },
    ],
    data: (x) => [x.t, x.inUse, x.available],
    format: (v) => String(Math.round(v)),
    integer: true,
  },
  {
    id: 'chart-rps',
    title: 'Requests per second',
    series: [{ label: 'req/s', color: '--chart-3', fill: '--chart-3-fill' }],
    data: (x) => [x.t, x.rps],
    format: (v) => (v < 10 ? v.toFixed(1) : String(Math.round(v))),
  },
  {
    id: 'chart-latency',
    title: 'Request latency',
    series: [
      { label: 'p50', color: '--chart-2' },
      { label: 'p95', color: '--chart-1' },
    ],
    data: (x) => [x.t, x.p50, x.p95],
    format: (v) => fmt.ms(v),
  },
];

function latest(values: ArrayLike<number | null | undefined> | undefined): number | null {
  for (let i = (values?.length ?? 0) - 1; i >= 0; i--) if (values![i] !== null && values![i] !== undefined) return values![i]!;
  return null;
}

/** Clock labels for the x axis; seconds only when the ticks are less than a minute apart. */
function timeLabels(splits: number[]): string[] {
  const withSeconds = splits.length > 1 && splits[1]! - splits[0]! < 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return splits.map((v) => {
    const d = new Date(v * 1000);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ''}`;
  });
}

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

function chartOptions(spec: ChartSpec, width: number): uPlot.Options {
  const muted = css('--text-muted');
  const grid = css('--grid');
  const font = `11px ${css('--font-sans') || 'system-ui, sans-serif'}`;
  const axis: uPlot.Axis = { stroke: muted, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1, size: 4 } };
  return {
    width,
    height: HEIGHT,
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    legend: { show: true },
    padding: [8, 8, 0, 0],
    scales: {
      // The window grows with the history from one minute up to five, so a fresh start is not a flat line.
      x: {
        time: true,
        range: (_u, min, max) => {
          const end = max ?? Date.now() / 1000;
          const span = Math.min(WINDOW_S, Math.max(MIN_SPAN_S, end - (min ?? end)));
          return [end - span, end];
        },
      },
      y: { range: (_u, _min, max) => [0, spec.integer ? Math.max(2, Math.ceil((max ?? 0) * 1.25)) : Math.max(1, (max ?? 0) * 1.25)] },
    },
    axes: [
      { ...axis, space: 70, values: (_u, splits) => timeLabels(splits) },
      { ...axis, size: 56, values: (_u, splits) => splits.map((v) => (spec.integer && v % 1 !== 0 ? '' : spec.format(v))) },
    ],
    series: [
      {},
      ...spec.series.map((s) => ({
        label: s.label,
        stroke: css(s.color),
        fill: s.fill ? css(s.fill) : undefined,
        width: 2,
        points: { show: false },
        spanGaps: false,
        // Hovering shows the value under the cursor; otherwise the legend shows the latest value.
        value: (u: uPlot, v: number | null, sidx: number, idx: number | null) => {
          const shown = idx === null ? latest(u.data[sidx]) : v;
          return shown === null || shown === undefined ? '–' : spec.format(shown);
        },
      })),
    ],
  };
}

export interface StatsCharts {
  root: HTMLElement;
  /** Keeps the sample; draws it only when `visible` (a hidden view does no DOM work). */
  add(stats: PoolStatsResponse, visible: boolean): void;
  /** Re-measure and draw what came in while hidden (after the view became visible). */
  resize(): void;
}

export function createStatsCharts(): StatsCharts {
  const history = new History();
  const holders = SPECS.map((spec) => ({ spec, box: h('div', { class: 'chart-box', id: spec.id }), plot: null as uPlot | null }));
  const root = h(
    'div',
    { class: 'chart-grid' },
    ...holders.map(({ spec, box }) => h('div', { class: 'card chart-card' }, h('h3', { class: 'card-title' }, spec.title, h('span', { class: 'card-sub' }, 'last 5 min')), box)),
  );

  function ensure(): void {
    for (const holder of holders) {
      const width = holder.box.clientWidth;
      if (width <= 0) continue; // hidden tab: build when shown
      if (!holder.plot) holder.plot = new uPlot(chartOptions(holder.spec, width), holder.spec.data(history), holder.box);
      else if (Math.abs(holder.plot.width - width) > 1) holder.plot.setSize({ width, height: HEIGHT });
    }
  }

  function rebuild(): void {
    for (const holder of holders) {
      holder.plot?.destroy();
      holder.plot = null;
    }
    ensure();
  }

  new ResizeObserver(() => ensure()).observe(root);
  // Canvas colours are baked in at creation: rebuild when the theme flips.
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', rebuild);

  return {
    root,
    add(stats, visible) {
      history.add(stats);
      if (!visible) return;
      ensure();
      for (const { spec, plot } of holders) plot?.setData(spec.data(history));
    },
    resize() {
      ensure();
      for (const { spec, plot } of holders) plot?.setData(spec.data(history));
    },
  };
}
