// The live log: the runtime's ring buffer, then each new line as it is logged. The last 1000 lines are kept;
// level and text filters, pause and auto-scroll. Reuse lines are highlighted: they show the pool working.
import type { CcproxyApi, LogEntry, LogLevel } from '../main/common/contract.js';
import { copyText, fmt, h, isSwitchOn, setSwitch, switchButton, toast } from './dom.js';

const MAX_LINES = 1000;
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
const REUSE = 'Reusing existing connection';

export interface LogsPanel {
  root: HTMLElement;
  show(): void;
}

export function createLogsView(api: CcproxyApi): LogsPanel {
  const level = h(
    'select',
    { id: 'log-level' },
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
      h('label', { class: 'inline-label' }, 'Level', level),
      search,
      pauseBtn,
      h('span', { class: 'inline-label' }, h('label', { for: 'log-autoscroll' }, 'Auto-scroll'), autoScroll),
      copyBtn,
      count,
    ),
    scroller,
  );

  const entries: LogEntry[] = [];
  const rendered = new Map<number, HTMLLIElement>();
  let lastSeq = 0;
  let paused = false;
  let missed = 0;

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

  function lineNode(e: LogEntry, q: string): HTMLLIElement {
    const li = h(
      'li',
      { class: `log-line lvl-${e.level}${e.message.includes(REUSE) ? ' is-reuse' : ''}`, 'data-seq': e.seq },
      h('time', { class: 'log-time', datetime: e.time }, fmt.clock(e.time)),
      h('span', { class: 'log-level' }, e.level.toUpperCase()),
      messageNode(e.message, q),
    );
    rendered.set(e.seq, li);
    return li;
  }

  function updateCount(): void {
    const shown = rendered.size;
    count.textContent = shown === entries.length ? `${entries.length} lines` : `${shown} of ${entries.length} lines`;
    empty.hidden = shown > 0 || entries.length === 0;
    pauseBtn.textContent = paused ? (missed ? `Resume (${missed} new)` : 'Resume') : 'Pause';
  }

  function scrollToEnd(): void {
    if (isSwitchOn(autoScroll)) scroller.scrollTop = scroller.scrollHeight;
  }

  function renderAll(): void {
    const q = needle();
    rendered.clear();
    list.replaceChildren(...entries.filter((e) => matches(e, q)).map((e) => lineNode(e, q)));
    missed = 0;
    updateCount();
    scrollToEnd();
  }

  /** Keeps the line (dropping the oldest past MAX_LINES); false when it was already there. */
  function store(e: LogEntry): boolean {
    if (e.seq <= lastSeq) return false; // the initial fetch and the stream overlap
    lastSeq = e.seq;
    entries.push(e);
    while (entries.length > MAX_LINES) {
      const old = entries.shift()!;
      rendered.get(old.seq)?.remove();
      rendered.delete(old.seq);
    }
    return true;
  }

  function add(e: LogEntry): void {
    if (!store(e)) return;
    if (paused) {
      missed++;
      return updateCount();
    }
    const q = needle();
    if (matches(e, q)) list.appendChild(lineNode(e, q));
    updateCount();
    scrollToEnd();
  }

  // Subscribe first and fetch the buffer second; sequence numbers drop what arrives twice.
  const early: LogEntry[] = [];
  let loaded = false;
  api.on('log', (e) => (loaded ? add(e) : early.push(e)));
  api.getLogs().then(
    (buffer) => {
      for (const e of [...buffer, ...early].sort((a, b) => a.seq - b.seq)) store(e);
      loaded = true;
      renderAll();
    },
    (err: Error) => toast(`Could not load the log: ${err.message}`, 'error'),
  );

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
    scrollToEnd();
  });
  copyBtn.addEventListener('click', async () => {
    const text = entries
      .filter((e) => rendered.has(e.seq))
      .map((e) => `${e.time} ${e.level.toUpperCase()} ${e.message}`)
      .join('\n');
    await copyText(text);
    toast(`Copied ${rendered.size} lines.`);
  });

  return { root, show: scrollToEnd };
}
