// Where the Requests view reads history: pages of `limit` records, newest first, each after the oldest one
// held (the `before` cursor). Today the runtime's in-memory ring answers; the SQLite history answers the same
// call (GET /requests?limit&before), so the view reads it with infinite scroll and no change here.
import type { CcproxyApi, RequestRecord } from '../main/common/contract.js';

/** One screen and a half of rows: the first page is small, so the view shows rows at once at any history size. */
export const PAGE_SIZE = 100;

export class RequestPager {
  private loading: Promise<RequestRecord[]> | null = null;
  /** False once a page came back short: nothing older is left. */
  more = true;

  constructor(private readonly api: CcproxyApi) {}

  /** The next page older than `before` (the first page without it); one fetch at a time. */
  next(before: string | undefined, max: number): Promise<RequestRecord[]> {
    if (this.loading) return this.loading;
    const limit = Math.max(0, Math.min(PAGE_SIZE, max));
    if (limit === 0) {
      this.more = false;
      return Promise.resolve([]);
    }
    this.loading = this.api
      .getRequests(before ? { limit, before } : { limit })
      .then((page) => {
        this.more = page.length === limit;
        return page;
      })
      .finally(() => (this.loading = null));
    return this.loading;
  }

  get busy(): boolean {
    return this.loading !== null;
  }
}
