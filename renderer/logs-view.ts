// The live log: the runtime's ring buffer, then each new line as it is logged, as many as [logging] buffer_size.
// Level and text filters, pause (the list stays as it was; new lines wait) and auto-scroll that follows the end
// only while the reader is there. A restart of ccproxy (a new run) is marked, not mistaken for old lines.
import type { CcproxyApi, LogEntry, LogLevel, RuntimeStatus } from '../main/common/contract.js';
import { copyText, fmt, h, isSwitchOn, setSwitch, switchButton, toast } from './dom.js';
import { LogStore, type LogItem } from './logs-store.js';

/** Until the settings say otherwise: the default of [logging] buffer_size. */
const DEFAULT_LINES = 1000;
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
const REUSE = 'Reusing existing connection';
/** How close to the end counts as "at the end" (a pixel or two of rounding, a line being added). */
const STICKY_PX = 24;

export interface LogsPanel {
  root: HTMLElement;
  show(): void;
}

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
      count,
    ),
    scroller,
  );

  const store = new LogStore(DEFAULT_LINES);
  const rendered = new Map<string, HTMLLIElement>();
  let paused = false;
  let missed = 0;
  let atEnd = true;

  const needle = () => search.value.trim().toLowerCase();
  const matches = (e: LogEntry, q: string) => RANK[e.level] <= RANK[level.value as LogLevel] && (!q || e.message.toLowerCase().includes(q));

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

  function itemNode(item: LogItem, q: string): HTMLLIElement | null {
    let li: HTMLLIElement;
    if (item.kind === 'restart') {
      li = h('li', { class: 'log-restart', 'data-run': item.run }, h('time', { class: 'log-time', datetime: item.time }, fmt.clock(item.time)), h('span', {}, `ccproxy started again (run ${item.run}); the lines below are from the new run.`));
    } else {
      const e = item.entry;
      if (!matches(e, q)) return null;
      li = h(
        'li',
        { class: `log-line lvl-${e.level}${e.message.includes(REUSE) ? ' is-reuse' : ''}`, 'data-seq': e.seq, 'data-run': e.run },
        h('time', { class: 'log-time', datetime: e.time }, fmt.clock(e.time)),
        h('span', { class: 'log-level' }, e.level.toUpperCase()),
        messageNode(e.message, q),
      );
    }
    rendered.set(item.key, li);
    return li;
  }

  function updateCount(): void {
    const shown = list.querySelectorAll('.log-line').length;
    const total = store.lines;
    count.textContent = shown === total ? `${total} lines` : `${shown} of ${total} lines`;
    empty.hidden = shown > 0 || total === 0;
    pauseBtn.textContent = paused ? (missed ? `Resume (${missed} new)` : 'Resume') : 'Pause';
  }

  function scrollToEnd(): void {
    if (isSwitchOn(autoScroll) && atEnd) scroller.scrollTop = scroller.scrollHeight;
  }

  function renderAll(): void {
    const q = needle();
    rendered.clear();
    list.replaceChildren(...store.items.map((i) => itemNode(i, q)).filter((n): n is HTMLLIElement => n !== null));
    missed = 0;
    updateCount();
    scrollToEnd();
  }

  function add(e: LogEntry): void {
    const { added, dropped } = store.add(e);
    if (!added.length) return;
    if (paused) {
      // The list on screen stays exactly as it was when paused; the store moves on and Resume redraws it.
      missed++;
      return updateCount();
    }
    for (const old of dropped) {
      rendered.get(old.key)?.remove();
      rendered.delete(old.key);
    }
    const q = needle();
    for (const item of added) {
      const node = itemNode(item, q);
      if (node) list.appendChild(node);
    }
    updateCount();
    scrollToEnd();
  }

  // Subscribe first and fetch the buffer second; run + seq drop what arrives twice. The same again when a new
  // run of ccproxy shows up (a restart while this page stayed open) or the stream reconnects: lines written
  // meanwhile come from the runtime's buffer, and lines streamed during the fetch wait until then.
  let early: LogEntry[] = [];
  let syncing = true;
  let run: string | null = null;
  let syncAgain = false;

  async function sync(initial: boolean): Promise<void> {
    syncing = true;
    if (initial) {
      const settings = await api.getSettings().catch(() => null);
      store.setLimit(Number(settings?.values['logging']?.['buffer_size'] ?? DEFAULT_LINES));
    }
    let buffer: LogEntry[] = [];
    try {
      buffer = await api.getLogs();
    } catch (err) {
      toast(`Could not load the log: ${(err as Error).message}`, 'error');
    }
    const all = [...buffer, ...early].sort((a, b) => (a.run === b.run ? a.seq - b.seq : 0));
    early = [];
    syncing = false;
    if (initial) {
      for (const e of all) store.add(e);
      renderAll();
    } else for (const e of all) add(e);
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
    if (!s.run || s.state === 'error') return;
    if (syncing) syncAgain = true; // the stream may have reconnected after this fetch was sent
    else void sync(false);
  });

  scroller.addEventListener('scroll', () => {
    atEnd = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= STICKY_PX;
  });
  level.addEventListener('change', renderAll);
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(renderAll, 120);
  });
  pauseBtn.addEventListener('click', () => {
    paused = !paused;
    pauseBtn.setAttribute('aria-pressed', String(paused));
    if (paused) updateCount();
    else renderAll();
  });
  autoScroll.addEventListener('click', () => {
    setSwitch(autoScroll, !isSwitchOn(autoScroll));
    atEnd = true; // switching it on means "take me to the end"
    scrollToEnd();
  });
  copyBtn.addEventListener('click', async () => {
    const lines = store.items.filter((i) => i.kind === 'line' && rendered.get(i.key)?.isConnected);
    const text = lines.map((i) => (i.kind === 'line' ? `${i.entry.time} ${i.entry.level.toUpperCase()} ${i.entry.message}` : '')).join('\n');
    await copyText(text);
    toast(`Copied ${lines.length} lines.`);
  });

  void sync(true);
  return { root, show: scrollToEnd };
}
