// The Requests view's search box and how its filters become the history's (getRequestPage): the text `q`
// (path, model, error, request-id) searched by the store, the status and model filters mapped where the
// history has the same filter. Rows still pass the view's own filter too (e.g. "Failed" spans 4xx, 5xx and
// aborted, which one history filter cannot say), so nothing shown ever disagrees with the controls.
import type { HistoryFilter, RequestRecord } from '../main/common/contract.js';
import { h } from './dom.js';
import type { RequestFilter } from './requests-store.js';

/** Typing pauses this long before the history is asked again: one query per word, not per key. */
export const SEARCH_DEBOUNCE_MS = 300;

export interface SearchBox {
  root: HTMLElement;
  /** The text searched now (trimmed), '' for none. */
  query(): string;
}

export function createSearchBox(onChange: () => void): SearchBox {
  const input = h('input', { type: 'search', id: 'req-search', placeholder: 'Search path, model, error, request-id', autocomplete: 'off', spellcheck: 'false' });
  let applied = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const apply = () => {
    clearTimeout(timer);
    const next = input.value.trim();
    if (next === applied) return;
    applied = next;
    onChange();
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(apply, SEARCH_DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') apply(); // no need to wait
  });
  const root = h('label', { class: 'inline-label search-label' }, 'Search', input);
  return { root, query: () => applied };
}

/** The history's filters for the view's controls. */
export function historyFilter(q: string, f: RequestFilter): HistoryFilter {
  const out: HistoryFilter = {};
  if (q) out.q = q;
  if (f.model) out.model = f.model;
  if (f.status === 'ok') out.status = '2xx';
  return out;
}

/** What the store searches, for a live record arriving while a search is on (it stays only if it matches). */
export function matchesQuery(r: RequestRecord, q: string): boolean {
  if (!q) return true;
  const needle = q.toLowerCase();
  return [r.path, r.model, r.mapped_model, r.error_type, r.error_message, r.request_id].some((v) => !!v && v.toLowerCase().includes(needle));
}
