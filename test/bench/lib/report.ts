// The table: one row per figure, each target's value with its ratio to the upstream called directly, and the
// issue's target for ccproxy beside it. Not pass/fail: "met" / "missed" is information for whoever reads it.
import type { Target, TargetResult } from './phases.js';
import { fmt, mb, median, ratio, table } from './stats.js';

export const POOL_MAX_SIZE = 10; // the default [pool_settings] max_size the bench runs ccproxy with

interface Row {
  label: string;
  /** The figure for one target; `direct` is the upstream-direct result, for figures relative to it. */
  value: (r: TargetResult, direct: TargetResult, key: Target['key']) => number | null;
  digits?: number;
  /** Whether ccproxy meets the issue's target, and the target's wording. */
  target?: (get: (k: Target['key']) => number | null) => { text: string; met: boolean | null };
  /** A ratio to direct says nothing for this row (direct is another kind of process here). */
  noRatio?: boolean;
}

const perRequest = (t: { ms: number | null; requests: number }) => (t.ms === null || t.requests === 0 ? null : t.ms / t.requests);
const check = (v: number | null, ok: (v: number) => boolean) => (v === null || !Number.isFinite(v) ? null : ok(v));

const rows: Row[] = [
  { label: 'sequential p50, ms', value: (r) => median(r.seqP50), digits: 3 },
  { label: 'sequential p99, ms', value: (r) => median(r.seqP99), digits: 3 },
  {
    label: 'added sequential p50, ms',
    value: (r, direct, key) => (key === 'direct' ? null : median(r.seqP50) - median(direct.seqP50)),
    digits: 3,
    target: (get) => {
      const mine = get('ccproxy');
      const bare = get('passthrough');
      const limit = bare === null ? null : 1.25 * bare;
      return { text: `≤ 1.25 × passthrough's${limit === null ? '' : ` (${fmt(limit, 3)})`}`, met: limit === null ? null : check(mine, (v) => v <= limit) };
    },
  },
  { label: 'sequential CPU, ms/request', value: (r) => perRequest(r.seqCpu), digits: 3 },
  {
    label: 'concurrent req/s',
    value: (r) => median(r.concRps),
    digits: 0,
    target: (get) => {
      const direct = get('direct');
      return { text: '≥ 0.35 × direct', met: direct === null ? null : check(get('ccproxy'), (v) => v >= 0.35 * direct) };
    },
  },
  { label: 'concurrent p99, ms', value: (r) => median(r.concP99) },
  {
    label: 'concurrent CPU, ms/request',
    value: (r) => perRequest(r.concCpu),
    digits: 3,
    target: (get) => ({ text: '≤ 0.2', met: check(get('ccproxy'), (v) => v <= 0.2) }),
  },
  {
    label: 'upstream conns opened (concurrent)',
    value: (r) => r.connsOpened,
    digits: 0,
    noRatio: true,
    target: (get) => ({ text: `≤ max_size (${POOL_MAX_SIZE})`, met: check(get('ccproxy'), (v) => v <= POOL_MAX_SIZE) }),
  },
  { label: 'SSE time to first byte p50, ms', value: (r) => median(r.sseTtfbP50), digits: 3 },
  {
    label: 'SSE total p50, ms',
    value: (r) => median(r.sseTotalP50),
    digits: 3,
    target: (get) => {
      const direct = get('direct');
      return { text: '≤ 2 × direct', met: direct === null ? null : check(get('ccproxy'), (v) => v <= 2 * direct) };
    },
  },
  { label: 'peak RSS, MB', value: (r) => mb(r.peakRss), digits: 1 },
  {
    label: 'upload peak RSS, MB',
    value: (r) => mb(r.upload?.peakRss),
    digits: 1,
    noRatio: true,
    target: (get) => ({ text: '≤ 400', met: check(get('ccproxy'), (v) => v <= 400) }),
  },
  { label: 'upload wall time, s', value: (r) => (r.upload ? r.upload.wallMs / 1000 : null), digits: 2, noRatio: true },
];

export function renderTable(results: Map<Target['key'], TargetResult>): string {
  const direct = results.get('direct')!;
  const valueOf = (row: Row, key: Target['key']): number | null => {
    const r = results.get(key);
    if (!r) return null;
    const v = row.value(r, direct, key);
    return v === null || Number.isNaN(v) ? null : v;
  };
  const header = ['', 'direct', 'ccproxy', '×direct', 'desktop', '×direct', 'passthrough', '×direct', 'target for ccproxy', 'ccproxy'];
  const body = rows.map((row) => {
    const d = valueOf(row, 'direct');
    const c = valueOf(row, 'ccproxy');
    const dk = valueOf(row, 'desktop');
    const p = valueOf(row, 'passthrough');
    const verdict = row.target?.((k) => valueOf(row, k));
    const r = (v: number | null) => (row.noRatio ? '' : ratio(v, d));
    return [
      row.label,
      d === null ? '—' : fmt(d, row.digits),
      fmt(c, row.digits),
      r(c),
      fmt(dk, row.digits),
      r(dk),
      fmt(p, row.digits),
      r(p),
      verdict?.text ?? '',
      verdict ? (verdict.met === null ? 'n/a' : verdict.met ? 'met' : 'MISSED') : '',
    ];
  });
  return table([header, ...body]);
}
