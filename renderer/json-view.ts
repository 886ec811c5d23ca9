// A small collapsible JSON viewer for the captured bodies. Hand-written on purpose: no JSON-viewer library is
// installed (and the page's CSP forbids inline styles most of them inject); native <details>/<summary> gives
// the collapsing, the keyboard and the screen-reader state for free, so this is only a tree of elements.
import { h } from './dom.js';

/** Objects and arrays deeper than this start closed, so a long conversation opens at its outline. */
const OPEN_DEPTH = 3;
/** Strings longer than this are cut on screen (the copy buttons and cURL use the full text). */
const LONG_STRING = 2000;

function scalar(value: unknown): HTMLElement {
  if (value === null) return h('span', { class: 'jv-null' }, 'null');
  if (typeof value === 'string') {
    const shown = value.length > LONG_STRING ? `${value.slice(0, LONG_STRING)}… (${value.length - LONG_STRING} more characters)` : value;
    return h('span', { class: 'jv-string' }, JSON.stringify(shown));
  }
  if (typeof value === 'number') return h('span', { class: 'jv-number' }, String(value));
  if (typeof value === 'boolean') return h('span', { class: 'jv-bool' }, String(value));
  return h('span', {}, String(value));
}

function node(key: string | null, value: unknown, depth: number): HTMLElement {
  const label = key === null ? null : h('span', { class: 'jv-key' }, `${key}: `);
  if (value === null || typeof value !== 'object') return h('div', { class: 'jv-row' }, label, scalar(value));
  const isArray = Array.isArray(value);
  const entries: Array<[string, unknown]> = isArray ? (value as unknown[]).map((v, i) => [String(i), v]) : Object.entries(value as object);
  const summaryText = isArray ? `[${entries.length} ${entries.length === 1 ? 'item' : 'items'}]` : `{${entries.length} ${entries.length === 1 ? 'key' : 'keys'}}`;
  if (entries.length === 0) return h('div', { class: 'jv-row' }, label, h('span', { class: 'jv-punct' }, isArray ? '[]' : '{}'));
  const details = h('details', { class: 'jv-node' }, h('summary', {}, label, h('span', { class: 'jv-punct' }, summaryText)));
  details.open = depth < OPEN_DEPTH;
  // Children are built when first opened: a 1 MiB body with thousands of nodes costs nothing until looked at.
  let built = false;
  const build = () => {
    if (built) return;
    built = true;
    details.append(h('div', { class: 'jv-children' }, ...entries.map(([k, v]) => node(k, v, depth + 1))));
  };
  if (details.open) build();
  details.addEventListener('toggle', build);
  return details;
}

/** The text as a JSON tree, or as plain preformatted text when it is not JSON (or was cut at 1 MiB). */
export function jsonView(text: string, label: string): HTMLElement {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return h('pre', { class: 'jv-raw', tabindex: '0', 'aria-label': label }, text);
  }
  return h('div', { class: 'json-view', role: 'group', 'aria-label': label }, node(null, value, 0));
}
