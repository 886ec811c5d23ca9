// Small order statistics and the plain-text table the bench prints.

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: p99 of 500 samples is the 495th, a value that was actually observed.
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const median = (values: number[]) => percentile(values, 50);

/** Columns padded to their widest cell; the first column left-aligned, the rest right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

export function fmt(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return value >= 1000 ? Math.round(value).toLocaleString('en-US') : value.toFixed(digits);
}

export const ratio = (value: number | null | undefined, base: number | null | undefined): string =>
  value == null || base == null || !Number.isFinite(value) || !Number.isFinite(base) || base === 0 ? '' : `${(value / base).toFixed(2)}×`;

export const mb = (bytes: number | null | undefined) => (bytes == null ? null : bytes / 1024 / 1024);
