// The Requests view: a live table of the proxy's requests (newest first), read in pages from getRequests and
// kept current by the `request` event (sent when a request starts and again when it ends), with filters by
// status, model and route, and a detail pane for the clicked row. Only the rows in view are in the DOM
// (virtual-list.ts), and new rows wait while the reader is busy with the list: paused by hand, scrolled down,
// a row open, the keyboard on a row or text selected in it. At most [logging] request_history rows are kept.
import type { CcproxyApi, RequestRecord } from '../main/common/contract.js';
import { h, toast } from './dom.js';
import { renderDetail } from './requests-detail.js';
import { REQUEST_ROW_PX, RequestRows } from './requests-rows.js';
import { PAGE_SIZE, RequestPager } from './requests-source.js';
import { matches, RequestStore, type RequestFilter, type StatusFilter } from './requests-store.js';
import { VirtualList } from './virtual-list.js';
import { createSearchBox, historyFilter, matchesQuery } from './requests-search.js';
import { createRequestActions } from './requests-actions.js';
import { requestBodies } from './requests-bodies.js';

/** Until the settings say otherwise: the default of [logging] request_history. */
const DEFAULT_HISTORY = 1000;
const COLUMNS: Array<[name: string, cls: string]> = [
  ['Time', 'col-time'],
  ['Request', 'col-request'],
  ['Model', 'col-model'],
  ['Status', 'col-status'],
  ['Duration', 'col-num'],
  ['First byte', 'col-num'],
  ['Connection', 'col-conn'],
  ['Tokens in / out', 'col-tokens'],
];
const CATCH_UP_MS = 100;
const NUMERIC = new Set(['Duration', 'First byte', 'Tokens in / out']);
/** Below this width the detail pane covers the table instead of sitting beside it (requests.css agrees). */
const OVERLAY_QUERY = '(max-width: 999px)';

export interface RequestsPanel {
  root: HTMLElement;
  show(): void;
  hide(): void;
}

export function createRequestsView(api: CcproxyApi): RequestsPanel {
  const store = new RequestStore(DEFAULT_HISTORY);
  const search = createSearchBox(() => restart());
  const pager = new RequestPager(api, () => historyFilter(search.query(), filter()));
  const actions = createRequestActions(api, () => historyFilter(search.query(), filter()), () => restart());
  const statusSel = h('select', { id: 'req-status' }, h('option', { value: 'all' }, 'All'), h('option', { value: 'ok' }, 'Succeeded'), h('option', { value: 'errors' }, 'Failed'));
  const modelSel = h('select', { id: 'req-model' }, h('option', { value: '' }, 'All models'));
  const routeSel = h('select', { id: 'req-route' }, h('option', { value: '' }, 'All routes'), h('option', { value: 'anthropic' }, 'Anthropic (/v1/messages…)'), h('option', { value: 'openai' }, 'OpenAI-compatible'), h('option', { value: 'responses' }, 'OpenAI Responses (/v1/responses)'));
  const pauseBtn = h('button', { type: 'button', class: 'btn', id: 'req-pause', 'aria-pressed': 'false' }, 'Pause');
  // Always in the toolbar's layout (shown by visibility): text appearing there must not move the table under a
  // pointer that is halfway through a click (a wrap at 800 px did, and the click landed on another row).
  const pausedNote = h('span', { class: 'paused-note', id: 'req-paused', 'aria-live': 'polite' });
  const count = h('span', { class: 'log-count muted', id: 'req-count', 'aria-live': 'polite' });
  const tbody = h('tbody', { id: 'requests-body' });
  const empty = h('p', { class: 'empty', id: 'requests-empty' }, 'No requests yet. Point a tool at the endpoint above and they appear here as they happen.');
  const table = h(
    'table',
    { class: 'data-table requests-table', id: 'requests-table' },
    h('caption', { class: 'sr-only' }, 'Requests through the proxy, newest first'),
    h('colgroup', {}, ...COLUMNS.map(([, cls]) => h('col', { class: cls }))),
    h('thead', {}, h('tr', {}, ...COLUMNS.map(([c]) => h('th', { scope: 'col', class: NUMERIC.has(c) ? 'num' : undefined }, c)))),
    tbody,
  );
  const scroller = h('div', { class: 'card requests-card', id: 'requests-scroll' }, table, empty);
  const detail = h('aside', { class: 'card request-detail', id: 'request-detail', 'aria-label': 'Request details', hidden: true, tabindex: '-1' });
  const layout = h('div', { class: 'requests-layout' }, scroller, detail);
  const root = h(
    'section',
    { class: 'view view-requests', 'aria-label': 'Requests' },
    h(
      'div',
      { class: 'log-toolbar' },
      search.root,
      h('label', { class: 'inline-label' }, 'Status', statusSel),
      h('label', { class: 'inline-label' }, 'Model', modelSel),
      h('label', { class: 'inline-label' }, 'Route', routeSel),
      pauseBtn,
      pausedNote,
      count,
      actions.root,
    ),
    layout,
    actions.dialog,
  );

  let selected: string | null = null;
  let shownDetail: RequestRecord | null = null;
  let visible = false;
  let historyOff = false;
  /** What the table shows: ids newest first, frozen while paused. */
  let shown: string[] = [];
  let manualPause = false;
  let newWhilePaused = 0;
  let dirty = false;
  let focusInList = false;
  let selectionInList = false;

  const rows = new RequestRows((id) => select(id));
  const list = new VirtualList({
    scroller,
    body: tbody,
    rowHeight: REQUEST_ROW_PX,
    overscan: 6,
    spacer: () => h('tr', { class: 'vl-row', 'aria-hidden': 'true' }, h('td', { colspan: COLUMNS.length })),
    key: (i) => shown[i]!,
    render: (i) => rows.get(store.get(shown[i]!)!, shown[i] === selected),
    afterRender: (range) => {
      // Near the bottom of what is held: read the next page of history.
      if (range.end >= shown.length - 10 && pager.more && !pager.busy && store.size < limit) void loadPage();
    },
  });

  const filter = (): RequestFilter => ({ status: statusSel.value as StatusFilter, model: modelSel.value, route: routeSel.value });
  /** Kept by the scroll listener: reading scrollTop per event would force a layout each time the table changed. */
  let away = false;
  const scrolledAway = () => away;
  /** Why new rows wait, or null when they go straight in. */
  function pauseReason(): string | null {
    if (manualPause) return 'Paused';
    if (selected) return 'Paused while a request is open';
    if (selectionInList) return 'Paused while text is selected';
    if (focusInList) return 'Paused while a row has the keyboard';
    if (scrolledAway()) return 'Paused while scrolled down';
    return null;
  }

  let modelsSeen = -1;
  function syncModels(): void {
    if (store.modelsVersion === modelsSeen) return;
    modelsSeen = store.modelsVersion;
    const models = store.models();
    const current = modelSel.value;
    const want = ['', ...models.filter((m) => m !== current), ...(current ? [current] : [])];
    const have = [...modelSel.options].map((o) => o.value);
    if (have.length === want.length && want.every((m) => have.includes(m))) return;
    // Models no longer held go (except the one chosen, so the filter does not change under the user).
    const options = ['', ...[...new Set([...models, ...(current ? [current] : [])])].sort()];
    modelSel.replaceChildren(...options.map((m) => h('option', { value: m }, m || 'All models')));
    modelSel.value = current;
  }

  /** The table catches up with the store, unless the reader holds it still. */
  function refresh(force = false, inFrame = false): void {
    dirty = false;
    const reason = force ? null : pauseReason();
    if (reason === null) {
      store.hold([]); // the oldest beyond the limit go now
      shown = store.filtered(filter());
      newWhilePaused = 0;
      rows.prune((id) => store.get(id) !== undefined);
    }
    // What is on screen stays in the store until the next catch-up, whatever arrives meanwhile.
    store.hold(shown);
    if (visible) {
      list.setCount(shown.length);
      if (inFrame) list.flush(); // the rows first (layout read before any write), in this frame
    }
    updateBar();
    syncModels();
  }

  function updateBar(): void {
    const reason = pauseReason();
    pauseBtn.textContent = manualPause || (reason && newWhilePaused) ? (newWhilePaused ? `Resume (${newWhilePaused} new)` : 'Resume') : 'Pause';
    pauseBtn.setAttribute('aria-pressed', String(manualPause));
    pausedNote.classList.toggle('on', reason !== null && !manualPause);
    pausedNote.textContent = reason && !manualPause ? `${reason}${newWhilePaused ? ` · ${newWhilePaused} new` : ''}` : '';
    const total = store.size;
    const more = pager.more && total < limit ? '+' : '';
    count.textContent = shown.length === total ? `${total}${more} requests` : `${shown.length} of ${total}${more} requests`;
    empty.hidden = shown.length > 0;
    if (total > 0 && !historyOff) empty.textContent = 'No requests match these filters.';
    renderDetailPane();
  }

  function renderDetailPane(): void {
    const r = selected ? store.get(selected) : undefined;
    detail.hidden = !r;
    layout.classList.toggle('has-detail', !!r);
    if (!r || r === shownDetail) return;
    shownDetail = r;
    detail.replaceChildren(renderDetail(r, () => select(null)));
    detail.firstElementChild?.append(requestBodies(api, r));
  }

  function select(id: string | null): void {
    const previous = selected;
    selected = id === null || id === selected ? null : id;
    shownDetail = null;
    refresh(); // the rows on screen are drawn again: the selected mark moves
    list.setCount(shown.length);
    if (selected) {
      // Side pane or overlay, the keyboard goes to it; an overlay is fixed to the window, so it is in view.
      detail.focus({ preventScroll: !window.matchMedia(OVERLAY_QUERY).matches });
      detail.scrollIntoView({ block: 'nearest' });
    } else if (previous) focusRow(previous);
  }

  /** Closing puts the keyboard back on the row it came from (scrolled into the window first if it left it). */
  function focusRow(id: string): void {
    const find = () => tbody.querySelector<HTMLElement>(`tr[data-id="${CSS.escape(id)}"] .row-open`);
    const el = find();
    if (el) return el.focus({ preventScroll: false });
    const index = shown.indexOf(id);
    if (index === -1) return;
    scroller.scrollTop = index * REQUEST_ROW_PX;
    requestAnimationFrame(() => requestAnimationFrame(() => find()?.focus()));
  }

  detail.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') select(null);
  });

  // The reader's hold on the list: each change re-checks whether new rows may go in.
  tbody.addEventListener('focusin', () => {
    focusInList = true;
    updateBar();
  });
  tbody.addEventListener('focusout', (e) => {
    focusInList = tbody.contains(e.relatedTarget as Node | null);
    if (!focusInList) schedule();
  });
  document.addEventListener('selectionchange', () => {
    const sel = document.getSelection();
    const inList = !!sel && !sel.isCollapsed && sel.rangeCount > 0 && tbody.contains(sel.getRangeAt(0).commonAncestorContainer);
    if (inList === selectionInList) return;
    selectionInList = inList;
    if (!inList) schedule();
    else updateBar();
  });
  scroller.addEventListener(
    'scroll',
    () => {
      const now = scroller.scrollTop > REQUEST_ROW_PX / 2;
      if (now === away) return;
      away = now;
      if (!away) schedule();
      else updateBar();
    },
    { passive: true },
  );

  pauseBtn.addEventListener('click', () => {
    if (manualPause || newWhilePaused) {
      // Resume: show what came in, from the top.
      manualPause = false;
      list.scrollToTop();
      refresh(true);
    } else {
      manualPause = true;
      refresh();
    }
  });

  /**
   * Under load many events arrive per second (two per request): the table catches up at most every
   * CATCH_UP_MS, in an animation frame. A tenth of a second is quick to the eye and a sixth of the work of
   * drawing every frame.
   */
  let frame = 0;
  let caughtUpAt = 0;
  function schedule(): void {
    dirty = true;
    if (frame || !visible) return;
    const wait = Math.max(0, caughtUpAt + CATCH_UP_MS - performance.now());
    frame = window.setTimeout(() => {
      requestAnimationFrame(() => {
        frame = 0;
        caughtUpAt = performance.now();
        if (dirty) refresh(false, true);
      });
    }, wait);
  }

  let limit = DEFAULT_HISTORY;
  const early: RequestRecord[] = [];
  let loaded = false;

  function onRecord(r: RequestRecord): void {
    const isNew = store.upsert(r);
    if (isNew && pauseReason() !== null) newWhilePaused++;
    if (r.id === selected) shownDetail = null;
    if (!visible) {
      dirty = true;
      return; // off screen: no DOM work; show() catches up
    }
    if (!isNew && pauseReason() !== null) {
      // A row already on screen changed: redraw it in place (the next frame), nothing else moves.
      list.setCount(shown.length);
      renderDetailPane();
      if (newWhilePaused) updateBar();
      return;
    }
    schedule();
  }

  api.on('request', (r) => {
    if (!store.get(r.id) && !matchesQuery(r, search.query())) return; // a search is on: only what it finds
    if (!loaded) return void early.push(r);
    onRecord(r);
  });

  async function loadPage(): Promise<void> {
    try {
      const page = await pager.next(store.oldestId(), limit - store.size);
      store.appendOlder(page);
      // Older than every row on screen: they go below it even while new rows wait above.
      if (pauseReason() !== null) {
        const f = filter();
        for (const r of page) if (store.get(r.id) === r && matches(r, f)) shown.push(r.id);
        store.hold(shown);
      }
    } catch (err) {
      toast(`Could not load the requests: ${(err as Error).message}`, 'error');
      pager.more = false;
    }
    schedule();
  }

  async function load(): Promise<void> {
    try {
      // The first page and the settings at once: the runtime never answers more than it holds.
      const [settings, page] = await Promise.all([api.getSettings().catch(() => null), pager.next(undefined, PAGE_SIZE)]);
      limit = Number(settings?.values['logging']?.['request_history'] ?? DEFAULT_HISTORY);
      store.setLimit(limit);
      if (limit <= 0) {
        historyOff = true;
        pager.more = false;
        empty.textContent = 'Request history is off ([logging] request_history = 0). Set it above 0 in Settings; it applies from the next start.';
      } else {
        store.appendOlder(page);
        if (store.size >= limit) pager.more = false;
      }
    } catch (err) {
      toast(`Could not load the requests: ${(err as Error).message}`, 'error');
    } finally {
      // Newer than the first page, or the same ids ended since: live events, applied in order.
      for (const r of early) store.upsert(r);
      early.length = 0;
      loaded = true;
      schedule();
      if (!visible) refresh();
    }
  }

  /** New filters or search, or the history cleared: read the history again from the newest. */
  function restart(): void {
    store.clear();
    pager.reset();
    selected = null;
    list.scrollToTop();
    refresh(true);
    if (!historyOff) void loadPage();
  }

  for (const sel of [statusSel, modelSel, routeSel]) sel.addEventListener('change', () => restart());
  void load();

  return {
    root,
    show() {
      visible = true;
      list.setActive(true);
      refresh();
    },
    hide() {
      visible = false;
      list.setActive(false);
    },
  };
}
