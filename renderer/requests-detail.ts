// The detail pane of one request: every field of its record, its timings as a small timeline (queued →
// connection → first byte → done), the headers (masked by the runtime before they ever reach the UI), usage
// and the error, if any.
import type { RequestRecord } from '../main/common/contract.js';
import { fmt, h } from './dom.js';
import { connectionCell, modelText, outputUnknown, statusBadge } from './requests-format.js';
import { isInFlight } from './requests-store.js';

interface Segment {
  key: string;
  label: string;
  from: number;
  to: number;
}

/** The four phases, each from the end of the one before; a missing mark (a request that failed early) collapses its phase. */
function segments(r: RequestRecord): Segment[] {
  const queued = r.acquire_wait_ms ?? 0;
  const sent = Math.max(queued, r.sent_ms ?? queued);
  const first = Math.max(sent, r.ttfb_ms ?? sent);
  const done = Math.max(first, r.duration_ms ?? first);
  return [
    { key: 'queued', label: 'Queued for a connection', from: 0, to: queued },
    { key: 'sent', label: 'Connection and request sent', from: queued, to: sent },
    { key: 'ttfb', label: 'Waiting for the first byte', from: sent, to: first },
    { key: 'body', label: 'Answer streaming until done', from: first, to: done },
  ];
}

function timeline(r: RequestRecord): HTMLElement {
  const parts = segments(r);
  const total = parts[parts.length - 1]!.to;
  const bar = h('div', { class: 'timeline-bar', role: 'img', 'aria-label': parts.map((p) => `${p.label} ${fmt.ms(p.to - p.from)}`).join(', ') });
  for (const p of parts) {
    const seg = h('span', { class: `tl-seg tl-${p.key}` });
    // CSSOM (not a style attribute), so the page's CSP without 'unsafe-inline' allows it.
    seg.style.flexGrow = String(total > 0 ? (p.to - p.from) / total : 0);
    bar.appendChild(seg);
  }
  const marks = h(
    'ol',
    { class: 'timeline-marks' },
    h('li', {}, h('span', { class: 'tl-key tl-queued' }), 'Queued ', h('b', {}, fmt.ms(r.acquire_wait_ms))),
    h('li', {}, h('span', { class: 'tl-key tl-sent' }), 'Sent ', h('b', {}, fmt.ms(r.sent_ms))),
    h('li', {}, h('span', { class: 'tl-key tl-ttfb' }), 'First byte ', h('b', {}, fmt.ms(r.ttfb_ms))),
    h('li', {}, h('span', { class: 'tl-key tl-body' }), 'Done ', h('b', {}, isInFlight(r) ? 'in flight' : fmt.ms(r.duration_ms))),
  );
  return h('div', { class: 'timeline', id: 'request-timeline' }, bar, marks);
}

function fields(rows: Array<[string, string | Node | Array<string | Node>]>): HTMLElement {
  const dl = h('dl', { class: 'detail-fields' });
  for (const [name, value] of rows) {
    const dd = h('dd', { 'data-field': name });
    dd.append(...(Array.isArray(value) ? value : [value]));
    dl.append(h('dt', {}, name), dd);
  }
  return dl;
}

function headerTable(title: string, id: string, lines: Array<[string, string]>): HTMLElement {
  if (lines.length === 0) return h('div', { class: 'detail-block' }, h('h3', { class: 'detail-title' }, title), h('p', { class: 'empty' }, 'None recorded.'));
  return h(
    'div',
    { class: 'detail-block' },
    h('h3', { class: 'detail-title' }, title),
    h('table', { class: 'header-table', id }, h('tbody', {}, ...lines.map(([name, value]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, value))))),
  );
}

const text = (v: string | null | undefined) => v ?? '–';

export function renderDetail(r: RequestRecord, onClose: () => void): HTMLElement {
  const close = h('button', { type: 'button', class: 'btn btn-small', id: 'request-detail-close', 'aria-label': 'Close request details' }, 'Close');
  close.addEventListener('click', onClose);
  const u = r.usage;
  return h(
    'div',
    { class: 'detail-inner' },
    h('div', { class: 'detail-head' }, h('h2', { class: 'detail-heading' }, `${r.method} ${r.path}`), statusBadge(r), close),
    r.error_type || r.error_message
      ? h('p', { class: 'detail-error', id: 'request-error' }, h('b', {}, text(r.error_type)), r.error_message ? `: ${r.error_message}` : '')
      : null,
    h('h3', { class: 'detail-title' }, 'Timing'),
    timeline(r),
    fields([
      ['Started', fmt.clock(r.started_at)],
      ['ID', h('code', {}, r.id)],
      ['Route', r.route === 'openai' ? 'OpenAI-compatible' : r.route === 'responses' ? 'OpenAI Responses' : 'Anthropic'],
      ['Model', modelText(r)],
      ['Stream', r.stream ? 'yes (SSE)' : 'no'],
      ['Duration', isInFlight(r) ? 'in flight' : fmt.ms(r.duration_ms)],
      ['First byte', fmt.ms(r.ttfb_ms)],
      ['Acquire wait', fmt.ms(r.acquire_wait_ms)],
      ['Connection', connectionCell(r)],
      ['Upstream request-id', r.request_id ? h('code', {}, r.request_id) : '–'],
      ['Stop reason', text(r.stop_reason)],
      ['Client', text(r.client)],
    ]),
    h('h3', { class: 'detail-title' }, 'Usage'),
    u
      ? fields([
          ['Input tokens', fmt.int(u.input_tokens)],
          ['Output tokens', outputUnknown(r) ? 'unknown (the answer was cut off)' : fmt.int(u.output_tokens)],
          ['Cache write', fmt.int(u.cache_creation_input_tokens)],
          ['Cache read', fmt.int(u.cache_read_input_tokens)],
        ])
      : h('p', { class: 'empty' }, isInFlight(r) ? 'Not known until the answer ends.' : 'No usage in this answer.'),
    headerTable('Request headers', 'request-headers', r.request_headers),
    headerTable('Response headers', 'response-headers', r.response_headers),
  );
}
