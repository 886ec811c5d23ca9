// The history's reads as the API gives them: from the store when history is on, from this run's in-memory
// records when it is off, with every answer saying which ("history": "on" or "off: <reason>").
import type { HistoryFilter, RequestDetail, RequestsPage, UsageGroupBy, UsageReport } from '../../common/history.js';
import type { RequestRecord } from '../../common/requests.js';
import type { RequestRecorder } from '../recorder.js';
import { csvHeader, csvLine, jsonLine } from './export.js';
import type { History } from './history.js';
import { pageOf, usageOf } from './memory.js';

export const DEFAULT_PAGE = 100;
/** The most one page returns (a larger limit is cut to it; `next_before` pages on). */
export const MAX_PAGE = 1000;
const EXPORT_PAGE = 1000;

export class HistoryReader {
  constructor(
    readonly history: History,
    private readonly records: RequestRecorder,
  ) {}

  /** "on", or "off: <reason>". */
  get state(): string {
    return this.history.state;
  }

  private memory(): RequestRecord[] {
    return this.records.list(Number.MAX_SAFE_INTEGER);
  }

  page(filter: HistoryFilter, asked = DEFAULT_PAGE): RequestsPage {
    const limit = Math.min(asked, MAX_PAGE);
    const stored = this.history.list(filter, limit);
    const requests = stored ?? pageOf(this.memory(), filter, limit);
    return { requests, next_before: requests.length === limit && limit > 0 ? requests[requests.length - 1]!.id : null, history: this.history.state };
  }

  usage(groupBy: UsageGroupBy, filter: HistoryFilter): UsageReport {
    const rows = this.history.usage(groupBy, filter) ?? usageOf(this.memory(), groupBy, filter);
    return { group_by: groupBy, since: filter.since ?? null, until: filter.until ?? null, rows, history: this.history.state };
  }

  /** One record (with bodies when captured); null when it is not known. */
  detail(id: string): RequestDetail | null {
    const stored = this.history.detail(id);
    if (stored !== undefined) return stored;
    const live = this.memory().find((r) => r.id === id);
    return live ? { record: live, bodies: null } : null;
  }

  /** Export lines, header first for CSV; generated as they are read. */
  *exportLines(format: 'csv' | 'jsonl', filter: HistoryFilter): Generator<string> {
    if (format === 'csv') yield csvHeader();
    const line = format === 'csv' ? csvLine : jsonLine;
    if (!this.history.on) {
      for (const r of pageOf(this.memory(), filter, Number.MAX_SAFE_INTEGER)) yield line(r);
      return;
    }
    // In pages, not one long-running statement: the writer must be able to use the connection between them.
    for (let before = filter.before; ; ) {
      const page = this.history.list({ ...filter, before }, EXPORT_PAGE) ?? [];
      for (const r of page) yield line(r);
      if (page.length < EXPORT_PAGE) return;
      before = page[page.length - 1]!.id;
    }
  }

  reset(): { moved_to: string | null; history: string } {
    return this.history.reset();
  }

  clear(): { deleted: number; history: string } {
    return { deleted: this.history.clear(), history: this.history.state };
  }
}
