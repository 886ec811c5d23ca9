// The request records the Requests view holds: one per id (the start event and the end event of a request
// share an id, the later one wins), newest first, at most `limit` of them (the oldest go first). Live records
// arrive at the top; pages of history (older records) are appended at the bottom.
import type { RequestRecord } from '../main/common/contract.js';

export type StatusFilter = 'all' | 'ok' | 'errors';

export interface RequestFilter {
  status: StatusFilter;
  model: string;
  route: string;
}

export const isInFlight = (r: RequestRecord) => r.duration_ms === null;
/** Failed: an error status, or an end without any answer (client gone, upstream reset). */
export const isError = (r: RequestRecord) => !isInFlight(r) && (r.status >= 400 || r.status === 0 || r.error_type !== null);
export const isOk = (r: RequestRecord) => !isInFlight(r) && !isError(r);

export function matches(r: RequestRecord, f: RequestFilter): boolean {
  if (f.status === 'ok' && !isOk(r)) return false;
  if (f.status === 'errors' && !isError(r)) return false;
  if (f.model && r.model !== f.model && r.mapped_model !== f.model) return false;
  if (f.route && r.route !== f.route) return false;
  return true;
}

export class RequestStore {
  private readonly byId = new Map<string, RequestRecord>();
  /** Ids, newest first. */
  private order: string[] = [];
  /** Moves when a model may have come or gone (a record added, replaced or trimmed), so the filter's options are rebuilt only then. */
  modelsVersion = 0;
  private readonly modelCounts = new Map<string, number>();
  /** Ids that must not be trimmed yet (rows on a paused screen). */
  private held = new Set<string>();

  constructor(private limit: number) {}

  /** Everything goes (new filters, or the history cleared); held rows too. */
  clear(): void {
    this.byId.clear();
    this.order = [];
    this.held.clear();
    this.modelCounts.clear();
    this.modelsVersion++;
  }

  setLimit(limit: number): void {
    this.limit = Math.max(0, limit);
    this.trim();
  }

  get size(): number {
    return this.order.length;
  }

  get(id: string): RequestRecord | undefined {
    return this.byId.get(id);
  }

  /** A live record: new ids go on top (returns true), known ids are replaced in place (false). */
  upsert(r: RequestRecord): boolean {
    const known = this.byId.get(r.id);
    this.byId.set(r.id, r);
    if (known) this.countModels(known, -1);
    this.countModels(r, 1);
    if (known) return false;
    this.order.unshift(r.id);
    this.trim();
    return true;
  }

  /** A page of older records (newest first), appended below what is held; ids already held are skipped. */
  appendOlder(records: readonly RequestRecord[]): void {
    for (const r of records) {
      if (this.byId.has(r.id)) continue;
      this.byId.set(r.id, r);
      this.order.push(r.id);
      this.countModels(r, 1);
    }
    this.trim();
  }

  /** The oldest id held: the cursor for the next page of history. */
  oldestId(): string | undefined {
    return this.order.at(-1);
  }

  /** Ids newest first. */
  ids(): readonly string[] {
    return this.order;
  }

  filtered(f: RequestFilter): string[] {
    const out: string[] = [];
    for (const id of this.order) if (matches(this.byId.get(id)!, f)) out.push(id);
    return out;
  }

  /** The models of the records held, sorted. */
  models(): string[] {
    return [...this.modelCounts.keys()].sort();
  }

  private countModels(r: RequestRecord, delta: 1 | -1): void {
    for (const m of new Set([r.model, r.mapped_model])) {
      if (!m) continue;
      const n = (this.modelCounts.get(m) ?? 0) + delta;
      if (n <= 0) this.modelCounts.delete(m);
      else this.modelCounts.set(m, n);
      if (n === 0 || n === 1) this.modelsVersion++; // a model came or went
    }
  }

  /** Rows on a paused screen stay until it is resumed (a record trimmed under the reader would vanish). */
  hold(ids: Iterable<string>): void {
    this.held = new Set(ids);
    this.trim();
  }

  private trim(): void {
    while (this.order.length > this.limit) {
      const id = this.order[this.order.length - 1]!;
      if (this.held.has(id)) break;
      this.order.pop();
      this.countModels(this.byId.get(id)!, -1);
      this.byId.delete(id);
    }
  }
}
