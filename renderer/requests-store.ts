// The request records the Requests view holds: one per id (the start event and the end event of a request
// share an id, the later one wins), in arrival order, at most `limit` of them (the oldest go first).
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
  readonly models = new Set<string>();

  constructor(private limit: number) {}

  setLimit(limit: number): void {
    this.limit = Math.max(0, limit);
    this.trim();
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): RequestRecord | undefined {
    return this.byId.get(id);
  }

  /** Adds or replaces a record; a record keeps its place (the time it started). */
  upsert(r: RequestRecord): void {
    this.byId.set(r.id, r);
    if (r.model) this.models.add(r.model);
    if (r.mapped_model) this.models.add(r.mapped_model);
    this.trim();
  }

  /** Newest first. */
  newestFirst(): RequestRecord[] {
    return [...this.byId.values()].reverse();
  }

  private trim(): void {
    for (const id of this.byId.keys()) {
      if (this.byId.size <= this.limit) break;
      this.byId.delete(id);
    }
  }
}
