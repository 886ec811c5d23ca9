// What the detail pane adds from the history: "Copy as cURL" and the captured bodies (with [history]
// capture_bodies on), read with getRequestDetail when a request is opened. A streamed answer shows the
// message reassembled from its events, with the raw events behind a toggle.
import type { CcproxyApi, CapturedBody, RequestDetail, RequestRecord } from '../main/common/contract.js';
import { copyText, h, toast } from './dom.js';
import { curlCommand, KEY_VARIABLE } from './curl.js';
import { jsonView } from './json-view.js';

let endpoint: Promise<string> | null = null;
/** The proxy's address as the runtime gives it (the desktop's page is not served by the proxy). */
function proxyEndpoint(api: CcproxyApi): Promise<string> {
  endpoint ??= api.getStatus().then(
    (s) => s.endpoint || window.location.origin,
    () => window.location.origin,
  );
  return endpoint;
}

function bodyBlock(title: string, id: string, body: CapturedBody, content: HTMLElement): HTMLElement {
  return h(
    'div',
    { class: 'detail-block body-block', id },
    h('h3', { class: 'detail-title' }, title, body.truncated ? h('span', { class: 'body-cut' }, ' · cut at 1 MiB') : null),
    body.text === null ? h('p', { class: 'empty' }, 'No body.') : content,
  );
}

function responseBlock(detail: NonNullable<RequestDetail['bodies']>): HTMLElement {
  const raw = detail.response;
  if (detail.response_message === null || detail.response_message === undefined) {
    return bodyBlock('Response body', 'response-body', raw, jsonView(raw.text ?? '', 'Response body'));
  }
  // SSE: the final message first; the events as they came behind a toggle (often thousands of lines).
  const events = h('pre', { class: 'jv-raw', id: 'response-events', tabindex: '0', 'aria-label': 'Raw server-sent events', hidden: true }, raw.text ?? '');
  const toggle = h('button', { type: 'button', class: 'btn btn-small', id: 'response-events-toggle', 'aria-expanded': 'false', 'aria-controls': 'response-events' }, 'Show raw events');
  toggle.addEventListener('click', () => {
    events.hidden = !events.hidden;
    toggle.setAttribute('aria-expanded', String(!events.hidden));
    toggle.textContent = events.hidden ? 'Show raw events' : 'Hide raw events';
  });
  const message = jsonView(JSON.stringify(detail.response_message), 'Response message, reassembled from the stream');
  return bodyBlock('Response (reassembled from the stream)', 'response-body', raw, h('div', {}, message, toggle, events));
}

function curlBlock(api: CcproxyApi, r: RequestRecord, requestBody: string | null): HTMLElement {
  const reveal = h('input', { type: 'checkbox', id: 'curl-reveal' });
  const copy = h('button', { type: 'button', class: 'btn btn-small', id: 'copy-curl' }, 'Copy as cURL');
  const note = h('p', { class: 'muted curl-note', id: 'curl-note' });
  const showNote = () =>
    (note.textContent = reveal.checked
      ? `The key is read from ${KEY_VARIABLE} in your shell: ccproxy never stores keys, so it cannot show the real one.`
      : `The key stays masked as recorded. Tick "Reveal key" to use ${KEY_VARIABLE} from your shell instead.`);
  showNote();
  reveal.addEventListener('change', showNote);
  copy.addEventListener('click', async () => {
    const text = curlCommand({ endpoint: await proxyEndpoint(api), method: r.method, path: r.path, headers: r.request_headers, body: requestBody, revealKey: reveal.checked });
    copy.dataset.copied = text; // what was written, for anyone (and any test) that cannot read the clipboard
    await copyText(text);
    toast(requestBody === null ? 'Copied as cURL (without a body: bodies were not captured)' : 'Copied as cURL');
  });
  return h('div', { class: 'detail-block curl-block' }, h('div', { class: 'curl-actions' }, copy, h('label', { class: 'inline-label', for: 'curl-reveal' }, reveal, 'Reveal key')), note);
}

/** The section below the record's fields: filled when the detail answers (a live record may not be stored yet). */
export function requestBodies(api: CcproxyApi, r: RequestRecord): HTMLElement {
  const section = h('div', { class: 'request-bodies', id: 'request-bodies', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading the bodies…'));
  api.getRequestDetail({ id: r.id }).then(
    (detail) => {
      const bodies = detail?.bodies ?? null;
      section.removeAttribute('aria-busy');
      section.replaceChildren(
        curlBlock(api, r, bodies?.request.text ?? null),
        bodies
          ? h('div', {}, bodyBlock('Request body', 'request-body', bodies.request, jsonView(bodies.request.text ?? '', 'Request body')), responseBlock(bodies))
          : h('p', { class: 'empty', id: 'bodies-not-captured' }, 'Bodies not captured. Turn on [history] capture_bodies in Settings to keep them (secrets redacted, up to 1 MiB each) for new requests.'),
      );
    },
    (err: Error) => {
      section.removeAttribute('aria-busy');
      section.replaceChildren(curlBlock(api, r, null), h('p', { class: 'empty' }, `Could not read the bodies: ${err.message}`));
    },
  );
  return section;
}
