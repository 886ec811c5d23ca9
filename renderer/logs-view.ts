// The live log: the runtime's buffer, then each new line as it is logged. Only the lines in view are in the
// DOM (virtual-list.ts); new lines are appended to a list of matches and drawn at most four times a second, and following
// the end is one scroll per draw, not a layout per line. Level and text filters; Pause keeps a snapshot that
// the filters then apply to; a reader scrolled up stays on their line while old lines go; Clear and Download.
// Warnings and errors have their own budget (logs-store.ts). A restart of ccproxy (a new run) is marked.
import type { CcproxyApi, LogEntry, LogLevel, RuntimeStatus } from '../main/common/contract.js';
import { copyText, fmt, h, isSwitchOn, setSwitch, switchButton, toast } from './dom.js';
import { LogStore, type LogItem } from './logs-store.js';
import { VirtualList } from './virtual-list.js';

/** Until the settings say otherwise: the default of [logging] buffer_size. */
const DEFAULT_LINES = 1000;
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
const REUSE = 'Reusing existing connection';
/** How close to the end counts as "at the end" (a pixel or two of rounding, a line being added). */
const STICKY_PX = 24;
/** Must match .log-line's height in styles.css: the windowing places lines by arithmetic. */
const LINE_PX = 22;
/** A log is read, not watched frame by frame: four draws a second keep the work (and the repaints) low. */
const CATCH_UP_MS = 250;
/** The first sync waits this long at most for the event stream to open (then lines cannot fall between). */
const STREAM_WAIT_MS = 1500;

export interface LogsPanel {
  root: HTMLElement;
  show(): void;
  hide(): void;
}

/** Writes text only when it changed (an unchanged write still invalidates the layout). */
const setText = (el: HTMLElement, text: string) => {
  if (el.textContent !== text) el.textContent = text;
};
const lineText = (i: LogItem) => (i.kind === 'line' ? `${i.entry.time} ${i.entry.level.toUpperCase()} ${i.entry.message}` : `--- ccproxy started again (run ${i.run}) ---`);

export function createLogsView(api: CcproxyApi): LogsPanel {
  const level = h(
    'select',
    { id: 'log-level', 'aria-label': 'Level' },
    h('option', { value: 'debug' }, 'All levels'),
    h('option', { value: 'info' }, 'Info and above'),
    h('option', { value: 'warn' }, 'Warnings and errors'),
    h('option', { value: 'error' }, 'Errors only'),
  );
  const search = h('input', { type: 'search', id: 'log-search', placeholder: 'Search log lines', 'aria-label': 'Search log lines', spellcheck: 'false' });
  const pauseBtn = h('button', { type: 'button', class: 'btn', id: 'log-pause', 'aria-pressed': 'false' }, 'Pause');
  const autoScroll = switchButton('Auto-scroll', 'log-autoscroll');
  setSwitch(autoScroll, true);
  const copyBtn = h('button', { type: 'button', class: 'btn', id: 'log-copy' }, 'Copy visible');
  const downloadBtn = h('button', { type: 'button', class: 'btn', id: 'log-download' }, 'Download');
  const clearBtn = h('button', { type: 'button', class: 'btn', id: 'log-clear' }, 'Clear');
  const count = h('span', { class: 'log-count muted', id: 'log-count', 'aria-live': 'polite' });
  const list = h('ol', { class: 'log-list', id: 'log-list' });
  const empty = h('p', { class: 'empty log-empty', hidden: true }, 'No log lines match.');
  const scroller = h('div', { class: 'log-scroll card', id: 'log-scroll', role: 'log', 'aria-label': 'Log lines', tabindex: '0' }, list, empty);
  const root = h(
    'section',
    { class: 'view view-logs', 'aria-label': 'Logs' },
    h(
      'div',
      { class: 'log-toolbar' },
      h('label', { class: 'inline-label', for: 'log-level' }, 'Level'),
      level,
      search,
      pauseBtn,
      h('span', { class: 'inline-label' }, h('label', { for: 'log-autoscroll' }, 'Auto-scroll'), autoScroll),
      copyBtn,
      downloadBtn,
      clearBtn,
      count,
    ),
    scroller,
  );

  const store = new LogStore(DEFAULT_LINES);
  /** While paused: what was held when Pause was pressed. The filters apply to it. */
  let snapshot: LogItem[] | null = null;
  let missed = 0;
  /** The items that match the filters, oldest first: what the list windows over. */
  let matched: LogItem[] = [];
  let matchedLines = 0;
  let snapshotLines = 0;
  /** Rendered <li> per item key, for the current search (its marks are in them). */
  const nodes = new Map<string, HTMLLIElement>();
  let visible = false;
  let stale = true;
  let atEnd = true;
  let removedAbove = 0;
  let frame = 0;

  const needle = () => search.value.trim().toLowerCase();
  const levelValue = () => level.value as LogLevel;
  function matches(item: LogItem, q: string): boolean {
    if (item.kind === 'restart') return !q;
    return RANK[item.entry.level] <= RANK[levelValue()] && (!q || item.entry.message.toLowerCase().includes(q));
  }
  const following = () => isSwitchOn(autoScroll) && atEnd;

  function messageNode(message: string, q: string): HTMLElement {
    const span = h('span', { class: 'log-msg' });
    if (!q) {
      span.textContent = message;
      return span;
    }
    // Mark every occurrence of the search text, built from text nodes (no markup from the log ever parsed).
    const lower = message.toLowerCase();
    let at = 0;
    for (let i = lower.indexOf(q); i !== -1; i = lower.indexOf(q, at)) {
      span.append(message.slice(at, i), h('mark', {}, message.slice(i, i + q.length)));
      at = i + q.length;
    }
    span.append(message.slice(at));
    return span;
  }

  function itemNode(item: LogItem): HTMLLIElement {
    let li = nodes.get(item.key);
    if (li) return li;
    if (item.kind === 'restart') {
      li = h('li', { class: 'log-restart', 'data-run': item.run }, h('time', { class: 'log-time', datetime: item.time }, fmt.clock(item.time)), h('span', {}, `ccproxy started again (run ${item.run}); the lines below are from the new run.`));
    } else {
      const e = item.entry;
      li = h(
        'li',
        { class: `log-line lvl-${e.level}${e.message.includes(REUSE) ? ' is-reuse' : ''}`, 'data-seq': e.seq, 'data-run': e.run, title: e.message.length > 100 ? e.message : undefined },
        h('time', { class: 'log-time', datetime: e.time }, fmt.clock(e.time)),
        h('span', { class: 'log-level' }, e.level.toUpperCase()),
        messageNode(e.message, needle()),
      );
    }
    nodes.set(item.key, li);
    return li;
  }

  const vlist = new VirtualList({
    scroller,
    body: list,
    rowHeight: LINE_PX,
    overscan: 10,
    spacer: () => h('li', { class: 'vl-row', 'aria-hidden': 'true' }),
    key: (i) => matched[i]!.key,
    render: (i) => itemNode(matched[i]!),
  });

  /** All items the filters choose from: the snapshot while paused, else the store (warnings alone for those levels). */
  function source(): LogItem[] {
    const warnOnly = RANK[levelValue()] <= RANK.warn;
    if (snapshot) return snapshot;
    return warnOnly ? store.warningItems() : store.items();
  }

  /** The matches from scratch (a filter changed, Pause, Resume, Clear, or the view came back on screen). */
  function rebuild(): void {
    stale = false;
    const q = needle();
    matched = source().filter((i) => matches(i, q));
    matchedLines = matched.reduce((n, i) => n + (i.kind === 'line' ? 1 : 0), 0);
    nodes.clear();
    removedAbove = 0;
    vlist.reset();
    draw();
  }

  /** One frame's DOM work: the count, the window, and the end followed (or the reader kept on their line). */
  function draw(): void {
    frame = 0;
    if (!visible) return;
    if (stale) return rebuild();
    // The list first (its one layout read comes before any write), then the words around it.
    if (following()) vlist.followEnd(true);
    else {
      vlist.followEnd(false);
      vlist.shiftRows(-removedAbove);
    }
    removedAbove = 0;
    vlist.setCount(matched.length);
    vlist.flush();
    const total = snapshot ? snapshotLines : store.lines;
    const shown = matchedLines;
    // Warnings older than the general buffer are kept apart: said so, not mixed into its count.
    const earlier = snapshot ? 0 : store.lines - store.allLines;
    const held = earlier > 0 ? `${store.allLines} lines + ${earlier} earlier warning${earlier === 1 ? '' : 's'}` : `${total} lines`;
    setText(count, shown === total ? held : `${shown} of ${total} lines`);
    empty.hidden = shown > 0 || total === 0;
    setText(pauseBtn, snapshot ? (missed ? `Resume (${missed} new)` : 'Resume') : 'Pause');
  }

  /** New lines are drawn at most every CATCH_UP_MS, in an animation frame. */
  let drawnAt = 0;
  function schedule(): void {
    if (frame || !visible) return;
    const wait = Math.max(0, drawnAt + CATCH_UP_MS - performance.now());
    frame = window.setTimeout(() => requestAnimationFrame(() => {
      drawnAt = performance.now();
      draw();
    }), wait);
  }

  /** The index of `item` in `matched` (sorted by arrival), or -1. */
  function indexOf(item: LogItem): number {
    let lo = 0;
    let hi = matched.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const n = matched[mid]!.n;
      if (n === item.n) return mid;
      if (n < item.n) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  function add(e: LogEntry): void {
    const { added, dropped } = store.add(e);
    if (!added.length) return;
    if (snapshot) {
      // The snapshot on screen stays as it was; the store moves on and Resume shows it.
      missed++;
      return schedule();
    }
    if (!visible || stale) {
      stale = true; // off screen: no work per line; show() rebuilds once
      return;
    }
    const warnOnly = RANK[levelValue()] <= RANK.warn;
    const first = vlist.firstVisible;
    for (const old of dropped) {
      const at = indexOf(old);
      if (at === -1) continue;
      matched.splice(at, 1);
      if (old.kind === 'line') matchedLines--;
      nodes.delete(old.key);
      if (at < first - removedAbove) removedAbove++;
    }
    const q = needle();
    for (const item of added) {
      if (warnOnly && item.kind === 'line' && RANK[item.entry.level] > RANK.warn) continue;
      if (matches(item, q)) {
        matched.push(item);
        if (item.kind === 'line') matchedLines++;
      }
    }
    schedule();
  }

  // Subscribe first and fetch the buffer second; run + seq drop what arrives twice. The same again when a new
  // run of ccproxy shows up (a restart while this page stayed open) or the stream reconnects: lines written
  // meanwhile come from the runtime's buffer, and lines streamed during the fetch wait until then.
  let early: LogEntry[] = [];
  let syncing = true;
  let logsRequested = false;
  let run: string | null = null;
  let syncAgain = false;
  let streamOpen!: () => void;
  const opened = new Promise<void>((resolve) => {
    streamOpen = resolve;
    setTimeout(resolve, STREAM_WAIT_MS);
  });

  async function sync(initial: boolean): Promise<void> {
    syncing = true;
    if (initial) {
      const settings = await api.getSettings().catch(() => null);
      store.setLimit(Number(settings?.values['logging']?.['buffer_size'] ?? DEFAULT_LINES));
      await opened; // lines logged before the stream opened are in the buffer fetched now
    }
    let buffer: LogEntry[] = [];
    logsRequested = true;
    try {
      buffer = await api.getLogs();
    } catch (err) {
      toast(`Could not load the log: ${(err as Error).message}`, 'error');
    }
    const all = [...buffer, ...early].sort((a, b) => (a.run === b.run ? a.seq - b.seq : 0));
    early = [];
    syncing = false;
    for (const e of all) add(e);
    if (initial) stale = true;
    schedule();
    run = all.at(-1)?.run ?? run;
    if (syncAgain) {
      syncAgain = false;
      void sync(false);
    }
  }

  function onLog(e: LogEntry): void {
    if (syncing) return void early.push(e);
    if (run !== null && e.run !== run) {
      run = e.run;
      early.push(e);
      return void sync(false);
    }
    run = e.run;
    add(e);
  }

  api.on('log', onLog);
  // A status event comes with every (re)connect of the event stream, among other rare moments: lines logged
  // while the stream was down (ccproxy restarting, a network hiccup) are in the runtime's buffer, so fetch it.
  api.on('status', (s: RuntimeStatus) => {
    streamOpen();
    if (!s.run || s.state === 'error') return;
    if (syncing) syncAgain ||= logsRequested; // the stream may have reconnected after this fetch was sent
    else void sync(false);
  });

  scroller.addEventListener(
    'scroll',
    () => {
      // Read after the frame's own scroll, when the layout is clean: no forced layout.
      const wasAtEnd = atEnd;
      atEnd = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= STICKY_PX;
      if (wasAtEnd !== atEnd) vlist.followEnd(following());
    },
    { passive: true },
  );
  level.addEventListener('change', rebuild);
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(rebuild, 30);
  });
  pauseBtn.addEventListener('click', () => {
    snapshot = snapshot ? null : store.items();
    snapshotLines = snapshot ? snapshot.filter((i) => i.kind === 'line').length : 0;
    missed = 0;
    pauseBtn.setAttribute('aria-pressed', String(snapshot !== null));
    rebuild();
  });
  autoScroll.addEventListener('click', () => {
    setSwitch(autoScroll, !isSwitchOn(autoScroll));
    atEnd = true; // switching it on means "take me to the end"
    vlist.followEnd(following());
  });
  copyBtn.addEventListener('click', async () => {
    const lines = matched.filter((i) => i.kind === 'line');
    await copyText(lines.map(lineText).join('\n'));
    toast(`Copied ${lines.length} lines.`);
  });
  downloadBtn.addEventListener('click', () => {
    const items = snapshot ?? store.items();
    const blob = new Blob([items.map(lineText).join('\n') + '\n'], { type: 'text/plain;charset=utf-8' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `ccproxy-log-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`, class: 'offscreen' });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  });
  clearBtn.addEventListener('click', () => {
    store.clear();
    if (snapshot) snapshot = [];
    snapshotLines = 0;
    missed = 0;
    atEnd = true;
    rebuild();
  });

  void sync(true);
  return {
    root,
    show() {
      visible = true;
      vlist.setActive(true);
      vlist.followEnd(following());
      schedule();
    },
    hide() {
      visible = false;
      vlist.setActive(false);
    },
  };
}
