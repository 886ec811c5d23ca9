// Where the Requests view reads history: pages of `limit` records, newest first, from getRequestPage with the
// view's search and filters; each next page starts at the cursor the last one gave (next_before), so infinite
// scroll walks the SQLite history (or this run's records when the history is off) without gaps or repeats.
import type { CcproxyApi, HistoryFilter, RequestRecord } from '../main/common/contract.js';

/** One screen and a half of rows: the first page is small, so the view shows rows at once at any history size. */
export const PAGE_SIZE = 100;

export class RequestPager {
  private loading: Promise<RequestRecord[]> | null = null;
  /** False once a page came back short: nothing older is left. */
  more = true;

  /** The history's cursor for the next page (next_before); undefined before the first page. */
  private cursor: string | undefined;
  /** Moves on reset: a page asked for under the old filters is dropped when it lands. */
  private generation = 0;

  constructor(
    private readonly api: CcproxyApi,
    private readonly filter: () => HistoryFilter = () => ({}),
  ) {}

  /** The filters changed: start again from the newest. */
  reset(): void {
    this.generation++;
    this.loading = null;
    this.cursor = undefined;
    this.more = true;
  }

  /** The next page older than `before` (the first page without it); one fetch at a time. */
  next(before: string | undefined, max: number): Promise<RequestRecord[]> {
    if (this.loading) return this.loading;
    const limit = Math.max(0, Math.min(PAGE_SIZE, max));
    if (limit === 0) {
      this.more = false;
      return Promise.resolve([]);
    }
    const generation = this.generation;
    const cursor = this.cursor ?? before;
    const loading = this.api
      .getRequestPage({ limit, ...this.filter(), ...(cursor ? { before: cursor } : {}) })
      .then((page) => {
        if (generation !== this.generation) return [];
        this.cursor = page.next_before ?? undefined;
        this.more = page.next_before !== null;
        return page.requests;
      })
      .finally(() => {
        if (this.loading === loading) this.loading = null;
      });
    this.loading = loading;
    return loading;
  }

  get busy(): boolean {
    return this.loading !== null;
  }
}
