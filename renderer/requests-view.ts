// The Requests view: a live table of the proxy's requests (newest first), filled from getRequests and kept
// current by the `request` event (sent when a request starts and again when it ends), with filters by status,
// model and route, and a detail pane for the clicked row. At most [logging] request_history rows are kept.
import type { CcproxyApi, RequestRecord } from '../main/common/contract.js';
import { fmt, h, toast } from './dom.js';
import { renderDetail } from './requests-detail.js';
import { connectionCell, modelText, statusBadge, tokensText } from './requests-format.js';
import { matches, RequestStore, type RequestFilter, type StatusFilter } from './requests-store.js';

/** Until the settings say otherwise: the default of [logging] request_history. */
const DEFAULT_HISTORY = 1000;
const REDRAW_MS = 150;
const COLUMNS = ['Time', 'Request', 'Model', 'Status', 'Duration', 'First byte', 'Connection', 'Tokens in / out'];
const NUMERIC = new Set(['Duration', 'First byte', 'Tokens in / out']);

export interface RequestsPanel {
  root: HTMLElement;
  show(): void;
  hide(): void;
}

export function createRequestsView(api: CcproxyApi): RequestsPanel {
  const store = new RequestStore(DEFAULT_HISTORY);
  const statusSel = h('select', { id: 'req-status' }, h('option', { value: 'all' }, 'All'), h('option', { value: 'ok' }, 'Succeeded'), h('option', { value: 'errors' }, 'Failed'));
  const modelSel = h('select', { id: 'req-model' }, h('option', { value: '' }, 'All models'));
  const routeSel = h('select', { id: 'req-route' }, h('option', { value: '' }, 'All routes'), h('option', { value: 'anthropic' }, 'Anthropic (/v1/messages…)'), h('option', { value: 'openai' }, 'OpenAI-compatible'), h('option', { value: 'responses' }, 'OpenAI Responses (/v1/responses)'));
  const count = h('span', { class: 'log-count muted', id: 'req-count', 'aria-live': 'polite' });
  const tbody = h('tbody', { id: 'requests-body' });
  const empty = h('p', { class: 'empty', id: 'requests-empty' }, 'No requests yet. Point a tool at the endpoint above and they appear here as they happen.');
  const table = h(
    'table',
    { class: 'data-table requests-table', id: 'requests-table' },
    h('caption', { class: 'sr-only' }, 'Requests through the proxy, newest first'),
    h('thead', {}, h('tr', {}, ...COLUMNS.map((c) => h('th', { scope: 'col', class: NUMERIC.has(c) ? 'num' : undefined }, c)))),
    tbody,
  );
  const detail = h('aside', { class: 'card request-detail', id: 'request-detail', 'aria-label': 'Request details', hidden: true });
  const root = h(
    'section',
    { class: 'view view-requests', 'aria-label': 'Requests' },
    h(
      'div',
      { class: 'log-toolbar' },
      h('label', { class: 'inline-label' }, 'Status', statusSel),
      h('label', { class: 'inline-label' }, 'Model', modelSel),
      h('label', { class: 'inline-label' }, 'Route', routeSel),
      count,
    ),
    h('div', { class: 'requests-layout' }, h('div', { class: 'card requests-card table-scroll' }, table, empty), detail),
  );

  const rows = new WeakMap<RequestRecord, HTMLTableRowElement>();
  let selected: string | null = null;
  let shownDetail: RequestRecord | null = null;
  let visible = false;
  let frame = 0;
  let historyOff = false;

  const filter = (): RequestFilter => ({ status: statusSel.value as StatusFilter, model: modelSel.value, route: routeSel.value });

  function rowFor(r: RequestRecord): HTMLTableRowElement {
    let tr = rows.get(r);
    if (tr) return tr;
    const open = h('button', { type: 'button', class: 'row-open', 'aria-label': `Details of ${r.method} ${r.path} at ${fmt.clock(r.started_at)}` }, h('code', {}, `${r.method} ${r.path}`));
    tr = h(
      'tr',
      { class: 'request-row', 'data-id': r.id },
      h('td', { class: 'nowrap' }, h('time', { datetime: r.started_at }, fmt.clock(r.started_at))),
      h('td', {}, open),
      h('td', {}, modelText(r)),
      h('td', {}, statusBadge(r)),
      h('td', { class: 'num' }, r.duration_ms === null ? '…' : fmt.ms(r.duration_ms)),
      h('td', { class: 'num' }, fmt.ms(r.ttfb_ms)),
      h('td', { class: 'nowrap' }, ...connectionCell(r)),
      h('td', { class: 'num' }, tokensText(r)),
    );
    // The whole row opens the details; the button in it is the keyboard's way in.
    tr.addEventListener('click', () => select(r.id));
    rows.set(r, tr);
    return tr;
  }

  function syncModels(): void {
    const have = new Set([...modelSel.options].map((o) => o.value));
    for (const m of [...store.models].sort()) if (!have.has(m)) modelSel.appendChild(h('option', { value: m }, m));
  }

  function render(): void {
    frame = 0;
    if (!visible) return;
    const f = filter();
    const all = store.newestFirst();
    const shown = all.filter((r) => matches(r, f));
    tbody.replaceChildren(...shown.map(rowFor));
    for (const tr of tbody.children) tr.classList.toggle('is-selected', (tr as HTMLElement).dataset.id === selected);
    empty.hidden = shown.length > 0;
    if (all.length > 0 && !historyOff) empty.textContent = 'No requests match these filters.';
    count.textContent = shown.length === all.length ? `${all.length} requests` : `${shown.length} of ${all.length} requests`;
    syncModels();
    renderDetailPane();
  }

  function renderDetailPane(): void {
    const r = selected ? store.get(selected) : undefined;
    detail.hidden = !r;
    if (!r || r === shownDetail) return;
    shownDetail = r;
    detail.replaceChildren(renderDetail(r, () => select(null)));
  }

  function select(id: string | null): void {
    const previous = selected;
    const closing = id === null || id === selected;
    selected = closing ? null : id;
    shownDetail = null;
    render();
    if (selected) detail.focus({ preventScroll: true });
    // Closing puts the keyboard back on the row it came from.
    else if (previous) tbody.querySelector<HTMLElement>(`tr[data-id="${CSS.escape(previous)}"] .row-open`)?.focus();
  }
  detail.tabIndex = -1;
  detail.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') select(null);
  });

  /** Under load many events arrive per second (two per request): the table is redrawn at most every REDRAW_MS. */
  function schedule(): void {
    if (!frame && visible) frame = window.setTimeout(() => requestAnimationFrame(render), REDRAW_MS);
  }

  const early: RequestRecord[] = [];
  let loaded = false;
  api.on('request', (r) => {
    if (!loaded) return void early.push(r);
    store.upsert(r);
    schedule();
  });

  async function load(): Promise<void> {
    try {
      const settings = await api.getSettings().catch(() => null);
      const limit = Number(settings?.values['logging']?.['request_history'] ?? DEFAULT_HISTORY);
      store.setLimit(limit);
      if (limit <= 0) {
        historyOff = true;
        empty.textContent = 'Request history is off ([logging] request_history = 0). Set it above 0 in Settings; it applies from the next start.';
      }
      const records = limit > 0 ? await api.getRequests({ limit }) : [];
      for (const r of [...records].reverse()) store.upsert(r); // oldest first: arrival order
    } catch (err) {
      toast(`Could not load the requests: ${(err as Error).message}`, 'error');
    } finally {
      for (const r of early) store.upsert(r); // newer than the fetch, or the same ids ended since
      early.length = 0;
      loaded = true;
      schedule();
    }
  }

  for (const sel of [statusSel, modelSel, routeSel]) sel.addEventListener('change', render);
  void load();

  return {
    root,
    show() {
      visible = true;
      render();
    },
    hide() {
      visible = false;
    },
  };
}
